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
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from threadscope.report import charts, content, data, fmt
from threadscope.report.charts import Planned, Rendered
from threadscope.report.document import (
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
    inlines,
)
from threadscope.report.escape import clean, mpl_text, paragraphs, truncate
from threadscope.report.results import write_csv
from threadscope.report.writer import write_document

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MplFigure

log = logging.getLogger(__name__)

ORDER = ("sentiment_by_thread", "theme_heatmap", "theme_shares")
#: Per thread: colour and histogram line style (bars carry the thread's letter). Colour is never the only cue.
THREAD_STYLES: tuple[tuple[str, Any], ...] = (
    (charts.BLUE, "-"),
    (charts.VERMILLION, "--"),
    (charts.GREEN, ":"),
    (charts.PURPLE, "-."),
    (charts.ORANGE, (0, (5, 1, 1, 1))),
    (charts.SKY, (0, (1, 1))),
)
MAX_THEMES_SHOWN = 12
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
    return write_document(results, out_dir, formats, plan=plan, draw=draw, build=build, title=title_text)


def write_comments_csv(results: Mapping[str, Any], path: Path) -> Path:
    """Write one row per comment of every thread (thread label first), in input and thread order."""
    rows = (
        {**post, "thread": entry.get("key")} for entry in _threads(results) for post in data.records(entry, "posts")
    )
    return write_csv(rows, CSV_COLUMNS, path)


# ---------------------------------------------------------------- reading the results


def _threads(results: Mapping[str, Any]) -> list[dict[str, Any]]:
    return data.records(results, "threads")


def _key(entry: Mapping[str, Any]) -> str:
    return clean(entry.get("key")) or "?"


def _letter(entry: Mapping[str, Any]) -> str:
    return clean(entry.get("letter")) or "?"


def _name(entry: Mapping[str, Any], limit: int = 60) -> str:
    """``A`` plus the thread's title, for tables and legends."""
    return f"{_letter(entry)}: {truncate(content.title_text(entry), limit)}"


def _scores(entry: Mapping[str, Any]) -> list[float]:
    values = [data.number(p.get("sentiment")) for p in data.records(entry, "posts") if not p.get("deleted")]
    return [v for v in values if v is not None]


def _ci(value: Any) -> tuple[float, float] | None:
    if isinstance(value, list | tuple) and len(value) == 2:
        lo, hi = data.number(value[0]), data.number(value[1])
        if lo is not None and hi is not None:
            return (lo, hi)
    return None


