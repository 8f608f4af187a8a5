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


#: Bound the bootstrap's index matrix (resamples × values) so memory stays flat on huge samples.
_MAX_DRAWS = 4_000_000


def bootstrap_ci(samples: Sequence[Sequence[float]], *, seed: int, n_boot: int) -> list[float] | None:
    """95% percentile bootstrap interval of the mean of one sample, or of mean(a) − mean(b) for two.

    ``scipy.stats.bootstrap`` resamples each sample on its own, from
    ``numpy.random.default_rng(seed)``, in batches that keep at most
    ``_MAX_DRAWS`` indices in memory.

    Returns:
        ``[low, high]`` rounded to 4 places, or ``None`` when a sample has fewer than two values.

    """
    import numpy as np
    from scipy.stats import bootstrap

    data = tuple(np.asarray(s, dtype=float) for s in samples)
    if not data or any(d.size < 2 for d in data):
        return None

    def statistic(*resampled: np.ndarray, axis: int = -1) -> np.ndarray:
        means = [r.mean(axis=axis) for r in resampled]
        return np.asarray(means[0] if len(means) == 1 else means[0] - means[1])

    result = bootstrap(
        data,
        statistic,
        n_resamples=n_boot,
        batch=max(1, _MAX_DRAWS // max(d.size for d in data)),
        vectorized=True,
        method="percentile",
        rng=np.random.default_rng(seed),
    )
    interval = result.confidence_interval
    return [round4(interval.low), round4(interval.high)]
