"""X (Twitter) specs and tweets: from API v2 tweet objects to a Thread.

``parse_spec`` reads ``x:<id>`` and status links; ``Tweets`` gathers API v2
tweet objects (from live responses or twarc2 files) and ``build_conversation``
rebuilds one conversation's reply tree from them. Fetching them is
``x_api``'s job.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from threadscope.errors import (
    SpecError,
)
from threadscope.model import MISSING, QUOTE, Post, Thread, parse_timestamp
from threadscope.text import plain_to_text

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

SITE = "https://x.com"

_ID = re.compile(r"^[1-9][0-9]{0,19}$")
_REPLY_PREFIX = re.compile(r"^(?:@\w{1,15}\s+)+")
_SNOWFLAKE_EPOCH_MS = 1288834974657
_FIRST_SNOWFLAKE = 10**11
_TITLE_CHARS = 80


def parse_spec(spec: str) -> str | None:
    """The tweet id in an X spec (``x:<id>``, an x.com or twitter.com status URL), ``None`` if not X."""
    if spec.lower().startswith("x:"):
        value = spec[2:].strip()
    else:
        parsed = urlparse(spec)
        host = (parsed.hostname or "").removeprefix("www.").removeprefix("mobile.")
        if parsed.scheme not in {"http", "https"} or host not in {"x.com", "twitter.com"}:
            return None
        match = re.match(r"^/[^/]+/status(?:es)?/([^/?#]+)", parsed.path)
        if not match:
            raise SpecError(
                f"{spec!r} is an X link without a status id; give a link like https://x.com/<user>/status/<id>"
            )
        value = match.group(1)
    if not _ID.match(value):
        raise SpecError(f"{spec!r} is not a valid tweet id: ids are positive whole numbers")
    return value


def permalink(tweet_id: str, username: str | None = None) -> str:
    """The x.com page of a tweet; ``/i/status/`` works when the author is unknown."""
    return f"{SITE}/{username or 'i'}/status/{tweet_id}"


def snowflake_time(tweet_id: str) -> datetime | None:
    """When a tweet was posted, read from its id; ``None`` for ids from before November 2010.

    Ids since then are "snowflakes" whose high bits count milliseconds from
    X's epoch; older ids were sequential (all below 10^11) and carry no time.
    """
    if not tweet_id.isdigit() or int(tweet_id) < _FIRST_SNOWFLAKE:
        return None
    ms = (int(tweet_id) >> 22) + _SNOWFLAKE_EPOCH_MS
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


# --- from tweet objects to a thread ------------------------------------------------


def references(tweet: Mapping[str, Any]) -> dict[str, str]:
    """A tweet's referenced tweets by type (``replied_to``, ``quoted``, ``retweeted``)."""
    refs = tweet.get("referenced_tweets") or []
    return {str(r["type"]): str(r["id"]) for r in refs if isinstance(r, Mapping) and "type" in r and "id" in r}


def is_retweet(tweet: Mapping[str, Any]) -> bool:
    """Whether a tweet is a retweet, which repeats a post rather than adding one."""
    return "retweeted" in references(tweet)


@dataclass
class Tweets:
    """API v2 tweet objects and usernames gathered from responses, by id.

    ``primary`` keeps, in order, the ids of tweets that were results (a
    response's ``data``) rather than expansions (``includes.tweets``).
    """

    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    usernames: dict[str, str] = field(default_factory=dict)
    primary: list[str] = field(default_factory=list)
    _primary_ids: set[str] = field(default_factory=set, init=False, repr=False)

    def add_response(self, page: Mapping[str, Any]) -> None:
        """Merge one API v2 response: ``data`` (one tweet or a list), ``includes``."""
        data = page.get("data")
        for tweet in data if isinstance(data, list) else [data] if isinstance(data, Mapping) else []:
            self.add_tweet(tweet, primary=True)
        includes = page.get("includes")
        if isinstance(includes, Mapping):
            for user in includes.get("users") or []:
                self.add_user(user)
            for tweet in includes.get("tweets") or []:
                self.add_tweet(tweet, primary=False)

    def add_tweet(self, tweet: Any, *, primary: bool) -> None:
        """Keep a tweet object; one seen before keeps its first copy."""
        if not isinstance(tweet, Mapping) or "id" not in tweet:
            return
        tweet_id = str(tweet["id"])
        self.by_id.setdefault(tweet_id, dict(tweet))
        if primary and tweet_id not in self._primary_ids:
            self._primary_ids.add(tweet_id)
            self.primary.append(tweet_id)

    def add_user(self, user: Any) -> None:
        """Remember a user object's username."""
        if isinstance(user, Mapping) and user.get("id") and user.get("username"):
            self.usernames[str(user["id"])] = str(user["username"])

    def username(self, tweet: Mapping[str, Any]) -> str | None:
        """The username of a tweet's author, when known."""
        return self.usernames.get(str(tweet.get("author_id")))

    def members(self, conversation_id: str) -> list[dict[str, Any]]:
        """The conversation's tweets (retweets aside), oldest first."""
        found = [
            t for t in self.by_id.values() if str(t.get("conversation_id")) == conversation_id and not is_retweet(t)
        ]
        return sorted(found, key=_id_order)

    def quotes_of(self, tweet_ids: set[str]) -> list[dict[str, Any]]:
        """Tweets quoting one of ``tweet_ids`` without replying, oldest first."""
        found = []
        for tweet in self.by_id.values():
            refs = references(tweet)
            if refs.get("quoted") in tweet_ids and "replied_to" not in refs and "retweeted" not in refs:
                found.append(tweet)
        return sorted(found, key=_id_order)


