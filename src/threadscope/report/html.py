"""Render a :class:`Document` as a self-contained HTML page and as an embeddable fragment.

Both carry the same markup: a root ``<article class="ts-report">``, class
names prefixed ``ts-``, and a ``<style>`` whose selectors all sit under
``.ts-report`` so the fragment can be pasted into a blog without restyling
the page around it. Figures are inlined as SVG (their ids prefixed, their
stylesheet scoped). Nothing is fetched: no fonts, scripts or remote images.
The page also declares a Content-Security-Policy that forbids scripts and
remote loads, as a second line of defence behind the escaping.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

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
from threadscope.report.escape import html_text, safe_url

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

CSS = """
.ts-report{--ts-ink:#1f2328;--ts-muted:#59636e;--ts-rule:#d1d9e0;--ts-soft:#f6f8fa;--ts-accent:#0072b2;
max-width:46rem;margin:0 auto;padding:1.5rem 1rem 3rem;color:var(--ts-ink);background:#fff;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
font-size:1.0625rem;line-height:1.6;overflow-wrap:break-word;text-align:left}
.ts-report *{box-sizing:border-box}
.ts-report h1,.ts-report h2,.ts-report h3,.ts-report h4{line-height:1.25;margin:2rem 0 .75rem;font-weight:650}
.ts-report .ts-title{font-size:1.9rem;margin-top:0}
.ts-report h2{font-size:1.45rem;padding-bottom:.3rem;border-bottom:1px solid var(--ts-rule)}
.ts-report h3{font-size:1.15rem}
.ts-report h4{font-size:1rem}
.ts-report p,.ts-report ul{margin:0 0 1rem}
.ts-report ul{padding-left:1.4rem}
.ts-report li{margin:.25rem 0}
.ts-report a{color:var(--ts-accent);text-decoration:underline;text-underline-offset:2px}
.ts-report .ts-byline{color:var(--ts-muted)}
.ts-report .ts-summary{background:var(--ts-soft);border-radius:6px;padding:.75rem 1rem .75rem 2rem}
.ts-report .ts-note{color:var(--ts-muted);font-style:italic}
.ts-report .ts-table-wrap{overflow-x:auto;margin:0 0 1.25rem}
.ts-report table{border-collapse:collapse;width:100%;font-size:.9375rem;font-variant-numeric:tabular-nums}
.ts-report th,.ts-report td{padding:.4rem .6rem;border-bottom:1px solid var(--ts-rule);vertical-align:top;
text-align:left}
.ts-report th{background:var(--ts-soft);font-weight:600;border-bottom:2px solid var(--ts-rule)}
.ts-report tbody tr:nth-child(even) td{background:#fbfcfd}
.ts-report .ts-num{text-align:right;white-space:nowrap}
.ts-report blockquote{margin:0 0 1rem;padding:.5rem 1rem;border-left:4px solid var(--ts-accent);
background:var(--ts-soft)}
.ts-report blockquote p{margin:0 0 .5rem}
.ts-report .ts-cite{color:var(--ts-muted);font-size:.9375rem;margin:0}
.ts-report figure{margin:1.5rem 0}
.ts-report figure svg{display:block;width:100%;height:auto;max-width:100%}
.ts-report figcaption{color:var(--ts-muted);font-size:.9375rem;margin-top:.4rem}
.ts-report .ts-footer{margin-top:2.5rem;padding-top:.75rem;border-top:1px solid var(--ts-rule);
color:var(--ts-muted);font-size:.8125rem}
""".strip()

PAGE_CSS = "html{background:#fff}body{margin:0}"


def render_fragment(doc: Document, figures: Mapping[str, str]) -> str:
    """The report as an embeddable fragment: a scoped ``<style>`` and an ``<article>``.

    Headings start at ``<h2>`` so the fragment sits under the host page's own title.
    """
    body = _article(doc, figures, offset=1)
    return f"<style>\n{CSS}\n</style>\n{body}\n"


def render_page(doc: Document, figures: Mapping[str, str], title: str) -> str:
    """The report as a complete HTML document."""
    body = _article(doc, figures, offset=0)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="threadscope">\n'
        f"<title>{html_text(title)}</title>\n"
        f"<style>\n{PAGE_CSS}\n{CSS}\n</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _article(doc: Document, figures: Mapping[str, str], offset: int) -> str:
    level = 1 + offset
    parts = ['<article class="ts-report">', f'<h{level} class="ts-title">{inline(doc.title)}</h{level}>']
    first_paragraph = True
    for block in doc.blocks:
        cls = ""
        if isinstance(block, Paragraph) and first_paragraph and not block.note:
            cls, first_paragraph = "ts-byline", False
        parts.append(_block(block, figures, offset, cls))
    parts.append("</article>")
    return "\n".join(p for p in parts if p)


def inline(parts: Inlines) -> str:
    """Inline content as HTML."""
    return "".join(_inline(p) for p in parts)


def _inline(part: Text | Link) -> str:
    text = html_text(part.text)
    if part.style:
        tag = {"strong": "strong", "em": "em", "code": "code"}[part.style]
        inner = text.strip(" ")
        lead = " " if text.startswith(" ") and inner else ""
        trail = " " if text.endswith(" ") and inner else ""
        text = f"{lead}<{tag}>{inner}</{tag}>{trail}"
    if isinstance(part, Link):
        url = safe_url(part.url)
        if url:
            return f'<a href="{html_text(url)}" rel="nofollow noopener noreferrer">{text}</a>'
    return text


def _block(block: Block, figures: Mapping[str, str], offset: int, cls: str = "") -> str:
    if isinstance(block, Heading):
        level = max(1, min(6, block.level + offset))
        return f"<h{level}>{inline(block.content)}</h{level}>"
    if isinstance(block, Paragraph):
        cls = "ts-note" if block.note else cls
        attr = f' class="{cls}"' if cls else ""
        return f"<p{attr}>{inline(block.content)}</p>"
    if isinstance(block, BulletList):
        items = "".join(f"<li>{inline(item)}</li>" for item in block.items)
        summary = ' class="ts-summary"' if not cls and _is_summary(block) else ""
        return f"<ul{summary}>{items}</ul>"
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Quote):
        paras = "".join(f"<p>{html_text(p)}</p>" for p in block.paragraphs)
        cite = f'<p class="ts-cite">{inline(block.cite)}</p>' if block.cite else ""
        return f'<blockquote class="ts-quote">{paras}{cite}</blockquote>'
    if isinstance(block, Figure):
        svg = figures.get(block.name)
        if svg is None:
            return f'<p class="ts-note">The chart “{html_text(block.name)}” could not be drawn.</p>'
        caption = inline(block.caption)
        cap = f"<figcaption>{caption}</figcaption>" if caption else ""
        picture = inline_svg(svg, block.name, block.alt)
        return f'<figure class="ts-figure ts-figure-{block.name}">{picture}{cap}</figure>'
    if isinstance(block, Footer):
        return f'<footer class="ts-footer"><p>{inline(block.content)}</p></footer>'
    raise TypeError(f"unknown block {block!r}")


def _is_summary(block: BulletList) -> bool:
    first = block.items[0][0] if block.items and block.items[0] else None
    return isinstance(first, Text) and first.style == "strong" and len(block.items) == 3


def _table(table: Table) -> str:
    numeric = table.numeric or tuple(False for _ in table.header)
    num = ' class="ts-num"'
    head = "".join(
        f'<th scope="col"{num if n else ""}>{html_text(h)}</th>' for h, n in zip(table.header, numeric, strict=True)
    )
    rows = "".join(
        "<tr>"
        + "".join(f"<td{num if n else ''}>{inline(cell)}</td>" for cell, n in zip(row, numeric, strict=True))
        + "</tr>"
        for row in table.rows
    )
    return f'<div class="ts-table-wrap"><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>'


_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
# matplotlib escapes "--" inside its comments, so the first "-->" really ends one.
_COMMENT = re.compile(r"\s*<!--.*?-->", re.S)
_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(url\(#|xlink:href="#|href="#)([^)"]+)')
_STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S)
_SVG_OPEN = re.compile(r"<svg\b([^>]*)>")
_RULE = re.compile(r"(^|})\s*([^{}]+?)\s*{")


def inline_svg(svg: str, name: str, alt: str) -> str:
    """A matplotlib SVG made safe to inline next to others.

    Drops the XML prologue, metadata and comments (which repeat the label
    text already drawn as paths), prefixes every id (and reference to
    it) with the figure name so several figures can share a page, scopes the
    SVG's own stylesheet to this figure, and labels it for screen readers.
    """
    prefix = f"ts-{name}-"
    body = _PROLOGUE.sub("", svg, count=1)
    body = _METADATA.sub("", body)
    body = _COMMENT.sub("", body)
    body = _ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', body)
    body = _REF.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", body)
    scope = f".ts-report .ts-figure-{name} svg"

    def scoped(match: re.Match[str]) -> str:
        rules = _RULE.sub(lambda r: f"{r.group(1)}{_scope_selectors(r.group(2), scope)}{{", match.group(2))
        return match.group(1) + rules + match.group(3)

    body = _STYLE.sub(scoped, body)
    label = html_text(alt)
    body = _SVG_OPEN.sub(
        lambda m: f'<svg{m.group(1)} role="img" aria-label="{label}"><title>{label}</title>', body, count=1
    )
    return body.strip()


def _scope_selectors(selectors: str, scope: str) -> str:
    return ",".join(f"{scope} {s.strip()}" if s.strip() != "*" else f"{scope} *" for s in selectors.split(","))
