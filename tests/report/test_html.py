from __future__ import annotations

import re
from pathlib import Path

from tests.report.checks import HTML_TAGS, assert_inert_html, assert_payloads_visible, parse_html
from threadscope.report import charts


def test_page_is_self_contained(written: Path) -> None:
    page = (written / "report.html").read_text("utf-8")
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    parsed = parse_html(page)
    assert_inert_html(parsed, HTML_TAGS)
    # No external requests: the only URLs are link targets and XML namespaces.
    for tag, attrs in parsed.tags:
        assert "src" not in attrs, tag
        if tag != "a":
            for value in attrs.values():
                assert not re.match(r"https?://(?!www\.w3\.org/)", str(value or "")), (tag, value)
    assert "@import" not in page and "url(http" not in page and "<script" not in page
    assert sum(tag == "svg" for tag, _ in parsed.tags) == len(charts.ORDER)
    ids = [attrs["id"] for _, attrs in parsed.tags if "id" in attrs]
    assert len(ids) == len(set(ids)), "duplicate ids across inlined figures"
    assert "<title>Ask HN: Is remote work here to stay?</title>" in page


def test_embed_is_a_scoped_fragment(written: Path) -> None:
    fragment = (written / "embed.html").read_text("utf-8")
    parsed = parse_html(fragment)
    tags = {tag for tag, _ in parsed.tags}
    assert not tags & {"html", "head", "body", "meta"}
    assert_inert_html(parsed, HTML_TAGS)
    assert parsed.tags[1] == ("article", {"class": "ts-report"})
    for _, attrs in parsed.tags:
        for cls in (attrs.get("class") or "").split():
            assert cls.startswith("ts-"), cls
    for style in re.findall(r"<style[^>]*>(.*?)</style>", fragment, re.S):
        for selector_list in re.findall(r"(?:^|})\s*([^{}@]+?)\s*{", style):
            for selector in selector_list.split(","):
                assert selector.strip().startswith(".ts-report"), selector
    # The fragment's headings sit under the host page's own <h1>.
    assert "<h1" not in fragment
    page = (written / "report.html").read_text("utf-8")
    assert parse_html(fragment).text.strip() in parse_html(page).text


def test_hostile_thread_is_inert_in_html(written_hostile: Path) -> None:
    for name in ("report.html", "embed.html"):
        text = (written_hostile / name).read_text("utf-8")
        parsed = parse_html(text)
        assert_inert_html(parsed, HTML_TAGS)
        assert_payloads_visible(parsed.text)
        lowered = text.lower()
        for needle in (
            "<script",
            "<img",
            "<iframe",
            "<!--",
            'javascript:alert(1)"',
            'href="javascript',
            'href="data',
        ):
            assert needle not in lowered, (name, needle)
    page = (written_hostile / "report.html").read_text("utf-8")
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title and title.group(1).startswith("&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;")
