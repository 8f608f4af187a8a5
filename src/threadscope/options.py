"""Where threads come from (``SourceOptions``, ``SourceArgs``) and how to analyse them (``AnalysisArgs``).

A module of its own, importing nothing heavy, so the command line can
declare its options from it without loading the sources.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

if TYPE_CHECKING:
    from threadscope.analysis.embed import Embedder
    from threadscope.pipeline import Progress


@dataclass(frozen=True)
class SourceOptions:
    """How to reach a source.

    Attributes:
        data_dir: the cache folder; ``THREADSCOPE_DATA_DIR`` or ``data/`` when ``None``.
        offline: never touch the network.
        refresh: refetch even what the cache holds.
        subtree: given a comment, keep only its replies.
        conversation: which conversation of a multi-conversation file to read.
        x_full_archive: use X's full-archive search instead of the 7-day one.
        max_posts: the most posts an X fetch may read (X bills per post).

    """

    data_dir: Path | None = None
    offline: bool = False
    refresh: bool = False
    subtree: bool = False
    conversation: str | None = None
    x_full_archive: bool = False
    max_posts: int = 2000


class SourceArgs(TypedDict, total=False):
    """``SourceOptions`` as the keyword arguments of ``load_thread``, ``analyze`` and ``compare``.

    Declared once here, for every function that loads threads (``**source: Unpack[SourceArgs]``);
    ``data_dir`` may also be a string.
    """

    data_dir: Path | str | None
    offline: bool
    refresh: bool
    subtree: bool
    conversation: str | None
    x_full_archive: bool
    max_posts: int


class AnalysisArgs(SourceArgs, total=False):
    """The keyword arguments of ``analyze`` and ``compare``: how to analyse, and where threads come from.

    Declared once here (``**options: Unpack[AnalysisArgs]``); ``api.analysis_options`` checks them.

    Attributes:
        themes: guided theme names, as ``"a, b"`` or a list.
        model: a sentence-transformers model name or path instead of the packaged all-MiniLM-L6-v2.
        embedder: an embedder to use instead (tests pass a fake one).
        tone: ``"model"`` (the trained tone model, the default) or ``"vader"`` (VADER's compound score).
        seed: the seed of every random step (42 by default); the same seed gives the same results.
        progress: called as ``progress(stage, done, total)``.

    """

    themes: str | Sequence[str] | None
    model: str | None
    embedder: Embedder | None
    tone: str
    seed: int
    progress: Progress | None
