"""Numbers and dates in the words a reader expects ("42%", "+0.12", "mildly positive")."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from threadscope import schema
from threadscope.report.escape import truncate

SOURCE_NAMES = {"hn": "Hacker News", "x": "X", "text": "pasted text"}


def pct(share: float | None) -> str:
    """``0.162`` → ``16%``; tiny non-zero shares read ``<1%``."""
    if share is None:
        return "–"
    if 0 < share < 0.005:
        return "<1%"
    return f"{share:.0%}"


def signed(value: float | None) -> str:
    """A tone score with its sign and a real minus: ``+0.12``, ``−0.30``."""
    if value is None:
        return "–"
    if round(value, 2) == 0:
        return "0.00"
    return f"{value:+.2f}".replace("-", "−")


def p_value(p: float) -> str:
    """A p-value as a reader wants it: ``0.034``, ``< 0.001``."""
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def uses_vader(method: schema.ToneMethod) -> bool:
    """Whether the tone scores are VADER's compound (``--tone vader``) rather than the tone model's."""
    return method["name"] == "VADER"


def tone_scale(method: schema.ToneMethod) -> str:
    """What a tone score is, for axis labels and alt text: "VADER compound score" or "tone score"."""
    return "VADER compound score" if uses_vader(method) else "tone score"


def tone_word(mean: float | None, ci: Sequence[float] | None = None) -> str:
    """How a mean tone score (the tone model's or VADER's compound) reads in words.

    With its 95% interval ``ci``: a mean whose interval spans zero is not
    called "clearly" anything, however far from zero it lies.
    """
    if mean is None:
        return "unknown"
    size = abs(mean)
    if size < 0.05:
        return "about neutral"
    side = "positive" if mean > 0 else "negative"
    if ci is not None and ci[0] < 0 < ci[1]:
        return f"uncertain, leaning {side}"
    strength = "mildly" if size < 0.2 else "clearly" if size < 0.5 else "strongly"
    return f"{strength} {side}"


def count(n: int | float | None, noun: str, plural: str | None = None) -> str:
    """``3 comments``, ``1 comment``, with thousands separators."""
    if n is None:
        return f"an unknown number of {plural or noun + 's'}"
    word = noun if n == 1 else plural or noun + "s"
    return f"{n:,.0f} {word}"


def timestamp(value: str | None) -> datetime | None:
    """An ISO-8601 time of results.json (``2020-08-31T14:05:00Z``) as an aware UTC datetime."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def when(moment: datetime | None) -> str:
    """``2020-08-31 14:05 UTC``."""
    return "–" if moment is None else f"{moment:%Y-%m-%d %H:%M} UTC"


def day(moment: datetime | None) -> str:
    """``31 August 2020``."""
    return "–" if moment is None else f"{moment.day} {moment:%B %Y}"


def duration(hours: float) -> str:
    """A span of time in the largest sensible unit: ``40 minutes``, ``5 hours``, ``3 days``."""
    if hours < 1:
        return count(max(1, round(hours * 60)), "minute")
    if hours < 48:
        return count(round(hours), "hour")
    return count(round(hours / 24), "day")


def params(values: Mapping[str, object], limit: int = 400) -> str:
    """A run's parameters as ``key=json`` pairs in key order, cut at ``limit`` characters for a footer."""
    pairs = [f"{k}={json.dumps(v, sort_keys=True, default=str, ensure_ascii=False)}" for k, v in sorted(values.items())]
    return truncate(", ".join(pairs), limit)
