"""The X API v2 source, against a local server replaying real tweet objects.

The tweets come from twarc2's real API pages in ../shared/data (conversation
1253788283760492544: a root, two direct replies, a reply to a reply and a
reply to that); the pages are cut the way X serves them.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import shared_file
from tests.sources.x_server import GOOD_TOKEN, Answer, FakeX, serve
from threadscope.cache import Cache
from threadscope.errors import FetchError, InputError, NotFoundError, OfflineError, RateLimitError, SpecError
from threadscope.model import MISSING, ORPHANED
from threadscope.options import SourceOptions
from threadscope.sources import load
from threadscope.sources.http import HttpClient
from threadscope.sources.x import parse_spec, snowflake_time
from threadscope.sources.x_api import USD_PER_POST_READ, XApi

ROOT = "1253788283760492544"
REPLY_A = "1253792843128283136"  # @PhillyNEFL -> root
REPLY_B = "1253792955133026304"  # @PhillyNEFL -> root
REPLY_AA = "1253796041020919809"  # @WhoDisTweet -> REPLY_A
REPLY_AAA = "1253796880888279046"  # @PhillyNEFL -> REPLY_AA
ROOT_TIME = datetime(2020, 4, 24, 20, 49, 55, tzinfo=UTC)


@pytest.fixture(scope="module")
def pages() -> list[dict[str, Any]]:
    text = shared_file("twitter/twarc2/withheld.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def tweets(pages: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for page in pages:
        data = page["data"] if isinstance(page["data"], list) else [page["data"]]
        for tweet in data + page.get("includes", {}).get("tweets", []):
            found.setdefault(tweet["id"], tweet)
    return found


@pytest.fixture(scope="module")
def users(pages: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {u["id"]: u for page in pages for u in page.get("includes", {}).get("users", [])}


@pytest.fixture
def fake() -> Iterator[FakeX]:
    with serve() as server:
        yield server


def lookup(tweet: dict[str, Any], users: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A ``GET /2/tweets/:id`` answer."""
    return {"data": tweet, "includes": {"users": [users[tweet["author_id"]]]}}


def search_page(
    batch: list[dict[str, Any]], users: dict[str, dict[str, Any]], next_token: str | None
) -> dict[str, Any]:
    """A search answer: newest first, authors and replied-to tweets expanded."""
    batch = sorted(batch, key=lambda t: int(t["id"]), reverse=True)
    meta: dict[str, Any] = {
        "result_count": len(batch),
        "newest_id": batch[0]["id"],
        "oldest_id": batch[-1]["id"],
    }
    if next_token:
        meta["next_token"] = next_token
    authors = {t["author_id"] for t in batch}
    return {"data": batch, "includes": {"users": [users[a] for a in sorted(authors)]}, "meta": meta}


def serve_conversation(fake: FakeX, tweets: dict[str, Any], users: dict[str, Any], endpoint: str = "recent") -> None:
    """Root lookup, then three search pages chained by next_token."""
    fake.route(f"/tweets/{ROOT}", Answer(lookup(tweets[ROOT], users)))
    batches = [[tweets[REPLY_AAA], tweets[REPLY_AA]], [tweets[REPLY_B]], [tweets[REPLY_A]]]
    tokens: list[str | None] = [None, "tok-page-2", "tok-page-3"]
    for i, batch in enumerate(batches):
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        fake.route(f"/tweets/search/{endpoint}", Answer(search_page(batch, users, following)), next_token=tokens[i])


def client(waits: list[float] | None = None) -> HttpClient:
    record = waits if waits is not None else []
    return HttpClient(timeout=(2.0, 5.0), retries=2, backoff=0.01, max_wait=30.0, sleep=record.append)


def source(fake: FakeX, tmp_path: Path, **kwargs: Any) -> XApi:
    kwargs.setdefault("token", GOOD_TOKEN)
    kwargs.setdefault("now", lambda: ROOT_TIME + timedelta(days=1))
    kwargs.setdefault("client", client())
    return XApi(Cache(tmp_path / "cache"), base_url=fake.base_url, **kwargs)


def parents(thread: Any) -> dict[str, str | None]:
    return {p.id: p.parent_id for p in thread.posts}


EXPECTED_PARENTS = {ROOT: None, REPLY_A: ROOT, REPLY_AA: REPLY_A, REPLY_AAA: REPLY_AA, REPLY_B: ROOT}


