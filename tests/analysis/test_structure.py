import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from tests.conftest import shared_file
from threadscope.analysis.structure import (
    NO_SHAPE,
    analyze_structure,
    author_graph,
    concentration,
    exchanges,
    reply_graph,
)
from threadscope.model import Post, Thread
from threadscope.sources.files import parse_text
from threadscope.sources.hn import parse_item


def _at(hour: int, minute: int = 0, day: int = 14) -> datetime:
    return datetime(2021, 5, day, hour, minute, tzinfo=UTC)


def post(pid: str, parent: str | None, author: str | None, **kw: Any) -> Post:
    deleted = kw.pop("deleted", False)
    text = "" if deleted else kw.pop("text", f"comment {pid}")
    return Post(
        id=pid,
        parent_id=parent,
        author=author,
        text=text,
        own_text=text,
        deleted=deleted,
        permalink=f"https://example.org/{pid}",
        **kw,
    )


def build(*replies: Post, root_author: str | None = "op", structured: bool = True) -> Thread:
    root = Post(id="r", parent_id=None, author=root_author, text="story", own_text="story")
    return Thread.build(source="test", id="r", root=root, replies=list(replies), structured=structured)


@pytest.fixture
def tree() -> Thread:
    """Eight comments, drawn with thread (depth-first) order top to bottom.

    r (op)
    ├── a1 alice            10:05
    │   ├── b1 bob          10:40
    │   │   └── a2 alice    12:10
    │   │       └── b2 bob  12:59   alice/bob alternate 4 turns: a1 b1 a2 b2
    │   └── a3 alice                self-reply
    ├── x  [deleted]
    │   └── c1 carol
    └── o1 op                       orphan: its parent "gone" is missing
    """
    return build(
        post("a1", "r", "alice", created_at=_at(10, 5)),
        post("b1", "a1", "bob", created_at=_at(10, 40)),
        post("a2", "b1", "alice", created_at=_at(12, 10)),
        post("b2", "a2", "bob", created_at=_at(12, 59)),
        post("a3", "a1", "alice"),
        post("x", "r", None, deleted=True),
        post("c1", "x", "carol"),
        post("o1", "gone", "op"),
    )


THEMES = {"a1": 0, "b1": 1, "a2": 1, "b2": -1, "a3": 0, "x": None, "c1": -1, "o1": 2}


def test_counts(tree: Thread) -> None:
    result = analyze_structure(tree)
    assert [p.id for p in tree.comments] == ["a1", "b1", "a2", "b2", "a3", "x", "c1", "o1"]
    assert result["structured"] is True
    assert (result["comments"], result["deleted"], result["orphaned"]) == (8, 1, 1)
    assert result["authors"] == 4  # alice, bob, carol, op; the deleted comment has none
    assert result["op_comments"] == 1
    assert result["top_level"] == 3  # a1, x and the re-attached orphan
    assert "1 comment whose parent was missing hangs from the story, " in " ".join(result["notes"])
    assert any(n.startswith("1 comment deleted") for n in result["notes"])


def test_depth(tree: Thread) -> None:
    result = analyze_structure(tree)
    assert result["max_depth"] == 4
    assert result["mean_depth"] == 2.0  # (1+2+3+4+2+1+2+1) / 8
    assert result["depth_histogram"] == [
        {"depth": 1, "count": 3},
        {"depth": 2, "count": 3},
        {"depth": 3, "count": 1},
        {"depth": 4, "count": 1},
    ]


def test_branching(tree: Thread) -> None:
    result = analyze_structure(tree)
    # Replies: a1 2, b1 1, a2 1, x 1 (the deleted post still got a reply), the rest 0.
    assert result["branching_factor"] == 1.25  # (2+1+1+1) / 4
    assert result["replies_per_comment"] == 0.625  # 5 / 8


