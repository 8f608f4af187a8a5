"""The ``--embed-summary`` block: a few lines of markdown to quote in a post."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from urllib.parse import quote

from threadscope import schema
from threadscope.report import charts, content
from threadscope.report.document import Link, inlines
from threadscope.report.escape import md_inline
from threadscope.report.markdown import inline

#: The chart the summary links to: the first of these the results support.
PREFERRED = ("themes", "sentiment_distribution", "reply_tree", "depth_histogram")


def summary_block(results: schema.AnalysisResults, report_dir: Path | None = None) -> str:
    """A short markdown block: the headline figures, the top three themes and one chart.

    The chart link is ``<report_dir>/figures/<name>.svg`` (or ``figures/…``
    without ``report_dir``). When ``report_dir`` is given, only a chart that
    exists there is linked.
    """
    thread = results["thread"]
    title = inlines(Link(content.title_text(thread), thread["permalink"], "strong"))
    lines = [
        inline(title),
        "",
        "- " + inline(content.conversation_line(results)),
        "- " + inline(content.tone_line(results)),
        "- " + inline(content.themes_line(results)),
    ]
    chart = _chart(results, report_dir)
    if chart:
        lines += ["", chart]
    return "\n".join(lines) + "\n"


def _chart(results: schema.AnalysisResults, report_dir: Path | None) -> str | None:
    plans = charts.plan(results)
    for name in PREFERRED:
        planned = plans[name]
        if planned.reason is not None:
            continue
        relative = PurePosixPath("figures") / f"{name}.svg"
        if report_dir is not None:
            if not (Path(report_dir) / relative).is_file():
                continue
            relative = PurePosixPath(Path(report_dir).as_posix()) / relative
        target = quote(str(relative), safe="/:._-~")
        return f"![{md_inline(planned.alt, line_start=False)}]({target})"
    return None