# --- specs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec",
    [
        f"x:{ROOT}",
        f"https://x.com/WhoDisTweet/status/{ROOT}",
        f"https://twitter.com/WhoDisTweet/status/{ROOT}?s=20&t=abc",
        f"https://mobile.twitter.com/WhoDisTweet/status/{ROOT}/photo/1",
    ],
)
def test_parse_spec_finds_the_tweet_id(spec: str) -> None:
    assert parse_spec(spec) == ROOT


def test_parse_spec_leaves_other_specs_and_rejects_bad_ids() -> None:
    assert parse_spec("24330326") is None
    assert parse_spec("https://news.ycombinator.com/item?id=1") is None
    with pytest.raises(SpecError, match="not a valid tweet id"):
        parse_spec("x:abc")
    with pytest.raises(SpecError, match="without a status id"):
        parse_spec("https://x.com/WhoDisTweet")


def test_snowflake_time_matches_created_at() -> None:
    assert snowflake_time(ROOT) is not None
    assert abs(snowflake_time(ROOT) - ROOT_TIME) < timedelta(seconds=1)  # type: ignore[operator]
    assert snowflake_time("25712847277") is None  # a 2010 sequential id


# --- fetching ------------------------------------------------------------------------


def test_fetch_rebuilds_the_tree_from_paged_search(fake: FakeX, tmp_path: Path, tweets: Any, users: Any) -> None:
    serve_conversation(fake, tweets, users)
    thread = source(fake, tmp_path).conversation(ROOT)

    assert (thread.source, thread.id) == ("x", ROOT)
    assert parents(thread) == EXPECTED_PARENTS
    assert [p.id for p in thread.posts] == [ROOT, REPLY_A, REPLY_AA, REPLY_AAA, REPLY_B]
    assert thread.get(REPLY_AAA).depth == 3
    assert thread.author == "WhoDisTweet"
    assert thread.get(REPLY_A).author == "PhillyNEFL"
    assert thread.get(REPLY_A).text == "@WhoDisTweet Yep. You need new Male & female fittings"
    assert thread.get(REPLY_A).own_text == "Yep. You need new Male & female fittings"
    assert thread.get(REPLY_A).score == 1
    assert thread.root.score == 2
    assert thread.root.created_at == ROOT_TIME
    assert thread.get(REPLY_A).permalink == f"https://x.com/PhillyNEFL/status/{REPLY_A}"
    assert thread.title is not None and thread.title.startswith("@WhoDisTweet: I know it isn’t supposed to work")
    assert thread.title.endswith("…") and len(thread.title) == len("@WhoDisTweet: ") + 81
    assert thread.notes == []


def test_fetch_sends_the_query_fields_token_and_next_tokens(
    fake: FakeX, tmp_path: Path, tweets: Any, users: Any
) -> None:
    serve_conversation(fake, tweets, users)
    source(fake, tmp_path).conversation(ROOT)

    searches = fake.seen("/tweets/search/recent")
    assert [r.params.get("next_token") for r in searches] == [None, "tok-page-2", "tok-page-3"]
    first = searches[0].params
    assert first["query"] == f"conversation_id:{ROOT}"
    assert first["expansions"] == "author_id,referenced_tweets.id,in_reply_to_user_id"
    assert first["user.fields"] == "username,name"
    assert {
        "conversation_id",
        "referenced_tweets",
        "in_reply_to_user_id",
        "created_at",
        "public_metrics",
        "author_id",
        "text",
    } <= set(first["tweet.fields"].split(","))
    assert all(r.authorization == f"Bearer {GOOD_TOKEN}" for r in fake.requests)
    assert len(fake.seen(f"/tweets/{ROOT}")) == 1


def test_fetch_caches_each_page_and_offline_reads_them(fake: FakeX, tmp_path: Path, tweets: Any, users: Any) -> None:
    serve_conversation(fake, tweets, users)
    first = source(fake, tmp_path).conversation(ROOT)
    cached = sorted(str(p.relative_to(tmp_path / "cache")) for p in (tmp_path / "cache").rglob("*.json"))
    assert cached == [
        f"x/conversations/{ROOT}/recent/page-0001.json",
        f"x/conversations/{ROOT}/recent/page-0002.json",
        f"x/conversations/{ROOT}/recent/page-0003.json",
        f"x/tweets/{ROOT}.json",
    ]
    requests_before = len(fake.requests)

    again = source(fake, tmp_path, offline=True, token="").conversation(ROOT)
    assert len(fake.requests) == requests_before
    assert parents(again) == parents(first)
    assert again.fetched_at is not None


