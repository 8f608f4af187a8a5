"""Safety checks on generated reports: parse them and allow only what threadscope itself emits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from xml.etree import ElementTree

from markdown_it import MarkdownIt

from tests.report.builders import PAYLOADS

# http(s), a plain host, and nothing in the rest that could close an attribute or a markdown link.
SAFE_HREF = re.compile(r"^https?://[a-z0-9.-]+(:\d+)?(/[A-Za-z0-9\-._~:/?#@!$&+,;=%]*)?$")

# Tags a markdown report may render to. No code, no del/s, no html/script/iframe.
MD_TAGS = {
    "h1",
    "h2",
    "h3",
    "p",
    "a",
    "strong",
    "em",
    "ul",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "blockquote",
    "img",
    "hr",
}
HTML_TAGS = MD_TAGS - {"img", "hr", "h1"} | {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "article",
    "div",
    "figure",
    "figcaption",
    "footer",
    "h4",
    "h1",
    "h2",
    # inline SVG from matplotlib
    "svg",
    "g",
    "path",
    "defs",
    "clippath",
    "use",
    "rect",
    "image",  # a colorbar's gradient, embedded as a data: PNG (checked below)
}
ATTRS = {
    "href",
    "src",
    "alt",
    "class",
    "style",
    "scope",
    "lang",
    "charset",
    "name",
    "content",
    "http-equiv",
    "role",
    "aria-label",
    "id",
    "d",
    "transform",
    "clip-path",
    "x",
    "y",
    "width",
    "height",
    "viewbox",
    "xmlns",
    "xmlns:xlink",
    "version",
    "xlink:href",
    "type",
    "align",
    "rel",
}


@dataclass
class Parsed:
    tags: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    text: str = ""
    comments: list[str] = field(default_factory=list)

    def hrefs(self) -> list[str]:
        return [str(attrs["href"]) for tag, attrs in self.tags if tag == "a" and "href" in attrs]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = Parsed()
        self._text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.tags.append((tag, dict(attrs)))
        if tag in {"style", "title"}:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"style", "title"}:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._text.append(data)

    def handle_comment(self, data: str) -> None:
        self.out.comments.append(data)

    def close(self) -> None:
        super().close()
        self.out.text = re.sub(r"\s+", " ", "".join(self._text))


def parse_html(text: str) -> Parsed:
    collector = _Collector()
    collector.feed(text)
    collector.close()
    return collector.out


def render_markdown(text: str) -> str:
    """CommonMark + GFM tables and strikethrough, with raw HTML *allowed* so leaks would show."""
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return md.render(text)


def visible(payload: str) -> str:
    return re.sub(r"\s+", " ", payload).strip()


def assert_inert_html(parsed: Parsed, allowed_tags: set[str]) -> None:
    tags = {tag for tag, _ in parsed.tags}
    assert tags <= allowed_tags, f"unexpected tags: {tags - allowed_tags}"
    for tag, attrs in parsed.tags:
        for name in attrs:
            assert not name.startswith("on"), f"event handler {name} on <{tag}>"
            assert name in ATTRS, f"unexpected attribute {name} on <{tag}>"
    for href in parsed.hrefs():
        assert SAFE_HREF.match(href), f"unsafe link {href!r}"
        assert "evil" not in href, f"link from comment text {href!r}"
    for tag, attrs in parsed.tags:
        if tag == "image":
            href = str(attrs.get("xlink:href") or attrs.get("href"))
            assert href.startswith("data:image/png;base64,"), f"<image> loads {href[:60]!r}"
        if tag == "img":
            assert re.fullmatch(r"([^\s\"'()<>]*/)?figures/[a-z_]+\.svg", str(attrs.get("src"))), attrs
    assert not parsed.comments, parsed.comments


def assert_payloads_visible(text: str, names: list[str] | None = None) -> None:
    """Every payload (or the named ones) shows up as literal text: escaped, not dropped."""
    for name in names or list(PAYLOADS):
        assert visible(PAYLOADS[name]) in text, f"payload {name!r} is missing from the visible text"


def assert_raw_markdown_inert(md: str) -> None:
    lowered = md.lower()
    for needle in ("<script", "<img", "<iframe", "<!--", "{{", "{%", "<http"):
        assert needle not in lowered, needle
    assert not re.search(r"(?<!\\)\]\(\s*(javascript|data|vbscript):", lowered)
    for line in md.splitlines():
        for match in re.finditer(r"(?<!\\)!\[", line):
            assert re.match(r"!\[[^\n]*\]\((?:[^()\s]*/)?figures/[a-z_]+\.svg\)$", line[match.start() :]), line
        assert not re.match(r"\s{4,}\S", line), f"indented code block: {line!r}"


def svg_comments_and_tags(svg: str) -> tuple[list[str], set[str], list[dict[str, str]]]:
    builder = ElementTree.TreeBuilder(insert_comments=True)
    parser = ElementTree.XMLParser(target=builder)
    parser.feed(svg)
    root = parser.close()
    comments: list[str] = []
    tags: set[str] = set()
    attrs: list[dict[str, str]] = []
    for element in root.iter():
        if element.tag is ElementTree.Comment:
            comments.append(str(element.text))
        else:
            tags.add(str(element.tag).split("}")[-1])
            attrs.append(dict(element.attrib))
    return comments, tags, attrs
