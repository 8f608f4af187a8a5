"""The comparison report's figures: tone by thread, and theme shares as a heatmap and as bars.

- ``sentiment_by_thread``: each thread's tone distribution as a step
  histogram on one axis (colour and line style per thread), and each
  thread's mean with its 95% interval;
- ``theme_heatmap``: share of each thread's comments in each shared theme;
- ``theme_shares``: the same shares as grouped bars.

Drawn with the style of :mod:`~threadscope.report.charts` (Okabe–Ito colours,
fixed SVG hash salt, no dates in metadata).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from threadscope import schema
from threadscope.report import charts, fmt
from threadscope.report import compare_data as cd
from threadscope.report.charts import Planned, Rendered, by_size
from threadscope.report.context import theme_name
from threadscope.report.escape import mpl_text, truncate

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MplFigure

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


def plan(results: schema.ComparisonResults) -> dict[str, Planned]:
    """Every comparison figure by name, each with its alt text or the reason it cannot be drawn."""
    planners: dict[str, Callable[[schema.ComparisonResults], Planned]] = {
        "sentiment_by_thread": _plan_sentiment,
        "theme_heatmap": _plan_heatmap,
        "theme_shares": _plan_shares,
    }
    return {name: planners[name](results) for name in ORDER}


def draw(results: schema.ComparisonResults, name: str) -> Rendered:
    """Render the comparison figure ``name`` (which :func:`plan` said is drawable) as SVG and PNG."""
    drawers: dict[str, Callable[[schema.ComparisonResults, MplFigure], None]] = {
        "sentiment_by_thread": _draw_sentiment,
        "theme_heatmap": _draw_heatmap,
        "theme_shares": _draw_shares,
    }
    return charts.render(lambda fig: drawers[name](results, fig))


def _style(index: int) -> tuple[str, Any]:
    return THREAD_STYLES[index % len(THREAD_STYLES)]


def scale(results: schema.ComparisonResults) -> str:
    """What the threads' tone scores are (all threads of a comparison share one method)."""
    return fmt.tone_scale(results["threads"][0]["sentiment"]["method"])


def _plan_sentiment(results: schema.ComparisonResults) -> Planned:
    title = "Tone of each thread"
    scored = [(e, cd.scores(e)) for e in results["threads"]]
    scored = [(e, s) for e, s in scored if s]
    if not scored:
        return Planned("sentiment_by_thread", title, "", "no comment has a tone score")
    parts = [f"{e['letter']} ({fmt.count(len(s), 'comment')}): mean {fmt.signed(sum(s) / len(s))}" for e, s in scored]
    few = [e["letter"] for e, _ in scored if not e["comparable"]]
    left_out = f" ({', '.join(few)} has too few scored comments for a histogram)" if few else ""
    alt = (
        f"Step histograms of the {scale(results)}s (−1 to +1) of each thread's comments on one axis, "
        f"as shares of the thread's comments{left_out}, with each thread's mean and 95% interval below: "
        f"{'; '.join(parts)}."
    )
    return Planned("sentiment_by_thread", title, alt)


def _draw_sentiment(results: schema.ComparisonResults, fig: MplFigure) -> None:
    import numpy as np

    entries = [(k, e, cd.scores(e)) for k, e in enumerate(results["threads"])]
    entries = [(k, e, s) for k, e, s in entries if s]
    fig.set_size_inches(charts.WIDTH_IN, 4.8 + 0.5 * len(entries))
    hist_ax, mean_ax = fig.subplots(2, 1, sharex=True, height_ratios=(3, 0.6 + 0.3 * len(entries)))
    edges = np.linspace(-1.0, 1.0, 21)
    method = results["threads"][0]["sentiment"]["method"]
    charts.neutral_band(hist_ax, method, vertical=True)
    for k, entry, scores in entries:
        if not entry["comparable"]:
            continue  # a handful of comments makes a histogram of spikes; the mean panel still shows it
        colour, line = _style(k)
        counts, _ = np.histogram(np.asarray(scores), bins=edges)
        shares = counts / len(scores)
        label = mpl_text(f"{cd.name(entry, 34)} (n={len(scores):,})", 48)
        hist_ax.stairs(shares, edges, color=colour, linestyle=line, linewidth=1.8, label=label)
    hist_ax.set_ylabel("Share of the thread's comments")
    hist_ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
    hist_ax.set_title("Tone of each thread's comments")
    fig.legend(loc="outside lower center", ncols=1)

    charts.neutral_band(mean_ax, method, vertical=True)
    ys = list(range(len(entries)))
    for y, (k, entry, _) in zip(ys, entries, strict=True):
        colour, _ = _style(k)
        mean, ci = entry["sentiment"]["mean"], entry["sentiment"]["ci95"]
        if ci is not None:
            mean_ax.plot(ci, (y, y), color=colour, linewidth=2.0, solid_capstyle="butt")
        if mean is not None:
            mean_ax.plot([mean], [y], "o", color=colour, markersize=7)
    mean_ax.set_yticks(ys, [e["letter"] for _, e, _ in entries])
    mean_ax.invert_yaxis()
    mean_ax.set_ylim(len(entries) - 0.5, -0.5)
    mean_ax.set_xlim(-1.0, 1.0)
    band = "; grey band: neutral" if fmt.uses_vader(method) else ""
    mean_ax.set_xlabel(f"{scale(results).capitalize()} (−1 most negative, +1 most positive){band}")
    mean_ax.set_title("mean and 95% CI", loc="left", fontsize=9, fontweight="normal", color="#555555")


