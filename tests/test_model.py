"""Thread.build on hand-made trees, broken ones included."""

from __future__ import annotations

import random

import pytest

from threadscope.errors import InputError
from threadscope.model import ORPHANED, Post, Thread, isoformat, parse_timestamp


def post(pid: str, parent: str | None, author: str | None = "a", text: str = "words") -> Post:
    return Post(id=pid, parent_id=parent, author=author, text=text, own_text=text, deleted=author is None and not text)


def build(*replies: Post) -> Thread:
    return Thread.build(source="test", id="r", root=post("r", None), replies=replies)


def test_one_comment() -> None:
    thread = build(post("1", "r"))
    assert [(p.id, p.depth) for p in thread] == [("r", 0), ("1", 1)]
    assert thread.comments[0].parent_id == "r"
    assert thread.notes == []


def test_depth_first_order_keeps_sibling_order_and_sets_depth() -> None:
    thread = build(post("1", "r"), post("2", "r"), post("1a", "1"), post("1a1", "1a"), post("2a", "2"))
    assert [p.id for p in thread] == ["r", "1", "1a", "1a1", "2", "2a"]
    assert [p.depth for p in thread] == [0, 1, 2, 3, 1, 2]
    assert [c.id for c in thread.children("1")] == ["1a"]


def test_only_deleted_comments_stay_as_structure() -> None:
    thread = build(post("1", "r", author=None, text=""), post("2", "1", author=None, text=""))
    assert [p.deleted for p in thread.comments] == [True, True]
    assert [p.depth for p in thread.comments] == [1, 2]
    assert not any(p.has_text for p in thread.comments)


def test_orphaned_reply_hangs_from_root_and_is_flagged() -> None:
    thread = build(post("1", "r"), post("2", "missing"))
    orphan = thread.get("2")
    assert orphan.parent_id == "r" and orphan.depth == 1 and orphan.orphaned
    assert ORPHANED not in thread.get("1").flags
    assert thread.notes == ["1 reply whose parent was missing hangs from the root, flagged orphaned"]


def test_replies_below_an_orphan_stay_below_it() -> None:
    thread = build(post("a", "gone"), post("b", "a"), post("c", "b"))
    assert [(p.id, p.parent_id, p.depth, p.orphaned) for p in thread.comments] == [
        ("a", "r", 1, True),
        ("b", "a", 2, False),
        ("c", "b", 3, False),
    ]


def test_several_parentless_posts_become_orphans_of_the_one_root() -> None:
    thread = build(post("1", None), post("2", None))
    assert [p.parent_id for p in thread.comments] == ["r", "r"]
    assert all(p.orphaned for p in thread.comments)


def test_cycle_is_cut_and_attached_to_root() -> None:
    thread = build(post("1", "r"), post("a", "b"), post("b", "a"))
    assert len(thread) == 4
    assert {p.id for p in thread} == {"r", "1", "a", "b"}
    cut = [p for p in thread.comments if p.orphaned]
    assert len(cut) == 1 and cut[0].parent_id == "r"
    other = ({"a", "b"} - {cut[0].id}).pop()
    assert thread.get(other).parent_id == cut[0].id and thread.get(other).depth == 2


def test_self_parent_and_repeated_ids() -> None:
    thread = build(post("1", "1"), post("2", "r", text="first"), post("2", "r", text="second"))
    assert thread.get("1").orphaned
    assert thread.get("2").text == "first"
    assert len(thread) == 3


def test_subtree_recomputes_depth_and_copies() -> None:
    thread = build(post("1", "r"), post("1a", "1"), post("1a1", "1a"), post("2", "r"))
    sub = thread.subtree("1a")
    assert [(p.id, p.depth) for p in sub] == [("1a", 0), ("1a1", 1)]
    assert thread.get("1a").depth == 2  # the original is untouched
    with pytest.raises(InputError):
        thread.subtree("nope")


def test_ten_thousand_comments_random_tree() -> None:
    rng = random.Random(7)
    replies = [post("0", "r")]
    for i in range(1, 10_000):
        replies.append(post(str(i), str(rng.randrange(i)) if rng.random() < 0.8 else "r"))
    rng.shuffle(replies)  # parents may come after their replies
    thread = build(*replies)
    assert len(thread) == 10_001
    assert not any(p.orphaned for p in thread)
    for p in thread.comments:
        assert p.depth == thread.get(p.parent_id).depth + 1  # type: ignore[arg-type]


def test_ten_thousand_deep_chain_does_not_recurse() -> None:
    replies = [post(str(i), str(i - 1) if i else "r") for i in range(10_000)]
    thread = build(*replies)
    assert thread.posts[-1].depth == 10_000


def test_timestamps() -> None:
    assert isoformat(parse_timestamp("2006-10-09T19:52:45.000Z")) == "2006-10-09T19:52:45Z"
    assert isoformat(parse_timestamp(1160423565)) == "2006-10-09T19:52:45Z"
    assert parse_timestamp("2 days ago") is None
    assert parse_timestamp(None) is None
