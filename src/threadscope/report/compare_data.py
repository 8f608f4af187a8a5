"""Reading a comparison's results for the report: threads, themes and their cells, by key and letter.

Shared by the figures (:mod:`threadscope.report.compare_charts`) and the
document (:mod:`threadscope.report.compare`); nothing is recomputed here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from threadscope.report import content, data
from threadscope.report.escape import clean, truncate


def threads(results: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The compared threads' entries, in the order given."""
    return data.records(results, "threads")


def key(entry: Mapping[str, Any]) -> str:
    """A thread's label (``source:id``)."""
    return clean(entry.get("key")) or "?"


def letter(entry: Mapping[str, Any]) -> str:
    """A thread's letter (A, B, …)."""
    return clean(entry.get("letter")) or "?"


def name(entry: Mapping[str, Any], limit: int = 60) -> str:
    """``A`` plus the thread's title, for tables and legends."""
    return f"{letter(entry)}: {truncate(content.title_text(entry), limit)}"


def scores(entry: Mapping[str, Any]) -> list[float]:
    """The tone scores of a thread's comments that were not deleted."""
    values = [data.number(p.get("sentiment")) for p in data.records(entry, "posts") if not p.get("deleted")]
    return [v for v in values if v is not None]


def ci(value: Any) -> tuple[float, float] | None:
    """A 95% interval as two numbers, or ``None`` when it is not one."""
    if isinstance(value, list | tuple) and len(value) == 2:
        lo, hi = data.number(value[0]), data.number(value[1])
        if lo is not None and hi is not None:
            return (lo, hi)
    return None


def themes(results: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Shared themes, largest first (ties by id), without the unassigned leftover."""
    return [t for t in data.themes(results) if str(t.get("id")) != "-1"]


def cell_of(theme: Mapping[str, Any], key: str) -> dict[str, Any]:
    """A theme's figures for one thread (by its label); empty when absent."""
    return next((c for c in data.records(theme, "by_thread") if clean(c.get("thread")) == key), {})


def theme_label(theme: Mapping[str, Any]) -> str:
    """A theme's label, or ``Theme <id>``."""
    return clean(theme.get("label")) or f"Theme {theme.get('id')}"


def title_text(results: Mapping[str, Any]) -> str:
    """``Comparing 3 threads: A, B and C`` with short titles."""
    entries = threads(results)
    names = [truncate(content.title_text(e), 40) for e in entries]
    joined = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)
    return truncate(f"Comparing {len(entries)} threads: {joined}", 160)
