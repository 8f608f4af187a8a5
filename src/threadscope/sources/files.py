"""Saved threads on disk: the file's suffix says what it holds.

| suffix   | what it is                                          |
|----------|-----------------------------------------------------|
| `.json`  | a saved HN Algolia ``items`` response (an object), or   |
|          | official HN (Firebase) API items (an array)             |
| `.html`  | a saved HN item page                                    |
| `.txt`   | a pasted discussion: blank-line-separated posts         |
| `.jsonl` | twarc2 output (X API v2 response pages), Twitter API    |
|          | v1.1 tweets (twarc1, PHEME), or HN Firebase items: told |
|          | apart by the first line                                 |
| `.js`    | an X account archive (``tweets.js``)                    |
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from threadscope.errors import FileFormatError
from threadscope.model import Post, Thread
from threadscope.sources import untrusted
from threadscope.text import plain_to_text

SUFFIXES = (".json", ".html", ".htm", ".txt", ".jsonl", ".js")

# An HN page copied from a browser starts with the site's menu and the story
# line, and ends with its footer; they are not posts.
_HN_MENU = re.compile(r"^Hacker News\s+new \| past \|")
_HN_STORY = re.compile(r"^(?P<title>.+)\n(?P<points>\d+) points? by (?P<author>\S+) on (?P<date>.+?) \|", re.M)
_HN_FOOTER = re.compile(r"^Guidelines \| FAQ \|")


def looks_like_path(spec: str) -> bool:
    """Whether a spec names a file rather than an id or URL."""
    return "://" not in spec and (spec.lower().endswith(SUFFIXES) or "/" in spec or "\\" in spec or Path(spec).exists())


def load_file(path: Path, *, conversation: str | None = None) -> Thread:
    """Read a saved thread.

    Raises:
        FileFormatError: unknown suffix, unreadable, empty or malformed file.

    """
    if not path.exists():
        raise FileFormatError(f"{path}: no such file")
    suffix = path.suffix.lower()
    readers: dict[str, Callable[[Path, str], Thread]] = {
        ".json": _read_items_json,
        ".html": _read_page,
        ".htm": _read_page,
        ".txt": _read_text,
    }
    if suffix == ".jsonl":
        return _read_json_lines(path, _read(path), conversation)
    if suffix == ".js":
        from threadscope.sources import x_files

        return x_files.read_archive(path, _read(path), conversation=conversation)
    if suffix not in readers:
        raise FileFormatError(
            f"{path}: unknown file type {suffix or '(none)'}; threadscope reads " + ", ".join(SUFFIXES)
        )
    return readers[suffix](path, _read(path))


def _read(path: Path) -> str:
    if not path.is_file():
        raise FileFormatError(f"{path}: no such file")
    try:
        size = path.stat().st_size
        if size > untrusted.MAX_BYTES:
            limit = untrusted.MAX_BYTES // 2**20
            raise FileFormatError(f"{path} is {size / 2**20:,.0f} MiB; threadscope reads files of at most {limit} MiB")
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise FileFormatError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise FileFormatError(f"{path}: cannot be read ({exc.strerror})") from None
    if not text.strip():
        raise FileFormatError(f"{path}: the file is empty")
    return text


def _fetched_at(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)


def _read_items_json(path: Path, text: str) -> Thread:
    from threadscope.sources import hn_firebase
    from threadscope.sources.hn import parse_item

    data = untrusted.loads(text, str(path))
    if isinstance(data, list) and hn_firebase.looks_like_items(data):
        return hn_firebase.parse_items(data, source_name=str(path), fetched_at=_fetched_at(path))
    return parse_item(data, fetched_at=_fetched_at(path), source_name=str(path))


def _read_json_lines(path: Path, text: str, conversation: str | None) -> Thread:
    """twarc2 pages, v1.1 tweets or HN Firebase items, told apart by the first line."""
    from threadscope.sources import hn_firebase, x_files, x_v1

    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    number, line = lines[0]
    first = untrusted.loads(line, f"{path}: line {number}")
    if x_v1.looks_like_v1(first):
        tweets = [untrusted.loads(line, f"{path}: line {n}") for n, line in lines]
        return x_v1.read_v1(path, tweets, conversation=conversation)
    if hn_firebase.looks_like_items([first]):
        items = [untrusted.loads(line, f"{path}: line {n}") for n, line in lines]
        return hn_firebase.parse_items(items, source_name=str(path), fetched_at=_fetched_at(path))
    return x_files.read_twarc(path, text, conversation=conversation)


def _read_page(path: Path, text: str) -> Thread:
    from threadscope.sources.hn_page import parse_page

    thread = parse_page(text, source_name=str(path))
    thread.fetched_at = _fetched_at(path)
    return thread


def _read_text(path: Path, text: str) -> Thread:
    return parse_text(text, name=path.stem, fetched_at=_fetched_at(path))


def parse_text(text: str, *, name: str, fetched_at: datetime | None = None) -> Thread:
    """A pasted discussion: each blank-line-separated block is a post; no reply structure.

    A copied HN page is recognised: its menu, story line and footer are dropped
    and its title is kept.
    """
    blocks = [b.strip() for b in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n"))]
    blocks = [b for b in blocks if b]
    title = None
    if blocks and _HN_MENU.match(blocks[0]):
        story = _HN_STORY.search(blocks[0])
        title = story["title"].strip() if story else None
        blocks = blocks[1:]
    if blocks and _HN_FOOTER.match(blocks[-1]):
        blocks = blocks[:-1]
    if not blocks:
        raise FileFormatError(f"{name}: no posts found (posts are blocks separated by blank lines)")
    if title is None and len(blocks[0]) <= 120 and "\n" not in blocks[0] and len(blocks) > 1:
        title, blocks = blocks[0], blocks[1:]
    thread_id = _slug(name)
    root = Post(id=thread_id, parent_id=None, text=title or "", own_text=title or "")
    replies = []
    for i, block in enumerate(blocks, 1):
        words = plain_to_text(block)
        replies.append(Post(id=f"{thread_id}-{i}", parent_id=thread_id, text=words.text, own_text=words.own_text))
    return Thread.build(
        source="text",
        id=thread_id,
        root=root,
        replies=replies,
        title=title or name,
        fetched_at=fetched_at,
        structured=False,
        notes=["a pasted discussion: no authors, timestamps or reply structure"],
    )


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.") or "pasted"
