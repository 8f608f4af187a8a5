from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.report.checks import (
    MD_TAGS,
    assert_inert_html,
    assert_raw_markdown_inert,
    parse_html,
    render_markdown,
)
from threadscope.report import summary_block


def test_summary_without_report_dir(results: dict[str, Any]) -> None:
    block = summary_block(results)
    lines = block.splitlines()
    assert lines[0] == "[**Ask HN: Is remote work here to stay?**](https://news.ycombinator.com/item?id=100)"
    assert lines[2].startswith("- **12 comments by 8 people**")
    assert lines[3].startswith("- **Tone: uncertain, leaning positive**")
    assert (
        lines[4] == "- **Main themes:** *Productivity and async work* (25%) and *Mentoring juniors* (25%)."
    )  # not the unstable one
    assert lines[-1].startswith("![Bar chart of the number of comments in each theme")
    assert lines[-1].endswith("](figures/themes.svg)")
    assert_inert_html(parse_html(render_markdown(block)), MD_TAGS)


def test_summary_links_the_chart_from_the_report_dir(written: Path, results: dict[str, Any]) -> None:
    block = summary_block(results, written)
    assert f"]({written.as_posix()}/figures/themes.svg)" in block


def test_summary_skips_a_chart_that_was_not_written(results: dict[str, Any], tmp_path: Path) -> None:
    block = summary_block(results, tmp_path / "my report (draft)")
    assert "![" not in block


def test_summary_path_with_spaces_is_encoded(results: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "my report (draft)"
    (out / "figures").mkdir(parents=True)
    (out / "figures" / "themes.svg").write_text("<svg/>")
    block = summary_block(results, out)
    assert "my%20report%20%28draft%29/figures/themes.svg)" in block
    assert_inert_html(parse_html(render_markdown(block)), MD_TAGS)


def test_summary_when_nothing_was_found(results: dict[str, Any]) -> None:
    results["themes"] = []
    results["themes_info"]["method"] = "too_small"
    results["sentiment"]["mean"] = None
    block = summary_block(results)
    assert "Tone:** not measured (no comment could be scored)" in block
    assert "too few comments to find any" in block
    assert "figures/sentiment_distribution.svg" in block
    for post in results["posts"]:
        post["sentiment"] = None
    assert "figures/reply_tree.svg" in summary_block(results)


def test_hostile_summary_is_inert(hostile: dict[str, Any]) -> None:
    block = summary_block(hostile)
    assert_raw_markdown_inert(block)
    parsed = parse_html(render_markdown(block))
    assert_inert_html(parsed, MD_TAGS)
    assert "<script>document.title='pwned'</script>" in parsed.text
    assert "![tracker](http://evil.example/x.png)" in parsed.text
