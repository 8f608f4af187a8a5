"""Render a :class:`Document` as GitHub-flavoured markdown.

The output sticks to syntax that GitHub, Hugo (Goldmark) and Jekyll
(kramdown) agree on: ATX headings, pipe tables, ``>`` quotes, ``-`` lists and
images with relative paths. It contains no raw HTML, so it survives sites that
strip HTML from markdown. Every string goes through :func:`md_inline`, and
every link target through :func:`safe_url`.
"""

from __future__ import annotations

from threadscope.report.document import (
    Block,
    BulletList,
    Document,
    Figure,
    Footer,
    Heading,
    Inlines,
    Link,
    Paragraph,
    Quote,
    Table,
    Text,
)
from threadscope.report.escape import md_inline, safe_url

_MARKS = {"": "", "strong": "**", "em": "*", "code": "`"}


def render(doc: Document, figure_dir: str = "figures") -> str:
    """The report as markdown text, ending in a single newline."""
    chunks = ["# " + inline(doc.title)]
    chunks.extend(_block(b, figure_dir) for b in doc.blocks)
    return "\n\n".join(c for c in chunks if c) + "\n"


def inline(parts: Inlines, line_start: bool = True) -> str:
    """Inline content as one line of markdown; ``line_start`` when it begins a line (not a table cell)."""
    out = []
    for part in parts:
        out.append(_inline(part, line_start))
        line_start = line_start and not "".join(out).strip()
    return "".join(out)


def _inline(part: Text | Link, line_start: bool) -> str:
    text = md_inline(part.text, line_start)
    if not text:
        return ""
    mark = _MARKS[part.style] if part.style != "code" else ""
    if mark:
        # Emphasis must hug its text: keep edge spaces outside the markers.
        stripped = text.strip(" ")
        lead = text[: len(text) - len(text.lstrip(" "))]
        trail = text[len(text.rstrip(" ")) :]
        text = f"{lead}{mark}{stripped}{mark}{trail}"
    if isinstance(part, Link):
        url = safe_url(part.url)
        if url:
            return f"[{text}]({url})"
    return text


def _block(block: Block, figure_dir: str) -> str:
    if isinstance(block, Heading):
        return "#" * max(1, min(6, block.level)) + " " + inline(block.content)
    if isinstance(block, Paragraph):
        body = inline(block.content)
        return f"*{body}*" if block.note and "*" not in body.replace("\\*", "") else body
    if isinstance(block, BulletList):
        return "\n".join("- " + inline(item) for item in block.items)
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Quote):
        lines = ["> " + md_inline(para) for para in block.paragraphs]
        if block.cite:
            lines.append("> " + inline(block.cite))
        return "\n>\n".join(lines)
    if isinstance(block, Figure):
        image = f"![{md_inline(block.alt, line_start=False)}]({figure_dir}/{block.name}.svg)"
        caption = inline(block.caption)
        return f"{image}\n\n*{caption}*" if caption else image
    if isinstance(block, Footer):
        return "---\n\n" + inline(block.content)
    raise TypeError(f"unknown block {block!r}")


def _table(table: Table) -> str:
    numeric = table.numeric or tuple(False for _ in table.header)
    head = "| " + " | ".join(md_inline(h, line_start=False) for h in table.header) + " |"
    rule = "|" + "|".join("---:" if n else "---" for n in numeric) + "|"
    rows = ["| " + " | ".join(inline(cell, line_start=False) or " " for cell in row) + " |" for row in table.rows]
    return "\n".join([head, rule, *rows])
