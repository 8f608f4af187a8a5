from __future__ import annotations

import pytest

from tests.report.checks import parse_html, render_markdown
from threadscope.report.escape import html_text, md_inline, mpl_text, paragraphs, safe_url, truncate


def rendered_text(md: str) -> str:
    parsed = parse_html(render_markdown(md))
    assert {tag for tag, _ in parsed.tags} <= {"p"}, parsed.tags
    return parsed.text.strip()


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "![x](http://evil/x.png) and [click](http://evil)",
        "# heading",
        "> quote",
        "- item",
        "+ item",
        "1. item",
        "12) item",
        "---",
        "***",
        "___",
        "===",
        "`code` ``more``",
        "*em* **strong** _em_ __strong__ ~~del~~",
        "a | b",
        "&amp; &lt; &#60; &copy;",
        "<!-- c -->",
        "http://evil.example www.evil.example user@evil.example",
        "{{< sc >}} {% liquid %}",
        "back\\slash\\",
        "[^1] footnote",
        "line\nbreak",
        "    indented",
    ],
)
def test_md_inline_renders_literally(text: str) -> None:
    expected = " ".join(text.split())
    assert rendered_text(md_inline(text)) == expected


def test_md_inline_keeps_edge_spaces_for_joining() -> None:
    assert md_inline(" by ") == " by "
    assert md_inline("a\n\nb") == "a b"


def test_md_inline_off_line_start_leaves_numbers_readable() -> None:
    assert md_inline("+0.25", line_start=False) == "+0.25"
    assert md_inline("+0.25") == "\\+0.25"


def test_html_text_escapes_quotes_and_tags() -> None:
    assert html_text('<a href="x">\'&') == "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.ycombinator.com/item?id=1", "https://news.ycombinator.com/item?id=1"),
        ("HTTP://Example.com/a(b)", "http://example.com/a%28b%29"),
        ("https://example.com/a b", None),
        ('https://example.com/"><script>', "https://example.com/%22%3E%3Cscript%3E"),
        ("https://example.com/{{x}}|`", "https://example.com/%7B%7Bx%7D%7D%7C%60"),
        ("https://example.com/100%", "https://example.com/100%25"),
        ("https://example.com/%20ok", "https://example.com/%20ok"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        (" javascript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("vbscript:x", None),
        ("//evil.example/x", None),
        ("/relative", None),
        ("https://news.ycombinator.com@evil.example/", None),
        ("https://exa mple.com", None),
        ("https://example.com\\@evil", None),
        ("https://bücher.example/", "https://xn--bcher-kva.example/"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
        ("https://example.com:99999/", None),
        ("https:///nohost", None),
        (None, None),
        (42, None),
    ],
)
def test_safe_url(url: object, expected: str | None) -> None:
    assert safe_url(url) == expected


def test_mpl_text_never_starts_mathtext() -> None:
    assert mpl_text("costs $5 and $10") == r"costs \$5 and \$10"
    assert mpl_text("_hidden") == " _hidden"
    assert len(mpl_text("word " * 40, 20)) <= 20


def test_paragraphs_and_truncate() -> None:
    assert paragraphs("one\ntwo\n\n\n three \u202e") == ["one two", "three"]
    assert truncate("alpha beta gamma delta", 15) == "alpha beta…"
    assert truncate("short", 15) == "short"
