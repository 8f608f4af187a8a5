"""HN comment HTML to plain text."""

from __future__ import annotations

from threadscope.text import html_to_text, plain_to_text

SITE = "https://news.ycombinator.com/"


def test_entities_and_paragraphs() -> None:
    got = html_to_text("I&#x27;m &quot;here&quot; &amp; there<p>Second   para<p>Third")
    assert got.text == 'I\'m "here" & there\n\nSecond para\n\nThird'


def test_links_keep_the_url() -> None:
    html = (
        'See <a href="https://example.com/a/very/long/path" rel="nofollow">https://example.com/a/very/lo...</a>'
        ' and <a href="https://x.org/">the docs</a> and <a href="item?id=1">that</a>'
    )
    got = html_to_text(html, SITE).text
    assert "https://example.com/a/very/long/path" in got
    assert "the docs (https://x.org/)" in got
    assert "that (https://news.ycombinator.com/item?id=1)" in got


def test_code_blocks_keep_their_lines() -> None:
    got = html_to_text("Try:<p><pre><code>  a = 1\n  b = 2\n</code></pre>done")
    assert got.text == "Try:\n\n  a = 1\n  b = 2\n\ndone"


def test_italics_are_plain() -> None:
    assert html_to_text("this is <i>really</i> it").text == "this is really it"


def test_quoted_parent_lines_are_kept_apart() -> None:
    got = html_to_text("&gt; you are wrong and awful<p>I disagree politely.<p><i>&gt; another quote</i>")
    assert got.text.startswith("> you are wrong and awful")
    assert got.own_text == "I disagree politely."


def test_empty_and_none() -> None:
    assert html_to_text(None).text == "" and html_to_text("").own_text == ""


def test_plain_text_paragraphs() -> None:
    got = plain_to_text("Fish &amp; chips\n\n> quoted\n\nmine")
    assert got.text == "Fish & chips\n\n> quoted\n\nmine"
    assert got.own_text == "Fish & chips\n\nmine"
