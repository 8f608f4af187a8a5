"""The report's figures, drawn with matplotlib into SVG and PNG.

:func:`plan` says which figures the results can support (and, for the others,
why not) without importing matplotlib; :func:`draw` renders one figure.
matplotlib is imported inside the drawing functions, through the Agg canvas
and never pyplot, so importing threadscope stays instant and a notebook's
backend is left alone.

Output is deterministic: no randomness, a fixed SVG hash salt, and no dates
or software versions in the file metadata. Colours come from the Okabe–Ito
palette, which stays distinguishable under the common colour-vision
deficiencies; the tone charts also encode sign by position, not colour alone.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast

from threadscope import schema
from threadscope.report import fmt
from threadscope.report.escape import clean, mpl_text, truncate

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Okabe & Ito (2008), "Color Universal Design".
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
SKY = "#56B4E9"
YELLOW = "#F0E442"
GREY = "#8C8C8C"
LIGHT = "#D9D9D9"
THEME_COLOURS = (BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW)
NEUTRAL = 0.05  # VADER's conventional neutral band for the compound score.
WIDTH_IN = 7.0  # 700 px at 100 dpi: a blog column.
PNG_DPI = 200  # crisp on high-density screens when shown at 700 px.
MAX_THEMES_SHOWN = 15

_RC: dict[str, Any] = {
    "svg.hashsalt": "threadscope",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#444444",
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "text.usetex": False,
    "path.simplify": True,
}


@dataclass(frozen=True)
class Planned:
    """A figure the report mentions: drawable (``reason is None``) or skipped, and why."""

    name: str
    title: str
    alt: str
    reason: str | None = None


@dataclass(frozen=True)
class Rendered:
    """One drawn figure in both formats."""

    svg: str
    png: bytes


ORDER = (
    "themes",
    "sentiment_distribution",
    "sentiment_by_depth",
    "reply_tree",
    "depth_histogram",
    "activity",
)


def plan(results: schema.AnalysisResults) -> dict[str, Planned]:
    """Every figure by name, each with its alt text or the reason it cannot be drawn."""
    planners: dict[str, Callable[[schema.AnalysisResults], Planned]] = {
        "themes": _plan_themes,
        "sentiment_distribution": _plan_distribution,
        "sentiment_by_depth": _plan_by_depth,
        "reply_tree": _plan_tree,
        "depth_histogram": _plan_depths,
        "activity": _plan_activity,
    }
    return {name: planners[name](results) for name in ORDER}


def draw(results: schema.AnalysisResults, name: str) -> Rendered:
    """Render the figure ``name`` (which :func:`plan` said is drawable)."""
    drawers: dict[str, Callable[[schema.AnalysisResults, Figure], None]] = {
        "themes": _draw_themes,
        "sentiment_distribution": _draw_distribution,
        "sentiment_by_depth": _draw_by_depth,
        "reply_tree": _draw_tree,
        "depth_histogram": _draw_depths,
        "activity": _draw_activity,
    }
    return render(lambda fig: drawers[name](results, fig))


def render(paint: Callable[[Figure], None]) -> Rendered:
    """Paint a fresh figure in the report style; save it deterministically as SVG and PNG."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context(cast(Any, _RC)), warnings.catch_warnings():
        # Comment text may hold characters DejaVu Sans lacks; a box is fine, a warning is noise.
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from")
        fig = Figure(figsize=(WIDTH_IN, 4.0), layout="constrained")
        FigureCanvasAgg(fig)
        paint(fig)
        svg = io.BytesIO()
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": "threadscope"})
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=PNG_DPI, metadata={"Software": None})
    return Rendered(svg=svg.getvalue().decode("utf-8"), png=png.getvalue())


# ---------------------------------------------------------------- themes


T = TypeVar("T", schema.Theme, schema.SharedTheme)


def by_size(themes: Sequence[T]) -> list[T]:
    """Themes largest first (ties by id): the order every writer shows them in."""
    return sorted(themes, key=lambda t: (-t["size"], t["id"]))


