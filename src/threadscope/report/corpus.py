"""The corpus report: ``results.json`` of ``threadscope.corpus/1`` turned into files.

Same pipeline as the other reports (:func:`threadscope.report.writer.write_document`):
the results become a :class:`~threadscope.report.document.Document` that the
markdown and HTML renderers escape for their format; nothing is recomputed.

Figures:

- ``themes_over_time``: the share of each period's posts in each of the
  largest themes, one line per theme (colour, line style and marker);
- ``tone_over_time``: each period's mean tone with its 95% interval, and
  the number of posts per period below.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from threadscope import schema
from threadscope.report import charts, fmt
from threadscope.report.charts import Planned, Rendered
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
from threadscope.report.escape import clean, mpl_text, paragraphs, truncate
from threadscope.report.writer import write_document

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MplFigure

ORDER = ("tone_over_time", "themes_over_time")
#: Themes drawn over time and given a section of their own.
TOP_THEMES = 6
THEMES_LISTED = 20
QUOTE_CHARS = 300
STYLES: tuple[tuple[str, str, str], ...] = (
    (charts.BLUE, "-", "o"),
    (charts.VERMILLION, "--", "s"),
    (charts.GREEN, ":", "^"),
    (charts.PURPLE, "-.", "D"),
    (charts.ORANGE, "-", "v"),
    (charts.SKY, "--", "P"),
)
PERIOD_COLUMNS = (
    "period",
    "posts",
    "sentiment_mean",
    "ci95_low",
    "ci95_high",
    "positive_share",
    "neutral_share",
    "negative_share",
    "unassigned_share",
)
PREVALENCE_COLUMNS = ("theme", "label", "period", "size", "share", "sentiment_mean")


def write_reports(results: schema.CorpusResults, out_dir: Path, formats: set[str]) -> list[Path]:
    """Write report.md / report.html / embed.html and the figures into ``out_dir``; return the paths."""
    return write_document(results, out_dir, formats, plan=plan, draw=draw, build=build, title=title_text)


def write_tables(results: schema.CorpusResults, out_dir: Path) -> list[Path]:
    """Write ``periods.csv`` (tone per period) and ``themes.csv`` (each theme's share of each period)."""
    periods = [{**p, "ci95_low": _ci(p["ci95"])[0], "ci95_high": _ci(p["ci95"])[1]} for p in results["periods"]]
    prevalence = [{"theme": t["id"], "label": t["label"], **cell} for t in results["themes"] for cell in t["by_period"]]
    return [
        write_csv(periods, PERIOD_COLUMNS, out_dir / "periods.csv"),
        write_csv(prevalence, PREVALENCE_COLUMNS, out_dir / "themes.csv"),
    ]


def _ci(ci: Sequence[float] | None) -> tuple[float | None, float | None]:
    return (ci[0], ci[1]) if ci else (None, None)


def title_text(results: schema.CorpusResults) -> str:
    """``Corpus “dl-jobs”: 1,234 threads, 2016–2024``."""
    corpus = results["corpus"]
    years = [v[:4] for v in (corpus["first"], corpus["last"]) if v]
    span = f", {years[0]}–{years[1]}" if len(years) == 2 and years[0] != years[1] else f", {years[0]}" if years else ""
    return f"Corpus “{clean(corpus['name'])}”: {fmt.count(corpus['threads'], 'thread')}{span}"


def _top(results: schema.CorpusResults) -> list[schema.CorpusTheme]:
    return [t for t in results["themes"] if t["size"]][:TOP_THEMES]


# ---------------------------------------------------------------- figures


def plan(results: schema.CorpusResults) -> dict[str, Planned]:
    """Both figures, each drawable or with the reason it is not."""
    periods = results["periods"]
    scale = fmt.tone_scale(results["sentiment"]["method"])
    if len(periods) < 2:
        reason: str | None = "the corpus's dated posts fall in fewer than two periods"
        tone = Planned("tone_over_time", "Tone over time", "", reason)
        themes = Planned("themes_over_time", "Themes over time", "", reason)
        return {"tone_over_time": tone, "themes_over_time": themes}
    first, last = periods[0], periods[-1]
    tone = Planned(
        "tone_over_time",
        "Tone over time",
        f"Line chart of the mean {scale} (−1 to +1) of each {results['corpus']['by']}'s posts from "
        f"{first['period']} to {last['period']}, with 95% intervals, and bars of the number of posts per period. "
        f"It goes from {fmt.signed(first['sentiment_mean'])} in {first['period']} to "
        f"{fmt.signed(last['sentiment_mean'])} in {last['period']}.",
    )
    top = _top(results)
    if not top:
        themes = Planned("themes_over_time", "Themes over time", "", "no theme was found")
    else:
        parts = [f"{clean(t['label'])} ({fmt.pct(t['share'])} overall)" for t in top]
        themes = Planned(
            "themes_over_time",
            "Themes over time",
            f"Line chart of the share of each {results['corpus']['by']}'s posts in the {len(top)} largest themes, "
            f"from {first['period']} to {last['period']}: {'; '.join(parts)}.",
        )
    return {"tone_over_time": tone, "themes_over_time": themes}


def draw(results: schema.CorpusResults, name: str) -> Rendered:
    """Render the figure ``name`` as SVG and PNG."""
    drawers: dict[str, Callable[[schema.CorpusResults, MplFigure], None]] = {
        "tone_over_time": _draw_tone,
        "themes_over_time": _draw_themes,
    }
    return charts.render(lambda fig: drawers[name](results, fig))


def _ticks(ax: Any, labels: Sequence[str]) -> None:
    step = max(1, len(labels) // 12)
    ax.set_xticks(range(0, len(labels), step), [labels[i] for i in range(0, len(labels), step)], rotation=45)


def _draw_tone(results: schema.CorpusResults, fig: MplFigure) -> None:
    periods = results["periods"]
    labels = [str(p["period"]) for p in periods]
    xs = list(range(len(periods)))
    fig.set_size_inches(charts.WIDTH_IN, 5.0)
    ax, counts = fig.subplots(2, 1, sharex=True, height_ratios=(3, 1))
    charts.neutral_band(ax, results["sentiment"]["method"], vertical=False)
    lows = [_ci(p["ci95"])[0] for p in periods]
    highs = [_ci(p["ci95"])[1] for p in periods]
    if all(v is not None for v in lows + highs):
        ax.fill_between(xs, lows, highs, color=charts.SKY, alpha=0.35, linewidth=0, label="95% interval")
    ax.plot(xs, [p["sentiment_mean"] for p in periods], "o-", color=charts.BLUE, label="mean tone")
    ax.set_ylabel(f"Mean {fmt.tone_scale(results['sentiment']['method'])}")
    ax.set_title("Tone over time")
    ax.legend(loc="best")
    counts.bar(xs, [p["posts"] for p in periods], color=charts.GREY)
    counts.set_ylabel("Posts")
    _ticks(counts, labels)


def _draw_themes(results: schema.CorpusResults, fig: MplFigure) -> None:
    labels = [str(p["period"]) for p in results["periods"]]
    index = {label: i for i, label in enumerate(labels)}
    fig.set_size_inches(charts.WIDTH_IN, 4.8)
    ax = fig.subplots()
    for k, theme in enumerate(_top(results)):
        colour, line, marker = STYLES[k % len(STYLES)]
        share = [0.0] * len(labels)
        for in_period in theme["by_period"]:
            if in_period["period"] in index:
                share[index[in_period["period"]]] = in_period["share"] or 0.0
        ax.plot(range(len(labels)), share, color=colour, linestyle=line, marker=marker, label=mpl_text(theme["label"]))
    ax.set_ylabel("Share of the period's posts")
    ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
    ax.set_title("Themes over time")
    _ticks(ax, labels)
    fig.legend(loc="outside lower center", ncols=2)


# ---------------------------------------------------------------- the document


def build(results: schema.CorpusResults, figures: Mapping[str, Planned]) -> Document:
    """The corpus report for ``results``; ``figures`` says which charts exist."""
    doc = Document(title=inlines(title_text(results)))
    doc.add(Paragraph(_byline(results)))
    _tone_section(results, doc, figures)
    _themes_section(results, doc, figures)
    doc.add(Footer(_footer(results)))
    return doc


def _byline(results: schema.CorpusResults) -> Inlines:
    corpus, info = results["corpus"], results["themes_info"]
    return inlines(
        f"A threadscope analysis of {fmt.count(corpus['analysed'], 'post')} with text in "
        f"{fmt.count(corpus['threads'], 'thread')}, by {corpus['by']}. Themes were found period by period on "
        f"samples ({fmt.count(info['sampled_posts'], 'post')} in all), each period's posts placed by the themes "
        "known up to then: a post's theme never depends on what was said later."
    )


def _cells(*values: str) -> tuple[Inlines, ...]:
    return tuple(cell(v) for v in values)


def _interval(ci: Sequence[float] | None) -> str:
    low, high = _ci(ci)
    return "–" if low is None or high is None else f"{fmt.signed(low)} to {fmt.signed(high)}"


def _tone_section(results: schema.CorpusResults, doc: Document, figures: Mapping[str, Planned]) -> None:
    tone = results["sentiment"]
    doc.add(Heading(2, inlines("Tone over time")))
    doc.add(
        Paragraph(
            inlines(
                f"Overall the posts read {fmt.tone_word(tone['mean'], tone['ci95'])} (mean {fmt.signed(tone['mean'])}, "
                f"95% interval {_interval(tone['ci95'])}): {fmt.pct(tone['positive_share'])} positive, "
                f"{fmt.pct(tone['neutral_share'])} neutral, {fmt.pct(tone['negative_share'])} negative. "
                + clean(tone["method"].get("agreement", ""))
            )
        )
    )
    figure(doc, figures, "tone_over_time", "Mean tone of each period's posts, with its 95% bootstrap interval.")
    rows = tuple(
        _cells(
            str(p["period"]),
            f"{p['posts']:,}",
            fmt.signed(p["sentiment_mean"]),
            _interval(p["ci95"]),
            fmt.pct(p["positive_share"]),
            fmt.pct(p["negative_share"]),
        )
        for p in results["periods"]
    )
    if rows:
        header = ("Period", "Posts", "Mean tone", "95% interval", "Positive", "Negative")
        doc.add(Table(header, rows, (False, True, True, False, True, True)))


def _themes_section(results: schema.CorpusResults, doc: Document, figures: Mapping[str, Planned]) -> None:
    doc.add(Heading(2, inlines("Themes")))
    themes = [t for t in results["themes"] if t["size"]]
    if not themes:
        doc.add(Paragraph(inlines("No themes were found."), note=True))
        return
    unassigned = results["sentiment"]["unassigned_share"]
    doc.add(
        Paragraph(
            inlines(
                f"{fmt.count(len(themes), 'theme')}; {fmt.pct(unassigned)} of posts fit none closely enough to join it."
            )
        )
    )
    figure(doc, figures, "themes_over_time", "Share of each period's posts in the largest themes.")
    rows = tuple(
        _cells(
            clean(t["label"]) + (" (guided)" if t["guided"] else ""),
            f"{t['size']:,}",
            fmt.pct(t["share"]),
            fmt.signed(t["sentiment_mean"]),
            str(t["born"]),
            _peak(t),
        )
        for t in themes[:THEMES_LISTED]
    )
    header = ("Theme", "Posts", "Share", "Mean tone", "First seen", "Peak period")
    doc.add(Table(header, rows, (False, True, True, True, False, False)))
    if len(themes) > THEMES_LISTED:
        doc.add(Paragraph(inlines(f"{len(themes) - THEMES_LISTED} smaller themes are in results.json."), note=True))
    for theme in themes[:TOP_THEMES]:
        _theme_detail(theme, doc)


def _peak(theme: schema.CorpusTheme) -> str:
    shares = [(share, c["period"]) for c in theme["by_period"] if (share := c["share"]) is not None]
    if not shares:
        return "–"
    share, period = max(shares)
    return f"{period} ({fmt.pct(share)})"


def _theme_detail(theme: schema.CorpusTheme, doc: Document) -> None:
    doc.add(Heading(3, inlines(clean(theme["label"]))))
    keywords = ", ".join(clean(k) for k in theme["keywords"][:8])
    doc.add(
        Paragraph(
            inlines(
                f"{fmt.count(theme['size'], 'post')}, mean tone {fmt.signed(theme['sentiment_mean'])} "
                f"(95% interval {_interval(theme['ci95'])}); first seen {theme['born']}."
                + (f" Keywords: {keywords}." if keywords else "")
            )
        )
    )
    threads = []
    for entry in theme["threads"]:
        title = clean(entry["title"]) or clean(entry["thread"])
        label = truncate(title, 90)
        link: Text | Link = Link(label, entry["permalink"]) if entry["permalink"] else Text(label)
        threads.append(inlines(link, f": {fmt.count(entry['posts'], 'post')} ({fmt.pct(entry['share_of_thread'])})"))
    if threads:
        doc.add(Paragraph(inlines("Threads that carry it most:")), BulletList(tuple(threads)))
    for quote in theme["quotes"][:2]:
        kept = tuple(truncate(p, QUOTE_CHARS) for p in paragraphs(quote["text"])[:2]) or ("[no text]",)
        cite: list[str | Text | Link | None] = ["— ", Text(clean(quote["author"]) or "an unnamed poster", "strong")]
        if quote["created_at"]:
            cite.append(f", {quote['created_at'][:10]}")
        if quote["permalink"]:
            cite += [", ", Link("view post", quote["permalink"])]
        doc.add(Quote(kept, inlines(*cite)))


def _footer(results: schema.CorpusResults) -> Inlines:
    meta = results["meta"]
    params = ", ".join(f"{k}={v}" for k, v in sorted(meta["params"].items(), key=lambda kv: kv[0]))
    return inlines(
        f"Generated by threadscope {clean(meta['threadscope'])} · embedding model "
        f"{clean(meta['embedding_model'])} · run {meta['run']} · parameters: {truncate(clean(params), 400)}."
    )
