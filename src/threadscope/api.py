"""The library's front door: load a thread, analyse it, compare threads.

The CLI is a thin layer over these functions; a notebook calls them directly.
"""

from __future__ import annotations

from pathlib import Path

from threadscope.model import Thread
from threadscope.sources import SourceOptions
from threadscope.sources import load as _load


def load_thread(
    spec: str | Thread,
    *,
    data_dir: Path | str | None = None,
    offline: bool = False,
    refresh: bool = False,
    subtree: bool = False,
    conversation: str | None = None,
    x_full_archive: bool = False,
    max_posts: int = 2000,
) -> Thread:
    """The thread a spec names (see DESIGN.md for the specs); a Thread passes through."""
    if isinstance(spec, Thread):
        return spec
    options = SourceOptions(
        data_dir=Path(data_dir) if data_dir is not None else None,
        offline=offline,
        refresh=refresh,
        subtree=subtree,
        conversation=conversation,
        x_full_archive=x_full_archive,
        max_posts=max_posts,
    )
    return _load(str(spec), options)


def analyze(spec: str | Thread, **kwargs: object) -> object:
    """Analyse a thread (being written)."""
    raise NotImplementedError


def compare(specs: list[str | Thread], **kwargs: object) -> object:
    """Compare threads (being written)."""
    raise NotImplementedError