def test_refresh_fetches_again(fake: FakeX, tmp_path: Path, tweets: Any, users: Any) -> None:
    serve_conversation(fake, tweets, users)
    source(fake, tmp_path).conversation(ROOT)
    source(fake, tmp_path, refresh=True).conversation(ROOT)
    assert len(fake.seen(f"/tweets/{ROOT}")) == 2
    assert len(fake.seen("/tweets/search/recent")) == 6


def test_offline_without_cache_is_an_offline_error(tmp_path: Path) -> None:
    api = XApi(Cache(tmp_path), token="", offline=True, base_url="http://127.0.0.1:9/2")
    with pytest.raises(OfflineError, match=f"X tweet {ROOT} is not in the cache"):
        api.conversation(ROOT)


def test_a_reply_id_fetches_its_whole_conversation(fake: FakeX, tmp_path: Path, tweets: Any, users: Any) -> None:
    serve_conversation(fake, tweets, users)
    fake.route(f"/tweets/{REPLY_AA}", Answer(lookup(tweets[REPLY_AA], users)))
    thread = source(fake, tmp_path).conversation(REPLY_AA)
    assert thread.id == ROOT
    assert parents(thread) == EXPECTED_PARENTS


def test_empty_conversation_is_the_root_alone(fake: FakeX, tmp_path: Path, pages: Any) -> None:
    # withheld.jsonl line 1 is a real lookup answer: a tweet nobody replied to.
    answer = pages[0]
    tweet_id = answer["data"][0]["id"] if isinstance(answer["data"], list) else answer["data"]["id"]
    answer = {
        "data": answer["data"][0] if isinstance(answer["data"], list) else answer["data"],
        "includes": answer["includes"],
    }
    fake.route(f"/tweets/{tweet_id}", Answer(answer))
    fake.route("/tweets/search/recent", Answer({"meta": {"result_count": 0}}))
    created = datetime(2021, 5, 1, 9, 27, 19, tzinfo=UTC)

    thread = source(fake, tmp_path, now=lambda: created + timedelta(hours=2)).conversation(tweet_id)
    assert tweet_id == "1388424788171841537"
    assert len(thread) == 1
    assert thread.root.author == "manavjivan"
    assert thread.comments == []
    assert len(fake.seen("/tweets/search/recent")) == 1


def test_a_root_x_cannot_find_becomes_a_missing_placeholder(fake: FakeX, tmp_path: Path, pages: Any) -> None:
    # withheld.jsonl line 3: a reply whose conversation root X no longer has.
    answer = pages[2]
    reply = answer["data"][0] if isinstance(answer["data"], list) else answer["data"]
    root_id = reply["conversation_id"]
    fake.route(f"/tweets/{reply['id']}", Answer({"data": reply, "includes": answer["includes"]}))
    fake.route(f"/tweets/{root_id}", Answer({"errors": answer["errors"]}))
    fake.route(
        "/tweets/search/all",
        Answer(search_page([reply], {u["id"]: u for u in answer["includes"]["users"]}, None)),
    )

    thread = source(fake, tmp_path, full_archive=True, now=lambda: datetime.now(UTC)).conversation(reply["id"])
    assert (thread.id, reply["id"]) == ("506694458445152256", "506695756406095872")
    assert thread.root.flags == frozenset({MISSING})
    assert thread.root.created_at is not None and thread.root.created_at.year == 2014
    assert thread.get(reply["id"]).parent_id == root_id
    assert thread.get(reply["id"]).author == "put_in_vor"
    assert ORPHANED not in thread.get(reply["id"]).flags
    assert any("placeholder" in note for note in thread.notes)


def test_unknown_tweet_is_not_found(fake: FakeX, tmp_path: Path, pages: Any) -> None:
    fake.route("/tweets/506694458445152256", Answer({"errors": pages[2]["errors"]}))
    with pytest.raises(NotFoundError, match="no X tweet 506694458445152256: Could not find tweet"):
        source(fake, tmp_path).conversation("506694458445152256")


# --- rate limits ---------------------------------------------------------------------


def test_a_short_rate_limit_is_waited_out(fake: FakeX, tmp_path: Path, tweets: Any, users: Any) -> None:
    serve_conversation(fake, tweets, users)
    page_2 = fake.routes[("/2/tweets/search/recent", "tok-page-2")][0]
    reset = str(int(time.time()) + 2)
    fake.route(
        "/tweets/search/recent",
        Answer({"title": "Too Many Requests"}, 429, {"x-rate-limit-reset": reset}),
        page_2,
        next_token="tok-page-2",
    )
    waits: list[float] = []

    thread = source(fake, tmp_path, client=client(waits)).conversation(ROOT)
    assert parents(thread) == EXPECTED_PARENTS
    assert len(waits) == 1 and 0.5 < waits[0] <= 2.0
    assert len([r for r in fake.seen("/tweets/search/recent") if r.params.get("next_token") == "tok-page-2"]) == 2


