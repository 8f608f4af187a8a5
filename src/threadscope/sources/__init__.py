"""Sources turn a thread spec into a Thread; they know nothing of analysis.

``load(spec, options)`` is the one entry point: ``resolve`` offers the spec to
each source of ``SOURCES`` in turn (an X id or URL, an HN id or URL, a saved
file), and the first that claims it loads it. Adding a source is one class
with ``parse_spec`` and ``load``, and one line in ``SOURCES``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from threadscope.cache import Cache
from threadscope.errors import SpecError
from threadscope.model import Thread
from threadscope.options import SourceOptions
from threadscope.sources import files, hn


class Source(Protocol):
    """What every source does: say whether a spec is its own, and load the thread it names.

    ``name`` is the source's key in results (``hn``, ``x``) or ``file``.
    """

    name: str

    def parse_spec(self, spec: str) -> str | None:
        """The key this source reads from ``spec`` (an id, a resolved path), ``None`` when the spec is not its own.

        Raises:
            SpecError: the spec is this source's but malformed (an HN link without an id).

        """

    def load(self, key: str, options: SourceOptions) -> Thread:
        """The thread ``key`` names."""


class _XSource:
    name = "x"

    def parse_spec(self, spec: str) -> str | None:
        from threadscope.sources import x

        return x.parse_spec(spec)

    def load(self, key: str, options: SourceOptions) -> Thread:
        from threadscope.sources import x_api

        return x_api.load(key, options, Cache(options.data_dir))


class _HNSource:
    name = "hn"

    def parse_spec(self, spec: str) -> str | None:
        return hn.parse_spec(spec)

    def load(self, key: str, options: SourceOptions) -> Thread:
        source = hn.HackerNews(Cache(options.data_dir), offline=options.offline, refresh=options.refresh)
        return source.thread(key, subtree=options.subtree)


class _FileSource:
    name = "file"

    def parse_spec(self, spec: str) -> str | None:
        return str(Path(spec).expanduser()) if files.looks_like_path(spec) else None  # messages name it as given

    def load(self, key: str, options: SourceOptions) -> Thread:
        if options.subtree:
            raise SpecError("--subtree needs an HN comment id, not a file")
        return files.load_file(Path(key), conversation=options.conversation)


#: Every source, in the order a spec is offered to them: links and prefixed ids
#: before bare ids, and anything that looks like a path last.
SOURCES: tuple[Source, ...] = (_XSource(), _HNSource(), _FileSource())


def resolve(spec: str) -> tuple[Source, str]:
    """The source that reads ``spec``, and its key.

    Raises:
        SpecError: the spec is none threadscope knows, or malformed for its source.

    """
    spec = spec.strip()
    if not spec:
        raise SpecError("empty thread spec; give an HN id like 24330326, an x: id, a URL or a file")
    for source in SOURCES:
        key = source.parse_spec(spec)
        if key is not None:
            return source, key
    raise SpecError(
        f"{spec!r} is not a thread spec: give an HN id (24330326), hn:<id>, an HN or X link, "
        "x:<tweet id>, or a saved .json/.html/.txt/.jsonl/.js file"
    )


def load(spec: str, options: SourceOptions | None = None) -> Thread:
    """The thread a spec names.

    Raises:
        SpecError: the spec is none threadscope knows.
        ThreadscopeError: whatever the chosen source raises.

    """
    source, key = resolve(spec)
    return source.load(key, options or SourceOptions())