def test_largest_subthreads_and_dominant_theme(tree: Thread) -> None:
    rows = analyze_structure(tree, THEMES)["largest_subthreads"]
    assert [(r["root_id"], r["author"], r["size"], r["depth"]) for r in rows] == [
        ("a1", "alice", 5, 3),
        ("x", None, 2, 1),
        ("o1", "op", 1, 0),
    ]
    # a1's subtree has themes 0,1,1,-1,0: a 2–2 tie between 0 and 1 goes to 0, seen first.
    assert [r["dominant_theme"] for r in rows] == [0, None, 2]
    assert rows[0]["permalink"] == "https://example.org/a1"


def test_dominant_theme_is_none_without_themes(tree: Thread) -> None:
    rows = analyze_structure(tree)["largest_subthreads"]
    assert all(r["dominant_theme"] is None for r in rows)


def test_longest_chain(tree: Thread) -> None:
    assert analyze_structure(tree)["longest_chain"] == {
        "length": 4,
        "ids": ["a1", "b1", "a2", "b2"],
        "authors": ["alice", "bob", "alice", "bob"],
    }


def test_longest_chain_tie_goes_to_first_in_thread_order() -> None:
    thread = build(post("p", "r", "u"), post("q", "p", "v"), post("s", "r", "w"), post("t", "s", "z"))
    assert analyze_structure(thread)["longest_chain"]["ids"] == ["p", "q"]


def test_most_replied(tree: Thread) -> None:
    result = analyze_structure(tree)
    assert [(r["id"], r["replies"]) for r in result["most_replied"]] == [
        ("a1", 2),
        ("b1", 1),
        ("a2", 1),
        ("x", 1),
    ]


def test_authors_activity_and_replies_received(tree: Thread) -> None:
    result = analyze_structure(tree)
    assert result["most_active_authors"] == [
        {"author": "alice", "comments": 3},
        {"author": "bob", "comments": 2},
        {"author": "carol", "comments": 1},
        {"author": "op", "comments": 1},
    ]
    # alice: b1 -> a1 and b2 -> a2 (her self-reply a3 does not count); bob: a2 -> b1;
    # carol's reply to a deleted comment has no known recipient.
    assert result["most_replied_authors"] == [
        {"author": "alice", "replies_received": 2},
        {"author": "bob", "replies_received": 1},
    ]
    assert result["author_pairs"] == [
        {"from": "bob", "to": "alice", "replies": 2},
        {"from": "alice", "to": "bob", "replies": 1},
    ]


def test_exchanges(tree: Thread) -> None:
    result = analyze_structure(tree)
    assert result["exchanges"] == [
        {"authors": ["alice", "bob"], "turns": 4, "ids": ["a1", "b1", "a2", "b2"], "start_id": "a1"}
    ]
    assert result["exchange_count"] == 1


def test_exchanges_fork_break_and_order() -> None:
    thread = build(
        post("a", "r", "ann"),
        post("b", "a", "ben"),
        post("c", "b", "ann"),  # ann/ben for 3 turns, then it forks three ways:
        post("d", "c", "ben"),  # ... two branches go on to 4 turns, each its own run
        post("e", "c", "ben"),
        post("k", "c", "cat"),  # ... one turns to cat: a-b-c is a prefix, not another run
        post("f", "r", "dan"),
        post("g", "f", "eve"),
        post("h", "g", "dan"),  # a separate 3-turn run
        post("i", "h", "dan"),  # a self-reply ends it
        post("j", "i", "eve"),  # dan/eve again, but only 2 turns
    )
    runs = exchanges(thread)
    assert [(r["ids"], r["turns"], r["authors"], r["start_id"]) for r in runs] == [
        (["a", "b", "c", "d"], 4, ["ann", "ben"], "a"),
        (["a", "b", "c", "e"], 4, ["ann", "ben"], "a"),
        (["f", "g", "h"], 3, ["dan", "eve"], "f"),
    ]
    assert analyze_structure(thread)["exchange_count"] == 3


def test_concentration_known_distribution() -> None:
    # Sorted counts 1,1,1,1,6: mean absolute difference over ordered pairs 40/25, mean 2.
    assert concentration([6, 1, 1, 1, 1]) == {"top10_share": 0.6, "gini": 0.4}
    # 20 authors: the top 10% is 2 authors, who wrote 10 + 10 of 38 comments.
    assert concentration([10, 10] + [1] * 18)["top10_share"] == round(20 / 38, 4)
    assert concentration([3, 3, 3]) == {"top10_share": round(1 / 3, 4), "gini": 0.0}
    assert concentration([]) is None


