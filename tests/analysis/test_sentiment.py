import json
import re
from typing import Any

import numpy as np
import pytest

from tests.conftest import shared_file
from threadscope.analysis import sentiment
from threadscope.analysis.sentiment import (
    bootstrap_ci,
    clean_text,
    excerpt,
    score_posts,
    score_text,
    summarize_sentiment,
)
from threadscope.model import Post, Thread
from threadscope.sources.files import parse_text
from threadscope.sources.hn import parse_item
from threadscope.text import plain_to_text


def post(pid: str, parent: str, author: str | None, text: str = "", deleted: bool = False) -> Post:
    words = plain_to_text(text)
    return Post(
        id=pid,
        parent_id=parent,
        author=author,
        text=words.text,
        own_text=words.own_text,
        deleted=deleted,
        permalink=f"https://example.org/{pid}",
    )


def build(*replies: Post, structured: bool = True) -> Thread:
    root = Post(id="r", parent_id=None, author="op", text="I love this story", own_text="I love this story")
    return Thread.build(source="test", id="r", root=root, replies=list(replies), structured=structured)


# --- scoring ---------------------------------------------------------------


def test_known_polarity() -> None:
    assert score_text("This is great, I love it!") > 0.05  # type: ignore[operator]
    assert score_text("This is terrible and I hate it.") < -0.05  # type: ignore[operator]
    assert score_text("The file is 3 MB.") == 0.0


def test_quoted_lines_are_ignored() -> None:
    quoting = "> This is terrible and I hate it.\n\nThe file is 3 MB."
    thread = build(post("q", "r", "u", quoting))
    assert score_text(thread.get("q").text) < -0.05  # type: ignore[operator]  # the quote alone is negative
    assert score_posts(thread) == {"q": 0.0}


def test_clean_text_strips_urls_and_code() -> None:
    text = (
        "Awful bug, see https://example.com/horrible-failure and www.bad.example/x ok\n\n"
        "  kill -9 $(pgrep evil)\n\tfatal_error()\n\n"
        "Run `rm -rf broken` then\n```\ncrash()\n```\ndone"
    )
    assert clean_text(text) == "Awful bug, see and ok Run then done"


def test_score_posts_skips_root_deleted_and_empty() -> None:
    thread = build(
        post("a", "r", "u", "This is great, I love it!"),
        post("d", "a", None, deleted=True),
        post("l", "a", "v", "https://example.com/terrible-hate"),
        post("q", "a", "w", "> only a quote of something awful"),
    )
    scores = score_posts(thread)
    assert list(scores) == ["a", "d", "l", "q"]  # every comment, not the root
    assert scores["a"] == pytest.approx(0.8622, abs=1e-4)
    assert scores["d"] is None and scores["l"] is None and scores["q"] is None


def test_analyzer_is_built_once() -> None:
    assert sentiment._analyzer() is sentiment._analyzer()


# --- bootstrap -------------------------------------------------------------

VALUES = [0.5, -0.5, 0.0, 0.8, 0.1]


def test_bootstrap_ci_contains_mean_and_is_deterministic() -> None:
    ci = bootstrap_ci(VALUES, seed=0, n_boot=2000)
    assert ci is not None
    low, high = ci
    assert min(VALUES) <= low < sum(VALUES) / len(VALUES) < high <= max(VALUES)
    assert bootstrap_ci(VALUES, seed=0, n_boot=2000) == ci
    # Five values give few distinct resample means; a continuous sample shows the seed matters.
    sample = np.random.default_rng(7).normal(0.0, 1.0, 50).tolist()
    assert bootstrap_ci(sample, seed=0) == bootstrap_ci(sample, seed=0) != bootstrap_ci(sample, seed=1)


def test_bootstrap_ci_width_matches_theory() -> None:
    sample = np.random.default_rng(42).normal(0.0, 1.0, 400).tolist()
    low, high = bootstrap_ci(sample, seed=0, n_boot=2000)  # type: ignore[misc]
    assert high - low == pytest.approx(2 * 1.96 / 20, abs=0.03)  # 2 · 1.96 · σ/√n


