"""``threadscope.analyze`` end to end with the real model: the results.json contract, files, determinism."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import threadscope
from tests.conftest import shared_file
from tests.fakes import FakeEmbedder
from threadscope.cli import main
from threadscope.model import Post, Thread
from threadscope.sources.hn import parse_item

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def hn200(real_embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> threadscope.api.Analysis:
    data_dir = tmp_path_factory.mktemp("data")
    return threadscope.analyze(str(shared_file("hn/items/27145911.json")), embedder=real_embedder, data_dir=data_dir)


def test_results_follow_the_contract(hn200: threadscope.api.Analysis) -> None:
    r = hn200.results
    assert r["schema"] == "threadscope.analysis/1"
    assert r["thread"]["source"] == "hn" and r["thread"]["id"] == "27145911"
    assert r["thread"]["permalink"] == "https://news.ycombinator.com/item?id=27145911"
    assert r["thread"]["author"] == "danpinto" and r["thread"]["created_at"] == "2021-05-14T00:30:00Z"
    assert len(r["posts"]) == 200
    first = r["posts"][0]
    assert {k: first[k] for k in ("id", "parent_id", "author", "depth", "deleted")} == {
        "id": "27148500",
        "parent_id": "27145911",
        "author": "akersten",
        "depth": 1,
        "deleted": False,
    }
    assert first["text"].startswith("I'm going to close a website") and isinstance(first["sentiment"], float)
    themes = {t["id"] for t in r["themes"]}
    for post in r["posts"]:
        if post["deleted"] or post["sentiment"] is None:
            assert post["theme"] is None
        else:
            assert post["theme"] in themes | {-1}
    s = r["structure"]
    assert (s["comments"], s["authors"], s["max_depth"], s["top_level"]) == (200, 130, 6, 64)
    t = r["sentiment"]
    assert t["ci95"][0] < t["mean"] < t["ci95"][1]
    assert abs(t["positive_share"] + t["neutral_share"] + t["negative_share"] - 1) < 1e-9
    assert 5 <= len(r["themes"]) <= 12
    for theme in r["themes"]:
        assert 2 <= len(theme["label"].split()) <= 7 and "_" not in theme["label"]
        assert theme["keywords"] and theme["size"] == sum(p["theme"] == theme["id"] for p in r["posts"])
        assert 2 <= len(theme["representative_ids"]) <= 3
        assert all(hn200.thread.get(i).has_text for i in theme["representative_ids"])
        members = [p["sentiment"] for p in r["posts"] if p["theme"] == theme["id"]]
        assert theme["sentiment_mean"] == pytest.approx(np.mean(members), abs=1e-3)
    assert r["themes_info"]["unassigned_share"] < 0.25
    assert r["meta"]["embedding_model"].startswith("sentence-transformers/all-MiniLM-L6-v2@sha256:53aa5117")
    assert set(r["meta"]["timings_s"]) == {"fetch", "sentiment", "embed", "tone", "themes", "summaries"}


def test_notebook_conveniences(hn200: threadscope.api.Analysis) -> None:
    frame = hn200.posts
    assert len(frame) == 200 and {"id", "parent_id", "author", "depth", "sentiment", "theme", "text"} <= set(frame)
    assert str(frame["created_at"].dtype).startswith("datetime64")
    assert hn200.structure["max_depth"] == 6 and hn200.sentiment["n"] == 198
    assert json.loads(hn200.to_json()) == hn200.results


def test_write_all_formats(hn200: threadscope.api.Analysis, tmp_path: Path) -> None:
    written = {p.relative_to(tmp_path).as_posix() for p in hn200.write(tmp_path)}
    assert {"results.json", "comments.csv", "report.md", "report.html", "embed.html", "figures/themes.svg"} <= written
    csv = pd.read_csv(tmp_path / "comments.csv", dtype={"id": str, "parent_id": str})
    assert list(csv.columns) == ["id", "parent_id", "author", "depth", "created_at", "sentiment", "theme", "text"]
    assert len(csv) == 200 and csv["id"].iloc[0] == "27148500"
    assert csv["text"].iloc[0] == hn200.results["posts"][0]["text"]  # newlines and quotes survive
    assert json.loads((tmp_path / "results.json").read_text()) == hn200.results
    report = (tmp_path / "report.md").read_text()
    assert hn200.results["themes"][0]["label"] in report
    only_json = hn200.write(tmp_path / "j", ["json"])
    assert sorted(p.name for p in only_json) == ["comments.csv", "results.json"]


def shuffled(thread_json: dict[str, Any], seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    copy = json.loads(json.dumps(thread_json))
    stack = [copy]
    while stack:
        node = stack.pop()
        rng.shuffle(node.get("children") or [])
        stack.extend(node.get("children") or [])
    return copy


def theme_view(result: threadscope.api.Analysis) -> tuple[Any, ...]:
    themes = [(t["label"], tuple(t["keywords"]), t["size"], tuple(t["representative_ids"])) for t in result.themes]
    assignment = sorted((p["id"], p["theme"]) for p in result.results["posts"])
    return tuple(themes), tuple(assignment)


def test_same_themes_twice_and_in_any_order(
    hn200: threadscope.api.Analysis, real_embedder: Any, tmp_path: Path, hn_items_27145911: dict[str, Any]
) -> None:
    again = threadscope.analyze(parse_item(hn_items_27145911), embedder=real_embedder, data_dir=tmp_path)
    assert theme_view(again) == theme_view(hn200)
    reordered = threadscope.analyze(
        parse_item(shuffled(hn_items_27145911, 3)), embedder=real_embedder, data_dir=tmp_path
    )
    assert theme_view(reordered) == theme_view(hn200)
    assert [p.id for p in reordered.thread.comments] != [p.id for p in hn200.thread.comments]


@pytest.mark.parametrize("tone", ["model", "vader"])
def test_guided_themes_keep_their_names(real_embedder: Any, tmp_path: Path, tone: str) -> None:
    result = threadscope.analyze(
        str(shared_file("seed/24330326.page.txt")),
        embedder=real_embedder,
        data_dir=tmp_path,
        themes="management, data cleaning",
        tone=tone,
    )
    # refined in MiniLM's layer 4 whichever tone is asked for (the vectors come from the same forward pass)
    assert result.results["themes_info"]["params"]["second_view"].startswith("MiniLM layer 4")
    assert result.sentiment["method"]["name"] == ("VADER" if tone == "vader" else "threadscope tone model")
    guided = [t for t in result.themes if t.get("guided")]
    assert [t["label"] for t in guided] == ["management", "data cleaning"]
    cleaning = [p["text"].lower() for p in result.results["posts"] if p["theme"] == guided[1]["id"]]
    on_topic = re.compile(r"clean|janitor|sanit|normaliz|integrity|quality", re.I)
    # the quotes the report shows are ones a reader would file under the name
    text_of = {p["id"]: p["text"] for p in result.results["posts"]}
    assert all(on_topic.search(text_of[i]) for i in guided[1]["representative_ids"])
    # readers put 26 paragraphs here: more than a handful, less than a quarter of the thread
    assert 8 <= len(cleaning) <= 0.25 * len(result.results["posts"])
    assert sum(bool(on_topic.search(text)) for text in cleaning) >= 12
    assert any(not t.get("guided") for t in result.themes)  # the rest is still clustered
    assert result.structure["structured"] is False and result.structure["notes"]
    assert result.results["meta"]["params"]["guided_themes"] == ["management", "data cleaning"]


class Counting:
    """Wraps an embedder and counts the texts it was asked to encode."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name, self.encoded = inner, inner.name, 0

    def embed(self, texts: list[str]) -> np.ndarray:
        self.encoded += len(texts)
        return self.inner.embed(texts)