def test_a_long_rate_limit_stops_and_the_next_run_resumes(fake: FakeX, tmp_path: Path, tweets: Any, users: Any) -> None:
    serve_conversation(fake, tweets, users)
    page_2 = fake.routes[("/2/tweets/search/recent", "tok-page-2")][0]
    reset = str(int(time.time()) + 900)
    fake.route(
        "/tweets/search/recent",
        Answer({"title": "Too Many Requests"}, 429, {"x-rate-limit-reset": reset}),
        next_token="tok-page-2",
    )

    with pytest.raises(RateLimitError) as caught:
        source(fake, tmp_path).conversation(ROOT)
    message = str(caught.value)
    assert "rate-limited" in message and "1 page of X conversation" in message and "resumes" in message
    pages_dir = tmp_path / "cache" / "x" / "conversations" / ROOT / "recent"
    assert sorted(p.name for p in pages_dir.iterdir()) == ["page-0001.json"]

    fake.route("/tweets/search/recent", page_2, next_token="tok-page-2")
    thread = source(fake, tmp_path).conversation(ROOT)
    assert parents(thread) == EXPECTED_PARENTS
    assert [r.params.get("next_token") for r in fake.seen("/tweets/search/recent")] == [
        None,
        "tok-page-2",
        "tok-page-2",
        "tok-page-3",
    ]
    assert len(fake.seen(f"/tweets/{ROOT}")) == 1


# --- refusals ------------------------------------------------------------------------


def test_old_conversation_needs_full_archive(fake: FakeX, tmp_path: Path, tweets: Any, users: Any) -> None:
    serve_conversation(fake, tweets, users)
    with pytest.raises(InputError, match="more than 7 days ago.*--x-full-archive") as caught:
        source(fake, tmp_path, now=lambda: datetime.now(UTC)).conversation(ROOT)
    assert "2020-04-24T20:49:55Z" in str(caught.value)
    assert fake.seen("/tweets/search/recent") == []


def test_full_archive_searches_all_from_the_root(fake: FakeX, tmp_path: Path, tweets: Any, users: Any) -> None:
    serve_conversation(fake, tweets, users, endpoint="all")
    thread = source(fake, tmp_path, full_archive=True, now=lambda: datetime.now(UTC)).conversation(ROOT)
    assert parents(thread) == EXPECTED_PARENTS
    first = fake.seen("/tweets/search/all")[0].params
    assert first["start_time"] == "2020-04-24T20:49:54Z"
    assert first["max_results"] == "500"
    assert (tmp_path / "cache" / "x" / "conversations" / ROOT / "all" / "page-0003.json").exists()


