"""X conversations through the X API v2, through the cache.

``XApi`` fetches a conversation: the root tweet by lookup, then every reply by
searching ``conversation_id:<id>``, one cached page at a time so that an
interrupted fetch resumes where it stopped; ``x.build_conversation`` turns the
tweets into a Thread.

Cache layout (under the data folder):

    x/tweets/<id>.json                                  a tweet lookup response
    x/conversations/<id>/<recent|all>/page-0001.json    search pages, in order

The bearer token is sent in a header only: it is never logged, cached, put
in an error message or a report.
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from threadscope.cache import Cache
from threadscope.errors import (
    FetchError,
    FileFormatError,
    InputError,
    NotFoundError,
    OfflineError,
    RateLimitError,
)
from threadscope.model import Thread, isoformat, parse_timestamp
from threadscope.sources import untrusted
from threadscope.sources.http import HttpClient, Response
from threadscope.sources.x import Tweets, build_conversation, references, snowflake_time

if TYPE_CHECKING:
    from threadscope.options import SourceOptions

log = logging.getLogger(__name__)

DEFAULT_API = "https://api.x.com/2"
TOKEN_ENV = "X_BEARER_TOKEN"

#: What X charges per post read, in US dollars. ASSUMPTION, easily changed:
#: the pay-per-use rate "Posts: Read $0.005 per resource" published at
#: https://docs.x.com/x-api/getting-started/pricing, as read in 2025. X bills
#: users returned by expansions separately ($0.010 each) and counts a post
#: once a day however often it is read; the estimate covers posts only.
USD_PER_POST_READ = 0.005

#: How far back recent search reaches; older conversations need full-archive search.
RECENT_WINDOW = timedelta(days=7)

#: What a conversation's tweets must carry to rebuild the tree; ``note_tweet``
#: holds the whole text of posts longer than 280 characters.
TWEET_FIELDS = (
    "conversation_id,referenced_tweets,in_reply_to_user_id,created_at,public_metrics,author_id,text,note_tweet"
)
EXPANSIONS = "author_id,referenced_tweets.id,in_reply_to_user_id"
USER_FIELDS = "username,name"
PAGE_SIZE = {"recent": 100, "all": 500}  # the most each search endpoint returns per page


def api_base() -> str:
    """``THREADSCOPE_X_API`` when set, else the public X API v2 root."""
    return (os.environ.get("THREADSCOPE_X_API") or DEFAULT_API).rstrip("/")


def load(tweet_id: str, options: SourceOptions, cache: Cache) -> Thread:
    """The conversation a tweet belongs to, through the cache and the X API v2.

    With ``options.subtree`` and a reply's id, only that reply's subtree is kept.
    """
    source = XApi(
        cache,
        offline=options.offline,
        refresh=options.refresh,
        full_archive=options.x_full_archive,
        max_posts=options.max_posts,
    )
    thread = source.conversation(tweet_id)
    if options.subtree and tweet_id != thread.id and tweet_id in thread:
        return thread.subtree(tweet_id)
    return thread


class XApi:
    """Fetches X conversations through the cache.

    Args:
        cache: where raw responses are kept.
        client: the HTTP client; a default one is made when absent.
        token: the bearer token; ``X_BEARER_TOKEN`` by default. Only needed
            when something must be fetched.
        offline: never touch the network; a cache miss is an error.
        refresh: refetch even what the cache holds.
        full_archive: search the full archive (``/2/tweets/search/all``)
            instead of the last 7 days.
        max_posts: the most posts a fetch may read; X bills per post.
        base_url: the API root; ``THREADSCOPE_X_API`` or the public API by default.
        now: the current time; tests pass a fixed one.

    """

    def __init__(
        self,
        cache: Cache,
        client: HttpClient | None = None,
        *,
        token: str | None = None,
        offline: bool = False,
        refresh: bool = False,
        full_archive: bool = False,
        max_posts: int = 2000,
        base_url: str | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.cache = cache
        self._client = client
        self._token = token
        self.offline = offline
        self.refresh = refresh and not offline
        self.endpoint = "all" if full_archive else "recent"
        self.max_posts = max_posts
        self.base_url = (base_url or api_base()).rstrip("/")
        self.now = now or (lambda: datetime.now(UTC))

    def __repr__(self) -> str:  # never show the token
        return f"XApi(base_url={self.base_url!r}, endpoint={self.endpoint!r}, offline={self.offline})"

    @property
    def client(self) -> HttpClient:
        """The HTTP client, made on first use."""
        if self._client is None:
            self._client = HttpClient()
        return self._client

    def conversation(self, tweet_id: str) -> Thread:
        """The whole conversation a tweet belongs to.

        Raises:
            OfflineError: offline, and the cache lacks part of the conversation.
            InputError: no token, a token X rejects, an old conversation without
                full-archive search, or more posts than ``max_posts``.
            NotFoundError: X has no such tweet.
            RateLimitError: X rate-limits longer than we wait; pages already
                fetched stay cached and the next run resumes from them.

        """
        tweets = Tweets()
        tweets.add_response(self._lookup(tweet_id))
        tweet = tweets.by_id[tweet_id]
        retweeted = references(tweet).get("retweeted")
        if retweeted:
            # A retweet adds no post of its own: read the conversation it repeats.
            log.info("X tweet %s is a retweet of %s; reading that conversation", tweet_id, retweeted)
            tweet_id = retweeted
            tweets.add_response(self._lookup(tweet_id))
            tweet = tweets.by_id[tweet_id]
        conversation_id = str(tweet.get("conversation_id") or tweet_id)
        if conversation_id != tweet_id:
            try:
                tweets.add_response(self._lookup(conversation_id))
            except NotFoundError:
                log.info("the root tweet %s of X conversation %s is gone", conversation_id, conversation_id)
        root = tweets.by_id.get(conversation_id)
        for page in self._pages(conversation_id, root):
            tweets.add_response(page)
        return build_conversation(tweets, conversation_id, fetched_at=self._fetched_at(conversation_id))

    # -- the root tweet

    def _lookup(self, tweet_id: str) -> dict[str, Any]:
        """The tweet lookup response for ``tweet_id``, from the cache unless refreshing."""
        key = f"x/tweets/{tweet_id}.json"
        cached = None if self.refresh else self._read(key)
        if cached is not None:
            return cached
        if self.offline:
            raise OfflineError(
                f"X tweet {tweet_id} is not in the cache at {self.cache.root}; run without --offline to fetch it"
            )
        params = {"tweet.fields": TWEET_FIELDS, "expansions": EXPANSIONS, "user.fields": USER_FIELDS}
        resp = self._get(f"{self.base_url}/tweets/{tweet_id}", params)
        data = resp.data.get("data") if isinstance(resp.data, dict) else None
        if not isinstance(data, dict) or str(data.get("id")) != tweet_id:
            raise NotFoundError(f"no X tweet {tweet_id}: {self._errors_detail(resp.data) or 'X returned no tweet'}")
        self.cache.write(key, resp.body)
        found: dict[str, Any] = resp.data
        return found

    # -- the replies

    def _pages(self, conversation_id: str, root: Mapping[str, Any] | None) -> list[dict[str, Any]]:
        """Every search page of the conversation: cached ones first, then fetched ones, each cached."""
        prefix = f"x/conversations/{conversation_id}/{self.endpoint}"
        if self.refresh:
            self._forget(prefix)
        pages: list[dict[str, Any]] = []
        next_token: str | None = None
        for number in itertools.count(1):  # ends when a page has no next_token
            key = f"{prefix}/page-{number:04d}.json"
            page = self._read(key)
            if page is None:
                if number == 1:
                    self._check_before_search(conversation_id, root)
                else:
                    self._check_cap(conversation_id, pages)
                resp = self._fetch_page(conversation_id, root, number, next_token, pages)
                self.cache.write(key, resp.body)
                page = resp.data
            pages.append(page)
            meta = page.get("meta")
            next_token = meta.get("next_token") if isinstance(meta, Mapping) else None
            if not next_token:
                break
        return pages

    def _check_before_search(self, conversation_id: str, root: Mapping[str, Any] | None) -> None:
        """Refuse searches that would miss replies or read more than allowed; log the cost."""
        if self.offline:
            raise OfflineError(
                f"the replies of X conversation {conversation_id} are not in the cache at {self.cache.root}; "
                "run without --offline to fetch them"
            )
        started = _conversation_start(conversation_id, root)
        if self.endpoint == "recent" and started is not None and self.now() - started > RECENT_WINDOW:
            raise InputError(
                f"X conversation {conversation_id} started {isoformat(started)}, more than 7 days ago, "
                "and X's recent search only reaches the last 7 days; rerun with --x-full-archive "
                "(needs full-archive access on your X API plan)"
            )
        replies = _reply_count(root)
        if replies is None:
            log.info(
                "X conversation %s: X does not say how many replies it has; reading at most %d posts "
                "(about $%.2f at $%.3f per post read)",
                conversation_id,
                self.max_posts,
                self.max_posts * USD_PER_POST_READ,
                USD_PER_POST_READ,
            )
            return
        posts = replies + 1
        cost = posts * USD_PER_POST_READ
        log.info(
            "X conversation %s: about %d posts to read (%d replies and the root), estimated cost $%.2f "
            "at $%.3f per post read",
            conversation_id,
            posts,
            replies,
            cost,
            USD_PER_POST_READ,
        )
        if posts > self.max_posts:
            raise InputError(
                f"X conversation {conversation_id} has about {posts} posts, more than the "
                f"{self.max_posts} threadscope reads by default (estimated cost ${cost:.2f}); "
                f"rerun with --max-posts {posts} to fetch it"
            )

    def _check_cap(self, conversation_id: str, pages: list[dict[str, Any]]) -> None:
        """Stop paging once ``max_posts`` posts were read; X's reply count can be low."""
        read = 1 + sum(len(p.get("data") or []) for p in pages)
        if read >= self.max_posts:
            raise InputError(
                f"X conversation {conversation_id} has more than {self.max_posts} posts ({read} read so "
                f"far, cached); rerun with a larger --max-posts, e.g. --max-posts {2 * self.max_posts}, "
                "to fetch the rest"
            )

    def _fetch_page(
        self,
        conversation_id: str,
        root: Mapping[str, Any] | None,
        number: int,
        next_token: str | None,
        pages: list[dict[str, Any]],
    ) -> Response:
        """One search page; a rate limit past our patience names what was kept."""
        params: dict[str, str | int] = {
            "query": f"conversation_id:{conversation_id}",
            "max_results": PAGE_SIZE[self.endpoint],
            "tweet.fields": TWEET_FIELDS,
            "expansions": EXPANSIONS,
            "user.fields": USER_FIELDS,
        }
        if self.endpoint == "all":
            # Full-archive search looks back 30 days unless told where to start.
            started = _conversation_start(conversation_id, root)
            if started is not None:
                params["start_time"] = isoformat(started - timedelta(seconds=1)) or ""
        if next_token:
            params["next_token"] = next_token
        try:
            resp = self._get(f"{self.base_url}/tweets/search/{self.endpoint}", params)
        except RateLimitError as exc:
            kept = len(pages)
            raise RateLimitError(
                f"{exc} ({kept} page{'' if kept == 1 else 's'} of X conversation {conversation_id} "
                "are cached; the next run resumes from there)"
            ) from None
        if not isinstance(resp.data, dict) or "meta" not in resp.data:
            detail = self._errors_detail(resp.data)
            raise FetchError(
                f"the X API answered search page {number} of conversation {conversation_id} without "
                f"results{': ' + detail if detail else ''}; nothing was cached for it"
            )
        log.info("X conversation %s: page %d, %d posts", conversation_id, number, len(resp.data.get("data") or []))
        return resp

    # -- requests

    def _get(self, url: str, params: Mapping[str, str | int]) -> Response:
        headers = {"Authorization": f"Bearer {self._bearer()}"}
        try:
            return self.client.get_json(url, params=params, headers=headers, what="the X API")
        except FetchError as exc:
            if exc.status in (401, 403):
                raise self._refusal(exc.status, exc.body) from None
            raise

    def _bearer(self) -> str:
        token = (self._token if self._token is not None else os.environ.get(TOKEN_ENV, "")).strip()
        if not token:
            raise InputError(
                f"{TOKEN_ENV} is not set: X conversations are fetched through the X API v2 with a "
                f"bearer token; set {TOKEN_ENV}, or read a twarc2 .jsonl file instead"
            )
        self._token = token
        return token

    def _refusal(self, status: int, body: bytes) -> InputError:
        """X's 401 and 403 as one clear line."""
        if status == 401:
            return InputError(
                f"X rejected the bearer token (401): check {TOKEN_ENV}, it must be an app's bearer token "
                "from the X developer console"
            )
        try:
            detail = self._errors_detail(untrusted.loads(body, "X's refusal"))
        except FileFormatError:
            detail = ""
        return InputError(
            f"X refused the request (403){': ' + detail if detail else ''}; your X API plan may not "
            "include this endpoint (full-archive search needs a plan that has it)"
        )

    def _errors_detail(self, data: Any) -> str:
        """X's own explanation of a refusal, shortened, without the token."""
        if not isinstance(data, Mapping):
            return ""
        errors = data.get("errors")
        first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], Mapping) else data
        detail = str(first.get("detail") or first.get("title") or "")
        return self._redact(" ".join(detail.split())[:200])

    def _redact(self, text: str) -> str:
        return text.replace(self._token, "[token]") if self._token else text

    # -- cache

    def _read(self, key: str) -> dict[str, Any] | None:
        body = self.cache.read(key)
        if body is None:
            return None
        try:
            data = untrusted.loads(body, f"cached {key}")
        except FileFormatError:
            return None
        return data if isinstance(data, dict) else None

    def _forget(self, prefix: str) -> None:
        """Drop cached pages so a refresh never mixes old pages with new ones."""
        for number in itertools.count(1):
            path = self.cache.path(f"{prefix}/page-{number:04d}.json")
            if not path.exists():
                return
            path.unlink()

    def _fetched_at(self, conversation_id: str) -> datetime | None:
        path = self.cache.path(f"x/conversations/{conversation_id}/{self.endpoint}/page-0001.json")
        try:
            return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
        except OSError:
            return None


def _conversation_start(conversation_id: str, root: Mapping[str, Any] | None) -> datetime | None:
    """When the root was posted: its ``created_at``, else the time in the conversation id."""
    started = parse_timestamp(root.get("created_at")) if root else None
    return started or snowflake_time(conversation_id)


def _reply_count(tweet: Mapping[str, Any] | None) -> int | None:
    metrics = tweet.get("public_metrics") if tweet else None
    count = metrics.get("reply_count") if isinstance(metrics, Mapping) else None
    return count if isinstance(count, int) and count >= 0 else None