def test_embeddings_are_cached_across_runs(
    real_embedder: Any, tmp_path: Path, hn_items_27145911: dict[str, Any]
) -> None:
    counting = Counting(real_embedder)
    threadscope.analyze(parse_item(hn_items_27145911), embedder=counting, data_dir=tmp_path)
    assert counting.encoded == 198
    threadscope.analyze(parse_item(hn_items_27145911), embedder=counting, data_dir=tmp_path)
    assert counting.encoded == 198  # nothing encoded the second time
    sub = parse_item(hn_items_27145911).subtree("27148500")  # shares its comments with the whole thread
    threadscope.analyze(sub, embedder=counting, data_dir=tmp_path)
    assert counting.encoded == 198


def tiny(n: int) -> Thread:
    root = Post(id="r", parent_id=None, author="op", text="t", own_text="t")
    replies = [
        Post(id=str(i), parent_id="r", author=f"u{i}", text=f"comment {i} is great", own_text=f"comment {i} is great")
        for i in range(n)
    ]
    return Thread.build(source="test", id="tiny", root=root, replies=replies)


@pytest.mark.parametrize("n", [0, 1, 5, 30])
def test_small_threads_do_not_crash(n: int, tmp_path: Path) -> None:
    result = threadscope.analyze(tiny(n), embedder=FakeEmbedder(), data_dir=tmp_path)
    assert len(result.results["posts"]) == n
    note = result.results["themes_info"]["note"] or ""
    if n == 0:
        assert result.themes == [] and note == "No comments with text: no themes to find."
    elif n < 10:
        assert result.themes == [] and "too few" in note.lower()
    written = result.write(tmp_path / "out")
    assert (tmp_path / "out" / "report.md") in written


def test_cli_analyze_end_to_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    spec = str(shared_file("hn/items/17.json"))
    main(["analyze", "thread", spec, "--data-dir", str(tmp_path / "d"), "--embed-summary", "--format", "md,json"])
    out, err = capsys.readouterr()
    folder = tmp_path / "reports" / "hn-17"
    assert sorted(p.name for p in folder.iterdir()) == ["comments.csv", "figures", "report.md", "results.json"]
    assert "Comment 17 by pg" in out and "wrote" in err
    assert json.loads((folder / "results.json").read_text())["posts"][1]["author"] == "Arrington"


def test_progress_is_reported(tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    threadscope.analyze(tiny(30), embedder=FakeEmbedder(), data_dir=tmp_path, progress=lambda *a: seen.append(a))
    embed = [(done, total) for stage, done, total in seen if stage == "embed"]
    assert embed[0] == (0, 30) and embed[-1] == (30, 30)
    assert [d for d, _ in embed] == sorted(d for d, _ in embed)


@pytest.mark.parametrize("function", ["load_thread", "analyze"])
def test_a_misspelt_source_option_is_refused_as_python_would(function: str) -> None:
    call = getattr(threadscope, function)
    with pytest.raises(TypeError, match=rf"^{function}\(\) got an unexpected keyword argument 'ofline'$"):
        call("24330326", ofline=True)
    with pytest.raises(TypeError, match=r"^compare\(\) got an unexpected keyword argument 'max_post'$"):
        threadscope.compare(["1", "2"], max_post=5)


def test_source_options_are_checked_in_every_function(tmp_path: Path) -> None:
    for call in (
        lambda: threadscope.load_thread("24330326", offline="yes"),
        lambda: threadscope.analyze("24330326", offline="yes", data_dir=tmp_path),
        lambda: threadscope.compare(["1", "2"], offline="yes", data_dir=tmp_path),
    ):
        with pytest.raises(threadscope.InputError, match="offline"):
            call()
