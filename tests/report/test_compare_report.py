"""The comparison report: files, figures, wording, determinism and safety."""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path

import pytest

from tests.analysis.test_compare import NEGATIVE, NEUTRAL, POSITIVE, cycle, make_thread
from tests.fakes import FakeEmbedder
from tests.report.builders import PAYLOADS
from tests.report.checks import (
    HTML_TAGS,
    MD_TAGS,
    assert_inert_html,
    assert_raw_markdown_inert,
    parse_html,
    render_markdown,
    svg_comments_and_tags,
)
from threadscope import api
from threadscope.errors import InputError
from threadscope.model import Post, Thread
from threadscope.report import compare as report

pytest.importorskip("threadscope.analysis.themes", reason="analysis/themes.py (find_themes) is not written yet")

FIGURES = ("sentiment_by_thread", "theme_heatmap", "theme_shares")


def threads() -> list[Thread]:
    return [
        make_thread("happy", cycle(POSITIVE + NEUTRAL, 30), title="Launch day: we shipped it"),
        make_thread("grumpy", cycle(NEGATIVE + NEUTRAL, 30), title="Postmortem of the outage"),
        make_thread("tiny", NEUTRAL[:2], title="A short one"),
    ]


def compared(tmp: Path) -> api.Comparison:
    return api.compare(threads(), embedder=FakeEmbedder(), data_dir=tmp / "data")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reports of three hand-built threads, written once for the module (figures take a second)."""
    tmp = tmp_path_factory.mktemp("compare")
    compared(tmp).write(tmp / "out")
    return tmp / "out"


def test_every_file_is_written(out: Path) -> None:
    names = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    expected = {"report.md", "report.html", "embed.html", "results.json", "comments.csv"}
    expected |= {f"figures/{name}.{ext}" for name in FIGURES for ext in ("svg", "png")}
    assert names == expected
    assert json.loads((out / "results.json").read_text())["schema"] == "threadscope.comparison/1"


def test_formats_are_honoured(tmp_path: Path) -> None:
    result = compared(tmp_path)
    written = result.write(tmp_path / "json-only", {"json"})
    assert {p.name for p in written} == {"results.json", "comments.csv"}
    written = result.write(tmp_path / "md-only", ["md"])
    assert "report.md" in {p.name for p in written} and not (tmp_path / "md-only/report.html").exists()
    with pytest.raises(InputError, match="unknown format pdf"):
        result.write(tmp_path / "bad", ["pdf"])


def test_markdown_says_who_reads_more_positive(out: Path) -> None:
    md = (out / "report.md").read_text()
    assert md.startswith("# Comparing 3 threads: Launch day: we shipped it, Postmortem of the outage and A short one")
    assert "Comments in test:happy read more positive than in test:grumpy (difference +" in md
    assert "Too few comments to compare: test:tiny has 2 scored comments" in md
    assert "*C: Only 2 comments could be scored; at least 5 are needed" in md
    assert "| A − B | 30 / 30 |" in md
    for name in FIGURES:
        assert f"](figures/{name}.svg)" in md
    assert "## Shared themes" in md and "## Shape of the discussions" in md
    assert "do not say why" in md  # no causal reading


def test_comments_csv_has_every_comment_with_its_thread(out: Path) -> None:
    with (out / "comments.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 62
    assert [r["thread"] for r in rows[:1] + rows[-1:]] == ["test:happy", "test:tiny"]
    assert rows[0]["sentiment"] and rows[0]["text"].startswith("I love this")


def test_reports_are_byte_identical_across_runs(out: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    compared(tmp_path).write(again)
    for name in (
        "report.md",
        "report.html",
        "embed.html",
        "comments.csv",
        *(f"figures/{f}.svg" for f in FIGURES),
    ):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name
    first, second = (json.loads((d / "results.json").read_text()) for d in (out, again))
    del first["meta"]["timings_s"], second["meta"]["timings_s"]
    assert first == second


def test_svgs_carry_no_dates_or_scripts(out: Path) -> None:
    for name in FIGURES:
        svg = (out / "figures" / f"{name}.svg").read_text()
        assert "<dc:date>" not in svg and "<script" not in svg.lower()
        comments, tags, _ = svg_comments_and_tags(svg)
        assert "script" not in tags and "foreignObject" not in tags


def test_html_inlines_the_figures(out: Path) -> None:
    page = (out / "report.html").read_text()
    for name in FIGURES:
        assert f"ts-figure-{name}" in page
    assert page.count("<svg") == 3


def test_threads_with_nothing_to_compare_read_as_notes(tmp_path: Path) -> None:
    # Comments that are only links: nothing to score, too few to theme; the report says so.
    def links_only(tid: str) -> Thread:
        root = Post(id=f"{tid}-root", parent_id=None, author="op", text="A story", own_text="A story")
        url = "https://example.com/only-a-link"
        replies = [Post(id=f"{tid}-{k}", parent_id=root.id, author="u", text=url, own_text=url) for k in range(3)]
        return Thread.build(source="test", id=tid, root=root, replies=replies, title=f"Links {tid}")

    quiet = [links_only("links1"), links_only("links2")]
    results = api.compare(quiet, embedder=FakeEmbedder(), data_dir=tmp_path / "data").results
    written = report.write_reports(results, tmp_path / "sparse", {"md", "html"})
    md = (tmp_path / "sparse/report.md").read_text()
    assert "No themes stood out" in md
    assert "No “tone of each thread” chart: no comment has a tone score." in md
    assert "Too few comments to compare" in md
    assert not [p for p in written if p.suffix == ".svg"]


# ---------------------------------------------------------------- safety


def hostile_threads() -> list[Thread]:
    out = []
    for tid, texts in (("evil1", POSITIVE), ("evil2", NEGATIVE)):
        root = Post(id=f"{tid}-root", parent_id=None, author=PAYLOADS["img"], text="x", own_text="x")
        replies = []
        for k, (name, payload) in enumerate(PAYLOADS.items()):
            words = f"{texts[k % len(texts)]}\n\n{payload}"
            replies.append(
                Post(
                    id=f"{tid}-{k}",
                    parent_id=f"{tid}-root",
                    author=PAYLOADS[name],
                    text=words,
                    own_text=words,
                    permalink="javascript:alert(1)",
                )
            )
        out.append(
            Thread.build(
                source="test",
                id=tid,
                root=root,
                replies=replies,
                title=PAYLOADS["script"] + PAYLOADS["js_link"],
                permalink="https://news.ycombinator.com@evil.example/",
            )
        )
    return out


@pytest.fixture(scope="module")
def hostile_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("hostile")
    result = api.compare(hostile_threads(), embedder=FakeEmbedder(), data_dir=tmp / "data")
    results = copy.deepcopy(result.results)
    # Theme labels and keywords are words from comments: make them hostile too, and force a quote.
    first = results["threads"][0]
    results["themes"] = results["themes"] or []
    results["themes"].insert(
        0,
        {
            "id": 99,
            "label": PAYLOADS["script"],
            "keywords": [PAYLOADS["img"], PAYLOADS["template"]],
            "size": 3,
            "share": 0.1,
            "stability": 0.9,
            "representatives": [{"thread": first["key"], "id": first["posts"][2]["id"]}],
            "by_thread": [
                {"thread": t["key"], "size": 3, "share": 0.1, "sentiment_mean": 0.1, "sentiment_n": 3}
                for t in results["threads"]
            ],
            "distinctiveness": [],
            "distinctive_of": first["key"],
            "z": 2.5,
        },
    )
    out = tmp / "out"
    report.write_reports(results, out, {"md", "html"})
    return out


def test_hostile_markdown_is_inert(hostile_out: Path) -> None:
    md = (hostile_out / "report.md").read_text()
    assert_raw_markdown_inert(md)
    rendered = render_markdown(md)
    assert_inert_html(parse_html(rendered), MD_TAGS)
    assert "javascript" not in "".join(parse_html(rendered).hrefs())


def test_hostile_html_is_inert_and_shows_the_text(hostile_out: Path) -> None:
    for name in ("report.html", "embed.html"):
        parsed = parse_html((hostile_out / name).read_text())
        assert_inert_html(parsed, HTML_TAGS)
        assert PAYLOADS["script"] in parsed.text  # the theme label, shown as text
        assert PAYLOADS["iframe"] in parsed.text  # from the quoted comment
    assert "<script" not in (hostile_out / "report.html").read_text().lower()
