"""Hacker News through the Algolia API: one ``items/<id>`` request returns a whole tree.

``parse_item`` turns an ``items`` response (live or saved) into a Thread;
``HackerNews`` fetches through the cache and resolves a comment id to its
story; ``HackerNews.search`` queries stories.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlparse

from threadscope.cache import Cache
from threadscope.errors import FetchError, FileFormatError, NotFoundError, OfflineError, SpecError
from threadscope.model import Post, Thread, parse_timestamp
from threadscope.sources import untrusted
from threadscope.sources.http import HttpClient
from threadscope.text import html_to_text

DEFAULT_API = "https://hn.algolia.com/api/v1"
SITE = "https://news.ycombinator.com/"
ROOT_TYPES = frozenset({"story", "poll", "job"})
_ID = re.compile(r"^[1-9][0-9]{0,11}$")


def permalink(item_id: str | int) -> str:
    """The HN page of an item."""
    return f"{SITE}item?id={item_id}"


def api_base() -> str:
    """``THREADSCOPE_HN_API`` when set, else the public Algolia API."""
    return (os.environ.get("THREADSCOPE_HN_API") or DEFAULT_API).rstrip("/")


def parse_spec(spec: str) -> str | None:
    """The item id in an HN spec (``123``, ``hn:123``, an item URL), ``None`` if not HN.

    Raises:
        SpecError: an HN spec whose id is not a positive integer.

    """
    spec = spec.strip()
    if spec.isdigit() or spec.startswith(("-", "+")) and spec[1:].isdigit():
        return _valid_id(spec, spec)
    if spec.lower().startswith("hn:"):
        return _valid_id(spec[3:], spec)
    parsed = urlparse(spec)
    if parsed.scheme in {"http", "https"} and parsed.hostname in {"news.ycombinator.com", "hn.algolia.com"}:
        ids = parse_qs(parsed.query).get("id") or re.findall(r"/(?:items?|story)/(\d+)", parsed.path)
        if not ids:
            raise SpecError(f"{spec!r} is an HN link without an item id; give a link like {permalink(24330326)}")
        return _valid_id(ids[0], spec)
    return None


def valid_id(value: str) -> bool:
    """Whether ``value`` is an HN item id: a positive whole number of at most 12 digits."""
    return _ID.match(value) is not None


def _valid_id(value: str, spec: str) -> str:
    if not valid_id(value.strip()):
        raise SpecError(f"{spec!r} is not a valid HN item id: ids are positive whole numbers like 24330326")
    return value.strip()


def parse_item(data: Any, *, fetched_at: datetime | None = None, source_name: str = "the HN response") -> Thread:
    """Build a Thread from an Algolia ``items`` response (a nested object).

    Deleted and dead comments (no author, no text) keep their place, flagged.

    Raises:
        FileFormatError: when ``data`` is not an ``items`` response.

    """
    if not isinstance(data, Mapping) or "id" not in data:
        hint = " (it looks like a search response)" if isinstance(data, Mapping) and "hits" in data else ""
        raise FileFormatError(f"{source_name} is not an HN Algolia items response{hint}")
    if "children" not in data and isinstance(data.get("comments"), list):
        story = str(data["id"]) if valid_id(str(data["id"])) else "<id>"
        raise FileFormatError(
            f"{source_name} is not an HN Algolia items response: it looks like a HackerWeb (node-hnapi) item, "
            f"which threadscope does not read; give the story's id instead (threadscope analyze thread {story})"
        )
    root = _post(data)
    replies: list[Post] = []
    stack = [(data, c) for c in reversed(data.get("children") or [])]
    while stack:
        parent, node = stack.pop()
        if not isinstance(node, Mapping) or "id" not in node:
            raise FileFormatError(f"{source_name} has a comment without an id under item {parent.get('id')}")
        post = _post(node, parent_id=str(parent["id"]))
        replies.append(post)
        stack.extend((node, c) for c in reversed(node.get("children") or []))
    title = data.get("title")
    if not title and data.get("type") not in ROOT_TYPES:
        title = f"Comment {data['id']} by {data.get('author') or '[deleted]'}"
    return Thread.build(
        source="hn",
        id=str(data["id"]),
        root=root,
        replies=replies,
        title=title,
        url=data.get("url") or None,
        permalink=permalink(data["id"]),
        fetched_at=fetched_at,
    )


def _post(node: Mapping[str, Any], parent_id: str | None = None) -> Post:
    html = node.get("text") or ""
    words = html_to_text(html, SITE)
    author = node.get("author")
    return Post(
        id=str(node["id"]),
        parent_id=parent_id if parent_id is not None else _str_or_none(node.get("parent_id")),
        author=author,
        created_at=parse_timestamp(node.get("created_at") or node.get("created_at_i")),
        text_html=html,
        text=words.text,
        own_text=words.own_text,
        deleted=author is None and not html,
        permalink=permalink(node["id"]),
        score=node.get("points"),
    )


def _str_or_none(value: object) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One story found by ``HackerNews.search``."""

    id: str
    title: str
    created_at: datetime | None
    points: int
    comments: int
    url: str | None
    author: str | None


