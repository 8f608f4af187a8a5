"""HN items from the official Hacker News (Firebase) API, saved as a JSON array or JSON lines.

Each item is flat (``id``, ``by``, ``parent``, ``kids``, ``text``, ``time``,
``type``, ``deleted``, ``dead``); the tree comes from ``parent``, and siblings
keep the order of their parent's ``kids`` (HN's ranking). The root is the
story (or poll, job) of the file; an item whose parent is not in the file
hangs from it, flagged orphaned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from threadscope.errors import FileFormatError
from threadscope.model import Post, Thread, parse_timestamp
from threadscope.sources.hn import ROOT_TYPES, SITE, permalink
from threadscope.text import html_to_text

#: Fields that tell a Firebase item from other JSON objects.
MARKERS = frozenset({"by", "kids", "parent", "descendants"})


def looks_like_items(data: Any) -> bool:
    """Whether ``data`` is a list of Firebase HN items (rather than, say, tweets)."""
    if not isinstance(data, list) or not data:
        return False
    first = data[0]
    return isinstance(first, Mapping) and "id" in first and bool(MARKERS & first.keys()) and "id_str" not in first


def parse_items(items: Sequence[Any], *, source_name: str, fetched_at: datetime | None = None) -> Thread:
    """Build a Thread from Firebase items (checked by ``untrusted`` already).

    Raises:
        FileFormatError: no items, an item without an id, or no story to hang the thread from.

    """
    by_id: dict[str, Mapping[str, Any]] = {}
    for number, item in enumerate(items, 1):
        if not isinstance(item, Mapping) or item.get("id") is None:
            raise FileFormatError(f"{source_name}: item {number} is not an HN item with an id")
        by_id.setdefault(str(item["id"]), item)
    if not by_id:
        raise FileFormatError(f"{source_name}: holds no HN items")
    root = _root(by_id, source_name)
    rank = {str(kid): n for item in by_id.values() for n, kid in enumerate(item.get("kids") or [])}
    replies = sorted((i for k, i in by_id.items() if k != str(root["id"])), key=lambda i: rank.get(str(i["id"]), 10**9))
    title = root.get("title") or f"Comment {root['id']} by {root.get('by') or '[deleted]'}"
    return Thread.build(
        source="hn",
        id=str(root["id"]),
        root=_post(root, None),
        replies=[_post(item, _parent(item)) for item in replies],
        title=title,
        url=root.get("url") or None,
        permalink=permalink(root["id"]),
        fetched_at=fetched_at,
    )


def _root(by_id: Mapping[str, Mapping[str, Any]], source_name: str) -> Mapping[str, Any]:
    """The story of the file; else the one item whose parent is not in the file."""
    stories = [i for i in by_id.values() if i.get("type") in ROOT_TYPES]
    if len(stories) > 1:
        raise FileFormatError(f"{source_name}: holds {len(stories)} stories; save one thread per file")
    if stories:
        return stories[0]
    tops = [i for i in by_id.values() if _parent(i) not in by_id]
    if len(tops) != 1:
        raise FileFormatError(f"{source_name}: no story, and {len(tops)} items without a parent in the file")
    return tops[0]


def _parent(item: Mapping[str, Any]) -> str | None:
    parent = item.get("parent")
    return None if parent is None else str(parent)


def _post(item: Mapping[str, Any], parent_id: str | None) -> Post:
    gone = bool(item.get("deleted"))  # dead items keep their words, as Algolia's reader keeps them
    html = "" if gone else str(item.get("text") or "")
    words = html_to_text(html, SITE)
    score = item.get("score")
    return Post(
        id=str(item["id"]),
        parent_id=parent_id,
        author=None if gone else item.get("by"),
        created_at=parse_timestamp(item.get("time")),
        text_html=html,
        text=words.text,
        own_text=words.own_text,
        deleted=gone or (item.get("by") is None and not html),
        permalink=permalink(item["id"]),
        score=score if isinstance(score, int) else None,
    )
