"""Write the report files into a folder."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from threadscope import schema
from threadscope.cache import atomic_write
from threadscope.errors import InputError
from threadscope.report import charts, content, html, markdown
from threadscope.report.charts import Planned, Rendered
from threadscope.report.document import Document

log = logging.getLogger(__name__)

FORMATS = frozenset({"md", "html"})
FIGURE_DIR = "figures"
#: An analysis's, a comparison's or a corpus's results.
R = TypeVar("R", schema.AnalysisResults, schema.ComparisonResults, schema.CorpusResults)


def write_reports(results: schema.AnalysisResults, out_dir: Path, formats: set[str]) -> list[Path]:
    """Write the requested reports for ``results`` into ``out_dir`` and return the paths written.

    ``formats`` is a subset of ``{"md", "html"}``: ``md`` writes ``report.md``,
    ``html`` writes ``report.html`` and ``embed.html``; either also writes the
    figures (``figures/<name>.svg`` and ``.png``). A figure whose data is
    missing is skipped and the reports say why.

    Raises:
        InputError: for a format other than ``md`` or ``html``.

    """
    return write_document(
        results,
        out_dir,
        formats,
        plan=charts.plan,
        draw=charts.draw,
        build=content.build,
        title=lambda r: content.title_text(r["thread"]),
    )


def write_document(
    results: R,
    out_dir: Path,
    formats: set[str],
    *,
    plan: Callable[[R], dict[str, Planned]],
    draw: Callable[[R, str], Rendered],
    build: Callable[[R, dict[str, Planned]], Document],
    title: Callable[[R], str],
) -> list[Path]:
    """Draw the planned figures, build the document and render it in each format.

    Single-thread and comparison reports differ only in what they plan, draw
    and say; this is the part they share.

    Raises:
        InputError: for a format other than ``md`` or ``html``.

    """
    unknown = set(formats) - FORMATS
    if unknown:
        raise InputError(f"unknown report format(s) {', '.join(sorted(unknown))}; choose from md, html")
    if not formats:
        return []
    out_dir = Path(out_dir)
    figure_dir = out_dir / FIGURE_DIR
    figure_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    plans = plan(results)
    svgs: dict[str, str] = {}
    for name, planned in plans.items():
        if planned.reason is not None:
            continue
        try:
            rendered = draw(results, name)
        except Exception as exc:  # a chart bug must not cost the user the whole report
            log.warning("could not draw the %s chart: %s", name, exc, exc_info=True)
            plans[name] = Planned(name, planned.title, planned.alt, f"it could not be drawn ({type(exc).__name__})")
            continue
        svgs[name] = rendered.svg
        for suffix, payload in ((".svg", rendered.svg.encode("utf-8")), (".png", rendered.png)):
            path = figure_dir / f"{name}{suffix}"
            atomic_write(path, payload)
            written.append(path)

    doc = build(results, plans)
    if "md" in formats:
        written.append(_write(out_dir / "report.md", markdown.render(doc, FIGURE_DIR)))
    if "html" in formats:
        written.append(_write(out_dir / "report.html", html.render_page(doc, svgs, title(results))))
        written.append(_write(out_dir / "embed.html", html.render_fragment(doc, svgs)))
    return written


def _write(path: Path, text: str) -> Path:
    atomic_write(path, text.encode("utf-8"))  # bytes: no platform newline translation
    return path
