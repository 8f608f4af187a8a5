"""X conversations from files: real twarc2 output and a real account archive."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import shared_file
from threadscope.errors import FileFormatError, InputError
from threadscope.model import MISSING, ORPHANED, QUOTE, Thread
from threadscope.sources.files import load_file
from threadscope.sources.x_files import read_archive, read_twarc


def twarc(name: str, conversation: str | None = None) -> Thread:
    return load_file(shared_file(f"twitter/twarc2/{name}"), conversation=conversation)


def archive(conversation: str | None = None) -> Thread:
    return load_file(shared_file("twitter/archive/tweets.js"), conversation=conversation)


def parents(thread: Thread) -> dict[str, str | None]:
    return {p.id: p.parent_id for p in thread.posts}


# --- twarc2 response pages -----------------------------------------------------------


def test_twarc_pages_rebuild_a_conversation() -> None:
    thread = twarc("withheld.jsonl", "1253788283760492544")
    assert (thread.source, thread.id, len(thread)) == ("x", "1253788283760492544", 5)
    assert parents(thread) == {
        "1253788283760492544": None,
        "1253792843128283136": "1253788283760492544",
        "1253796041020919809": "1253792843128283136",
        "1253796880888279046": "1253796041020919809",
        "1253792955133026304": "1253788283760492544",
    }
    deepest = thread.get("1253796880888279046")
    assert deepest.depth == 3
    assert deepest.author == "PhillyNEFL"
    assert deepest.text == "@WhoDisTweet Just replace them. That accelerator eats thru everything over time."
    assert deepest.own_text == "Just replace them. That accelerator eats thru everything over time."
    assert deepest.permalink == "https://x.com/PhillyNEFL/status/1253796880888279046"
    assert deepest.score == 1
    assert thread.get("1253792843128283136").own_text == "Yep. You need new Male & female fittings"
    assert thread.root.author == "WhoDisTweet"
    assert thread.root.created_at == datetime(2020, 4, 24, 20, 49, 55, tzinfo=UTC)
    assert thread.permalink == "https://x.com/WhoDisTweet/status/1253788283760492544"
    assert thread.fetched_at == datetime(2021, 6, 14, 11, 15, 14, tzinfo=UTC)  # twarc's retrieved_at
    assert thread.notes == []


def test_any_tweet_id_picks_its_conversation() -> None:
    thread = twarc("withheld.jsonl", "1253796880888279046")
    assert thread.id == "1253788283760492544"


def test_a_missing_root_becomes_a_placeholder_and_orphans_keep_their_replies() -> None:
    thread = twarc("noflat.jsonl", "1380242320621236227")
    assert thread.root.id == "1380242320621236227"
    assert thread.root.flags == frozenset({MISSING})
    assert thread.root.text == "" and not thread.root.has_text
    # 1380242340925874179 answers 1380242339449438216, which the file lacks.
    orphan = thread.get("1380242340925874179")
    assert orphan.flags == frozenset({ORPHANED}) and orphan.depth == 1
    assert thread.get("1380242345652785166").parent_id == "1380242340925874179"
    assert thread.get("1380242347905183747").depth == 3
    assert [p.id for p in thread.posts if p.orphaned] == ["1380242340925874179"]
    assert "1 reply whose parent was missing hangs from the root, flagged orphaned" in thread.notes
    assert thread.title == "X conversation 1380242320621236227"


def test_placeholder_root_takes_its_author_from_a_direct_reply() -> None:
    thread = twarc("withheld.jsonl", "1404365377979641856")
    assert MISSING in thread.root.flags
    assert thread.root.author == "sathyamaanu"
    assert thread.get("1404369053502767104").orphaned  # answers 1404367914384322560, absent
    assert thread.get("1404367661123792903").parent_id == "1404365377979641856"


def test_quote_tweets_hang_from_the_root_flagged() -> None:
    thread = twarc("noflat.jsonl", "1380226330034372610")
    replies = [p.id for p in thread.comments if not p.flags]
    quotes = {p.id for p in thread.comments if QUOTE in p.flags}
    assert replies == ["1380228262929035264", "1380242413445337098"]
    assert {"1380242403009966082", "1380242265759752195"} <= quotes
    assert all(thread.get(q).depth == 1 and thread.get(q).parent_id == thread.id for q in quotes)
    assert thread.root.author == "Breaking911"


def test_retweets_are_not_posts() -> None:
    thread = twarc("noflat.jsonl", "1380153700044435463")
    assert not any(p.text.startswith("RT @") for p in thread.posts)
    with pytest.raises(InputError, match="no conversation or tweet 1380242611781386245"):
        twarc("noflat.jsonl", "1380242611781386245")  # a retweet


def test_flattened_twarc_matches_the_pages() -> None:
    flat = twarc("flat.jsonl", "1380211244381179904")
    pages = twarc("noflat.jsonl", "1380211244381179904")
    assert parents(flat) == parents(pages)
    assert (
        [p.author for p in flat.posts]
        == [p.author for p in pages.posts]
        == ["ZubyMusic", "_RLM_Matters", "TheTrad67354575"]
    )
    assert flat.title == "@ZubyMusic: I still don't really understand the point of Joe Biden."
    assert MISSING not in flat.root.flags  # rebuilt from the inlined referenced tweet


@pytest.mark.parametrize(
    ("name", "total", "first"),
    [
        ("noflat.jsonl", 50, "1380153700044435463 (4 tweets)"),
        ("withheld.jsonl", 123, "1253788283760492544 (5 tweets)"),
    ],
)
def test_several_conversations_need_a_choice(name: str, total: int, first: str) -> None:
    with pytest.raises(InputError) as caught:
        twarc(name)
    message = str(caught.value)
    assert f"holds {total} conversations; pick one with --conversation ID: {first}, " in message
    assert message.endswith(f"and {total - 5} more")
    assert "\n" not in message


def test_twarc_file_errors_name_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"data": []}\n{not json\n')
    with pytest.raises(FileFormatError, match="line 2: truncated or malformed JSON"):
        load_file(bad)
    odd = tmp_path / "odd.jsonl"
    odd.write_text('{"hello": 1}\n')
    with pytest.raises(FileFormatError, match="line 1 is neither an X API v2 response page nor a tweet"):
        load_file(odd)


def test_a_twarc_file_of_retweets_only_holds_no_conversation(tmp_path: Path) -> None:
    rt = {
        "id": "2",
        "text": "RT @a: hi",
        "conversation_id": "2",
        "referenced_tweets": [{"type": "retweeted", "id": "1"}],
    }
    path = tmp_path / "rts.jsonl"
    path.write_text(json.dumps({"data": [rt]}) + "\n")
    with pytest.raises(FileFormatError, match="holds no conversation tweets"):
        read_twarc(path, path.read_text())


# --- account archive -----------------------------------------------------------------


def test_archive_without_choice_reads_the_longest_self_reply_chain() -> None:
    thread = archive()
    ids = [p.id for p in thread.posts]
    assert thread.id == ids[0] == "2023041753897738313"
    assert len(thread) == 12 and len(thread.comments) == 11  # 11 self-replies, per PROVENANCE.md
    assert [p.depth for p in thread.posts] == list(range(12))
    assert all(p.parent_id == ids[i] for i, p in enumerate(thread.posts[1:]))
    assert {p.author for p in thread.posts} == {"milahu104"}
    assert thread.root.created_at == datetime(2026, 2, 15, 14, 28, 35, tzinfo=UTC)
    assert thread.root.own_text.startswith("lies! noch ein kapitel aus meinem buch:")
    assert thread.root.text.startswith("@shlomo96 @achseostwest lies!")
    assert thread.root.permalink == "https://x.com/milahu104/status/2023041753897738313"
    assert thread.title is not None and thread.title.startswith("@milahu104: lies! noch ein kapitel")
    assert "the thread answers tweet 2023031412182430019 by @shlomo96, which the archive lacks" in thread.notes


def test_archive_conversation_by_any_tweet_in_it() -> None:
    assert archive("2023042292198879741").id == "2023041753897738313"
    branched = archive("2027739112069878026")
    assert len(branched) == 5 and max(p.depth for p in branched.posts) == 3


def test_archive_unknown_tweet_lists_the_threads() -> None:
    with pytest.raises(InputError) as caught:
        archive("2029604193200152772")  # a retweet: not the owner's post
    message = str(caught.value)
    assert "no tweet 2029604193200152772 in this archive" in message
    assert "its threads are 2023041753897738313 (12 tweets), " in message
    assert message.endswith("and 14 more")


def test_archive_files_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "tweets.js"
    path.write_text('[{"tweet": {}}]')
    with pytest.raises(FileFormatError, match="not an X archive tweets.js"):
        read_archive(path, path.read_text())
    path.write_text('window.YTD.tweets.part0 = [{"tweet": {"id_str": "5", "full_text": "hi"}}]')
    with pytest.raises(InputError, match="no self-reply threads"):
        read_archive(path, path.read_text())
    single = read_archive(path, path.read_text(), conversation="5")
    assert [p.own_text for p in single.posts] == ["hi"]


def test_hand_built_edge_cases(tmp_path: Path) -> None:
    def tweet(tweet_id: str, text: str, **refs: str) -> dict[str, object]:
        return {
            "id": tweet_id,
            "conversation_id": "10",
            "author_id": "1",
            "text": text,
            "referenced_tweets": [{"type": kind, "id": ref} for kind, ref in refs.items()],
        }

    page = {
        "data": [
            tweet("10", "root &amp; all"),
            tweet("11", "@a @b hello", replied_to="10"),
            tweet("12", "RT @a: root", retweeted="10"),  # X gives it the conversation id here
            tweet("14", "@a below a missing one", replied_to="13"),
            tweet("15", "@a deeper", replied_to="14"),
            {**tweet("16", "@a quoting and replying", replied_to="11", quoted="10")},
            {**tweet("20", "a quote of the reply", quoted="11"), "conversation_id": "20"},
        ],
        "includes": {"users": [{"id": "1", "username": "a"}]},
        "meta": {"result_count": 7},
    }
    path = tmp_path / "edge.jsonl"
    path.write_text(json.dumps(page) + "\n")

    thread = read_twarc(path, path.read_text(), conversation="10")
    assert parents(thread) == {"10": None, "11": "10", "16": "11", "14": "10", "15": "14", "20": "10"}
    assert thread.get("14").flags == frozenset({ORPHANED})
    assert thread.get("20").flags == frozenset({QUOTE}) and thread.get("20").depth == 1
    assert thread.get("16").flags == frozenset()
    assert thread.root.text == "root & all"
    assert thread.get("11").own_text == "hello" and thread.get("11").text == "@a @b hello"
    assert "12" not in thread
