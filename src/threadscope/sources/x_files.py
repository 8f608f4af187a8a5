"""X conversations saved on disk: twarc2 output and account archives.

``read_twarc`` reads what ``twarc2`` writes: one X API v2 response page per
line, or, after ``twarc2 flatten``, one tweet per line with its author and
referenced tweets inlined. ``read_archive`` reads ``tweets.js`` from an X
account archive, which holds only the owner's tweets: its threads are the
owner's self-reply chains.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from threadscope.errors import FileFormatError, InputError
from threadscope.model import Post, Thread, parse_timestamp
from threadscope.sources import untrusted
from threadscope.sources.x import Tweets, build_conversation, is_retweet, thread_title, tweet_post, v1_time

#: How many conversations an error message lists before "and N more".
LISTED = 5

_ARCHIVE_PREFIX = re.compile(r"^\s*window\.YTD\.[A-Za-z0-9_.]+\s*=\s*")


# --- twarc2 -------------------------------------------------------------------------


def read_twarc(path: Path, text: str, *, conversation: str | None = None) -> Thread:
    """One conversation from twarc2 output.

    Args:
        path: the file, for messages.
        text: its contents.
        conversation: a conversation id, or the id of any tweet in it; needed
            when the file holds more than one conversation.

    Raises:
        FileFormatError: a line that is not JSON, or neither a response page nor a tweet.
        InputError: several conversations and none chosen, or the chosen one absent.

    """
    tweets, retrieved = _load_twarc(path, text)
    counts = _conversation_sizes(tweets)
    if not counts:
        raise FileFormatError(
            f"{path}: holds no conversation tweets (only retweets, or tweets without conversation_id)"
        )
    chosen = _choose_conversation(path, tweets, counts, conversation)
    return build_conversation(tweets, chosen, fetched_at=max(retrieved, default=None) or _mtime(path))


def _load_twarc(path: Path, text: str) -> tuple[Tweets, list[datetime]]:
    """The file's tweets, and when twarc retrieved them (its ``__twarc.retrieved_at``)."""
    tweets = Tweets()
    retrieved: list[datetime] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        item = untrusted.loads(line, f"{path}: line {number}")
        if isinstance(item, Mapping) and ("data" in item or "meta" in item):
            tweets.add_response(item)
        elif isinstance(item, Mapping) and "id" in item and "text" in item:
            _add_flat(tweets, item)
        else:
            raise FileFormatError(f"{path}: line {number} is neither an X API v2 response page nor a tweet")
        stamp = parse_timestamp(_twarc_meta(item).get("retrieved_at"))
        if stamp is not None:
            retrieved.append(stamp)
    return tweets, retrieved


def _twarc_meta(item: Mapping[str, Any]) -> Mapping[str, Any]:
    meta = item.get("__twarc")
    return meta if isinstance(meta, Mapping) else {}


def _add_flat(tweets: Tweets, tweet: Mapping[str, Any], *, primary: bool = True) -> None:
    """A flattened tweet: its author, replied-to user and referenced tweets are inlined."""
    for key in ("author", "in_reply_to_user"):
        tweets.add_user(tweet.get(key))
    tweets.add_tweet(tweet, primary=primary)
    for ref in tweet.get("referenced_tweets") or []:
        if isinstance(ref, Mapping) and "text" in ref:
            _add_flat(tweets, {k: v for k, v in ref.items() if k != "type"}, primary=False)


def _conversation_sizes(tweets: Tweets) -> Counter[str]:
    """Tweets per conversation, for the conversations the file's results belong to."""
    wanted = {
        str(tweets.by_id[i]["conversation_id"])
        for i in tweets.primary
        if tweets.by_id[i].get("conversation_id") and not is_retweet(tweets.by_id[i])
    }
    return Counter({cid: len(tweets.members(cid)) for cid in wanted})


def _choose_conversation(path: Path, tweets: Tweets, counts: Counter[str], conversation: str | None) -> str:
    if conversation is None:
        if len(counts) == 1:
            return next(iter(counts))
        raise InputError(
            f"{path}: holds {len(counts)} conversations; pick one with --conversation ID: {_listing(counts)}"
        )
    conversation = conversation.strip()
    if conversation in counts:
        return conversation
    tweet = tweets.by_id.get(conversation)
    if tweet is not None and tweet.get("conversation_id") and not is_retweet(tweet):
        return str(tweet["conversation_id"])
    raise InputError(f"{path}: no conversation or tweet {conversation}; it holds {_listing(counts)}")


def _listing(counts: Counter[str]) -> str:
    """``123 (4 tweets), 456 (1 tweet) and 80 more``: the biggest first."""
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = ", ".join(f"{cid} ({n} tweet{'' if n == 1 else 's'})" for cid, n in ranked[:LISTED])
    rest = len(ranked) - LISTED
    return f"{shown} and {rest} more" if rest > 0 else shown


def _mtime(path: Path) -> datetime | None:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    except OSError:
        return None


# --- account archives ---------------------------------------------------------------


