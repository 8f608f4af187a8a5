"""The report as a small tree of blocks, written once and rendered to markdown and HTML.

``content.build`` decides what the report says; ``markdown`` and ``html``
decide only how it looks. Strings in the tree are raw (unescaped): each
renderer escapes them for its own format, so no text reaches a file unescaped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Style = Literal["", "strong", "em", "code"]


@dataclass(frozen=True)
class Text:
    """A run of text, optionally emphasised."""

    text: str
    style: Style = ""


@dataclass(frozen=True)
class Link:
    """A link; rendered as plain text when ``url`` is not a safe http(s) URL."""

    text: str
    url: str | None
    style: Style = ""


Inline = Text | Link
Inlines = tuple[Inline, ...]


def inlines(*parts: str | Inline | None) -> Inlines:
    """Inlines from strings (plain text) and Text/Link values; ``None`` is skipped."""
    return tuple(Text(p) if isinstance(p, str) else p for p in parts if p is not None and p != "")


@dataclass(frozen=True)
class Heading:
    """A section heading; level 1 is the report title."""

    level: int
    content: Inlines


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; ``note`` paragraphs explain something missing or skipped."""

    content: Inlines
    note: bool = False


@dataclass(frozen=True)
class BulletList:
    """A bulleted list of one-line items."""

    items: tuple[Inlines, ...]


@dataclass(frozen=True)
class Table:
    """A table; ``numeric`` columns are right-aligned."""

    header: tuple[str, ...]
    rows: tuple[tuple[Inlines, ...], ...]
    numeric: tuple[bool, ...] = ()


@dataclass(frozen=True)
class Quote:
    """A quotation from the thread: its paragraphs and who said it."""

    paragraphs: tuple[str, ...]
    cite: Inlines


@dataclass(frozen=True)
class Figure:
    """A chart from ``figures/<name>.svg``."""

    name: str
    alt: str
    caption: Inlines


@dataclass(frozen=True)
class Footer:
    """Small print at the end: how the report was made."""

    content: Inlines


Block = Heading | Paragraph | BulletList | Table | Quote | Figure | Footer


@dataclass
class Document:
    """A whole report: a title line and blocks in reading order."""

    title: Inlines
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        """Append blocks in order."""
        self.blocks.extend(blocks)