def _id_order(tweet: Mapping[str, Any]) -> tuple[int, str]:
    tweet_id = str(tweet.get("id"))
    return (int(tweet_id) if tweet_id.isdigit() else 0, tweet_id)


def tweet_post(
    tweet_id: str,
    *,
    parent_id: str | None,
    text: str,
    username: str | None,
    created_at: datetime | None,
    likes: int | None,
    is_reply: bool,
    flags: frozenset[str] = frozenset(),
) -> Post:
    """A Post for one tweet.

    A reply's text opens with the @handles it answers, which X adds: they stay
    in ``text`` but not in ``own_text``, since they are not the author's words.
    """
    words = plain_to_text(text)
    own = _REPLY_PREFIX.sub("", words.own_text) if is_reply else words.own_text
    return Post(
        id=tweet_id,
        parent_id=parent_id,
        author=username,
        created_at=created_at,
        text_html="",
        text=words.text,
        own_text=own,
        permalink=permalink(tweet_id, username),
        score=likes,
        flags=flags,
    )


def _api_post(tweet: Mapping[str, Any], tweets: Tweets, parent_id: str | None, flags: frozenset[str]) -> Post:
    refs = references(tweet)
    note = tweet.get("note_tweet")
    text = note.get("text") if isinstance(note, Mapping) and note.get("text") else tweet.get("text")
    metrics = tweet.get("public_metrics")
    likes = metrics.get("like_count") if isinstance(metrics, Mapping) else None
    return tweet_post(
        str(tweet["id"]),
        parent_id=parent_id,
        text=str(text or ""),
        username=tweets.username(tweet),
        created_at=parse_timestamp(tweet.get("created_at")),
        likes=likes if isinstance(likes, int) else None,
        is_reply="replied_to" in refs or tweet.get("in_reply_to_user_id") is not None,
        flags=flags,
    )


#: How API v1.1 tweets, and account archives, write ``created_at``.
V1_TIME = "%a %b %d %H:%M:%S %z %Y"


def v1_time(value: Any) -> datetime | None:
    """A v1.1 or archive ``created_at`` (``Wed Oct 10 20:19:24 +0000 2018``), or ISO-8601, as UTC."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value, V1_TIME).astimezone(UTC)
    except ValueError:
        return parse_timestamp(value)


def thread_title(root: Post) -> str:
    """``@user: the root tweet's first 80 characters…``."""
    words = " ".join((root.own_text or root.text).split())
    if len(words) > _TITLE_CHARS:
        words = words[:_TITLE_CHARS].rstrip() + "…"
    return f"@{root.author or 'unknown'}: {words}" if words else f"X conversation {root.id}"


def build_conversation(
    tweets: Tweets,
    conversation_id: str,
    *,
    fetched_at: datetime | None = None,
    notes: Iterable[str] = (),
) -> Thread:
    """Rebuild one conversation's reply tree from the tweets gathered.

    Parents come from ``replied_to`` references; a reply whose parent is
    absent hangs from the root, flagged orphaned.
    Tweets quoting a post of the conversation are kept at depth 1, flagged
    ``quote``. Retweets are skipped. A root X did not return is replaced by a
    placeholder flagged ``missing``.
    """
    members = tweets.members(conversation_id)
    root_tweet = tweets.by_id.get(conversation_id)
    notes = list(notes)
    if root_tweet is not None and not is_retweet(root_tweet):
        root = _api_post(root_tweet, tweets, None, frozenset())
    else:
        root = _placeholder_root(conversation_id, members, tweets)
        notes.append(
            f"the root tweet {conversation_id} was not available (deleted, protected or not fetched); "
            "a placeholder stands in for it"
        )
    replies = [
        _api_post(t, tweets, references(t).get("replied_to"), frozenset())
        for t in members
        if str(t["id"]) != conversation_id
    ]
    in_conversation = {conversation_id} | {str(t["id"]) for t in members}
    quotes = [
        _api_post(t, tweets, conversation_id, frozenset({QUOTE}))
        for t in tweets.quotes_of(in_conversation)
        if str(t["id"]) not in in_conversation
    ]
    return Thread.build(
        source="x",
        id=conversation_id,
        root=root,
        replies=replies + quotes,
        title=thread_title(root),
        permalink=root.permalink,
        fetched_at=fetched_at,
        notes=notes,
    )


def _placeholder_root(conversation_id: str, members: list[dict[str, Any]], tweets: Tweets) -> Post:
    """A stand-in root; its author is known when a direct reply names whom it answers."""
    author = None
    for tweet in members:
        if references(tweet).get("replied_to") == conversation_id and tweet.get("in_reply_to_user_id"):
            author = tweets.usernames.get(str(tweet["in_reply_to_user_id"]))
            break
    return Post(
        id=conversation_id,
        parent_id=None,
        author=author,
        created_at=snowflake_time(conversation_id),
        permalink=permalink(conversation_id, author),
        flags=frozenset({MISSING}),
    )
