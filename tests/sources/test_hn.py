"""The HN source: specs, the Algolia items parser, the saved page, and the fetcher against a local server."""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LocalServer, Reply, shared_file
from threadscope.cache import Cache
from threadscope.errors import FetchError, NotFoundError, OfflineError, RateLimitError, SpecError
from threadscope.sources.hn import HackerNews, parse_item, parse_spec
from threadscope.sources.hn_page import parse_page
from threadscope.sources.http import HttpClient


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("24330326", "24330326"),
        ("hn:24330326", "24330326"),
        ("HN:17", "17"),
        ("https://news.ycombinator.com/item?id=24330326", "24330326"),
        ("https://news.ycombinator.com/item?id=24330326#24331000", "24330326"),
        ("http://news.ycombinator.com/item?id=17&p=2", "17"),
        ("x:123", None),
        ("thread.json", None),
        ("https://example.com/item?id=5", None),
    ],
)
def test_parse_spec(spec: str, expected: str | None) -> None:
    assert parse_spec(spec) == expected


@pytest.mark.parametrize("spec", ["-5", "0", "hn:abc", "hn:", "https://news.ycombinator.com/news", "hn:1e5"])
def test_parse_spec_rejects_bad_ids(spec: str) -> None:
    with pytest.raises(SpecError):
        parse_spec(spec)


def test_items_17_exactly_as_the_live_api_returns_it() -> None:
    data = json.loads(shared_file("hn/items/17.json").read_text())
    thread = parse_item(data)
    root = thread.root
    assert (thread.source, thread.id, root.author, root.text) == (
        "hn",
        "17",
        "pg",
        "Is there anywhere to eat on Sandhill Road?",
    )
    assert thread.title == "Comment 17 by pg"
    assert [(p.id, p.parent_id, p.author, p.text, p.depth) for p in thread.comments] == [
        ("1079", "17", "dmon", "sure", 1),
        ("454426", "17", "Arrington", "This is why we can't have nice things.", 1),
    ]
    assert thread.comments[0].created_at is not None and thread.comments[0].created_at.year == 2007
    assert thread.comments[0].permalink == "https://news.ycombinator.com/item?id=1079"


def _walk_raw(node: dict[str, Any], depth: int = 0) -> list[tuple[str, str | None, str | None, int]]:
    rows = []
    for child in node.get("children") or []:
        rows.append((str(child["id"]), str(node["id"]), child.get("author"), depth + 1))
        rows.extend(_walk_raw(child, depth + 1))
    return rows


def test_items_27145911_tree_matches_raw_json(hn_items_27145911: dict[str, Any]) -> None:
    thread = parse_item(hn_items_27145911)
    raw = _walk_raw(hn_items_27145911)
    assert len(raw) == 200
    assert [(p.id, p.parent_id, p.author, p.depth) for p in thread.comments] == raw
    assert thread.title.startswith("Vulnerability allows cross-browser tracking")
    assert thread.url == "https://fingerprintjs.com/blog/external-protocol-flooding/"


def test_saved_page_yields_the_same_tree_as_the_api(hn_items_27145911: dict[str, Any]) -> None:
    page = parse_page(shared_file("hn/html/27145911.html").read_text())
    api = parse_item(hn_items_27145911)
    key = lambda t: [(p.id, p.parent_id, p.author, p.depth) for p in t]  # noqa: E731
    assert key(page) == key(api)
    assert page.title == api.title and page.url == api.url and page.root.score == 463
    same_text = sum(a.text == b.text for a, b in zip(page, api, strict=True))
    assert same_text == len(api)


def test_deleted_comments_stay_in_the_tree() -> None:
    data = {
        "id": 1,
        "type": "story",
        "author": "op",
        "title": "T",
        "children": [
            {
                "id": 2,
                "author": None,
                "text": None,
                "children": [{"id": 3, "author": "b", "text": "reply", "children": []}],
            },
        ],
    }
    thread = parse_item(data)
    deleted = thread.get("2")
    assert deleted.deleted and not deleted.has_text and deleted.author is None
    assert thread.get("3").depth == 2 and thread.get("3").parent_id == "2"


