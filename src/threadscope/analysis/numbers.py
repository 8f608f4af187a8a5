"""How numbers go into results: rounded once, the same way in every analysis."""

from __future__ import annotations

from collections.abc import Sequence


def round4(value: float) -> float:
    """A plain Python float rounded to 4 places, so results.json stays readable and stable.

    ``+ 0.0`` turns ``-0.0`` into ``0.0``.
    """
    return round(float(value), 4) + 0.0


def mean4(values: Sequence[float]) -> float | None:
    """The mean, rounded to 4 places; ``None`` for no values."""
    return round4(sum(values) / len(values)) if values else None


def plural(n: int, word: str) -> str:
    """``1 comment``, ``2 comments``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
