"""The comparison report: ``results.json`` of ``threadscope.comparison/1`` turned into files.

Same pipeline as a single-thread report (see :mod:`threadscope.report.writer`):
the results become a :class:`~threadscope.report.document.Document`, which
:mod:`~threadscope.report.markdown` and :mod:`~threadscope.report.html` render
with their escaping, and figures are drawn with the style of
:mod:`~threadscope.report.charts` (Okabe–Ito colours, fixed SVG hash salt, no
dates in metadata). Nothing is recomputed here: every number comes from the
results, only wording, order and pictures are decided.

Figures:

- ``sentiment_by_thread``: each thread's tone distribution as a step
  histogram on one axis (colour and line style per thread), and each
  thread's mean with its 95% interval;
- ``theme_heatmap``: share of each thread's comments in each shared theme;
- ``theme_shares``: the same shares as grouped bars.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from threadscope.report import compare_charts as figs
from threadscope.report import compare_data as cd
from threadscope.report import content, data, fmt
from threadscope.report.charts import Planned
from threadscope.report.context import cell, figure
from threadscope.report.datafiles import write_csv
from threadscope.report.document import (
    BulletList,
    Document,
    Footer,
    Heading,
    Inlines,
    Link,
    Paragraph,
    Quote,
    Table,
    Text,
    inlines,
)
from threadscope.report.escape import clean, paragraphs, truncate
from threadscope.report.writer import write_document

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

QUOTE_CHARS = 300
CSV_COLUMNS = ("thread", "id", "parent_id", "author", "depth", "created_at", "sentiment", "theme", "text")

TONE_INTRO = (
    "Each comment is scored by threadscope's tone model, trained on comments rated by readers, from −1 "
    "(most negative) to +1 (most positive). The interval around each mean is a 95% bootstrap interval."
)
TONE_INTRO_VADER = (
    "Each comment is scored by VADER from −1 (most negative) to +1 (most positive); a score between "
    "−0.05 and +0.05 counts as neutral. The interval around each mean is a 95% bootstrap interval."
)
HOW_TO_READ_PAIRS = (
    "How to read this: the difference is the first thread's mean minus the second's, with a bootstrap "
    "interval that resamples each thread on its own. The Mann-Whitney test asks whether a comment of one "
    "thread tends to score higher than one of the other; Cliff's delta is the same as a probability "
    "gap (from −1 to +1). These figures describe the wording of the comments: they do not say why the "
    "threads differ, and the tone scores get about one comment in three wrong, so only differences across "
    "many comments mean anything. With "
    "several pairs, one difference in twenty can clear the 95% bar by chance."
)
DISTINCTIVE_METHOD = (
    "Distinctiveness is the weighted log-odds ratio with an informative Dirichlet prior "
    "(Monroe, Colaresi & Quinn 2008) of the theme's count in one thread against all the others; "
    "|z| ≥ 1.96 is marked. It is a guide to where to look, not a test corrected for many themes."
)


# ---------------------------------------------------------------- writing


def write_reports(results: dict[str, Any], out_dir: Path, formats: set[str]) -> list[Path]:
    """Write the comparison reports and their figures into ``out_dir``; return the paths written.

    ``md`` writes ``report.md``; ``html`` writes ``report.html`` and the
    embeddable ``embed.html``; either writes ``figures/<name>.svg`` and
    ``.png``. A figure the results cannot support is skipped and the report
    says why.

    Raises:
        InputError: for a format other than ``md`` or ``html``.

    """
    return write_document(results, out_dir, formats, plan=figs.plan, draw=figs.draw, build=build, title=cd.title_text)


def write_comments_csv(results: Mapping[str, Any], path: Path) -> Path:
    """Write one row per comment of every thread (thread label first), in input and thread order."""
    rows = (
        {**post, "thread": entry.get("key")} for entry in cd.threads(results) for post in data.records(entry, "posts")
    )
    return write_csv(rows, CSV_COLUMNS, path)


# ---------------------------------------------------------------- the document


def build(results: Mapping[str, Any], figures: Mapping[str, Planned]) -> Document:
    """The comparison report for ``results``; ``figures`` says which charts exist (see :func:`plan`)."""
    doc = Document(title=inlines(cd.title_text(results)))
    entries = cd.threads(results)
    doc.add(Paragraph(_byline(entries)))
    _threads_section(results, doc)
    _tone_section(results, doc, figures)
    _themes_section(results, doc, figures)
    _structure_section(results, doc)
    _notes_section(results, doc)
    doc.add(Footer(_footer(results)))
    return doc


def _byline(entries: Sequence[Mapping[str, Any]]) -> Inlines:
    kinds = sorted(
        {fmt.SOURCE_NAMES.get(str((data.section(e, "thread") or {}).get("source")), "other") for e in entries}
    )
    return inlines(
        f"A threadscope comparison of {fmt.count(len(entries), 'discussion')} ({', '.join(kinds)}): "
        "their tone, the themes they share and the shape of their replies. "
        "Themes come from one model fitted on all the comments together, "
        "so a theme means the same in every thread."
    )


def _threads_section(results: Mapping[str, Any], doc: Document) -> None:
    doc.add(Heading(2, inlines("The threads")))
    rows = []
    for entry in cd.threads(results):
        thread = data.section(entry, "thread") or {}
        structure = data.section(entry, "structure") or {}
        title = truncate(content.title_text(entry), 70)
        rows.append(
            (
                (Text(f"{cd.letter(entry)}: ", "strong"), Link(title, data.text(thread.get("permalink")))),
                cell(cd.key(entry)),
                cell(_count(structure.get("comments"))),
                cell(_count(structure.get("authors"))),
                cell(_count(structure.get("max_depth"))),
            )
        )
    doc.add(
        Table(
            ("Thread", "Label", "Comments", "Authors", "Deepest reply"),
            tuple(rows),
            (False, False, True, True, True),
        )
    )
    for entry in cd.threads(results):
        for note in entry.get("notes") or []:
            doc.add(Paragraph(inlines(f"{cd.letter(entry)}: {clean(note)}"), note=True))


def _count(value: Any) -> str:
    n = data.integer(value)
    return "–" if n is None else f"{n:,}"


def _tone_section(results: Mapping[str, Any], doc: Document, figures: Mapping[str, Planned]) -> None:
    doc.add(Heading(2, inlines("Tone")))
    doc.add(Paragraph(inlines(TONE_INTRO_VADER if figs.scale(results).startswith("VADER") else TONE_INTRO)))
    rows = []
    for entry in cd.threads(results):
        s = data.section(entry, "sentiment") or {}
        ci = cd.ci(s.get("ci95"))
        rows.append(
            (
                cell(cd.letter(entry)),
                cell(_count(s.get("n"))),
                cell(fmt.signed(data.number(s.get("mean")))),
                cell(f"{fmt.signed(ci[0])} to {fmt.signed(ci[1])}" if ci else "–"),
                cell(fmt.pct(data.number(s.get("positive_share")))),
                cell(fmt.pct(data.number(s.get("neutral_share")))),
                cell(fmt.pct(data.number(s.get("negative_share")))),
            )
        )
    doc.add(
        Table(
            ("Thread", "Scored comments", "Mean tone", "95% CI", "Positive", "Neutral", "Negative"),
            tuple(rows),
            (False, True, True, True, True, True, True),
        )
    )
    figure(doc, figures, "sentiment_by_thread", "How each thread's comments spread over the tone scale.")

    pairs = data.records(results, "pairs")
    if not pairs:
        return
    doc.add(Heading(3, inlines("Side by side")))
    doc.add(BulletList(tuple(inlines(clean(p.get("verdict"))) for p in pairs)))
    letters = {cd.key(e): cd.letter(e) for e in cd.threads(results)}
    table_rows = []
    for p in pairs:
        a, b = (
            letters.get(clean(p.get("a")), clean(p.get("a"))),
            letters.get(clean(p.get("b")), clean(p.get("b"))),
        )
        ci = cd.ci(p.get("ci95"))
        pv = data.number(p.get("p_value"))
        delta = data.number(p.get("effect_size"))
        table_rows.append(
            (
                cell(f"{a} − {b}"),
                cell(f"{_count(p.get('n_a'))} / {_count(p.get('n_b'))}"),
                cell(fmt.signed(data.number(p.get("mean_diff")))),
                cell(f"{fmt.signed(ci[0])} to {fmt.signed(ci[1])}" if ci else "–"),
                cell("–" if pv is None else "< 0.001" if pv < 0.001 else f"{pv:.3f}"),
                cell("–" if delta is None else f"{fmt.signed(delta)} ({clean(p.get('effect_magnitude'))})"),
            )
        )
    doc.add(
        Table(
            ("Pair", "Comments", "Difference in mean", "95% CI", "Mann-Whitney p", "Cliff's delta"),
            tuple(table_rows),
            (False, True, True, True, True, True),
        )
    )
    doc.add(
        Paragraph(
            inlines(HOW_TO_READ_PAIRS),
            note=True,
        )
    )


def _themes_section(results: Mapping[str, Any], doc: Document, figures: Mapping[str, Planned]) -> None:
    doc.add(Heading(2, inlines("Shared themes")))
    info = data.section(results, "themes_info") or {}
    if results.get("themes") is None:
        doc.add(Paragraph(inlines("The theme analysis did not run, so this report has no themes."), note=True))
        return
    note = clean(info.get("note"))
    themes = cd.themes(results)
    if not themes:
        doc.add(Paragraph(inlines("No themes stood out: the comments did not form clear groups."), note=True))
        if note:
            doc.add(Paragraph(inlines(note), note=True))
        return
    entries = cd.threads(results)
    doc.add(
        Paragraph(
            inlines(
                f"One theme model over the comments of all {len(entries)} threads found "
                f"{fmt.count(len(themes), 'theme')}. Each cell gives the share of that thread's comments "
                "in the "
                "theme and, where at least a few were scored, their mean tone."
            )
        )
    )
    if note:
        doc.add(Paragraph(inlines(note), note=True))
    figure(
        doc,
        figures,
        "theme_heatmap",
        "Share of each thread's comments in each theme; * marks a distinctive theme.",
    )
    figure(doc, figures, "theme_shares", "The same shares as bars, one per thread.")
    rows = []
    for theme in themes:
        keywords = ", ".join(clean(k) for k in (theme.get("keywords") or [])[:5] if clean(k))
        cells: list[Inlines] = [(Text(cd.theme_label(theme), "strong"),), cell(keywords or "–")]
        for entry in entries:
            found = cd.cell_of(theme, cd.key(entry))
            share = data.number(found.get("share"))
            tone = data.number(found.get("sentiment_mean"))
            cells.append(cell(fmt.pct(share) + (f" ({fmt.signed(tone)})" if tone is not None else "")))
        distinctive = clean(theme.get("distinctive_of"))
        z = data.number(theme.get("z"))
        cells.append(
            cell(f"{_letter_of(entries, distinctive)} (z = {z:.1f})" if distinctive and z is not None else "–")
        )
        rows.append(tuple(cells))
    header = ("Theme", "Keywords", *(f"{cd.letter(e)} share (tone)" for e in entries), "Distinctive of")
    numeric = (False, False, *(True for _ in entries), False)
    doc.add(Table(header, tuple(rows), numeric))
    _distinctive(results, doc, themes, entries)


def _letter_of(entries: Sequence[Mapping[str, Any]], key: str) -> str:
    return next((cd.letter(e) for e in entries if cd.key(e) == key), key)


def _distinctive(
    results: Mapping[str, Any],
    doc: Document,
    themes: Sequence[Mapping[str, Any]],
    entries: Sequence[Mapping[str, Any]],
) -> None:
    order = {cd.key(e): k for k, e in enumerate(entries)}
    marked = sorted(
        (t for t in themes if clean(t.get("distinctive_of"))),
        key=lambda t: (
            order.get(clean(t.get("distinctive_of")), len(order)),
            -(data.number(t.get("z")) or 0.0),
        ),
    )
    doc.add(Heading(3, inlines("What sets each thread apart")))
    if not marked:
        doc.add(
            Paragraph(
                inlines("No theme is clearly more common in one thread than in the others (no |z| of 1.96 or more)."),
                note=True,
            )
        )
        return
    items = []
    for theme in marked:
        key = clean(theme.get("distinctive_of"))
        own = data.number(cd.cell_of(theme, key).get("share"))
        others = [
            f"{fmt.pct(data.number(cd.cell_of(theme, cd.key(e)).get('share')))} of {cd.letter(e)}'s"
            for e in entries
            if cd.key(e) != key
        ]
        z = data.number(theme.get("z"))
        items.append(
            inlines(
                Text(cd.theme_label(theme), "strong"),
                f" is distinctive of {_letter_of(entries, key)}: {fmt.pct(own)} of its comments, against "
                f"{', '.join(others)}" + (f" (z = {z:.1f})." if z is not None else "."),
            )
        )
    doc.add(BulletList(tuple(items)))
    quoted: set[str] = set()
    for theme in marked:  # one quote per thread, from its most distinctive theme
        key = clean(theme.get("distinctive_of"))
        quote = _representative(results, theme) if key not in quoted else None
        if quote is not None:
            quoted.add(key)
            doc.add(quote)
    doc.add(
        Paragraph(
            inlines(DISTINCTIVE_METHOD),
            note=True,
        )
    )


def _representative(results: Mapping[str, Any], theme: Mapping[str, Any]) -> Quote | None:
    """The first representative comment of a theme from the thread it is distinctive of."""
    key = clean(theme.get("distinctive_of"))
    entry = next((e for e in cd.threads(results) if cd.key(e) == key), None)
    if entry is None:
        return None
    posts = {str(p.get("id")): p for p in data.records(entry, "posts")}
    for rep in data.records(theme, "representatives"):
        post = posts.get(str(rep.get("id")))
        if clean(rep.get("thread")) != key or post is None or not clean(post.get("text")):
            continue
        kept = [truncate(p, QUOTE_CHARS) for p in paragraphs(post.get("text"))[:2]]
        author = clean(post.get("author")) or ("[deleted]" if post.get("deleted") else "an unnamed commenter")
        cite: list[str | Text | Link | None] = ["— ", Text(author, "strong")]
        link = data.text(post.get("permalink"))
        if link:
            cite += [", ", Link("view comment", link)]
        cite.append(f" ({cd.letter(entry)}, on {cd.theme_label(theme)})")
        return Quote(tuple(kept) or ("[no text]",), inlines(*cite))
    return None


STRUCTURE_ROWS: tuple[tuple[str, str, str], ...] = (
    ("comments", "Comments", "count"),
    ("authors", "Authors", "count"),
    ("top_level", "Direct replies to the post", "count"),
    ("max_depth", "Deepest reply level", "count"),
    ("mean_depth", "Mean reply depth", "float"),
    ("replies_per_comment", "Replies per comment", "float"),
    ("top10_share", "Comments by the most active 10% of authors", "pct"),
    ("gini", "Concentration (Gini, 0 = even)", "float"),
    ("exchange_count", "Back-and-forth exchanges (3+ turns)", "count"),
    ("longest_chain", "Longest reply chain", "count"),
)


def _structure_section(results: Mapping[str, Any], doc: Document) -> None:
    doc.add(Heading(2, inlines("Shape of the discussions")))
    entries = cd.threads(results)
    rows = []
    for key, label, kind in STRUCTURE_ROWS:
        cells: list[Inlines] = [cell(label)]
        for entry in entries:
            value = data.number((data.section(entry, "structure") or {}).get(key))
            text = (
                "–"
                if value is None
                else f"{value:,.0f}"
                if kind == "count"
                else fmt.pct(value)
                if kind == "pct"
                else f"{value:.2f}"
            )
            cells.append(cell(text))
        rows.append(tuple(cells))
    doc.add(Table(("", *(cd.letter(e) for e in entries)), tuple(rows), (False, *(True for _ in entries))))
    flat = [cd.letter(e) for e in entries if not (data.section(e, "structure") or {}).get("structured", True)]
    if flat:
        doc.add(
            Paragraph(
                inlines(
                    f"{', '.join(flat)} {'has' if len(flat) == 1 else 'have'} "
                    "no reply structure (pasted text), "
                    "so depth, chains and exchanges are shown as –."
                ),
                note=True,
            )
        )


def _notes_section(results: Mapping[str, Any], doc: Document) -> None:
    notes: list[Inlines] = []
    for entry in cd.threads(results):
        thread = data.section(entry, "thread") or {}
        structure = data.section(entry, "structure") or {}
        sentiment = data.section(entry, "sentiment") or {}
        seen: set[str] = set()
        for source in (thread.get("notes"), structure.get("notes"), sentiment.get("notes")):
            for note in source if isinstance(source, list | tuple) else []:
                text = clean(note)
                if text and text not in seen:
                    seen.add(text)
                    notes.append(inlines(f"{cd.letter(entry)}: {text}"))
    if notes:
        doc.add(Heading(2, inlines("Notes")))
        doc.add(BulletList(tuple(notes)))


def _footer(results: Mapping[str, Any]) -> Inlines:
    meta = data.section(results, "meta") or {}
    parts = [f"Generated by threadscope {clean(meta.get('threadscope')) or 'unknown version'}"]
    model = clean(meta.get("embedding_model"))
    if model:
        parts.append(f"embedding model {model}")
    info = data.section(results, "themes_info") or {}
    method = clean(info.get("method"))
    if method:
        parts.append(f"themes by {method}")
    parts.append("tone by VADER" if figs.scale(results).startswith("VADER") else "tone by threadscope's tone model")
    params = meta.get("params")
    if isinstance(params, Mapping) and params:
        pairs = [
            f"{k}={json.dumps(v, sort_keys=True, default=str, ensure_ascii=False)}"
            for k, v in sorted(params.items(), key=lambda kv: str(kv[0]))
        ]
        parts.append("parameters: " + truncate(", ".join(pairs), 400))
    return inlines(" · ".join(parts) + ".")