def test_bootstrap_ci_edge_cases() -> None:
    assert bootstrap_ci([], seed=0) is None
    assert bootstrap_ci([0.4], seed=0) is None
    assert bootstrap_ci([0.3, 0.3, 0.3], seed=0) == [0.3, 0.3]


def test_bootstrap_ci_is_chunked_consistently() -> None:
    # Large samples are resampled in chunks; the result must still be plain and ordered.
    big = np.random.default_rng(0).uniform(-1, 1, 5000).tolist()
    ci = bootstrap_ci(big, seed=3, n_boot=1000)
    assert ci is not None and ci[0] < float(np.mean(big)) < ci[1]
    assert all(type(v) is float for v in ci)


# --- summary ---------------------------------------------------------------


@pytest.fixture
def thread() -> Thread:
    """r ── a (alice) ── b (bob) ── c (alice); a ── d (carol); r ── e [deleted]; r ── f (eve)."""
    return build(
        post("a", "r", "alice", "I really like this idea a lot"),
        post("b", "a", "bob", "no this is wrong and bad"),
        post("c", "b", "alice", "It is a file of three megabytes"),
        post("d", "a", "carol", "Thanks!"),
        post("e", "r", None, deleted=True),
        post("f", "r", "eve", "ok fine with me then"),
    )


# Fixed scores, so the summary's arithmetic is checked apart from VADER.
SCORES: dict[str, float | None] = {"a": 0.5, "b": -0.5, "c": 0.0, "d": 0.8, "e": None, "f": 0.1}
THEMES: dict[str, int | None] = {"a": 0, "b": 1, "c": 0, "d": -1, "e": None, "f": 1}


def test_summary_overall(thread: Thread) -> None:
    result = summarize_sentiment(thread, SCORES, seed=0, n_boot=500)
    assert result["n"] == 5
    assert result["mean"] == 0.18  # 0.9 / 5
    assert result["median"] == 0.1
    assert (result["positive_share"], result["neutral_share"], result["negative_share"]) == (0.6, 0.2, 0.2)
    assert result["ci95"] == bootstrap_ci([0.5, -0.5, 0.0, 0.8, 0.1], seed=0, n_boot=500)
    assert result["ci95"][0] <= result["mean"] <= result["ci95"][1]
    assert result["by_theme"] is None
    assert any("1 of 6 comments have no score" in n for n in result["notes"])


def test_shares_sum_to_one(thread: Thread) -> None:
    scores = {"a": 0.3, "b": 0.3, "c": -0.3, "d": 0.0, "e": None, "f": 0.01}
    result = summarize_sentiment(thread, scores)
    shares = result["positive_share"] + result["neutral_share"] + result["negative_share"]
    assert shares == pytest.approx(1.0)
    assert (result["positive_share"], result["negative_share"]) == (0.4, 0.2)


def test_summary_by_depth_and_subthread(thread: Thread) -> None:
    result = summarize_sentiment(thread, SCORES, n_boot=500)
    assert result["by_depth"] == [
        {"depth": 1, "n": 2, "mean": 0.3},
        {"depth": 2, "n": 2, "mean": 0.15},
        {"depth": 3, "n": 1, "mean": 0.0},
    ]
    # Only a's subthread has >= 3 scored posts (a, b, c, d); f's has one.
    rows = result["by_subthread"]
    assert [(r["root_id"], r["author"], r["n"], r["mean"]) for r in rows] == [("a", "alice", 4, 0.2)]
    assert rows[0]["ci95"] == bootstrap_ci([0.5, -0.5, 0.0, 0.8], seed=0, n_boot=500)


def test_summary_by_theme(thread: Thread) -> None:
    rows = summarize_sentiment(thread, SCORES, THEMES, n_boot=500)["by_theme"]
    assert [(r["theme"], r["unassigned"], r["n"], r["mean"]) for r in rows] == [
        (0, False, 2, 0.25),
        (1, False, 2, -0.2),
        (-1, True, 1, 0.8),
    ]
    assert rows[0]["ci95"] is not None and rows[2]["ci95"] is None


