"""Reading a comparison's results for the report: thread names, scores, a theme's cell per thread.

Shared by the figures (:mod:`threadscope.report.compare_charts`) and the
document (:mod:`threadscope.report.compare`); nothing is recomputed here.
"""

from __future__ import annotations

from threadscope import schema
from threadscope.report import content
from threadscope.report.escape import truncate


def name(entry: schema.ThreadEntry, limit: int = 60) -> str:
    """``A`` plus the thread's title, for tables and legends."""
    return f"{entry['letter']}: {truncate(content.title_text(entry['thread']), limit)}"


def scores(entry: schema.ThreadEntry) -> list[float]:
    """The tone scores of a thread's comments that were not deleted."""
    return [s for p in entry["posts"] if not p["deleted"] and (s := p["sentiment"]) is not None]


def cell_of(theme: schema.SharedTheme, key: str) -> schema.ThreadShare:
    """A theme's figures for the thread labelled ``key``."""
    return next(c for c in theme["by_thread"] if c["thread"] == key)


def title_text(results: schema.ComparisonResults) -> str:
    """``Comparing 3 threads: A, B and C`` with short titles."""
    entries = results["threads"]
    names = [truncate(content.title_text(e["thread"]), 40) for e in entries]
    joined = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)
    return truncate(f"Comparing {len(entries)} threads: {joined}", 160)