def test_too_many_posts_asks_for_max_posts(
    fake: FakeX, tmp_path: Path, pages: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # withheld.jsonl line 2: a 2010 tweet X says has 4501 replies.
    answer = pages[1]
    tweet = answer["data"][0] if isinstance(answer["data"], list) else answer["data"]
    fake.route(f"/tweets/{tweet['id']}", Answer({"data": tweet, "includes": answer["includes"]}))
    caplog.set_level(logging.INFO, logger="threadscope")

    with pytest.raises(InputError, match="--max-posts 4502") as caught:
        source(fake, tmp_path, full_archive=True).conversation(tweet["id"])
    assert "about 4502 posts, more than the 2000" in str(caught.value)
    assert caught.value.exit_code == 2
    assert fake.seen("/tweets/search/all") == []
    cost = f"${4502 * USD_PER_POST_READ:.2f}"
    assert any("4502 posts" in r.getMessage() and cost in r.getMessage() for r in caplog.records)


def test_max_posts_also_stops_paging_when_x_undercounts(fake: FakeX, tmp_path: Path, tweets: Any, users: Any) -> None:
    # X says the root has 3 replies; the conversation holds 4.
    serve_conversation(fake, tweets, users)
    with pytest.raises(InputError, match="more than 4 posts .*--max-posts 8"):
        source(fake, tmp_path, max_posts=4).conversation(ROOT)
    assert [r.params.get("next_token") for r in fake.seen("/tweets/search/recent")] == [None, "tok-page-2"]


def test_missing_token_says_to_set_it(
    fake: FakeX, tmp_path: Path, tweets: Any, users: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("X_BEARER_TOKEN", raising=False)
    serve_conversation(fake, tweets, users)
    with pytest.raises(InputError, match="X_BEARER_TOKEN is not set") as caught:
        source(fake, tmp_path, token=None).conversation(ROOT)
    assert caught.value.exit_code == 2
    assert fake.requests == []


def test_a_bad_token_is_rejected_clearly(fake: FakeX, tmp_path: Path, tweets: Any, users: Any) -> None:
    serve_conversation(fake, tweets, users)
    with pytest.raises(InputError, match=r"^X rejected the bearer token \(401\)"):
        source(fake, tmp_path, token="wrong-token").conversation(ROOT)
    assert len(fake.requests) == 1  # no retries on 401
    assert not (tmp_path / "cache").exists()


def test_403_passes_on_what_x_said(fake: FakeX, tmp_path: Path, tweets: Any, users: Any) -> None:
    fake.route(f"/tweets/{ROOT}", Answer(lookup(tweets[ROOT], users)))
    detail = "When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens"
    fake.route("/tweets/search/all", Answer({"title": "Client Forbidden", "detail": detail}, 403))
    with pytest.raises(InputError, match=r"X refused the request \(403\): When authenticating"):
        source(fake, tmp_path, full_archive=True).conversation(ROOT)


def test_search_answer_without_meta_is_a_fetch_error(fake: FakeX, tmp_path: Path, tweets: Any, users: Any) -> None:
    fake.route(f"/tweets/{ROOT}", Answer(lookup(tweets[ROOT], users)))
    fake.route("/tweets/search/recent", Answer({"errors": [{"detail": "Invalid query"}]}))
    with pytest.raises(FetchError, match="without results: Invalid query"):
        source(fake, tmp_path).conversation(ROOT)
    assert not (tmp_path / "cache" / "x" / "conversations").exists()


def test_the_token_never_leaks(
    fake: FakeX,
    tmp_path: Path,
    tweets: Any,
    users: Any,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("X_BEARER_TOKEN", GOOD_TOKEN)
    serve_conversation(fake, tweets, users)
    reset = str(int(time.time()) + 900)
    page_2 = fake.routes[("/2/tweets/search/recent", "tok-page-2")][0]
    fake.route("/tweets/search/recent", Answer({}, 429, {"x-rate-limit-reset": reset}), next_token="tok-page-2")
    errors: list[str] = []
    api = source(fake, tmp_path, token=None)
    with pytest.raises(RateLimitError) as limited:
        api.conversation(ROOT)
    errors.append(str(limited.value))
    fake.route("/tweets/search/recent", page_2, next_token="tok-page-2")
    thread = api.conversation(ROOT)
    with pytest.raises(InputError) as rejected:
        source(fake, tmp_path / "other", token="bad-" + GOOD_TOKEN).conversation(ROOT)
    errors.append(str(rejected.value))

    assert len(thread) == 5 and len(fake.requests) == 6
    assert all(GOOD_TOKEN not in message for message in errors)
    assert all(GOOD_TOKEN not in record.getMessage() for record in caplog.records)
    assert caplog.records, "the fetch should have logged something"
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) == 4
    assert all(GOOD_TOKEN.encode() not in p.read_bytes() for p in files)
    assert GOOD_TOKEN not in repr(api)
    assert GOOD_TOKEN not in json.dumps([p.text for p in thread.posts] + thread.notes + [thread.title or ""])


# --- the dispatcher ------------------------------------------------------------------


def test_sources_load_reads_an_x_link_through_the_api(
    fake: FakeX, tmp_path: Path, tweets: Any, users: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THREADSCOPE_X_API", fake.base_url)
    monkeypatch.setenv("X_BEARER_TOKEN", GOOD_TOKEN)
    serve_conversation(fake, tweets, users, endpoint="all")
    fake.route(f"/tweets/{REPLY_A}", Answer(lookup(tweets[REPLY_A], users)))
    options = SourceOptions(data_dir=tmp_path, x_full_archive=True)

    thread = load(f"https://x.com/PhillyNEFL/status/{ROOT}?s=20", options)
    assert parents(thread) == EXPECTED_PARENTS

    subtree = load(f"x:{REPLY_A}", SourceOptions(data_dir=tmp_path, x_full_archive=True, subtree=True))
    assert [p.id for p in subtree.posts] == [REPLY_A, REPLY_AA, REPLY_AAA]