def test_extremes_skip_short_posts(thread: Thread) -> None:
    result = summarize_sentiment(thread, SCORES, n_boot=200)
    # d ("Thanks!", 0.8) is too short to be quoted as the most positive.
    assert [r["id"] for r in result["most_positive"]] == ["a", "f"]
    assert [r["id"] for r in result["most_negative"]] == ["b"]
    top = result["most_positive"][0]
    assert top == {
        "id": "a",
        "author": "alice",
        "score": 0.5,
        "permalink": "https://example.org/a",
        "excerpt": "I really like this idea a lot",
    }


def test_excerpt_cuts_on_a_word_boundary() -> None:
    text = " ".join(f"word{i}" for i in range(100))
    cut = excerpt(text)
    assert len(cut) <= 200 and cut.endswith("…")
    body = cut[:-1]
    assert text.startswith(body) and text[len(body)] == " "
    assert excerpt("short\n\ntext") == "short text"


def test_fewer_than_two_scored_posts(thread: Thread) -> None:
    result = summarize_sentiment(thread, {"a": 0.5})
    assert result["n"] == 1 and result["mean"] == 0.5 and result["ci95"] is None
    assert "Fewer than two posts could be scored, so no confidence interval is given." in result["notes"]
    empty = summarize_sentiment(thread, {})
    assert empty["n"] == 0 and empty["mean"] is None and empty["median"] is None
    assert empty["positive_share"] is None and empty["most_positive"] == []


def test_method_and_caveats(thread: Thread) -> None:
    result = summarize_sentiment(thread, SCORES, n_boot=100)
    assert result["method"]["name"] == "VADER"
    assert (result["method"]["positive_at_least"], result["method"]["negative_at_most"]) == (0.05, -0.05)
    assert 2 <= len(result["caveats"]) <= 5
    joined = " ".join(result["caveats"])
    for needle in ("lexicon", "sarcasm", "vulnerability", "not whether the author agrees", "only English"):
        assert needle in joined
    assert json.loads(json.dumps(result)) == result


def test_unstructured_thread_has_no_depth_or_subthreads() -> None:
    pasted = parse_text("Title\n\nThis is great, I love it!\n\nThis is terrible and I hate it.", name="p")
    result = summarize_sentiment(pasted, score_posts(pasted), n_boot=100)
    assert result["n"] == 2
    assert result["by_depth"] is None and result["by_subthread"] is None
    assert any("no reply structure" in n for n in result["notes"])


# --- real data -------------------------------------------------------------


def _has_own_words(html: str | None) -> bool:
    """Independent of the parser: some <p> paragraph that is not a '>' quote."""
    paragraphs = [re.sub(r"<[^>]+>", "", p).strip() for p in re.split(r"<p>", html or "")]
    return any(p and not p.startswith("&gt;") for p in paragraphs)


def _raw_comments(node: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for child in node.get("children") or []:
        out.append(child)
        out.extend(_raw_comments(child))
    return out


def test_real_hn_thread() -> None:
    raw = json.loads(shared_file("hn/items/27145911.json").read_text(encoding="utf-8"))
    thread = parse_item(raw)
    scores = score_posts(thread)
    result = summarize_sentiment(thread, scores)

    expected = sum(1 for c in _raw_comments(raw) if c.get("author") and _has_own_words(c.get("text")))
    assert result["n"] == expected == sum(p.has_text for p in thread.comments) == 198
    assert -1 <= result["ci95"][0] <= result["mean"] <= result["ci95"][1] <= 1
    shares = result["positive_share"] + result["neutral_share"] + result["negative_share"]
    assert shares == pytest.approx(1.0)
    assert sum(row["n"] for row in result["by_depth"]) == result["n"]
    assert len(result["most_positive"]) == len(result["most_negative"]) == 3
    assert all(len(r["excerpt"]) <= 200 for r in result["most_positive"] + result["most_negative"])
    assert summarize_sentiment(thread, scores) == result  # deterministic