def _themes(results: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Shared themes, largest first (ties by id), without the unassigned leftover."""
    return [t for t in data.themes(results) if str(t.get("id")) != "-1"]


def _cell_of(theme: Mapping[str, Any], key: str) -> dict[str, Any]:
    return next((c for c in data.records(theme, "by_thread") if clean(c.get("thread")) == key), {})


def _theme_label(theme: Mapping[str, Any]) -> str:
    return clean(theme.get("label")) or f"Theme {theme.get('id')}"


def title_text(results: Mapping[str, Any]) -> str:
    """``Comparing 3 threads: A, B and C`` with short titles."""
    entries = _threads(results)
    names = [truncate(content.title_text(e), 40) for e in entries]
    joined = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)
    return truncate(f"Comparing {len(entries)} threads: {joined}", 160)


# ---------------------------------------------------------------- figures


def plan(results: Mapping[str, Any]) -> dict[str, Planned]:
    """Every comparison figure by name, each with its alt text or the reason it cannot be drawn."""
    planners: dict[str, Callable[[Mapping[str, Any]], Planned]] = {
        "sentiment_by_thread": _plan_sentiment,
        "theme_heatmap": _plan_heatmap,
        "theme_shares": _plan_shares,
    }
    return {name: planners[name](results) for name in ORDER}


def draw(results: Mapping[str, Any], name: str) -> Rendered:
    """Render the comparison figure ``name`` (which :func:`plan` said is drawable) as SVG and PNG."""
    drawers: dict[str, Callable[[Mapping[str, Any], MplFigure], None]] = {
        "sentiment_by_thread": _draw_sentiment,
        "theme_heatmap": _draw_heatmap,
        "theme_shares": _draw_shares,
    }
    return charts.render(lambda fig: drawers[name](results, fig))


def _style(index: int) -> tuple[str, Any]:
    return THREAD_STYLES[index % len(THREAD_STYLES)]


def _scale(results: Mapping[str, Any]) -> str:
    """What the threads' tone scores are (all threads of a comparison share one method)."""
    entries = _threads(results)
    return fmt.tone_scale(data.section(entries[0], "sentiment") if entries else None)


def _plan_sentiment(results: Mapping[str, Any]) -> Planned:
    title = "Tone of each thread"
    scored = [(e, _scores(e)) for e in _threads(results)]
    scored = [(e, s) for e, s in scored if s]
    if not scored:
        return Planned("sentiment_by_thread", title, "", "no comment has a tone score")
    parts = [f"{_letter(e)} ({fmt.count(len(s), 'comment')}): mean {fmt.signed(sum(s) / len(s))}" for e, s in scored]
    few = [_letter(e) for e, _ in scored if e.get("comparable") is False]
    left_out = f" ({', '.join(few)} has too few scored comments for a histogram)" if few else ""
    alt = (
        f"Step histograms of the {_scale(results)}s (−1 to +1) of each thread's comments on one axis, "
        f"as shares of the thread's comments{left_out}, with each thread's mean and 95% interval below: "
        f"{'; '.join(parts)}."
    )
    return Planned("sentiment_by_thread", title, alt)


def _draw_sentiment(results: Mapping[str, Any], fig: MplFigure) -> None:
    import numpy as np

    entries = [(k, e, _scores(e)) for k, e in enumerate(_threads(results))]
    entries = [(k, e, s) for k, e, s in entries if s]
    fig.set_size_inches(charts.WIDTH_IN, 4.8 + 0.5 * len(entries))
    hist_ax, mean_ax = fig.subplots(2, 1, sharex=True, height_ratios=(3, 0.6 + 0.3 * len(entries)))
    edges = np.linspace(-1.0, 1.0, 21)
    charts.neutral_band(hist_ax, vertical=True)
    for k, entry, scores in entries:
        if entry.get("comparable") is False:
            continue  # a handful of comments makes a histogram of spikes; the mean panel still shows it
        colour, line = _style(k)
        counts, _ = np.histogram(np.asarray(scores), bins=edges)
        shares = counts / len(scores)
        label = mpl_text(f"{_name(entry, 34)} (n={len(scores):,})", 48)
        hist_ax.stairs(shares, edges, color=colour, linestyle=line, linewidth=1.8, label=label)
    hist_ax.set_ylabel("Share of the thread's comments")
    hist_ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
    hist_ax.set_title("Tone of each thread's comments")
    fig.legend(loc="outside lower center", ncols=1)

    charts.neutral_band(mean_ax, vertical=True)
    ys = list(range(len(entries)))
    for y, (k, entry, _) in zip(ys, entries, strict=True):
        colour, _ = _style(k)
        sentiment = data.section(entry, "sentiment") or {}
        mean = data.number(sentiment.get("mean"))
        ci = _ci(sentiment.get("ci95"))
        if ci is not None:
            mean_ax.plot(ci, (y, y), color=colour, linewidth=2.0, solid_capstyle="butt")
        if mean is not None:
            mean_ax.plot([mean], [y], "o", color=colour, markersize=7)
    mean_ax.set_yticks(ys, [_letter(e) for _, e, _ in entries])
    mean_ax.invert_yaxis()
    mean_ax.set_ylim(len(entries) - 0.5, -0.5)
    mean_ax.set_xlim(-1.0, 1.0)
    mean_ax.set_xlabel(f"{_scale(results).capitalize()} (−1 most negative, +1 most positive); grey band: neutral")
    mean_ax.set_title("mean and 95% CI", loc="left", fontsize=9, fontweight="normal", color="#555555")


def _shares_table(
    results: Mapping[str, Any],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[list[float]]]:
    """Themes shown (largest first), threads, and share[theme][thread] (0 where unknown)."""
    themes = [t for t in _themes(results) if (data.number(t.get("size")) or 0) > 0][:MAX_THEMES_SHOWN]
    entries = _threads(results)
    shares = [[data.number(_cell_of(t, _key(e)).get("share")) or 0.0 for e in entries] for t in themes]
    return themes, entries, shares


def _plan_heatmap(results: Mapping[str, Any]) -> Planned:
    title = "Shared themes by thread"
    reason = _themes_missing(results)
    if reason:
        return Planned("theme_heatmap", title, "", reason)
    themes, entries, shares = _shares_table(results)
    parts = []
    for theme, row in list(zip(themes, shares, strict=True))[:5]:
        cells = ", ".join(f"{_letter(e)} {fmt.pct(v)}" for e, v in zip(entries, row, strict=True))
        parts.append(f"{truncate(_theme_label(theme), 40)} ({cells})")
    alt = f"Heat map of the share of each thread's comments in each shared theme: {'; '.join(parts)}."
    return Planned("theme_heatmap", title, alt)


def _themes_missing(results: Mapping[str, Any]) -> str | None:
    if results.get("themes") is None:
        return "the theme analysis did not run"
    if not [t for t in _themes(results) if (data.number(t.get("size")) or 0) > 0]:
        return "no shared themes were found"
    return None


def _draw_heatmap(results: Mapping[str, Any], fig: MplFigure) -> None:
    import numpy as np

    themes, entries, shares = _shares_table(results)
    matrix = np.asarray(shares, dtype=float)
    fig.set_size_inches(charts.WIDTH_IN, 1.4 + 0.42 * len(themes))
    ax = fig.subplots()
    top = max(float(matrix.max()), 0.01)
    # pcolormesh, not imshow: vector cells, no embedded raster image in the SVG.
    ax.pcolormesh(matrix, cmap="cividis", vmin=0.0, vmax=top, edgecolors="white", linewidth=1.0)
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            value = matrix[i, j]
            mark = "*" if clean(themes[i].get("distinctive_of")) == _key(entries[j]) else ""
            colour = "black" if value > 0.6 * top else "white"
            ax.text(
                j + 0.5,
                i + 0.5,
                f"{fmt.pct(value)}{mark}",
                ha="center",
                va="center",
                fontsize=9,
                color=colour,
            )
    ax.set_xticks([j + 0.5 for j in range(len(entries))], [mpl_text(_name(e, 22), 26) for e in entries])
    ax.set_yticks([i + 0.5 for i in range(len(themes))], [mpl_text(_theme_label(t), 34) for t in themes])
    ax.invert_yaxis()
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.xaxis.tick_top()
    # Every cell is annotated, so no colour bar (whose gradient would be a raster image in the SVG).
    ax.set_title("Share of each thread's comments in each theme (* distinctive)")


def _plan_shares(results: Mapping[str, Any]) -> Planned:
    title = "Theme shares per thread"
    reason = _themes_missing(results)
    if reason:
        return Planned("theme_shares", title, "", reason)
    themes, entries, _ = _shares_table(results)
    alt = (
        "Grouped bar chart of the share of each thread's comments in each of "
        f"{fmt.count(len(themes), 'theme')}, "
        f"one bar per thread ({', '.join(_letter(e) for e in entries)}), largest theme first."
    )
    return Planned("theme_shares", title, alt)


def _draw_shares(results: Mapping[str, Any], fig: MplFigure) -> None:
    themes, entries, shares = _shares_table(results)
    n_threads = max(1, len(entries))
    fig.set_size_inches(charts.WIDTH_IN, 1.6 + 0.3 * len(themes) * min(n_threads, 3))
    ax = fig.subplots()
    height = 0.8 / n_threads
    for k, entry in enumerate(entries):
        colour, _ = _style(k)
        ys = [i + (k - (n_threads - 1) / 2) * height for i in range(len(themes))]
        values = [row[k] for row in shares]
        ax.barh(ys, values, height=height, color=colour, label=mpl_text(_name(entry, 34), 40))
        # The thread's letter at each bar's end: colour is never the only cue.
        for y, value in zip(ys, values, strict=True):
            ax.annotate(_letter(entry), (value, y), xytext=(2, 0), textcoords="offset points", va="center", fontsize=7)
    ax.set_yticks(range(len(themes)), [mpl_text(_theme_label(t), 34) for t in themes])
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
    ax.set_xlabel("Share of the thread's comments")
    ax.set_title("Theme shares per thread")
    fig.legend(loc="outside lower center", ncols=1)


# ---------------------------------------------------------------- the document


def build(results: Mapping[str, Any], figures: Mapping[str, Planned]) -> Document:
    """The comparison report for ``results``; ``figures`` says which charts exist (see :func:`plan`)."""
    doc = Document(title=inlines(title_text(results)))
    entries = _threads(results)
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


def _figure(doc: Document, figures: Mapping[str, Planned], name: str, caption: str) -> None:
    planned = figures.get(name)
    if planned is None:
        return
    if planned.reason is None:
        doc.add(Figure(name, planned.alt, inlines(caption)))
    else:
        doc.add(Paragraph(inlines(f"No “{planned.title.lower()}” chart: {planned.reason}."), note=True))


def _cell(value: str) -> Inlines:
    return (Text(value),)


def _threads_section(results: Mapping[str, Any], doc: Document) -> None:
    doc.add(Heading(2, inlines("The threads")))
    rows = []
    for entry in _threads(results):
        thread = data.section(entry, "thread") or {}
        structure = data.section(entry, "structure") or {}
        title = truncate(content.title_text(entry), 70)
        rows.append(
            (
                (Text(f"{_letter(entry)}: ", "strong"), Link(title, data.text(thread.get("permalink")))),
                _cell(_key(entry)),
                _cell(_count(structure.get("comments"))),
                _cell(_count(structure.get("authors"))),
                _cell(_count(structure.get("max_depth"))),
            )
        )
    doc.add(
        Table(
            ("Thread", "Label", "Comments", "Authors", "Deepest reply"),
            tuple(rows),
            (False, False, True, True, True),
        )
    )
    for entry in _threads(results):
        for note in entry.get("notes") or []:
            doc.add(Paragraph(inlines(f"{_letter(entry)}: {clean(note)}"), note=True))


def _count(value: Any) -> str:
    n = data.integer(value)
    return "–" if n is None else f"{n:,}"


def _tone_section(results: Mapping[str, Any], doc: Document, figures: Mapping[str, Planned]) -> None:
    doc.add(Heading(2, inlines("Tone")))
    doc.add(Paragraph(inlines(TONE_INTRO_VADER if _scale(results).startswith("VADER") else TONE_INTRO)))
    rows = []
    for entry in _threads(results):
        s = data.section(entry, "sentiment") or {}
        ci = _ci(s.get("ci95"))
        rows.append(
            (
                _cell(_letter(entry)),
                _cell(_count(s.get("n"))),
                _cell(fmt.signed(data.number(s.get("mean")))),
                _cell(f"{fmt.signed(ci[0])} to {fmt.signed(ci[1])}" if ci else "–"),
                _cell(fmt.pct(data.number(s.get("positive_share")))),
                _cell(fmt.pct(data.number(s.get("neutral_share")))),
                _cell(fmt.pct(data.number(s.get("negative_share")))),
            )
        )
    doc.add(
        Table(
            ("Thread", "Scored comments", "Mean tone", "95% CI", "Positive", "Neutral", "Negative"),
            tuple(rows),
            (False, True, True, True, True, True, True),
        )
    )
    _figure(doc, figures, "sentiment_by_thread", "How each thread's comments spread over the tone scale.")

    pairs = data.records(results, "pairs")
    if not pairs:
        return
    doc.add(Heading(3, inlines("Side by side")))
    doc.add(BulletList(tuple(inlines(clean(p.get("verdict"))) for p in pairs)))
    letters = {_key(e): _letter(e) for e in _threads(results)}
    table_rows = []
    for p in pairs:
        a, b = (
            letters.get(clean(p.get("a")), clean(p.get("a"))),
            letters.get(clean(p.get("b")), clean(p.get("b"))),
        )
        ci = _ci(p.get("ci95"))
        pv = data.number(p.get("p_value"))
        delta = data.number(p.get("effect_size"))
        table_rows.append(
            (
                _cell(f"{a} − {b}"),
                _cell(f"{_count(p.get('n_a'))} / {_count(p.get('n_b'))}"),
                _cell(fmt.signed(data.number(p.get("mean_diff")))),
                _cell(f"{fmt.signed(ci[0])} to {fmt.signed(ci[1])}" if ci else "–"),
                _cell("–" if pv is None else "< 0.001" if pv < 0.001 else f"{pv:.3f}"),
                _cell("–" if delta is None else f"{fmt.signed(delta)} ({clean(p.get('effect_magnitude'))})"),
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
    themes = _themes(results)
    if not themes:
        doc.add(Paragraph(inlines("No themes stood out: the comments did not form clear groups."), note=True))
        if note:
            doc.add(Paragraph(inlines(note), note=True))
        return
    entries = _threads(results)
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
    _figure(
        doc,
        figures,
        "theme_heatmap",
        "Share of each thread's comments in each theme; * marks a distinctive theme.",
    )
    _figure(doc, figures, "theme_shares", "The same shares as bars, one per thread.")
    rows = []
    for theme in themes:
        keywords = ", ".join(clean(k) for k in (theme.get("keywords") or [])[:5] if clean(k))
        cells: list[Inlines] = [(Text(_theme_label(theme), "strong"),), _cell(keywords or "–")]
        for entry in entries:
            cell = _cell_of(theme, _key(entry))
            share = data.number(cell.get("share"))
            tone = data.number(cell.get("sentiment_mean"))
            cells.append(_cell(fmt.pct(share) + (f" ({fmt.signed(tone)})" if tone is not None else "")))
        distinctive = clean(theme.get("distinctive_of"))
        z = data.number(theme.get("z"))
        cells.append(
            _cell(f"{_letter_of(entries, distinctive)} (z = {z:.1f})" if distinctive and z is not None else "–")
        )
        rows.append(tuple(cells))
    header = ("Theme", "Keywords", *(f"{_letter(e)} share (tone)" for e in entries), "Distinctive of")
    numeric = (False, False, *(True for _ in entries), False)
    doc.add(Table(header, tuple(rows), numeric))
    _distinctive(results, doc, themes, entries)


def _letter_of(entries: Sequence[Mapping[str, Any]], key: str) -> str:
    return next((_letter(e) for e in entries if _key(e) == key), key)


def _distinctive(
    results: Mapping[str, Any],
    doc: Document,
    themes: Sequence[Mapping[str, Any]],
    entries: Sequence[Mapping[str, Any]],
) -> None:
    order = {_key(e): k for k, e in enumerate(entries)}
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
        own = data.number(_cell_of(theme, key).get("share"))
        others = [
            f"{fmt.pct(data.number(_cell_of(theme, _key(e)).get('share')))} of {_letter(e)}'s"
            for e in entries
            if _key(e) != key
        ]
        z = data.number(theme.get("z"))
        items.append(
            inlines(
                Text(_theme_label(theme), "strong"),
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
    entry = next((e for e in _threads(results) if _key(e) == key), None)
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
        cite.append(f" ({_letter(entry)}, on {_theme_label(theme)})")
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
    entries = _threads(results)
    rows = []
    for key, label, kind in STRUCTURE_ROWS:
        cells: list[Inlines] = [_cell(label)]
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
            cells.append(_cell(text))
        rows.append(tuple(cells))
    doc.add(Table(("", *(_letter(e) for e in entries)), tuple(rows), (False, *(True for _ in entries))))
    flat = [_letter(e) for e in entries if not (data.section(e, "structure") or {}).get("structured", True)]
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
    for entry in _threads(results):
        thread = data.section(entry, "thread") or {}
        structure = data.section(entry, "structure") or {}
        sentiment = data.section(entry, "sentiment") or {}
        seen: set[str] = set()
        for source in (thread.get("notes"), structure.get("notes"), sentiment.get("notes")):
            for note in source if isinstance(source, list | tuple) else []:
                text = clean(note)
                if text and text not in seen:
                    seen.add(text)
                    notes.append(inlines(f"{_letter(entry)}: {text}"))
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
    parts.append("tone by VADER" if _scale(results).startswith("VADER") else "tone by threadscope's tone model")
    params = meta.get("params")
    if isinstance(params, Mapping) and params:
        pairs = [
            f"{k}={json.dumps(v, sort_keys=True, default=str, ensure_ascii=False)}"
            for k, v in sorted(params.items(), key=lambda kv: str(kv[0]))
        ]
        parts.append("parameters: " + truncate(", ".join(pairs), 400))
    return inlines(" · ".join(parts) + ".")
