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

import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from threadscope import schema
from threadscope.report import compare_charts as figs
from threadscope.report import compare_data as cd
from threadscope.report import content, fmt
from threadscope.report.charts import Planned, by_size
from threadscope.report.context import byline, cell, figure, theme_name
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
HOW_TO_READ_THREAD_ERROR = (
    "The wider interval also counts how far the tone method's mean of a thread strays from readers' from "
    "one thread to another (standard deviation {sd}, measured on labelled threads it was not trained on): "
    "a thread's subject can make all of its comments read warmer or colder, which resampling comments "
    "cannot show. A thread is named more positive only when that wider interval excludes zero."
)
DISTINCTIVE_METHOD = (
    "Distinctiveness is the weighted log-odds ratio with an informative Dirichlet prior "
    "(Monroe, Colaresi & Quinn 2008) of the theme's count in one thread against all the others; "
    "|z| ≥ 1.96 is marked. It is a guide to where to look, not a test corrected for many themes."
)


# ---------------------------------------------------------------- writing


def write_reports(results: schema.ComparisonResults, out_dir: Path, formats: set[str]) -> list[Path]:
    """Write the comparison reports and their figures into ``out_dir``; return the paths written.

    ``md`` writes ``report.md``; ``html`` writes ``report.html`` and the
    embeddable ``embed.html``; either writes ``figures/<name>.svg`` and
    ``.png``. A figure the results cannot support is skipped and the report
    says why.

    Raises:
        InputError: for a format other than ``md`` or ``html``.

    """
    return write_document(results, out_dir, formats, plan=figs.plan, draw=figs.draw, build=build, title=cd.title_text)


def write_comments_csv(results: schema.ComparisonResults, path: Path) -> Path:
    """Write one row per comment of every thread (thread label first), in input and thread order."""
    rows = ({**post, "thread": entry["key"]} for entry in results["threads"] for post in entry["posts"])
    return write_csv(rows, CSV_COLUMNS, path)


# ---------------------------------------------------------------- the document


def build(results: schema.ComparisonResults, figures: Mapping[str, Planned]) -> Document:
    """The comparison report for ``results``; ``figures`` says which charts exist (see :func:`plan`)."""
    doc = Document(title=inlines(cd.title_text(results)))
    entries = results["threads"]
    doc.add(Paragraph(_byline(entries)))
    _threads_section(entries, doc)
    _tone_section(results, doc, figures)
    _themes_section(results, doc, figures)
    _structure_section(entries, doc)
    _notes_section(entries, doc)
    doc.add(Footer(_footer(results)))
    return doc


def _byline(entries: Sequence[schema.ThreadEntry]) -> Inlines:
    kinds = sorted({fmt.SOURCE_NAMES.get(e["thread"]["source"], "other") for e in entries})
    return inlines(
        f"A threadscope comparison of {fmt.count(len(entries), 'discussion')} ({', '.join(kinds)}): "
        "their tone, the themes they share and the shape of their replies. "
        "Themes come from one model fitted on all the comments together, "
        "so a theme means the same in every thread."
    )


def _threads_section(entries: Sequence[schema.ThreadEntry], doc: Document) -> None:
    doc.add(Heading(2, inlines("The threads")))
    rows = []
    for entry in entries:
        structure = entry["structure"]
        title = truncate(content.title_text(entry["thread"]), 70)
        rows.append(
            (
                (Text(f"{entry['letter']}: ", "strong"), Link(title, entry["thread"]["permalink"])),
                cell(clean(entry["key"])),
                cell(_count(structure["comments"])),
                cell(_count(structure["authors"])),
                cell(_count(structure["max_depth"])),
            )
        )
    doc.add(
        Table(
            ("Thread", "Label", "Comments", "Authors", "Deepest reply"),
            tuple(rows),
            (False, False, True, True, True),
        )
    )
    for entry in entries:
        for note in entry["notes"]:
            doc.add(Paragraph(inlines(f"{entry['letter']}: {clean(note)}"), note=True))


