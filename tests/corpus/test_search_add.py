"""``corpus add --query``: paged search, resumable fetching, politeness; against a local server replaying real data.

The server (pytest-httpserver) answers ``search_by_date`` with the real
stories of ../shared/data, in the envelope of the real Algolia search
response ``hn/search/story-apple.json``, honouring the ``numericFilters``
threadscope sends; ``items/<id>`` returns each story's real items response.
"""

from __future__ import annotations

import copy
import json
import re
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.conftest import shared_file
from threadscope.corpus import search
from threadscope.corpus.api import corpus_add, corpus_info
from threadscope.errors import FetchError, OfflineError

STORIES = (
    "hn/items/27145911.json",
    "hn/converted/10846540.json",
    "hn/converted/10939306.json",
    "hn/converted/17338700.json",
    "hn/converted/26312516.json",
    "hn/converted/25015967.json",
)
GONE = "99999999"  # a story the search lists but the items API no longer has


class ReplayHN:
    """The HN Algolia API, answering from real files."""

    def __init__(self) -> None:
        self.items = {}
        for relative in STORIES:
            data = json.loads(shared_file(relative).read_text())
            self.items[str(data["id"])] = data
        envelope = json.loads(shared_file("hn/search/story-apple.json").read_text())
        template = envelope["hits"][0]
        self.envelope = {k: v for k, v in envelope.items() if k != "hits"}
        self.hits = []
        for data in [*self.items.values(), {**self.items["27145911"], "id": int(GONE), "created_at_i": 1600000000}]:
            hit = copy.deepcopy(template)
            hit.update(
                objectID=str(data["id"]),
                title=data.get("title"),
                points=data.get("points"),
                created_at_i=data["created_at_i"],
                created_at=datetime.fromtimestamp(data["created_at_i"], UTC).isoformat(),
                num_comments=len(data.get("children") or []),
            )
            self.hits.append(hit)
        self.requests: list[str] = []

    def search(self, request: Request) -> Response:
        self.requests.append(request.full_path)
        wanted = list(self.hits)
        for name, op, value in re.findall(r"(\w+)(<=|>=|<|>)(\d+)", request.args.get("numericFilters", "")):
            ops = {"<=": int.__le__, ">=": int.__ge__, "<": int.__lt__, ">": int.__gt__}
            wanted = [h for h in wanted if ops[op](int(h[name] or 0), int(value))]
        wanted.sort(key=lambda h: -h["created_at_i"])
        per_page = int(request.args.get("hitsPerPage", 20))
        body = {**self.envelope, "hits": wanted[:per_page], "nbHits": len(wanted), "hitsPerPage": per_page}
        return Response(json.dumps(body), content_type="application/json")

    def item(self, request: Request) -> Response:
        self.requests.append(request.path)
        item_id = request.path.rsplit("/", 1)[1]
        if item_id not in self.items:
            return Response('{"status":404,"error":"Not Found"}', status=404, content_type="application/json")
        return Response(json.dumps(self.items[item_id]), content_type="application/json")

    def fetched(self) -> Counter[str]:
        return Counter(p for p in self.requests if p.startswith("/items/"))

    def pages(self) -> int:
        return sum(1 for p in self.requests if p.startswith("/search_by_date"))


@pytest.fixture
def hn(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ReplayHN:
    replay = ReplayHN()
    httpserver.expect_request("/search_by_date").respond_with_handler(replay.search)
    httpserver.expect_request(re.compile(r"^/items/\d+$")).respond_with_handler(replay.item)
    monkeypatch.setenv("THREADSCOPE_HN_API", httpserver.url_for("/").rstrip("/"))
    # seven stories, three a page; each page after the first repeats the last one seen (the same second
    # may hold more stories than one page): four pages
    monkeypatch.setattr(search, "PAGE_HITS", 3)
    return replay


def test_a_search_add_pages_fetches_every_story_once_and_reports_the_missing_one(hn: ReplayHN, tmp_path: Path) -> None:
    done = corpus_add("found", query="anything", data_dir=tmp_path, min_interval=0)
    assert (done["found"], done["fetched"], done["failed"], done["already"]) == (7, 6, 1, 0)
    assert done["corpus_threads"] == 6
    assert done["posts"] == sum(1 + _count(hn.items[i]) for i in hn.items)
    assert hn.pages() == 4
    assert set(hn.fetched().values()) == {1}
    # the same add again: the search is done and every story stored, so nothing is requested
    before = len(hn.requests)
    again = corpus_add("found", query="anything", data_dir=tmp_path, min_interval=0)
    assert (again["fetched"], again["already"]) == (0, 6)
    assert hn.requests[before:] == [f"/items/{GONE}"]  # only the one that failed is tried again


def _count(node: dict[str, Any]) -> int:
    return sum(1 + _count(c) for c in node.get("children") or [])


def test_filters_reach_the_api_and_limit_stops_the_search(hn: ReplayHN, tmp_path: Path) -> None:
    since = datetime(2016, 1, 1)
    done = corpus_add("recent", query="x", since=since, min_points=500, limit=2, data_dir=tmp_path, min_interval=0)
    assert done["found"] == 2
    first = hn.requests[0]
    assert "points%3E%3D500" in first and f"created_at_i%3E%3D{int(since.replace(tzinfo=UTC).timestamp())}" in first
    with_points = [
        h for h in hn.hits if h["points"] >= 500 and h["created_at_i"] >= since.replace(tzinfo=UTC).timestamp()
    ]
    newest = sorted(with_points, key=lambda h: -h["created_at_i"])[:2]
    assert set(hn.fetched()) == {f"/items/{h['objectID']}" for h in newest}


def test_an_interrupted_add_resumes_without_fetching_anything_twice(hn: ReplayHN, tmp_path: Path) -> None:
    calls: list[tuple[str, int]] = []

    def stop_after_two_threads(stage: str, done: int, total: int) -> None:
        calls.append((stage, done))
        if stage == "fetch threads" and done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        corpus_add("resume", query="q", data_dir=tmp_path, min_interval=0, progress=stop_after_two_threads)
    assert corpus_info("resume", data_dir=tmp_path)["threads"] == 2
    pages_before = hn.pages()
    done = corpus_add("resume", query="q", data_dir=tmp_path, min_interval=0)
    assert hn.pages() == pages_before  # the finished search is not run again
    assert done["already"] == 2 and done["fetched"] == 4 and done["corpus_threads"] == 6
    assert max(hn.fetched().values()) == 1


def test_requests_are_spaced_for_algolias_hourly_limit() -> None:
    waits: list[float] = []
    client = search.PoliteClient(0.36, sleep=waits.append)
    client._last = time.monotonic()  # as if a request had just gone out
    with pytest.raises(FetchError):  # nothing listens on port 9; only the wait before the request matters here
        client.get_json("http://127.0.0.1:9/search", what="nothing")
    assert 0.3 < waits[0] <= 0.36


def test_offline_search_add_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OfflineError, match="needs the network"):
        corpus_add("off", query="q", data_dir=tmp_path, offline=True)
    assert not (tmp_path / "corpora").exists()
