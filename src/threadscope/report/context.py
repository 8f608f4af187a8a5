"""What every section of a thread report needs: the results with their lookups, figures, quotes, cells.

Shared by ``content`` (summary, themes, tone, notes) and ``content_structure``
(the reply structure), so neither imports the other.
"""

from __future__ import annotations

from collections.abc import Mapping

from threadscope import schema
from threadscope.report.charts import Planned, by_size
from threadscope.report.document import Document, Figure, Inlines, Link, Paragraph, Quote, Text, inlines
from threadscope.report.escape import clean, paragraphs, truncate

QUOTE_CHARS = 420
#: Rows of a report table (most replied-to comments, subthreads, ...).
TABLE_ROWS = 8


class Context:
    """The results with the lookups every section needs."""

    def __init__(self, results: schema.AnalysisResults, figures: Mapping[str, Planned]) -> None:
        self.results = results
        self.figures = figures
        self.thread = results["thread"]
        self.structure = results["structure"]
        self.sentiment = results["sentiment"]
        self.themes = by_size(results["themes"])
        self.themes_info = results["themes_info"]
        self.meta = results["meta"]
        self.posts = results["posts"]
        self.by_id = {p["id"]: p for p in self.posts}
        self.structured = self.structure["structured"]

    def theme_label(self, theme_id: int | None) -> str | None:
        """The label of theme ``theme_id``, cleaned for display; ``None`` for no such theme."""
        return next((theme_name(t) for t in self.themes if t["id"] == theme_id), None)

    def permalink(self, post_id: str) -> str | None:
        """The permalink of comment ``post_id``, when the results hold one."""
        post = self.by_id.get(post_id)
        return post["permalink"] if post else None


def theme_name(theme: schema.ThemeCore) -> str:
    """A theme's label for display, or ``Theme <id>`` when the label is empty."""
    return clean(theme["label"]) or f"Theme {theme['id']}"


def author_name(author: str | None) -> str:
    """An author for display; deleted or unknown authors get a placeholder."""
    return clean(author) or "[deleted]"


def figure(doc: Document, figures: Mapping[str, Planned], name: str, caption: str) -> None:
    """The figure ``name`` with its caption, or a note saying why there is none (``figures``: the plan)."""
    planned = figures.get(name)
    if planned is None:
        return
    if planned.reason is None:
        doc.add(Figure(name, planned.alt, inlines(caption)))
    else:
        doc.add(Paragraph(inlines(f"No “{planned.title.lower()}” chart: {planned.reason}."), note=True))


def quote(ctx: Context, text: str, author: str | None, post_id: str, extra: str | None = None) -> Quote:
    """A comment quoted in up to ``QUOTE_CHARS`` characters, cited with its author and permalink."""
    kept: list[str] = []
    room = QUOTE_CHARS
    for para in paragraphs(text):
        if room <= 40:
            kept[-1] = kept[-1].rstrip("…") + " …" if kept else "…"
            break
        kept.append(truncate(para, room))
        room -= len(kept[-1])
    post = ctx.by_id.get(post_id)
    deleted = bool(post and post["deleted"])
    return Quote(tuple(kept) or ("[no text]",), byline(author, deleted, ctx.permalink(post_id), extra))


def byline(author: str | None, deleted: bool, link: str | None, extra: str | None = None) -> Inlines:
    """Who said a quoted comment, its permalink and ``extra``; empty when there is nothing to say.

    A comment without an author is "[deleted]" only when it was deleted: a
    pasted discussion or a saved page names no one, and its quotes then go
    uncredited rather than look deleted.
    """
    name = clean(author) or ("[deleted]" if deleted else "")
    parts: list[str | Text | Link | None] = [Text(name, "strong")] if name else []
    if link:
        parts += [", " if parts else "", Link("view comment", link)]
    if extra:
        parts.append(f" ({extra})" if parts else extra)
    return inlines("— ", *parts) if parts else ()


def author_link(ctx: Context, author: str | None, post_id: str) -> Inlines:
    """The author's name, linked to the comment when it has a permalink."""
    link = ctx.permalink(post_id)
    name = author_name(author)
    return (Link(name, link),) if link else (Text(name),)


def cell(value: str) -> Inlines:
    """A plain-text table cell."""
    return (Text(value),)
