"""Corpus analysis with the real model on real threads spread over years: aggregates, no look-ahead, reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.corpus.conftest import parquet
from threadscope.corpus.api import corpus_analyze, corpus_import
from threadscope.corpus.store import open_store

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, sources: list[Any], real_vectors: dict[str, Any]) -> Path:
    """Two copies of three real threads (1,894 posts, with the real model's vectors) over 2016-2024, by year."""
    data = tmp_path_factory.mktemp("corpus-data")
    rows = 2 * sum(len(s.posts) for s in sources)
    corpus_import("six", parquet(data, sources, rows, "plain", real_vectors), source="hn", data_dir=data)
    return data


@pytest.fixture(scope="module")
def result(corpus: Path) -> Any:
    return corpus_analyze("six", by="year", data_dir=corpus)


def test_every_post_with_text_is_scored_once(corpus: Path, result: Any) -> None:
    with open_store("six", corpus, read_only=True) as store:
        analysable = store.scalar("SELECT count(*) FROM posts WHERE NOT deleted AND text <> '' AND NOT is_root")
        scored = store.sql("SELECT count(*), count(DISTINCT uid) FROM post_results WHERE run = ?", [result.run])[0]
    assert scored == (analysable, analysable)
    assert result.results["corpus"]["analysed"] == analysable
    posts = result.posts()
    assert len(posts) == analysable
    assert set(posts["tone"]) <= {-1, 0, 1}
    assert posts["sentiment"].between(-1, 1).all()


def test_period_aggregates_agree_with_the_posts_they_summarise(result: Any) -> None:
    posts = result.posts()
    periods = result.periods
    assert list(periods.index) == sorted(periods.index) and len(periods) == 6  # one copy per dated year
    for period, row in periods.iterrows():
        mine = posts[posts["period"] == period]
        assert row["posts"] == len(mine)
        assert row["sentiment_mean"] == pytest.approx(mine["sentiment"].mean(), abs=1e-4)
        assert row["negative_share"] == pytest.approx((mine["tone"] == -1).mean(), abs=1e-4)
        assert row["ci95_low"] <= row["sentiment_mean"] <= row["ci95_high"]
        unassigned = (mine["theme"] == -1).mean()
        assert row["unassigned_share"] == pytest.approx(unassigned, abs=1e-4)
        # every post of the period is in one theme or none
        assert result.prevalence.loc[period].sum() + unassigned == pytest.approx(1.0, abs=1e-3)


def test_themes_name_the_threads_that_carry_them_and_quote_real_posts(result: Any) -> None:
    posts = result.posts().set_index("uid")
    themes = [t for t in result.results["themes"] if t["size"]]
    assert themes and sum(t["size"] for t in themes) == (posts["theme"] >= 0).sum()
    for theme in themes[:5]:
        members = posts[posts["theme"] == theme["id"]]
        top = theme["threads"][0]
        assert top["posts"] == members["thread"].value_counts().iloc[0]
        assert top["permalink"].startswith("https://news.ycombinator.com/item?id=")
        for quote in theme["quotes"]:
            assert posts.loc[quote["post"], "theme"] == theme["id"]
            assert quote["permalink"].endswith(quote["post"].split(":")[1])


def test_the_speed_thread_gets_a_theme_about_speed(result: Any) -> None:
    # 26312516 "Speed Is the Killer Feature": readers would name its main theme after speed or performance
    posts = result.posts()
    speed = posts[posts["thread"].str.endswith("26312516")]
    top = speed[speed["theme"] >= 0]["theme"].value_counts().index[0]
    label = next(t for t in result.results["themes"] if t["id"] == top)
    words = " ".join([label["label"], *label["keywords"]]).lower()
    assert any(w in words for w in ("speed", "fast", "slow", "performance", "latency")), label


def test_no_look_ahead_an_earlier_cut_of_the_corpus_gets_the_same_themes(
    corpus: Path, result: Any, tmp_path: Path
) -> None:
    cut = "2019"
    queries = {
        "posts": f"SELECT * FROM posts WHERE strftime(created_at, '%Y') <= '{cut}'",
        "embeddings": "SELECT e.* FROM embeddings e JOIN posts p USING (uid) "
        f"WHERE strftime(p.created_at, '%Y') <= '{cut}'",
    }
    # the same posts up to the cut, and nothing after it, in a corpus of their own
    with open_store("early", tmp_path, create=True) as early, open_store("six", corpus, read_only=True) as six:
        for table, query in queries.items():
            early.con.register("rows", six.con.sql(query).to_arrow_table())
            early.sql(f"INSERT INTO {table} SELECT * FROM rows")
            early.con.unregister("rows")
    earlier_result = corpus_analyze("early", by="year", data_dir=tmp_path)
    earlier = earlier_result.posts()
    assert len(earlier) and earlier["period"].max() <= cut < result.posts()["period"].max()
    joined = earlier.merge(result.posts(), on="uid", suffixes=("_early", "_full"))
    assert len(joined) == len(earlier)
    assert (joined["theme_early"] == joined["theme_full"]).all()
    assert (joined["tone_early"] == joined["tone_full"]).all()
    labels = {t["id"]: t["label"] for t in result.results["themes"]}
    assert all(labels[t["id"]] == t["label"] for t in earlier_result.results["themes"])


def test_the_report_says_what_the_results_say(result: Any, tmp_path: Path) -> None:
    written = result.write(tmp_path / "report")
    names = {p.name for p in written}
    assert {"results.json", "periods.csv", "themes.csv", "report.md", "report.html", "embed.html"} <= names
    assert {"tone_over_time.svg", "themes_over_time.svg"} <= names
    md = (tmp_path / "report" / "report.md").read_text()
    stored = json.loads((tmp_path / "report" / "results.json").read_text())
    assert stored["schema"] == "threadscope.corpus/1"
    assert stored["periods"] == result.results["periods"]
    biggest = next(t for t in stored["themes"] if t["size"])
    assert f"### {biggest['label']}" in md
    assert "## Tone over time" in md and "figures/tone_over_time.svg" in md


def test_scoring_on_worker_processes_stores_what_one_process_does(
    corpus: Path, result: Any, real_embedder: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from threadscope.corpus import analyze, engines

    monkeypatch.setattr(engines, "PARALLEL_FROM", 0)  # share even this small corpus between two processes
    engine = engines.LocalEngine(lambda: real_embedder, corpus, workers=2)
    with open_store("six", corpus) as store:
        _, run = analyze.analyze(
            store, analyze.Options(by="year"), engine=engine, embedder=real_embedder, data_dir=corpus
        )
        differ = store.scalar(
            "SELECT count(*) FROM post_results a JOIN post_results b USING (uid) WHERE a.run = ? AND b.run = ? "
            "AND (a.theme <> b.theme OR a.tone <> b.tone OR a.sentiment <> b.sentiment OR a.period <> b.period)",
            [result.run, run],
        )
        counts = store.sql("SELECT run, count(*) FROM post_results WHERE run IN (?, ?) GROUP BY run", [result.run, run])
    assert differ == 0
    assert len({n for _, n in counts}) == 1


def test_guided_names_become_themes_that_keep_the_users_words(corpus: Path) -> None:
    guided = corpus_analyze("six", by="year", themes="browser fingerprinting, video copyright", data_dir=corpus)
    themes = {t["label"]: t for t in guided.results["themes"] if t["guided"]}
    assert set(themes) == {"browser fingerprinting", "video copyright"}
    posts = guided.posts()
    story = posts["thread"].str.split(":").str[1].str[-8:]  # the real story each copy was made from
    share = {
        label: story[posts["theme"] == themes[label]["id"]].value_counts(normalize=True)
        for label in ("browser fingerprinting", "video copyright")
    }
    assert all(len(story[posts["theme"] == themes[label]["id"]]) >= 20 for label in share)
    # each name draws more from the thread that discusses it than the other name does. Not a precision
    # check: the speed thread's comments about browsers join "browser fingerprinting" too (see the
    # closing note of the corpus issue), which is why this compares the two names instead.
    assert share["browser fingerprinting"].get("27145911", 0) > share["video copyright"].get("27145911", 0)
    assert share["video copyright"].get("17338700", 0) > share["browser fingerprinting"].get("17338700", 0)


def test_the_command_line_builds_and_reports_a_corpus_from_saved_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.conftest import shared_file
    from tests.test_cli import run

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("THREADSCOPE_DATA_DIR", str(tmp_path / "cache"))
    files = [str(shared_file(f)) for f in ("hn/items/27145911.json", "hn/converted/26312516.json")]
    code, _, err = run(["corpus", "add", "two", *files, "--quiet"], capsys)
    assert code == 0, err
    code, out, err = run(["corpus", "analyze", "two", "--by", "year", "--quiet"], capsys)
    assert code == 0, err
    folder = Path(out.strip())
    assert folder == Path("reports/corpus-two")
    results = json.loads((folder / "results.json").read_text())
    assert results["corpus"]["threads"] == 2
    assert [p["period"] for p in results["periods"]] == ["2021"]  # both threads are from 2021
    # one period: no line to draw, and the report says why instead of showing a single point
    assert "fall in fewer than two periods" in (folder / "report.md").read_text()
    assert not (folder / "figures" / "tone_over_time.svg").exists()
    code, out, _ = run(["corpus", "info", "two"], capsys)
    assert code == 0 and "threads: 2" in out and "runs: 1" in out


def test_an_interrupted_analysis_leaves_no_half_run(corpus: Path, result: Any) -> None:
    def stop(stage: str, done: int, total: int) -> None:
        if stage == "themes and tone":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        corpus_analyze("six", by="year", data_dir=corpus, progress=stop)
    with open_store("six", corpus, read_only=True) as store:
        runs = [r[0] for r in store.sql("SELECT run FROM runs ORDER BY run")]
        partial = store.scalar("SELECT count(*) FROM post_results WHERE run NOT IN (SELECT run FROM runs)")
    assert result.run in runs and partial == 0
    assert len(result.posts()) == result.results["corpus"]["analysed"]  # the finished run is intact