def test_concentration_of_tree(tree: Thread) -> None:
    # alice 3, bob 2, carol 1, op 1 -> the top author (10% of 4, at least 1) wrote 3 of 7.
    assert analyze_structure(tree)["concentration"] == {"top10_share": 0.4286, "gini": 0.25}


def test_per_hour_has_zero_hour_and_half_share_is_enough(tree: Thread) -> None:
    result = analyze_structure(tree)  # 4 of 8 comments carry a time
    assert result["per_hour"] == [
        {"hour": "2021-05-14T10:00:00Z", "count": 2},
        {"hour": "2021-05-14T11:00:00Z", "count": 0},
        {"hour": "2021-05-14T12:00:00Z", "count": 2},
    ]
    assert result["first_comment_at"] == "2021-05-14T10:05:00Z"
    assert result["last_comment_at"] == "2021-05-14T12:59:00Z"
    assert result["peak_hour"] == "2021-05-14T10:00:00Z"  # tie with 12:00, first wins
    assert any("4 comments without a time" in n for n in result["notes"])


def test_per_hour_needs_half_of_comments_timed() -> None:
    thread = build(post("a", "r", "u", created_at=_at(9)), post("b", "r", "v"), post("c", "r", "w"))
    result = analyze_structure(thread)
    assert result["per_hour"] is None and result["peak_hour"] is None
    assert any("Only 1 of 3 comments" in n for n in result["notes"])


def test_per_hour_is_capped_at_fourteen_days() -> None:
    start = _at(0, 30, day=1)
    thread = build(*(post(f"p{d}", "r", "u", created_at=start + timedelta(days=d)) for d in range(20)))
    result = analyze_structure(thread)
    assert len(result["per_hour"]) == 14 * 24
    assert sum(row["count"] for row in result["per_hour"]) == 14
    assert result["last_comment_at"] == "2021-05-20T00:30:00Z"  # the real last comment
    assert any("first 14 days" in n and "6 later comments" in n for n in result["notes"])


def test_per_hour_converts_to_utc() -> None:
    plus2 = timezone(timedelta(hours=2))
    thread = build(post("a", "r", "u", created_at=datetime(2021, 5, 14, 1, 30, tzinfo=plus2)))
    assert analyze_structure(thread)["per_hour"] == [{"hour": "2021-05-13T23:00:00Z", "count": 1}]


def test_single_comment() -> None:
    result = analyze_structure(build(post("a", "r", "alice")))
    assert (result["comments"], result["authors"], result["top_level"]) == (1, 1, 1)
    assert (result["max_depth"], result["mean_depth"]) == (1, 1.0)
    assert result["depth_histogram"] == [{"depth": 1, "count": 1}]
    assert result["branching_factor"] is None  # no comment has a reply
    assert result["replies_per_comment"] == 0.0
    assert result["longest_chain"] == {"length": 1, "ids": ["a"], "authors": ["alice"]}
    assert result["largest_subthreads"][0]["size"] == 1 and result["largest_subthreads"][0]["depth"] == 0
    assert result["most_replied"] == [] and result["exchanges"] == [] and result["exchange_count"] == 0
    assert result["concentration"] == {"top10_share": 1.0, "gini": 0.0}


def test_only_deleted_comments() -> None:
    result = analyze_structure(build(post("a", "r", None, deleted=True), post("b", "a", None, deleted=True)))
    assert (result["comments"], result["deleted"], result["authors"]) == (2, 2, 0)
    assert result["most_active_authors"] == [] and result["concentration"] is None
    assert result["max_depth"] == 2 and result["branching_factor"] == 1.0
    assert result["exchanges"] == [] and result["most_replied_authors"] == []
    assert any("2 comments deleted" in n for n in result["notes"])


def test_no_comments() -> None:
    result = analyze_structure(build())
    assert (result["comments"], result["authors"], result["max_depth"]) == (0, 0, 0)
    assert result["mean_depth"] is None and result["longest_chain"] is None
    assert result["depth_histogram"] == [] and result["per_hour"] is None
    assert "The thread has no comments." in result["notes"]


