"""Make thread-derived strings inert in every output format.

Everything a thread's participants wrote — comment text, author names, titles,
theme labels and keywords (which are words from comments), URLs — reaches the
reports only through these functions:

- :func:`md_inline` / :func:`md_paragraphs` for markdown (GFM, Hugo/Goldmark,
  Jekyll/kramdown): markdown syntax is backslash-escaped and HTML, Liquid/Hugo
  template braces, table pipes and bare-URL autolinks are turned into
  character references, so a renderer shows the text literally.
- :func:`html_text` for HTML.
- :func:`safe_url` before any string becomes a link target: http(s) only.
- :func:`mpl_text` for matplotlib labels, whose ``$`` would start mathtext.
- :func:`csv_cell` for ``comments.csv``, which spreadsheets open.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import urlsplit, urlunsplit

from threadscope.text import CONTROL_AND_BIDI

# Backslash escapes work for every ASCII punctuation character in CommonMark and
# kramdown; these are the ones that can start inline syntax anywhere in a line.
_MD_BACKSLASH = frozenset("\\`*_[]~$^")
# Character references are never syntax in CommonMark: HTML, template braces
# (Hugo shortcodes and Jekyll's Liquid run before markdown), table pipes, and
# ``@`` (GFM links bare e-mail addresses).
_MD_ENTITY = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "{": "&#123;",
    "}": "&#125;",
    "|": "&#124;",
    "@": "&#64;",
}
# GFM and Goldmark turn bare ``http://`` and ``www.`` into links; break the trigger.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(:)(?=//)|(?<=\bwww)(\.)")
# Block syntax only counts at the start of a line: headings, lists, setext
# underlines, definition lists, thematic breaks, and ordered-list markers.
_LINE_START = re.compile(r"^( ?)(?:([#+=:\-])|(\d{1,9})([.)]))")
_BIDI_AND_CONTROL = CONTROL_AND_BIDI
_SPACE = re.compile(r"\s+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


# A cell starting with one of these is a formula to Excel, LibreOffice and
# Google Sheets (OWASP, "CSV Injection").
_FORMULA_START = frozenset("=+-@\t\r")


def csv_cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: controls dropped, a would-be formula prefixed with ``'``.

    Numbers pass through (a negative tone score is a number, not a formula);
    strings follow OWASP's advice for CSV injection. Leading spaces do not
    hide a formula from every spreadsheet, so they are looked past.
    """
    if not isinstance(value, str):
        return value
    text = _BIDI_AND_CONTROL.sub("", value)
    if text[:1] in _FORMULA_START or text.lstrip()[:1] in _FORMULA_START:
        return "'" + text
    return text


def clean(text: object) -> str:
    """A printable, single-spaced, stripped string: control and bidi-override characters dropped."""
    return collapse(text).strip()


def collapse(text: object) -> str:
    """Like :func:`clean` but keeps one space at either end, so inline runs can be joined."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFC", str(text))
    return _SPACE.sub(" ", _BIDI_AND_CONTROL.sub("", s))


def paragraphs(text: object) -> list[str]:
    """The non-empty paragraphs of a text (split on blank lines), each single-spaced."""
    if text is None:
        return []
    s = _BIDI_AND_CONTROL.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n"))
    return [p for p in (clean(part) for part in _PARAGRAPH_BREAK.split(s)) if p]


def truncate(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def md_inline(text: object, line_start: bool = True) -> str:
    """Markdown that renders exactly as ``text``, on one line, safe in a table cell.

    Whitespace (newlines included) collapses to single spaces, so the result
    can sit in a table cell, a list item or a heading. With ``line_start``
    (the default) it is also escaped as if it began a line, so it cannot open
    a heading, list, quote or thematic break; the renderer turns that off only
    for text that follows other text on its line, or sits in a table cell.
    """
    s = collapse(text)
    out: list[str] = []
    for ch in s:
        if ch in _MD_ENTITY:
            out.append(_MD_ENTITY[ch])
        elif ch in _MD_BACKSLASH:
            out.append("\\" + ch)
        else:
            out.append(ch)
    escaped = "".join(out)
    escaped = _AUTOLINK.sub(lambda m: "&#58;" if m.group(1) else "&#46;", escaped)
    return _LINE_START.sub(_escape_line_start, escaped) if line_start else escaped


def _escape_line_start(match: re.Match[str]) -> str:
    if match.group(2):
        return match.group(1) + "\\" + match.group(2)
    return match.group(1) + match.group(3) + "\\" + match.group(4)


def md_paragraphs(text: object) -> list[str]:
    """Each paragraph of ``text`` as inert one-line markdown (see :func:`md_inline`)."""
    return [md_inline(p) for p in paragraphs(text)]


def html_text(text: object) -> str:
    """``text`` single-spaced and escaped for HTML element content or a quoted attribute."""
    return html.escape(collapse(text), quote=True)


# RFC 3986 characters that are safe unencoded both in a markdown link
# destination and in a quoted HTML attribute. Parentheses, quotes, brackets,
# braces, pipes, backslashes, backticks and spaces are percent-encoded.
_URL_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#@!$&+,;=%")
_HOST = re.compile(r"^[a-z0-9.-]+$")
_PCT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def safe_url(url: object) -> str | None:
    """``url`` if it is an absolute http(s) URL, normalised so no output syntax can break; else ``None``.

    Rejects other schemes (``javascript:``, ``data:``…), URLs with user info
    (``https://news.ycombinator.com@evil.example``), hosts that are not plain
    DNS names, and anything with whitespace or control characters inside.
    Other awkward characters in the path, query and fragment are percent-encoded.
    """
    if not isinstance(url, str):
        return None
    raw = url.strip()
    if not raw or any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in raw) or "\\" in raw:
        return None
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or "@" in parts.netloc or not parts.hostname:
        return None
    host = parts.hostname
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return None
    host = host.lower()
    if not _HOST.match(host) or ".." in host or host.startswith(("-", ".")):
        return None
    netloc = host if port is None else f"{host}:{port}"

    def encode(part: str) -> str:
        part = _PCT.sub("%25", part)
        return "".join(ch if ch in _URL_SAFE else "".join(f"%{b:02X}" for b in ch.encode()) for ch in part)

    return urlunsplit((parts.scheme.lower(), netloc, encode(parts.path), encode(parts.query), encode(parts.fragment)))


def mpl_text(text: object, limit: int = 40) -> str:
    """A label for matplotlib: single-spaced, truncated, ``$`` escaped so mathtext never starts.

    A leading underscore gets a space before it: matplotlib hides legend
    entries whose label starts with one.
    """
    label = truncate(clean(text), limit).replace("$", r"\$")
    return " " + label if label.startswith("_") else label
