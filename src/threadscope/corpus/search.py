"""``corpus add NAME --query ...``: find stories through Algolia, then fetch their trees, resumably.

Algolia's HN search returns at most 1,000 hits per query however it is
paged, so the stories are walked newest first with ``search_by_date``,
moving an upper time bound (``created_at_i <= cursor``) down to the oldest
hit of each page. Each page's hits and the new cursor are committed
together; each story's tree is fetched through the ordinary HN source (and
its cache) and committed with its ``fetched`` mark. An interrupted add, run
again with the same query, continues at the stored cursor and skips every
story already fetched: nothing is fetched twice.

Requests are spaced to stay under Algolia's limit of 10,000 an hour
(``MIN_INTERVAL_S``); answers from the cache cost nothing and are not spaced.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from threadscope.corpus.ingest import add_thread
from threadscope.corpus.store import Store
from threadscope.errors import FetchError, NotFoundError
from threadscope.sources.http import HttpClient, Response

#: 3600 s / 10,000 requests: Algolia's published limit per IP, with no margin taken off it.
MIN_INTERVAL_S = 0.36
PAGE_HITS = 100

#: ``progress(stage, done, total)``
Progress = Callable[[str, int, int], None]


class PoliteClient(HttpClient):
    """An ``HttpClient`` that leaves at least ``min_interval`` seconds between the requests it sends."""

    def __init__(self, min_interval: float = MIN_INTERVAL_S, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.min_interval = min_interval
        self._last = float("-inf")
        self._lock = threading.Lock()

    def get_json(self, url: str, **kwargs: Any) -> Response:
        """``HttpClient.get_json``, after waiting out the interval since the last request."""
        with self._lock:
            wait = self._last + self.min_interval - time.monotonic()
            if wait > 0:
                self.sleep(wait)
            self._last = time.monotonic()
        return super().get_json(url, **kwargs)


@dataclass(frozen=True)
class Query:
    """What stories to find."""

    text: str
    since: datetime | None = None
    until: datetime | None = None
    min_points: int | None = None
    limit: int | None = None

    @property
    def key(self) -> str:
        """The query's identity in the ``searches`` table: the same query resumes, another starts afresh."""
        return hashlib.sha256(json.dumps(self.params(), sort_keys=True).encode()).hexdigest()[:24]

    def params(self) -> dict[str, Any]:
        """The query as plain data."""
        return {
            "query": self.text,
            "since": None if self.since is None else int(self.since.timestamp()),
            "until": None if self.until is None else int(self.until.timestamp()),
            "min_points": self.min_points,
            "limit": self.limit,
        }


@dataclass(frozen=True)
class Added:
    """What a search add did: stories found in all, fetched now, fetched before, and those that failed."""

    found: int
    fetched: int
    already: int
    failed: int


def add_search(
    store: Store,
    query: Query,
    *,
    hn: Any,
    base_url: str,
    progress: Progress | None = None,
) -> Added:
    """Find the stories of ``query`` and add each one's thread to the corpus (see the module docstring).

    Args:
        store: the open corpus.
        query: the search.
        hn: a ``sources.hn.HackerNews`` whose client should be a ``PoliteClient``.
        base_url: the Algolia API root.
        progress: called as ``progress(stage, done, total)``.

    Raises:
        FetchError: the search or a fetch failed for good; everything done so far stays committed.

    """
    _find(store, query, hn.client, base_url, progress)
    rows = store.sql(
        "SELECT story_id, fetched FROM search_hits WHERE key = ? ORDER BY created_at DESC, story_id",
        [query.key],
    )
    todo = [r[0] for r in rows if not r[1]]
    already = len(rows) - len(todo)
    fetched = failed = 0
    for done, story_id in enumerate(todo, start=1):
        try:
            thread = hn.thread(story_id)
        except NotFoundError as exc:
            store.sql(
                "UPDATE search_hits SET failed = ? WHERE key = ? AND story_id = ?", [str(exc), query.key, story_id]
            )
            failed += 1
            continue
        with store.transaction():
            add_thread(store, thread, f"hn:{story_id}")
            store.sql("UPDATE search_hits SET fetched = true WHERE key = ? AND story_id = ?", [query.key, story_id])
        fetched += 1
        if progress:
            progress("fetch threads", done, len(todo))
    return Added(len(rows), fetched, already, failed)


def _find(store: Store, query: Query, client: HttpClient, base_url: str, progress: Progress | None) -> None:
    """Page through the search until it is exhausted or ``limit`` stories are known."""
    state = store.sql("SELECT cursor, pages, done FROM searches WHERE key = ?", [query.key])
    if state and state[0][2]:
        return
    cursor, pages = (state[0][0], state[0][1]) if state else (_until(query), 0)
    if not state:
        store.sql(
            "INSERT INTO searches VALUES (?, ?, ?, ?, 0, false)",
            [query.key, query.text, json.dumps(query.params()), cursor],
        )
    while True:
        known = int(store.scalar("SELECT count(*) FROM search_hits WHERE key = ?", [query.key]))
        if query.limit is not None and known >= query.limit:
            break
        hits = _page(client, base_url, query, cursor)
        new = [h for h in hits if not _known(store, query.key, h)]
        if query.limit is not None:
            new = new[: query.limit - known]
        oldest = min((int(h["created_at_i"]) for h in hits), default=cursor)
        # the same second can hold more stories than one page: step past it when a page brings nothing new
        cursor = oldest if new else oldest - 1
        exhausted = len(hits) < PAGE_HITS
        with store.transaction():
            for hit in new:
                store.sql(
                    "INSERT INTO search_hits VALUES (?, ?, ?, ?, ?, false, NULL)",
                    [
                        query.key,
                        str(hit["objectID"]),
                        hit.get("title"),
                        _int(hit.get("points")),
                        datetime.fromtimestamp(int(hit["created_at_i"]), UTC).replace(tzinfo=None),
                    ],
                )
            pages += 1
            store.sql("UPDATE searches SET cursor = ?, pages = ? WHERE key = ?", [cursor, pages, query.key])
        if progress:
            progress("search", known + len(new), query.limit or known + len(new))
        if exhausted:
            break
    store.sql("UPDATE searches SET done = true WHERE key = ?", [query.key])


def _until(query: Query) -> int:
    return int((query.until or datetime.now(UTC)).timestamp()) - (1 if query.until else 0)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _known(store: Store, key: str, hit: Mapping[str, Any]) -> bool:
    return bool(
        store.scalar("SELECT count(*) FROM search_hits WHERE key = ? AND story_id = ?", [key, str(hit["objectID"])])
    )


def _page(client: HttpClient, base_url: str, query: Query, cursor: int) -> list[dict[str, Any]]:
    filters = [f"created_at_i<={cursor}"]
    if query.since is not None:
        filters.append(f"created_at_i>={int(query.since.timestamp())}")
    if query.min_points is not None:
        filters.append(f"points>={query.min_points}")
    params: dict[str, str | int] = {
        "query": query.text,
        "tags": "story",
        "hitsPerPage": PAGE_HITS,
        "numericFilters": ",".join(filters),
    }
    resp = client.get_json(f"{base_url}/search_by_date", params=params, what="the HN search API")
    hits = resp.data.get("hits") if isinstance(resp.data, dict) else None
    if not isinstance(hits, list):
        raise FetchError("the HN search API answered without a list of hits")
    return [
        h
        for h in hits
        if isinstance(h, dict) and str(h.get("objectID", "")).isdigit() and isinstance(h.get("created_at_i"), int)
    ]