def story(story_id: int, *children: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": story_id,
        "type": "story",
        "author": "op",
        "title": f"Story {story_id}",
        "text": None,
        "story_id": story_id,
        "parent_id": None,
        "children": list(children),
    }


def comment(cid: int, parent: int, story_id: int, *children: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": cid,
        "type": "comment",
        "author": f"u{cid}",
        "text": f"<p>comment {cid}</p>",
        "story_id": story_id,
        "parent_id": parent,
        "children": list(children),
    }


def body(data: Any) -> bytes:
    return json.dumps(data).encode()


class Sleeps(list[float]):
    """Records waits, and waits a little for real so the server sees the retry later."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def source(server: LocalServer, tmp_path: Path, **kwargs: Any) -> tuple[HackerNews, Sleeps]:
    sleeps = Sleeps()
    client = HttpClient(timeout=(2.0, 0.5), retries=3, backoff=0.01, max_wait=5.0, sleep=sleeps)
    return HackerNews(Cache(tmp_path), client, base_url=server.url, **kwargs), sleeps


def test_fetch_caches_and_reuses(local_server: LocalServer, tmp_path: Path, hn_items_27145911: dict[str, Any]) -> None:
    local_server.recorder.add("/items/27145911", Reply(body=body(hn_items_27145911)))
    hn, _ = source(local_server, tmp_path)
    thread = hn.thread("27145911")
    assert len(thread.comments) == 200
    assert local_server.recorder.requests[0][1]["User-Agent"].startswith("threadscope/")
    again, _ = source(local_server, tmp_path, offline=True)
    assert [p.id for p in again.thread("27145911")] == [p.id for p in thread]
    assert local_server.recorder.count("/items/") == 1


def test_500_then_200_is_retried(local_server: LocalServer, tmp_path: Path) -> None:
    local_server.recorder.add("/items/1", Reply(500, b"oops"), Reply(502, b"bad gateway"), Reply(body=body(story(1))))
    hn, sleeps = source(local_server, tmp_path)
    assert hn.thread("1").title == "Story 1"
    assert local_server.recorder.count("/items/1") == 3
    assert sleeps == [0.01, 0.02]  # exponential backoff


def test_429_honours_retry_after(local_server: LocalServer, tmp_path: Path) -> None:
    local_server.recorder.add("/items/1", Reply(429, b"{}", {"Retry-After": "2"}), Reply(body=body(story(1))))
    hn, sleeps = source(local_server, tmp_path)
    assert hn.thread("1").id == "1"
    assert sleeps == [2.0]


def test_429_beyond_the_budget_stops_clearly(local_server: LocalServer, tmp_path: Path) -> None:
    local_server.recorder.add("/items/1", Reply(429, b"{}", {"Retry-After": "3600"}))
    hn, sleeps = source(local_server, tmp_path)
    with pytest.raises(RateLimitError, match="rate-limited for another 3600 s"):
        hn.thread("1")
    assert sleeps == [] and not list(tmp_path.rglob("*.json"))


def test_truncated_body_is_an_error_and_not_cached(local_server: LocalServer, tmp_path: Path) -> None:
    local_server.recorder.add("/items/1", Reply(body=body(story(1, comment(2, 1, 1))), truncate=True))
    hn, sleeps = source(local_server, tmp_path)
    with pytest.raises(FetchError, match="truncated"):
        hn.thread("1")
    assert len(sleeps) == 3  # retried, then gave up
    assert not list(tmp_path.rglob("*.json"))


def test_malformed_json_is_an_error_and_not_cached(local_server: LocalServer, tmp_path: Path) -> None:
    local_server.recorder.add("/items/1", Reply(body=b'{"id": 1, "children": ['))
    hn, _ = source(local_server, tmp_path)
    with pytest.raises(FetchError, match="truncated or malformed JSON"):
        hn.thread("1")
    assert not list(tmp_path.rglob("*.json"))


def test_slow_response_past_the_timeout(local_server: LocalServer, tmp_path: Path) -> None:
    local_server.recorder.add("/items/1", Reply(body=body(story(1)), delay=1.5))
    hn, sleeps = source(local_server, tmp_path)
    with pytest.raises(FetchError, match="did not answer"):
        hn.thread("1")
    assert len(sleeps) == 3


def test_404_is_no_such_item(local_server: LocalServer, tmp_path: Path) -> None:
    hn, sleeps = source(local_server, tmp_path)
    with pytest.raises(NotFoundError, match="^no HN item 999$"):
        hn.thread("999")
    assert sleeps == []


def test_connection_refused_after_retries(tmp_path: Path) -> None:
    sleeps = Sleeps()
    client = HttpClient(timeout=(0.5, 0.5), retries=2, backoff=0.01, sleep=sleeps)
    hn = HackerNews(Cache(tmp_path), client, base_url="http://127.0.0.1:9")
    with pytest.raises(FetchError, match="could not connect.*after 3 tries"):
        hn.thread("1")


def test_comment_resolves_to_story_and_subtree(local_server: LocalServer, tmp_path: Path) -> None:
    tree = story(10, comment(11, 10, 10, comment(12, 11, 10, comment(13, 12, 10))), comment(14, 10, 10))
    local_server.recorder.add("/items/12", Reply(body=body(tree["children"][0]["children"][0])))
    local_server.recorder.add("/items/10", Reply(body=body(tree)))
    hn, _ = source(local_server, tmp_path)
    whole = hn.thread("12")
    assert whole.id == "10" and [p.id for p in whole] == ["10", "11", "12", "13", "14"]
    sub = hn.thread("12", subtree=True)
    assert sub.id == "12" and [(p.id, p.depth) for p in sub] == [("12", 0), ("13", 1)]
    assert sub.title == "Story 10"


def test_offline_miss_and_refresh(local_server: LocalServer, tmp_path: Path) -> None:
    offline, _ = source(local_server, tmp_path, offline=True)
    with pytest.raises(OfflineError, match="not in the cache"):
        offline.thread("1")
    assert local_server.recorder.requests == []
    local_server.recorder.add("/items/1", Reply(body=body(story(1))), Reply(body=body({**story(1), "title": "New"})))
    source(local_server, tmp_path)[0].thread("1")
    assert source(local_server, tmp_path, refresh=True)[0].thread("1").title == "New"
    assert source(local_server, tmp_path)[0].thread("1").title == "New"
    assert local_server.recorder.count("/items/1") == 2


def test_corrupt_cache_entry_is_refetched(local_server: LocalServer, tmp_path: Path) -> None:
    local_server.recorder.add("/items/1", Reply(body=body(story(1))))
    hn, _ = source(local_server, tmp_path)
    hn.thread("1")
    entry = tmp_path / "hn" / "items" / "1.json"
    entry.write_bytes(entry.read_bytes()[:-5])
    assert hn.thread("1").title == "Story 1"
    assert local_server.recorder.count("/items/1") == 2
    assert Cache(tmp_path).read("hn/items/1.json") is not None


def test_search_filters_and_sorts(local_server: LocalServer, tmp_path: Path) -> None:
    real = json.loads(shared_file("hn/search/story-apple.json").read_text())
    extra = {
        **real["hits"][0],
        "objectID": "5",
        "points": 5000,
        "title": "Bigger",
        "created_at": "2012-01-01T00:00:00.000Z",
    }
    local_server.recorder.add("/search", Reply(body=body({**real, "hits": real["hits"] + [extra]})))
    hn, _ = source(local_server, tmp_path)
    from datetime import datetime

    hits = hn.search("apple", since=datetime(2010, 1, 1, tzinfo=UTC), min_points=100, limit=5)
    assert [(h.id, h.points) for h in hits] == [("5", 5000), ("2922756", 1638)]
    assert hits[1].title == "Steve Jobs Resigns as CEO of Apple" and hits[1].comments == 308
    path, _ = local_server.recorder.requests[0]
    assert "tags=story" in path and "numericFilters=created_at_i%3E%3D1262304000%2Cpoints%3E%3D100" in path