def read_archive(path: Path, text: str, *, conversation: str | None = None) -> Thread:
    """One self-reply thread from an account archive's ``tweets.js``.

    Args:
        path: the file, for messages.
        text: its contents.
        conversation: the id of any tweet in the thread wanted; the longest
            thread (the earliest, on a tie) when ``None``.

    Raises:
        FileFormatError: not a ``window.YTD.tweets`` file.
        InputError: the chosen tweet is not in the archive, or there are no threads.

    """
    tweets = _load_archive(path, text)
    parents = {tid: t.get("in_reply_to_status_id_str") for tid, t in tweets.items()}
    parents = {tid: str(p) if p in tweets else None for tid, p in parents.items()}
    chains = _chains(parents)
    if conversation is not None:
        conversation = conversation.strip()
        if conversation not in tweets:
            raise InputError(
                f"{path}: no tweet {conversation} in this archive; its threads are {_listing(_sizes(chains))}"
            )
        top = _top(conversation, parents)
    elif chains:
        top = min(chains, key=lambda r: (-len(chains[r]), int(r)))
    else:
        raise InputError(f"{path}: the archive holds no self-reply threads; pick one tweet with --conversation ID")
    return _archive_thread(path, tweets, chains.get(top, [top]), parents, _owner(tweets))


def _load_archive(path: Path, text: str) -> dict[str, dict[str, Any]]:
    """The archive's own tweets (retweets aside) by id."""
    match = _ARCHIVE_PREFIX.match(text)
    if not match:
        raise FileFormatError(f"{path}: not an X archive tweets.js (it should start with window.YTD.tweets.part0 =)")
    entries = untrusted.loads(text[match.end() :].strip().rstrip(";"), str(path))
    if not isinstance(entries, list):
        raise FileFormatError(f"{path}: the archive should hold a list of tweets")
    tweets: dict[str, dict[str, Any]] = {}
    for entry in entries:
        tweet = entry.get("tweet", entry) if isinstance(entry, Mapping) else None
        if not isinstance(tweet, Mapping) or "id_str" not in tweet:
            raise FileFormatError(f"{path}: an archive entry without a tweet id_str")
        if not _archive_retweet(tweet):
            tweets[str(tweet["id_str"])] = dict(tweet)
    return tweets


def _archive_retweet(tweet: Mapping[str, Any]) -> bool:
    # Archives mark retweets only by their text (and "retweeted" is the owner's own flag).
    return str(tweet.get("full_text") or tweet.get("text") or "").startswith("RT @")


def _top(tweet_id: str, parents: Mapping[str, str | None]) -> str:
    seen = {tweet_id}
    parent = parents.get(tweet_id)
    while parent is not None and parent not in seen:
        tweet_id = parent
        seen.add(parent)
        parent = parents.get(parent)
    return tweet_id


def _chains(parents: Mapping[str, str | None]) -> dict[str, list[str]]:
    """Each self-reply thread's tweet ids, by its first tweet; single tweets are left out."""
    groups: dict[str, list[str]] = {}
    for tweet_id in parents:
        groups.setdefault(_top(tweet_id, parents), []).append(tweet_id)
    return {top: sorted(ids, key=int) for top, ids in groups.items() if len(ids) > 1}


def _sizes(chains: Mapping[str, list[str]]) -> Counter[str]:
    return Counter({top: len(ids) for top, ids in chains.items()})


def _owner(tweets: Mapping[str, Mapping[str, Any]]) -> str | None:
    """The account's username: whom its self-replies answer."""
    names = Counter(
        str(t["in_reply_to_screen_name"])
        for t in tweets.values()
        if t.get("in_reply_to_status_id_str") in tweets and t.get("in_reply_to_screen_name")
    )
    return names.most_common(1)[0][0] if names else None


def _archive_thread(
    path: Path,
    tweets: Mapping[str, Mapping[str, Any]],
    ids: list[str],
    parents: Mapping[str, str | None],
    owner: str | None,
) -> Thread:
    posts = [_archive_post(tweets[i], parents[i], owner) for i in ids]
    root, replies = posts[0], posts[1:]
    notes = [f"an account archive: only @{owner or 'the owner'}'s own tweets, no replies from others"]
    answered = tweets[root.id].get("in_reply_to_status_id_str")
    if answered:
        who = tweets[root.id].get("in_reply_to_screen_name")
        notes.append(f"the thread answers tweet {answered}{f' by @{who}' if who else ''}, which the archive lacks")
    return Thread.build(
        source="x",
        id=root.id,
        root=root,
        replies=replies,
        title=thread_title(root),
        permalink=root.permalink,
        fetched_at=_mtime(path),
        notes=notes,
    )


def _archive_post(tweet: Mapping[str, Any], parent_id: str | None, owner: str | None) -> Post:
    likes = str(tweet.get("favorite_count") or "")
    return tweet_post(
        str(tweet["id_str"]),
        parent_id=parent_id,
        text=str(tweet.get("full_text") or tweet.get("text") or ""),
        username=owner,
        created_at=v1_time(tweet.get("created_at")),
        likes=int(likes) if likes.isdigit() else None,
        is_reply=bool(tweet.get("in_reply_to_status_id_str") or tweet.get("in_reply_to_user_id_str")),
    )
