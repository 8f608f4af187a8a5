"""Sources turn a thread spec into a Thread; they know nothing of analysis.

``load(spec, options)`` is the one entry point: it decides from the spec which
source reads it (an HN id or URL, an X id or URL, a saved file).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from threadscope.cache import Cache
from threadscope.errors import SpecError
from threadscope.model import Thread
from threadscope.sources import files, hn


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


def load(spec: str, options: SourceOptions | None = None) -> Thread:
    """The thread a spec names.

    Raises:
        SpecError: the spec is none threadscope knows.
        ThreadscopeError: whatever the chosen source raises.

    """
    options = options or SourceOptions()
    spec = spec.strip()
    if not spec:
        raise SpecError("empty thread spec; give an HN id like 24330326, an x: id, a URL or a file")
    from threadscope.sources import x

    tweet_id = x.parse_spec(spec)
    if tweet_id is not None:
        return x.load(tweet_id, options, Cache(options.data_dir))
    item_id = hn.parse_spec(spec)
    if item_id is not None:
        source = hn.HackerNews(Cache(options.data_dir), offline=options.offline, refresh=options.refresh)
        return source.thread(item_id, subtree=options.subtree)
    if files.looks_like_path(spec):
        if options.subtree:
            raise SpecError("--subtree needs an HN comment id, not a file")
        return files.load_file(Path(spec), conversation=options.conversation)
    raise SpecError(
        f"{spec!r} is not a thread spec: give an HN id (24330326), hn:<id>, an HN or X link, "
        "x:<tweet id>, or a saved .json/.html/.txt/.jsonl/.js file"
    )
