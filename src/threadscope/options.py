"""Where threads come from, as one options object (``SourceOptions``) and as keyword arguments (``SourceArgs``).

A module of its own, importing nothing heavy, so the command line can
declare its options from it without loading the sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict


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