def _chart_label(theme: schema.ThemeCore) -> str:
    return clean(theme["label"]) or f"theme {theme['id']}"


def _shown_themes(results: schema.AnalysisResults) -> list[schema.Theme]:
    """The themes with members (a guided name that matched nothing has none), largest first."""
    return [t for t in by_size(results["themes"]) if t["size"] > 0]


def _plan_themes(results: schema.AnalysisResults) -> Planned:
    title = "Themes by size and tone"
    themes = _shown_themes(results)
    if not themes:
        return Planned("themes", title, "", "no themes were found, so there is no theme chart")
    parts = [
        f"{truncate(_chart_label(t), 40)} ({t['size']}{', unstable' if schema.unstable(t['stability']) else ''})"
        for t in themes[:5]
    ]
    more = f", and {len(themes) - 5} more" if len(themes) > 5 else ""
    alt = (
        "Bar chart of the number of comments in each theme, largest first, beside each theme's "
        f"mean tone: {'; '.join(parts)}{more}."
    )
    return Planned("themes", title, alt)


def _draw_themes(results: schema.AnalysisResults, fig: Figure) -> None:
    all_themes = _shown_themes(results)
    themes = all_themes[:MAX_THEMES_SHOWN]
    tone_ci = {row["theme"]: row["ci95"] for row in results["sentiment"]["by_theme"] or []}
    n = len(themes)
    fig.set_size_inches(WIDTH_IN, 1.4 + 0.38 * n)
    size_ax, tone_ax = fig.subplots(1, 2, sharey=True, width_ratios=(1.5, 1))
    ys = list(range(n))
    sizes = [float(t["size"]) for t in themes]
    labels = [
        mpl_text(t["label"] or f"theme {t['id']}", 34) + (" (unstable)" if schema.unstable(t["stability"]) else "")
        for t in themes
    ]
    # an unstable theme is drawn pale: a hint, not a finding
    size_ax.barh(ys, sizes, color=[LIGHT if schema.unstable(t["stability"]) else BLUE for t in themes], height=0.65)
    for y, t, size in zip(ys, themes, sizes, strict=True):
        note = f"{size:,.0f} ({t['share']:.0%})"
        size_ax.annotate(note, (size, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    size_ax.set_yticks(ys, labels)
    size_ax.invert_yaxis()
    size_ax.set_xlabel("Comments (count)")
    size_ax.set_xlim(0, max(sizes) * 1.3)
    size_ax.xaxis.set_major_locator(_integer_locator())
    shown = f"the {n} largest of {len(all_themes)} themes" if len(all_themes) > n else f"{n} themes"
    fig.suptitle(f"Themes: size and tone ({shown})", x=0.01, ha="left", fontsize=12, fontweight="bold")

    lows: list[float] = []
    highs: list[float] = []
    for y, t in zip(ys, themes, strict=True):
        mean = t["sentiment_mean"]
        if mean is None:
            continue
        ci = tone_ci.get(t["id"])
        if ci is not None:
            tone_ax.plot(ci, (y, y), color=GREY, linewidth=1.5, solid_capstyle="butt")
            lows.append(ci[0])
            highs.append(ci[1])
        tone_ax.plot([mean], [y], "o", color=_tone_colour(mean), markersize=7)
        lows.append(mean)
        highs.append(mean)
    limit = max([0.3, *(abs(v) for v in lows + highs)])
    limit = min(1.0, math.ceil(limit * 10 + 0.5) / 10)
    neutral_band(tone_ax, results["sentiment"]["method"], vertical=True)
    tone_ax.set_xlim(-limit, limit)
    tone_ax.set_xlabel("Mean tone (−1 to +1)")
    tone_ax.tick_params(axis="y", left=False)
    if lows != highs:
        tone_ax.set_title("lines: 95% CI", loc="right", fontsize=8, fontweight="normal", color="#555555")


def _integer_locator() -> Any:
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)


def _tone_colour(value: float) -> str:
    if value > NEUTRAL:
        return BLUE
    if value < -NEUTRAL:
        return VERMILLION
    return GREY


def neutral_band(ax: Axes, method: schema.ToneMethod, *, vertical: bool, label: str | None = None) -> None:
    """A line at zero and, for VADER, its neutral band (−0.05 to +0.05) shaded.

    The tone model's classes are not a band of its score (a neutral comment
    can score −0.3 when the model finds it likelier negative than positive),
    so for the model no band is drawn: it would contradict the class shares.
    """
    if fmt.uses_vader(method):
        span = ax.axvspan if vertical else ax.axhspan
        span(-NEUTRAL, NEUTRAL, color=LIGHT, alpha=0.6, linewidth=0, label=label)
    (ax.axvline if vertical else ax.axhline)(0, color="#444444", linewidth=0.8)


#: Colour of each tone class (``posts[].tone``): the model's most probable class, or VADER's band.
CLASS_COLOURS = {1: BLUE, 0: GREY, -1: VERMILLION}


def class_legend(method: schema.ToneMethod) -> list[tuple[str, str]]:
    """Legend entries of the tone classes, saying how VADER's are drawn from its score."""
    if fmt.uses_vader(method):
        return [("positive (> +0.05)", BLUE), ("neutral", GREY), ("negative (< −0.05)", VERMILLION)]
    return [("positive", BLUE), ("neutral", GREY), ("negative", VERMILLION)]


# ---------------------------------------------------------------- sentiment


def _scored(results: schema.AnalysisResults) -> list[tuple[float, int]]:
    """(score, class) of each scored comment."""
    return [
        (s, c)
        for p in results["posts"]
        if not p["deleted"] and (s := p["sentiment"]) is not None and (c := p["tone"]) is not None
    ]


def _plan_distribution(results: schema.AnalysisResults) -> Planned:
    title = "How the comments' tone is distributed"
    scored = _scored(results)
    if not scored:
        return Planned(
            "sentiment_distribution", title, "", "no comment has a tone score, so there is no tone histogram"
        )
    method = results["sentiment"]["method"]
    share = {c: sum(k == c for _, k in scored) / len(scored) for c in CLASS_COLOURS}
    head = f"Histogram of the {fmt.tone_scale(method)}s of {len(scored)} comments from −1 to +1"
    if fmt.uses_vader(method):
        alt = (
            f"{head}, with the neutral band from −0.05 to +0.05 shaded: "
            f"{share[1]:.0%} score above it and {share[-1]:.0%} below it."
        )
    else:
        alt = (
            f"{head}, each bar split by the class the tone model gave its comments: "
            f"{share[1]:.0%} positive, {share[0]:.0%} neutral, {share[-1]:.0%} negative."
        )
    return Planned("sentiment_distribution", title, alt)


def _draw_distribution(results: schema.AnalysisResults, fig: Figure) -> None:
    import numpy as np

    scored = _scored(results)
    scores = np.asarray([s for s, _ in scored])
    method = results["sentiment"]["method"]
    fig.set_size_inches(WIDTH_IN, 3.6)
    ax = fig.subplots()
    edges = np.linspace(-1.0, 1.0, 41)
    centres = (edges[:-1] + edges[1:]) / 2
    neutral_band(ax, method, vertical=True, label="neutral band (±0.05)")
    # stacked by class: for the tone model a score bin can hold comments of any class
    bottom = np.zeros(len(centres))
    for (label, colour), tone in zip(class_legend(method), (1, 0, -1), strict=True):
        counts, _ = np.histogram([s for s, c in scored if c == tone], bins=edges)
        if counts.any():
            ax.bar(
                centres, counts, width=0.05, bottom=bottom, color=colour, edgecolor="white", linewidth=0.5, label=label
            )
        bottom += counts
    mean = float(scores.mean())
    ax.axvline(mean, color="black", linestyle="--", linewidth=1.2, label=f"mean {mean:+.2f}")
    ax.set_xlim(-1.0, 1.0)
    scale = fmt.tone_scale(results["sentiment"]["method"]).capitalize()
    ax.set_xlabel(f"{scale} (−1 most negative, +1 most positive)")
    ax.set_ylabel("Comments (count)")
    ax.yaxis.set_major_locator(_integer_locator())
    ax.set_title(f"Tone of {len(scores):,} comments")
    ax.legend(loc="upper left")


def _depth_tones(results: schema.AnalysisResults) -> list[tuple[int, float, int]]:
    """(depth, mean tone, comments) of each depth with scored comments."""
    return [
        (r["depth"], mean, r["n"]) for r in results["sentiment"]["by_depth"] or [] if (mean := r["mean"]) is not None
    ]


def _plan_by_depth(results: schema.AnalysisResults) -> Planned:
    title = "Tone by reply depth"
    rows = _depth_tones(results)
    if not results["structure"]["structured"]:
        return Planned("sentiment_by_depth", title, "", "the thread has no reply structure, so there are no depths")
    if not rows:
        return Planned("sentiment_by_depth", title, "", "no depth had scored comments")
    parts = [f"depth {depth}: {mean:+.2f}" for depth, mean, _ in rows[:8]]
    alt = f"Line chart of the mean tone of comments at each reply depth: {', '.join(parts)}."
    return Planned("sentiment_by_depth", title, alt)


def _draw_by_depth(results: schema.AnalysisResults, fig: Figure) -> None:
    rows = _depth_tones(results)
    depths = [depth for depth, _, _ in rows]
    means = [mean for _, mean, _ in rows]
    fig.set_size_inches(WIDTH_IN, 3.4)
    ax = fig.subplots()
    neutral_band(ax, results["sentiment"]["method"], vertical=False, label="neutral band (±0.05)")
    ax.plot(depths, means, color=BLUE, linewidth=1.5, marker="o", markersize=6, label="mean tone")
    for d, m, n in rows:
        ax.annotate(f"n={n}", (d, m), xytext=(0, 7), textcoords="offset points", ha="center", fontsize=8)
    limit = max([0.3, *(abs(m) + 0.1 for m in means)])
    ax.set_ylim(-min(limit, 1.05), min(limit, 1.05))
    ax.set_xticks(depths)
    ax.set_xlabel("Reply depth (1 = direct reply to the post)")
    ax.set_ylabel(f"Mean {fmt.tone_scale(results['sentiment']['method'])}")
    ax.set_title("Tone by reply depth")
    ax.legend(loc="lower left")


# ---------------------------------------------------------------- structure


def _plan_depths(results: schema.AnalysisResults) -> Planned:
    title = "How deep the replies go"
    rows = results["structure"]["depth_histogram"]
    if not rows:
        return Planned("depth_histogram", title, "", "the thread has no reply structure, so there are no depths")
    parts = [f"depth {r['depth']}: {r['count']}" for r in rows[:8]]
    return Planned("depth_histogram", title, f"Bar chart of comments at each reply depth: {', '.join(parts)}.")


def _draw_depths(results: schema.AnalysisResults, fig: Figure) -> None:
    rows = results["structure"]["depth_histogram"] or []
    depths = [r["depth"] for r in rows]
    counts = [r["count"] for r in rows]
    fig.set_size_inches(WIDTH_IN, 3.2)
    ax = fig.subplots()
    ax.bar(depths, counts, color=BLUE, width=0.7)
    if len(depths) <= 20:
        for d, c in zip(depths, counts, strict=True):
            ax.annotate(f"{c:,}", (d, c), xytext=(0, 2), textcoords="offset points", ha="center", fontsize=8)
    ax.set_xticks(depths)
    ax.set_ylim(0, max(counts + [1]) * 1.15)
    ax.set_xlabel("Reply depth (1 = direct reply to the post)")
    ax.set_ylabel("Comments (count)")
    ax.yaxis.set_major_locator(_integer_locator())
    ax.set_title("How deep the replies go")


def _hours(results: schema.AnalysisResults) -> list[tuple[datetime, int]]:
    return [(datetime.fromisoformat(row["hour"]), row["count"]) for row in results["structure"]["per_hour"] or []]


def _plan_activity(results: schema.AnalysisResults) -> Planned:
    title = "Comments over time"
    hours = _hours(results)
    if not hours:
        return Planned("activity", title, "", "the source gave no comment times, so there is no timeline")
    peak = max(hours, key=lambda pair: pair[1])
    alt = (
        f"Bar chart of comments per hour from {hours[0][0]:%Y-%m-%d %H:00} "
        f"to {hours[-1][0]:%Y-%m-%d %H:00} UTC; "
        f"the busiest hour, {peak[0]:%Y-%m-%d %H:00} UTC, had {fmt.count(peak[1], 'comment')}."
    )
    return Planned("activity", title, alt)


def _draw_activity(results: schema.AnalysisResults, fig: Figure) -> None:
    import matplotlib.dates as mdates

    hours = _hours(results)
    fig.set_size_inches(WIDTH_IN, 3.2)
    ax = fig.subplots()
    xs = [mdates.date2num(h.replace(tzinfo=None)) for h, _ in hours]  # type: ignore[no-untyped-call]
    ax.bar(xs, [c for _, c in hours], width=1 / 24, align="edge", color=BLUE, edgecolor="white", linewidth=0.3)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    ax.set_xlabel("Time (UTC)")
    ax.set_ylabel("Comments per hour")
    ax.yaxis.set_major_locator(_integer_locator())
    ax.set_title("Comments over time")


# ---------------------------------------------------------------- reply tree


@dataclass(frozen=True)
class TreeLayout:
    """A radial layout: each comment at (angle, depth); edges from parent to child."""

    ids: list[str]
    angle: dict[str, float]
    depth: dict[str, int]
    parent: dict[str, str]
    root: str


def tree_layout(results: schema.AnalysisResults) -> TreeLayout:
    """Lay the reply tree out radially: each leaf gets an equal slice of the circle.

    Parents sit at the middle of their children's slices, so big subthreads
    take big wedges. Posts whose parent is missing hang off the root, and a
    cycle in the parent links is broken where it is first met.
    """
    root = "\0root"
    posts = results["posts"]
    ids = [p["id"] for p in posts]
    known = set(ids)
    root_id = results["thread"]["id"]
    children: dict[str, list[str]] = {root: []}
    for p, pid in zip(posts, ids, strict=True):
        parent = p["parent_id"]
        if parent is None or parent == root_id or parent not in known or parent == pid:
            parent = root
        children.setdefault(parent, []).append(pid)
    order: list[str] = []
    depth: dict[str, int] = {root: 0}
    parent_of: dict[str, str] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        for child in reversed(children.get(node, [])):
            if child in depth:  # a cycle or a duplicate id
                continue
            depth[child] = depth[node] + 1
            parent_of[child] = node
            stack.append(child)
    # Posts stuck in a cycle never reached from the root: hang them off the root.
    for pid in ids:
        if pid not in depth:
            depth[pid] = 1
            parent_of[pid] = root
            order.append(pid)
            children[root].append(pid)
    leaves: dict[str, int] = {}
    for node in reversed(order):
        kids = [c for c in children.get(node, []) if parent_of.get(c) == node]
        leaves[node] = sum(leaves[c] for c in kids) or 1
    total = leaves[root]
    angle: dict[str, float] = {root: 0.0}
    start: dict[str, float] = {root: 0.0}
    for node in order:
        cursor = start[node]
        for child in children.get(node, []):
            if parent_of.get(child) != node:
                continue
            span = 2 * math.pi * leaves[child] / total
            start[child] = cursor
            angle[child] = cursor + span / 2
            cursor += span
    return TreeLayout(ids=[i for i in order if i != root], angle=angle, depth=depth, parent=parent_of, root=root)


def _plan_tree(results: schema.AnalysisResults) -> Planned:
    title = "The shape of the discussion"
    posts = results["posts"]
    if not results["structure"]["structured"]:
        return Planned("reply_tree", title, "", "the thread has no reply structure, so there is no tree to draw")
    if not posts:
        return Planned("reply_tree", title, "", "the thread has no comments")
    layout = tree_layout(results)
    top = sum(1 for i in layout.ids if layout.depth[i] == 1)
    deepest = max(layout.depth[i] for i in layout.ids)
    coloured = "coloured by theme" if results["themes"] else "coloured by tone"
    alt = (
        f"Radial tree of all {len(posts)} comments, {coloured}: the post is at the centre, its {top} direct "
        f"replies form the first ring, and each further ring is one reply deeper, out to depth {deepest}."
    )
    return Planned("reply_tree", title, alt)


def _draw_tree(results: schema.AnalysisResults, fig: Figure) -> None:
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle

    layout = tree_layout(results)
    by_id = {p["id"]: p for p in results["posts"]}
    colour_of, legend = _tree_colours(results)

    def xy(node: str) -> tuple[float, float]:
        r = layout.depth[node]
        a = layout.angle[node]
        return (r * math.cos(a), r * math.sin(a))

    n = len(layout.ids)
    deepest = max(layout.depth[i] for i in layout.ids)
    fig.set_size_inches(WIDTH_IN, WIDTH_IN + 0.6)
    ax = fig.subplots()
    for ring in range(1, deepest + 1):
        ax.add_patch(Circle((0, 0), ring, fill=False, edgecolor="#EEEEEE", linewidth=0.6, zorder=0))
    segments = [(xy(layout.parent[i]), xy(i)) for i in layout.ids]
    ax.add_collection(LineCollection(segments, colors="#B0B0B0", linewidths=0.5 if n > 300 else 0.8, zorder=1))
    size = 36.0 if n <= 60 else 16.0 if n <= 400 else 6.0
    points = [xy(i) for i in layout.ids]
    colours = [colour_of(by_id[i]) for i in layout.ids]
    ax.scatter(
        [p[0] for p in points],
        [p[1] for p in points],
        s=size,
        c=colours,
        edgecolors="white",
        linewidths=0.3,
        zorder=2,
    )
    ax.scatter([0], [0], s=90, c="black", marker="*", zorder=3)
    ax.set_aspect("equal")
    limit = deepest + 0.4
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_axis_off()
    ax.set_title(f"The reply tree: {n:,} comments, one ring per reply level", loc="left")
    handles = [Line2D([], [], marker="*", linestyle="", color="black", markersize=9, label="the post")]
    handles += [
        Line2D([], [], marker="o", linestyle="", color=colour, markersize=6, label=label) for label, colour in legend
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=min(3, len(handles)))


def _tree_colours(results: schema.AnalysisResults) -> tuple[Callable[[schema.PostRow], str], list[tuple[str, str]]]:
    """Colour by theme when there are themes, else by tone; and the legend."""
    if results["themes"]:
        themes = by_size(results["themes"])
        top = themes[: len(THEME_COLOURS)]
        palette = {t["id"]: THEME_COLOURS[k] for k, t in enumerate(top)}
        legend = [(mpl_text(t["label"] or f"theme {t['id']}", 30), palette[t["id"]]) for t in top]
        if len(themes) > len(top):
            legend.append(("other themes", GREY))
        legend.append(("no theme", LIGHT))

        def by_theme_colour(post: schema.PostRow) -> str:
            theme = post["theme"]
            if theme is None or theme == -1:
                return LIGHT
            return palette.get(theme, GREY)

        return by_theme_colour, legend

    def by_tone_colour(post: schema.PostRow) -> str:
        tone = post["tone"]
        return LIGHT if tone is None else CLASS_COLOURS[tone]

    return by_tone_colour, [*class_legend(results["sentiment"]["method"]), ("no score", LIGHT)]