def test_pasted_text_has_no_structure_metrics() -> None:
    thread = parse_text("A title\n\nFirst post, great.\n\nSecond post.\n\n> First post\n\nThird.", name="paste")
    result = analyze_structure(thread)
    assert result["structured"] is False
    assert result["comments"] == 4
    assert all(result[key] is None for key in NO_SHAPE)
    assert result["authors"] is None and result["concentration"] is None
    assert result["per_hour"] is None
    assert (
        "This discussion has no reply structure (pasted text): depth, chains, exchanges "
        "and reply counts are not available." in result["notes"]
    )


def test_unstructured_with_authors_keeps_author_counts() -> None:
    thread = build(post("a", "r", "u"), post("b", "r", "u"), post("c", "r", "v"), structured=False)
    result = analyze_structure(thread)
    assert result["authors"] == 2 and result["max_depth"] is None
    assert result["most_active_authors"][0] == {"author": "u", "comments": 2}


def test_graphs(tree: Thread) -> None:
    replies = reply_graph(tree)
    assert replies.number_of_nodes() == 9 and replies.number_of_edges() == 8
    assert replies.has_edge("a1", "b1") and replies.has_edge("r", "o1")
    authors = author_graph(tree)
    assert authors["bob"]["alice"]["weight"] == 2
    assert not authors.has_edge("alice", "alice")
    assert set(authors.nodes) == {"alice", "bob", "carol", "op"}


def test_result_is_plain_json(tree: Thread) -> None:
    result = analyze_structure(tree, THEMES)
    assert json.loads(json.dumps(result)) == result

    def walk(value: Any) -> Iterator[Any]:
        yield value
        if isinstance(value, dict):
            for v in value.values():
                yield from walk(v)
        elif isinstance(value, list):
            for v in value:
                yield from walk(v)

    assert all(type(v) in {dict, list, str, int, float, bool, type(None)} for v in walk(result))


# --- real data -------------------------------------------------------------


def _raw_comments(node: dict[str, Any], depth: int = 0) -> Iterator[tuple[dict[str, Any], int]]:
    for child in node.get("children") or []:
        yield child, depth + 1
        yield from _raw_comments(child, depth + 1)


def test_real_hn_thread() -> None:
    raw = json.loads(shared_file("hn/items/27145911.json").read_text(encoding="utf-8"))
    walked = list(_raw_comments(raw))
    result = analyze_structure(parse_item(raw))

    assert result["comments"] == len(walked) == 200
    assert result["max_depth"] == max(d for _, d in walked)
    assert result["authors"] == len({c["author"] for c, _ in walked if c.get("author")})
    assert result["top_level"] == len(raw["children"])
    assert result["deleted"] == sum(1 for c, _ in walked if not c.get("author") and not c.get("text"))
    assert result["depth_histogram"] == [
        {"depth": d, "count": sum(1 for _, depth in walked if depth == d)} for d in range(1, result["max_depth"] + 1)
    ]
    biggest = max(raw["children"], key=lambda c: sum(1 for _ in _raw_comments(c)))
    assert result["largest_subthreads"][0]["root_id"] == str(biggest["id"])
    assert result["largest_subthreads"][0]["size"] == 1 + sum(1 for _ in _raw_comments(biggest))
    assert result["longest_chain"]["length"] == result["max_depth"]
    assert sum(row["count"] for row in result["per_hour"]) == 200  # every comment carries a time
    assert result["exchange_count"] >= len(result["exchanges"]) > 0
    assert json.loads(json.dumps(result)) == result


def test_real_pasted_page() -> None:
    path = shared_file("seed/24330326.page.txt")
    thread = parse_text(path.read_text(encoding="utf-8"), name=path.stem)
    result = analyze_structure(thread)
    assert result["structured"] is False
    assert result["comments"] == len(thread.comments) > 200
    assert result["max_depth"] is None and result["exchanges"] is None
    assert result["authors"] is None and result["per_hour"] is None
    assert any("no reply structure" in n for n in result["notes"])
