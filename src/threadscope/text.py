"""Comment HTML to plain text, keeping what the author wrote apart from what they quoted.

HN comments are HTML fragments: ``<p>`` opens each paragraph after the first,
links are ``<a href>`` whose text HN truncates, code sits in ``<pre><code>``,
and quoting the parent is a convention, a paragraph that starts with ``>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urljoin

_SPACE = re.compile(r"[ \t\r\n\f\v]+")
#: C0 and C1 controls but tab and newlines (ESC starts terminal commands), and bidi overrides.
CONTROL_AND_BIDI = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]")
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True, slots=True)
class CommentText:
    """The plain text of a comment, whole and without quoted lines."""

    text: str
    own_text: str


class _Flattener(HTMLParser):
    def __init__(self, base_url: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.pre = 0
        self.link: tuple[str, list[str]] | None = None

    def _emit(self, text: str) -> None:
        if self.link is not None:
            self.link[1].append(text)
        else:
            self.current.append(text)

    def _break(self) -> None:
        paragraph = "".join(self.current)
        self.current = []
        if self.pre:
            paragraph = paragraph.strip("\n")
        else:
            paragraph = _SPACE.sub(" ", paragraph).strip()
        if paragraph:
            self.paragraphs.append(paragraph)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p":
            self._break()
        elif tag == "pre":
            self._break()
            self.pre += 1
        elif tag == "br":
            self._emit("\n")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            if self.base_url and href and "://" not in href:
                href = urljoin(self.base_url, href)
            self.link = (href, [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre" and self.pre:
            self._break()
            self.pre -= 1
        elif tag == "a" and self.link is not None:
            href, parts = self.link
            self.link = None
            label = "".join(parts).strip()
            self.current.append(_link_text(label, href))

    def handle_data(self, data: str) -> None:
        self._emit(data)

    def close(self) -> None:
        super().close()
        if self.link is not None:
            self.handle_endtag("a")
        self._break()


def _link_text(label: str, href: str) -> str:
    """HN shortens long link text with '...'; the URL itself is what matters."""
    if not href:
        return label
    stem = label.rstrip(".").rstrip("…")
    if not label or href.startswith(stem) or href.split("://", 1)[-1].startswith(stem):
        return href
    return f"{label} ({href})"


def printable(text: object) -> str:
    """``text`` as one line a terminal shows literally: controls and bidi overrides dropped, spaces collapsed."""
    return _SPACE.sub(" ", CONTROL_AND_BIDI.sub("", str(text))).strip()


def is_quote(paragraph: str) -> bool:
    """Whether a paragraph quotes another post (HN and email convention: starts with '>')."""
    return paragraph.lstrip().startswith(">")


def html_to_text(html: str | None, base_url: str | None = None) -> CommentText:
    """Flatten comment HTML to plain text; paragraphs are separated by a blank line."""
    if not html:
        return CommentText("", "")
    parser = _Flattener(base_url)
    parser.feed(html)
    parser.close()
    return _join(parser.paragraphs)


def plain_to_text(text: str | None) -> CommentText:
    """Split already-plain text (a pasted comment, a tweet) the same way."""
    if not text:
        return CommentText("", "")
    blocks = [b.strip() for b in re.split(r"\n\s*\n", unescape(text).replace("\r\n", "\n"))]
    return _join([b for b in blocks if b])


def _join(paragraphs: list[str]) -> CommentText:
    text = "\n\n".join(paragraphs)
    own = "\n\n".join(p for p in paragraphs if not is_quote(p))
    return CommentText(_BLANK_LINES.sub("\n\n", text), _BLANK_LINES.sub("\n\n", own))