class HackerNews:
    """Fetches HN threads through the cache.

    Args:
        cache: where raw responses are kept.
        client: the HTTP client; a default one is made when absent.
        offline: never touch the network; a cache miss is an error.
        refresh: refetch even when the cache has the item.
        base_url: the Algolia API root; ``THREADSCOPE_HN_API`` or the public API by default.

    """

    def __init__(
        self,
        cache: Cache,
        client: HttpClient | None = None,
        *,
        offline: bool = False,
        refresh: bool = False,
        base_url: str | None = None,
    ) -> None:
        self.cache = cache
        self._client = client
        self.offline = offline
        self.refresh = refresh
        self.base_url = (base_url or api_base()).rstrip("/")

    @property
    def client(self) -> HttpClient:
        """The HTTP client, made on first use."""
        if self._client is None:
            self._client = HttpClient()
        return self._client

    def thread(self, item_id: str, *, subtree: bool = False) -> Thread:
        """The thread an item belongs to; with ``subtree``, only that item's replies."""
        data, fetched_at = self.item(item_id)
        if data.get("type") in ROOT_TYPES or data.get("story_id") in (None, data.get("id")):
            return parse_item(data, fetched_at=fetched_at)
        story_id = str(data["story_id"])
        story, fetched_at = self.item(story_id)
        thread = parse_item(story, fetched_at=fetched_at)
        if not subtree:
            return thread
        if item_id not in thread:
            # The story was cached before this comment was posted.
            return parse_item(data, fetched_at=fetched_at)
        return thread.subtree(item_id)

    def item(self, item_id: str) -> tuple[dict[str, Any], datetime | None]:
        """The ``items/<id>`` response, from the cache unless refreshing; and when it was fetched."""
        key = f"hn/items/{item_id}.json"
        body = None if self.refresh and not self.offline else self.cache.read(key)
        if body is not None:
            data = _load_cached(body, item_id)
            if data is not None:
                mtime = self.cache.path(key).stat().st_mtime
                return data, datetime.fromtimestamp(mtime, tz=UTC)
        if self.offline:
            raise OfflineError(
                f"HN item {item_id} is not in the cache at {self.cache.root}; run without --offline to fetch it"
            )
        try:
            resp = self.client.get_json(f"{self.base_url}/items/{item_id}", what="the HN API")
        except NotFoundError:
            raise NotFoundError(f"no HN item {item_id}") from None
        if not isinstance(resp.data, dict) or "id" not in resp.data:
            raise FetchError(
                f"the HN API answered item {item_id} with something that is not an item; nothing was cached"
            )
        if str(resp.data["id"]) != item_id:
            # Cache only under the id the response carries, and only what was asked for.
            raise FetchError(
                f"the HN API answered item {item_id} with item {resp.data['id']}; nothing was cached, "
                "check THREADSCOPE_HN_API or try again later"
            )
        self.cache.write(key, resp.body)
        return resp.data, datetime.now(UTC)

    def search(
        self,
        query: str,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        min_points: int | None = None,
        limit: int = 20,
        sort: str = "points",
    ) -> list[SearchHit]:
        """Stories matching ``query``, best-scored (``sort="points"``) or newest first.

        Algolia ranks by relevance and cannot sort by points, so for ``points``
        the best 10 × ``limit`` matches (at most 1000) are fetched and sorted here.
        """
        if self.offline:
            raise OfflineError("search needs the network; run it without --offline")
        filters = []
        if since:
            filters.append(f"created_at_i>={int(since.timestamp())}")
        if until:
            filters.append(f"created_at_i<{int(until.timestamp())}")
        if min_points is not None:
            filters.append(f"points>={min_points}")
        endpoint = "search" if sort == "points" else "search_by_date"
        params: dict[str, str | int] = {
            "query": query,
            "tags": "story",
            "hitsPerPage": min(1000, limit * 10 if sort == "points" else limit),
        }
        if filters:
            params["numericFilters"] = ",".join(filters)
        resp = self.client.get_json(f"{self.base_url}/{endpoint}", params=params, what="the HN search API")
        hits = resp.data.get("hits") if isinstance(resp.data, dict) else None
        if not isinstance(hits, list):
            raise FetchError("the HN search API answered without a list of hits")
        found = [_hit(h) for h in hits if isinstance(h, Mapping) and h.get("objectID")]
        if sort == "points":
            found.sort(key=lambda h: (-h.points, h.id))
        else:
            found.sort(key=lambda h: h.created_at or datetime.min.replace(tzinfo=UTC), reverse=True)
        return found[:limit]


def _hit(hit: Mapping[str, Any]) -> SearchHit:
    return SearchHit(
        id=str(hit["objectID"]),
        title=str(hit.get("title") or hit.get("story_title") or ""),
        created_at=parse_timestamp(hit.get("created_at") or hit.get("created_at_i")),
        points=int(hit.get("points") or 0),
        comments=int(hit.get("num_comments") or 0),
        url=hit.get("url") or None,
        author=hit.get("author"),
    )


def _load_cached(body: bytes, item_id: str) -> dict[str, Any] | None:
    """A cached response, or ``None`` when it is unreadable or holds another item than its key says."""
    try:
        data = untrusted.loads(body, f"cached HN item {item_id}")
    except FileFormatError:
        return None
    return data if isinstance(data, dict) and str(data.get("id")) == item_id else None
