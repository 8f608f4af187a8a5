"""Tolerant readers for the results dict, shared by the writers.

Any analysis section may be ``None`` (the step failed or was skipped) and the
analyses are young, so the writers read through these helpers instead of
indexing: a missing or malformed field reads as "absent", never as a crash.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any


def section(results: Mapping[str, Any], key: str) -> dict[str, Any] | None:
    """``results[key]`` when it is a mapping, else ``None``."""
    value = results.get(key)
    return dict(value) if isinstance(value, Mapping) else None


def records(container: Mapping[str, Any] | None, key: str) -> list[dict[str, Any]]:
    """The mappings in the list ``container[key]``; ``[]`` when absent."""
    if container is None:
        return []
    value = container.get(key)
    if not isinstance(value, list | tuple):
        return []
    return [dict(item) for item in value if isinstance(item, Mapping)]


def number(value: Any) -> float | None:
    """A finite float, or ``None`` for anything else (``None``, NaN, strings, booleans)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    f = float(value)
    return f if math.isfinite(f) else None


def integer(value: Any) -> int | None:
    """An int, or ``None``."""
    f = number(value)
    return int(f) if f is not None and f == int(f) else None


def text(value: Any) -> str | None:
    """A non-empty string, or ``None``."""
    if value is None:
        return None
    s = str(value).strip()
    return s or None


def timestamp(value: Any) -> datetime | None:
    """An ISO-8601 string as an aware UTC datetime, or ``None``."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def posts(results: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The posts, in the order the results give them (thread order)."""
    return records(results, "posts")


def posts_by_id(results: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Posts keyed by their id as a string."""
    return {str(p.get("id")): p for p in posts(results)}


def themes(results: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Themes, largest first (ties by id) — the order every writer shows them in."""
    found = records(results, "themes")
    return sorted(found, key=lambda t: (-(number(t.get("size")) or 0), str(t.get("id"))))


def structured(results: Mapping[str, Any]) -> bool:
    """Whether the thread has real reply structure (not pasted text)."""
    thread = section(results, "thread") or {}
    structure = section(results, "structure") or {}
    flag = structure.get("structured", thread.get("structured", True))
    return bool(flag) if flag is not None else True
