"""Twitter API v1.1 tweets, one per line: what twarc1 wrote, and what PHEME and RumourEval ship.

The tree comes from ``in_reply_to_status_id``; retweets are left out. A file
may hold several conversations: each tweet whose parent is not in the file
starts one, and ``--conversation`` picks it (by the id of any of its
tweets); without it, the largest is read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from threadscope.errors import FileFormatError, InputError
from threadscope.model import Post, Thread
from threadscope.sources.x import thread_title, tweet_post, v1_time


def looks_like_v1(item: Any) -> bool:
    """Whether a decoded line is a v1.1 tweet (``id_str`` and a ``user`` object) rather than a v2 page."""
    return isinstance(item, Mapping) and "id_str" in item and isinstance(item.get("user"), Mapping)


def read_v1(path: Path, tweets: list[Mapping[str, Any]], *, conversation: str | None = None) -> Thread:
    """One conversation from v1.1 tweets (each line already decoded and checked by ``untrusted``).

    Raises:
        FileFormatError: a line that is not a v1.1 tweet.
        InputError: ``conversation`` names no tweet in the file.

    """
    by_id: dict[str, Mapping[str, Any]] = {}
    for number, tweet in enumerate(tweets, 1):
        if not looks_like_v1(tweet):
            raise FileFormatError(f"{path}: line {number} is not a Twitter API v1.1 tweet (id_str and user)")
        if "retweeted_status" not in tweet:
            by_id.setdefault(str(tweet["id_str"]), tweet)
    if not by_id:
        raise FileFormatError(f"{path}: holds only retweets, no conversation")
    parents = {tid: _parent(t) for tid, t in by_id.items()}
    tops = {tid: _top(tid, parents, by_id) for tid in by_id}
    sizes = Counter(tops.values())
    if conversation is not None:
        wanted = conversation.strip()
        if wanted not in tops:
            shown = ", ".join(f"{t} ({n} tweets)" for t, n in sizes.most_common(5))
            raise InputError(f"{path}: no tweet {wanted} in this file; its conversations start at {shown}")
        top = tops[wanted]
    else:
        top = min(sizes, key=lambda t: (-sizes[t], int(t) if t.isdigit() else 0))
    members = sorted((t for t, c in tops.items() if c == top), key=lambda t: (int(t) if t.isdigit() else 0, t))
    posts = [_post(by_id[t], parents[t] if t != top else None) for t in members]
    root = posts[0] if posts[0].id == top else next(p for p in posts if p.id == top)
    notes = []
    if len(sizes) > 1:
        notes.append(f"the file holds {len(sizes)} conversations; this is the one starting at tweet {top}")
    return Thread.build(
        source="x",
        id=top,
        root=root,
        replies=[p for p in posts if p is not root],
        title=thread_title(root),
        permalink=root.permalink,
        fetched_at=datetime.fromtimestamp(path.stat().st_mtime, tz=UTC),
        notes=notes,
    )


def _parent(tweet: Mapping[str, Any]) -> str | None:
    parent = tweet.get("in_reply_to_status_id_str") or tweet.get("in_reply_to_status_id")
    return None if parent is None else str(parent)


def _top(tweet_id: str, parents: Mapping[str, str | None], by_id: Mapping[str, Any]) -> str:
    """The first tweet up the reply chain that is in the file (a cycle stops where it closes)."""
    seen = {tweet_id}
    while True:
        parent = parents.get(tweet_id)
        if parent is None or parent not in by_id or parent in seen:
            return tweet_id
        tweet_id = parent
        seen.add(parent)


def _post(tweet: Mapping[str, Any], parent_id: str | None) -> Post:
    user = tweet.get("user") or {}
    likes = tweet.get("favorite_count")
    return tweet_post(
        str(tweet["id_str"]),
        parent_id=parent_id,
        text=str(tweet.get("full_text") or tweet.get("text") or ""),
        username=user.get("screen_name"),
        created_at=v1_time(tweet.get("created_at")),
        likes=likes if isinstance(likes, int) and not isinstance(likes, bool) else None,
        is_reply=_parent(tweet) is not None,
    )
