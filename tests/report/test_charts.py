from __future__ import annotations

import copy
import html
import math
from pathlib import Path
from typing import Any

import pytest

from tests.report.builders import PAYLOADS
from tests.report.checks import svg_comments_and_tags
from threadscope.report import charts, write_reports

SVG_TAGS = {
    "svg",
    "metadata",
    "RDF",
    "Work",
    "type",
    "date",
    "format",
    "creator",
    "Agent",
    "title",
    "defs",
    "style",
    "g",
    "path",
    "use",
    "clipPath",
    "rect",
}


def test_plan_explains_every_skipped_figure(results: dict[str, Any]) -> None:
    assert all(p.reason is None and p.alt for p in charts.plan(results).values())
    bare = copy.deepcopy(results)  # a thread where nothing was found
    bare["themes"] = []
    for post in bare["posts"]:
        post["sentiment"] = None
    bare["sentiment"]["by_depth"] = []
    bare["structure"].update({"depth_histogram": [], "per_hour": None})
    plans = charts.plan(bare)
    assert plans["reply_tree"].reason is None
    for name in ("themes", "sentiment_distribution", "sentiment_by_depth", "depth_histogram", "activity"):
        assert plans[name].reason, name


def test_figures_are_deterministic(results: dict[str, Any], tmp_path: Path) -> None:
    first = write_reports(results, tmp_path / "a", {"md", "html"})
    second = write_reports(results, tmp_path / "b", {"md", "html"})
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    svg = (tmp_path / "a" / "figures" / "themes.svg").read_text("utf-8")
    assert "<dc:date>" not in svg
    png = (tmp_path / "a" / "figures" / "themes.png").read_bytes()
    assert b"Software" not in png and b"Matplotlib" not in png


def test_figures_are_blog_sized(written: Path) -> None:
    from PIL import Image

    for name in charts.ORDER:
        with Image.open(written / "figures" / f"{name}.png") as im:
            assert im.width == 1400, name  # 7 in at 200 dpi: 700 CSS px on a high-density screen
            assert 500 < im.height < 2000, name
            assert len(im.convert("RGB").getcolors(1 << 20) or []) > 4, f"{name} is blank"
        svg = (written / "figures" / f"{name}.svg").read_text("utf-8")
        assert 'width="504pt"' in svg


def test_hostile_labels_are_escaped_in_svg(written_hostile: Path) -> None:
    for name in charts.ORDER:
        assert (written_hostile / "figures" / f"{name}.svg").is_file(), f"{name} failed to draw"
    seen = ""
    for name in ("themes", "reply_tree"):
        svg = (written_hostile / "figures" / f"{name}.svg").read_text("utf-8")
        comments, tags, attrs = svg_comments_and_tags(svg)  # parses, so nothing broke out of a comment
        assert tags <= SVG_TAGS, tags - SVG_TAGS
        assert not any(k.lower().startswith("on") for a in attrs for k in a)
        assert "<script" not in svg.lower() and "<iframe" not in svg.lower()
        seen += html.unescape(" ".join(comments))  # matplotlib entity-escapes comment text
    # Labels appear (truncated) as text, with $ shown literally instead of starting mathtext.
    assert "<script>document.title='pwned'" in seen
    assert "![tracker](http://evil.exampl" in seen
    assert PAYLOADS["table"][:20] in seen


def test_tree_layout_copes_with_orphans_and_cycles(results: dict[str, Any]) -> None:
    results["posts"] += [
        {"id": "900", "parent_id": "404", "text": "orphan"},
        {"id": "901", "parent_id": "902", "text": "cycle a"},
        {"id": "902", "parent_id": "901", "text": "cycle b"},
        {"id": "903", "parent_id": "903", "text": "own parent"},
    ]
    layout = charts.tree_layout(results)
    assert sorted(layout.ids) == sorted(str(p["id"]) for p in results["posts"])
    assert layout.depth["900"] == 1 and layout.depth["903"] == 1
    assert layout.depth["901"] == layout.depth["902"] == 1  # a cycle is cut: both hang off the post
    assert layout.depth["105"] == 5
    assert all(0 <= layout.angle[i] < 2 * math.pi for i in layout.ids)


@pytest.mark.parametrize("n", [1, 600])
def test_tree_draws_small_and_large_threads(results: dict[str, Any], n: int) -> None:
    results["posts"] = [
        {"id": str(k), "parent_id": str(k // 3) if k > 2 else "100", "theme": k % 9 - 1, "sentiment": 0.1}
        for k in range(1, n + 1)
    ]
    rendered = charts.draw(results, "reply_tree")
    assert rendered.svg.startswith("<?xml") and rendered.png.startswith(b"\x89PNG")


def test_dollar_signs_in_labels_stay_literal(results: dict[str, Any]) -> None:
    # Parsed as mathtext, "$\\frac{$" would raise while drawing.
    results["themes"][0]["label"] = "$\\frac{$ pay $5"
    svg = charts.draw(results, "themes").svg
    comments, _, _ = svg_comments_and_tags(svg)
    assert " $\\frac{$ pay $5 " in comments


def test_tone_histogram_shows_the_model_classes_not_vaders_band(results: dict[str, Any], tmp_path: Path) -> None:
    """The model's classes are not a band of its score: the histogram must agree with the class shares."""
    from threadscope.analysis import tone

    assert "neutral band from −0.05 to +0.05" in charts.plan(results)["sentiment_distribution"].alt  # VADER
    results["sentiment"]["method"] = tone.method()
    scored = [p for p in results["posts"] if not p["deleted"] and p["sentiment"] is not None]
    for post in scored:  # a neutral comment may score well outside ±0.05
        post.update({"tone": 0, "sentiment": -0.4})
    scored[0]["tone"] = -1
    alt = charts.plan(results)["sentiment_distribution"].alt
    n = len(scored)
    assert "neutral band" not in alt
    assert f"0% positive, {(n - 1) / n:.0%} neutral, {1 / n:.0%} negative." in alt
    written = write_reports(results, tmp_path, {"md"})
    assert (tmp_path / "figures" / "sentiment_distribution.svg") in written