def _count(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def _interval(ci: Sequence[float] | None) -> str:
    return f"{fmt.signed(ci[0])} to {fmt.signed(ci[1])}" if ci else "–"


def _tone_section(results: schema.ComparisonResults, doc: Document, figures: Mapping[str, Planned]) -> None:
    doc.add(Heading(2, inlines("Tone")))
    doc.add(Paragraph(inlines(TONE_INTRO_VADER if figs.scale(results).startswith("VADER") else TONE_INTRO)))
    rows = []
    for entry in results["threads"]:
        s = entry["sentiment"]
        rows.append(
            (
                cell(entry["letter"]),
                cell(_count(s["n"])),
                cell(fmt.signed(s["mean"])),
                cell(_interval(s["ci95"])),
                cell(fmt.pct(s["positive_share"])),
                cell(fmt.pct(s["neutral_share"])),
                cell(fmt.pct(s["negative_share"])),
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

    pairs = results["pairs"]
    if not pairs:
        return
    doc.add(Heading(3, inlines("Side by side")))
    doc.add(BulletList(tuple(inlines(clean(p["verdict"])) for p in pairs)))
    letters = {e["key"]: e["letter"] for e in results["threads"]}
    error = next((sd for p in pairs if (sd := p.get("thread_error_sd")) is not None), None)
    table_rows = []
    for p in pairs:
        pv = p["p_value"]
        delta = p["effect_size"]
        wide = (cell(_interval(p.get("ci95_with_thread_error"))),) if error is not None else ()
        table_rows.append(
            (
                cell(f"{letters[p['a']]} − {letters[p['b']]}"),
                cell(f"{_count(p['n_a'])} / {_count(p['n_b'])}"),
                cell(fmt.signed(p["mean_diff"])),
                cell(_interval(p["ci95"])),
                *wide,
                cell("–" if pv is None else fmt.p_value(pv)),
                cell("–" if delta is None else f"{fmt.signed(delta)} ({clean(p['effect_magnitude'])})"),
            )
        )
    wide_header = ("95% CI with thread error",) if error is not None else ()
    doc.add(
        Table(
            ("Pair", "Comments", "Difference in mean", "95% CI", *wide_header, "Mann-Whitney p", "Cliff's delta"),
            tuple(table_rows),
            (False, True, True, True, *(True,) * len(wide_header), True, True),
        )
    )
    note = HOW_TO_READ_PAIRS
    if error is not None:
        note += " " + HOW_TO_READ_THREAD_ERROR.format(sd=f"{error:.2f}")
    doc.add(Paragraph(inlines(note), note=True))


def _themes_section(results: schema.ComparisonResults, doc: Document, figures: Mapping[str, Planned]) -> None:
    doc.add(Heading(2, inlines("Shared themes")))
    note = clean(results["themes_info"]["note"])
    themes = by_size(results["themes"])
    if not themes:
        doc.add(Paragraph(inlines("No themes stood out: the comments did not form clear groups."), note=True))
        if note:
            doc.add(Paragraph(inlines(note), note=True))
        return
    entries = results["threads"]
    doc.add(
        Paragraph(
            inlines(
                f"One theme model over the comments of all {len(entries)} threads found "
                f"{fmt.count(len(themes), 'theme')}. Each cell gives the share of that thread's comments "
                "in the "
                "theme and, where at least a few were scored, their mean tone."
                + (
                    " Themes marked “unstable” did not reliably come back when 10% of the comments were left out:"
                    " they are hints, not findings, and are never called distinctive."
                    if any(schema.unstable(t["stability"]) for t in themes)
                    else ""
                )
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
    letters = {e["key"]: e["letter"] for e in entries}
    rows = []
    for theme in themes:
        keywords = ", ".join(clean(k) for k in theme["keywords"][:5] if clean(k))
        name = (
            Text(theme_name(theme), "strong"),
            Text(" (unstable)", "em") if schema.unstable(theme["stability"]) else None,
        )
        cells: list[Inlines] = [inlines(*name), cell(keywords or "–")]
        for found in theme["by_thread"]:
            tone = found["sentiment_mean"]
            cells.append(cell(fmt.pct(found["share"]) + (f" ({fmt.signed(tone)})" if tone is not None else "")))
        distinctive, z = theme["distinctive_of"], theme["z"]
        cells.append(cell(f"{letters[distinctive]} (z = {z:.1f})" if distinctive and z is not None else "–"))
        rows.append(tuple(cells))
    header = ("Theme", "Keywords", *(f"{e['letter']} share (tone)" for e in entries), "Distinctive of")
    numeric = (False, False, *(True for _ in entries), False)
    doc.add(Table(header, tuple(rows), numeric))
    _distinctive(doc, themes, entries)


def _distinctive(doc: Document, themes: Sequence[schema.SharedTheme], entries: Sequence[schema.ThreadEntry]) -> None:
    order = {e["key"]: k for k, e in enumerate(entries)}
    letters = {e["key"]: e["letter"] for e in entries}
    marked = sorted(
        ((key, t) for t in themes if (key := t["distinctive_of"])),
        key=lambda kt: (order[kt[0]], -(kt[1]["z"] or 0.0)),
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
    for key, theme in marked:
        own = cd.cell_of(theme, key)["share"]
        others = [
            f"{fmt.pct(c['share'])} of {letters[c['thread']]}'s" for c in theme["by_thread"] if c["thread"] != key
        ]
        z = theme["z"]
        items.append(
            inlines(
                Text(theme_name(theme), "strong"),
                f" is distinctive of {letters[key]}: {fmt.pct(own)} of its comments, against "
                f"{', '.join(others)}" + (f" (z = {z:.1f})." if z is not None else "."),
            )
        )
    doc.add(BulletList(tuple(items)))
    quoted: set[str] = set()
    for key, theme in marked:  # one quote per thread, from its most distinctive theme
        quote = _representative(entries[order[key]], theme) if key not in quoted else None
        if quote is not None:
            quoted.add(key)
            doc.add(quote)
    doc.add(
        Paragraph(
            inlines(DISTINCTIVE_METHOD),
            note=True,
        )
    )


def _representative(entry: schema.ThreadEntry, theme: schema.SharedTheme) -> Quote | None:
    """The first representative comment of a theme from the thread ``entry`` (the one it is distinctive of)."""
    posts = {p["id"]: p for p in entry["posts"]}
    for rep in theme["representatives"]:
        post = posts.get(rep["id"])
        if rep["thread"] != entry["key"] or post is None or not clean(post["text"]):
            continue
        kept = [truncate(p, QUOTE_CHARS) for p in paragraphs(post["text"])[:2]]
        extra = f"{entry['letter']}, on {theme_name(theme)}"
        return Quote(tuple(kept) or ("[no text]",), byline(post["author"], post["deleted"], post["permalink"], extra))
    return None


def _float(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


#: The rows of the structure table: label, and the figure formatted from a thread's summary.
STRUCTURE_ROWS: tuple[tuple[str, Callable[[schema.StructureSummary], str]], ...] = (
    ("Comments", lambda s: _count(s["comments"])),
    ("Authors", lambda s: _count(s["authors"])),
    ("Direct replies to the post", lambda s: _count(s["top_level"])),
    ("Deepest reply level", lambda s: _count(s["max_depth"])),
    ("Mean reply depth", lambda s: _float(s["mean_depth"])),
    ("Replies per comment", lambda s: _float(s["replies_per_comment"])),
    ("Comments by the most active 10% of authors", lambda s: fmt.pct(s["top10_share"])),
    ("Concentration (Gini, 0 = even)", lambda s: _float(s["gini"])),
    ("Back-and-forth exchanges (3+ turns)", lambda s: _count(s["exchange_count"])),
    ("Longest reply chain", lambda s: _count(s["longest_chain"])),
)


def _structure_section(entries: Sequence[schema.ThreadEntry], doc: Document) -> None:
    doc.add(Heading(2, inlines("Shape of the discussions")))
    rows = [(cell(label), *(cell(shown(e["structure"])) for e in entries)) for label, shown in STRUCTURE_ROWS]
    doc.add(Table(("", *(e["letter"] for e in entries)), tuple(rows), (False, *(True for _ in entries))))
    flat = [e["letter"] for e in entries if not e["structure"]["structured"]]
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


def _notes_section(entries: Sequence[schema.ThreadEntry], doc: Document) -> None:
    notes: list[Inlines] = []
    for entry in entries:
        seen: set[str] = set()
        for note in (*entry["thread"]["notes"], *entry["structure"]["notes"], *entry["sentiment"]["notes"]):
            text = clean(note)
            if text and text not in seen:
                seen.add(text)
                notes.append(inlines(f"{entry['letter']}: {text}"))
    if notes:
        doc.add(Heading(2, inlines("Notes")))
        doc.add(BulletList(tuple(notes)))


def _footer(results: schema.ComparisonResults) -> Inlines:
    meta = results["meta"]
    parts = [
        f"Generated by threadscope {clean(meta['threadscope'])}",
        f"embedding model {clean(meta['embedding_model'])}",
        f"themes by {clean(results['themes_info']['method'])}",
        "tone by VADER" if figs.scale(results).startswith("VADER") else "tone by threadscope's tone model",
        "parameters: " + fmt.params(meta["params"]),
    ]
    return inlines(" · ".join(parts) + ".")