def _shown_themes(results: schema.ComparisonResults) -> list[schema.SharedTheme]:
    """The themes with members, largest first."""
    return [t for t in by_size(results["themes"]) if t["size"] > 0]


def _shares_table(
    results: schema.ComparisonResults,
) -> tuple[list[schema.SharedTheme], list[schema.ThreadEntry], list[list[float]]]:
    """Themes shown (largest first), threads, and share[theme][thread] (0 for a thread without comments)."""
    themes = _shown_themes(results)[:MAX_THEMES_SHOWN]
    entries = results["threads"]
    shares = [[cd.cell_of(t, e["key"])["share"] or 0.0 for e in entries] for t in themes]
    return themes, entries, shares


def _plan_heatmap(results: schema.ComparisonResults) -> Planned:
    title = "Shared themes by thread"
    if not _shown_themes(results):
        return Planned("theme_heatmap", title, "", "no shared themes were found")
    themes, entries, shares = _shares_table(results)
    parts = []
    for theme, row in list(zip(themes, shares, strict=True))[:5]:
        cells = ", ".join(f"{e['letter']} {fmt.pct(v)}" for e, v in zip(entries, row, strict=True))
        parts.append(f"{truncate(theme_name(theme), 40)} ({cells})")
    alt = f"Heat map of the share of each thread's comments in each shared theme: {'; '.join(parts)}."
    return Planned("theme_heatmap", title, alt)


def _draw_heatmap(results: schema.ComparisonResults, fig: MplFigure) -> None:
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
            mark = "*" if themes[i]["distinctive_of"] == entries[j]["key"] else ""
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
    ax.set_xticks([j + 0.5 for j in range(len(entries))], [mpl_text(cd.name(e, 22), 26) for e in entries])
    ax.set_yticks([i + 0.5 for i in range(len(themes))], [mpl_text(theme_name(t), 34) for t in themes])
    ax.invert_yaxis()
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.xaxis.tick_top()
    # Every cell is annotated, so no colour bar (whose gradient would be a raster image in the SVG).
    ax.set_title("Share of each thread's comments in each theme (* distinctive)")


def _plan_shares(results: schema.ComparisonResults) -> Planned:
    title = "Theme shares per thread"
    if not _shown_themes(results):
        return Planned("theme_shares", title, "", "no shared themes were found")
    themes, entries, _ = _shares_table(results)
    alt = (
        "Grouped bar chart of the share of each thread's comments in each of "
        f"{fmt.count(len(themes), 'theme')}, "
        f"one bar per thread ({', '.join(e['letter'] for e in entries)}), largest theme first."
    )
    return Planned("theme_shares", title, alt)


def _draw_shares(results: schema.ComparisonResults, fig: MplFigure) -> None:
    themes, entries, shares = _shares_table(results)
    n_threads = max(1, len(entries))
    fig.set_size_inches(charts.WIDTH_IN, 1.6 + 0.3 * len(themes) * min(n_threads, 3))
    ax = fig.subplots()
    height = 0.8 / n_threads
    for k, entry in enumerate(entries):
        colour, _ = _style(k)
        ys = [i + (k - (n_threads - 1) / 2) * height for i in range(len(themes))]
        values = [row[k] for row in shares]
        ax.barh(ys, values, height=height, color=colour, label=mpl_text(cd.name(entry, 34), 40))
        # The thread's letter at each bar's end: colour is never the only cue.
        for y, value in zip(ys, values, strict=True):
            ax.annotate(entry["letter"], (value, y), xytext=(2, 0), textcoords="offset points", va="center", fontsize=7)
    ax.set_yticks(range(len(themes)), [mpl_text(theme_name(t), 34) for t in themes])
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
    ax.set_xlabel("Share of the thread's comments")
    ax.set_title("Theme shares per thread")
    fig.legend(loc="outside lower center", ncols=1)
