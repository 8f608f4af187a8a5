"""Statistics that set threads side by side: tone differences, shared themes, shape.

Everything here takes plain data (scores, theme assignments, the dicts other
analyses return) and returns plain, JSON-serialisable data; ``api.compare``
does the loading, embedding and theme modelling.

Tone, per pair of threads A and B (comments scored by the tone model or
VADER, see ``analysis.sentiment``):

- ``mean_diff`` is mean(A) − mean(B), so a positive value means A's comments
  read more positive. Its 95% interval is a percentile bootstrap that
  resamples each thread independently (the threads are separate samples),
  seeded and therefore deterministic.
- ``p_value`` is the two-sided Mann-Whitney U test (``scipy.stats.mannwhitneyu``)
  of whether a comment of A tends to score higher or lower than one of B;
  ``mann_whitney_u`` is A's U statistic.
- ``effect_size`` is Cliff's delta, P(a > b) − P(a < b) over all cross-thread
  pairs of comments, which equals the rank-biserial correlation 2U/(n_A n_B) − 1.
  Its magnitude is named with Romano et al.'s (2006) cut-offs.
- ``ci95_with_thread_error`` widens that interval by the tone method's own
  error from one thread to another (``thread_error_sd``, measured
  leave-one-thread-out on the readers' labels by ``training/train_tone.py``):
  a method that reads one thread's topic as warmer than another's is wrong by
  the same amount on every comment of it, which no resampling of comments
  shows. With σ that error's standard deviation and s the bootstrap's standard
  error (its interval's half-width / 1.96), the interval is
  mean_diff ± q·√(s² + 2σ²); ``direction`` is read from it when σ is known.
  σ comes from a handful of labelled threads (``thread_error_threads``, four
  on Hacker News), so it is itself uncertain: q is Student's t quantile
  (97.5%) with Welch-Satterthwaite's degrees of freedom, (s² + 2σ²)²·(k − 1)
  / (2σ²)² for σ from k threads (s counts as exact), not the normal's 1.96.
  With 1.96, the tone model's σ of 0.056 named 26312516 warmer than
  17338700, which readers contradict (``benchmarks/QUALITY.md``): that σ,
  from four threads, understated how far the model strays on a fifth.
- what a pair means in words is the report layer's (``report.verdict``).

Themes: one topic model over the comments of all threads together, so a theme
means the same in every thread. ``shared_themes`` tabulates each theme per
thread and scores how distinctive it is of each thread with the weighted
log-odds ratio with an informative Dirichlet prior of Monroe, Colaresi & Quinn
(2008), "Fightin' Words", each thread against all the others together.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np

from threadscope import schema
from threadscope.analysis import numbers
from threadscope.analysis.numbers import mean4, round4

#: A thread needs this many scored comments before its tone is compared.
MIN_SCORED = 5
N_BOOT = 2000
#: |z| at or above this marks a theme as distinctive of a thread (two-sided 5%, uncorrected).
Z_DISTINCTIVE = 1.96
#: The Dirichlet prior adds this many pseudo-comments per category, spread by the pooled shares.
PRIOR_PER_CATEGORY = 5.0
#: Romano et al. (2006) thresholds for |Cliff's delta|.
EFFECT_SIZES = ((0.147, "negligible"), (0.33, "small"), (0.474, "medium"), (math.inf, "large"))


# --------------------------------------------------------------------------
# Tone: two samples


def bootstrap_diff_ci(
    a: Sequence[float], b: Sequence[float], *, seed: int = 0, n_boot: int = N_BOOT
) -> list[float] | None:
    """95% percentile bootstrap interval of mean(a) − mean(b), each sample resampled on its own.

    Args:
        a: scores of the first thread.
        b: scores of the second thread.
        seed: seed of ``numpy.random.default_rng``; the same seed gives the same interval.
        n_boot: number of resamples.

    Returns:
        ``[low, high]`` rounded to 4 places, or ``None`` when either sample has fewer than two values.

    """
    return numbers.bootstrap_ci([a, b], seed=seed, n_boot=n_boot)


def mann_whitney(a: Sequence[float], b: Sequence[float]) -> tuple[float, float | None] | None:
    """A's Mann-Whitney U and the two-sided p-value; ``None`` when a sample is empty.

    The p-value is ``None`` when it is undefined (every score in both threads
    is the same, so there is nothing to rank).
    """
    if not a or not b:
        return None
    from scipy.stats import mannwhitneyu

    result = mannwhitneyu(np.asarray(a, dtype=float), np.asarray(b, dtype=float), alternative="two-sided")
    u = float(result.statistic)
    p = float(result.pvalue)
    return u, (_sig(p) if math.isfinite(p) else None)


def cliffs_delta(u: float, n_a: int, n_b: int) -> float:
    """Cliff's delta from A's U statistic: P(a > b) − P(a < b), in [-1, 1]."""
    return round4(2.0 * u / (n_a * n_b) - 1.0)


def effect_magnitude(delta: float) -> str:
    """``negligible``, ``small``, ``medium`` or ``large`` for a Cliff's delta."""
    return next(name for bound, name in EFFECT_SIZES if abs(delta) < bound)


def compare_pair(
    a: str,
    b: str,
    a_scores: Sequence[float],
    b_scores: Sequence[float],
    *,
    seed: int = 0,
    n_boot: int = N_BOOT,
    min_scored: int = MIN_SCORED,
    thread_error_sd: float | None = None,
    thread_error_threads: int | None = None,
) -> schema.PairStats:
    """Compare the tone of two threads' comments.

    Args:
        a: the first thread's label.
        b: the second thread's label.
        a_scores: the first thread's comment scores (``None`` already dropped).
        b_scores: the second thread's comment scores.
        seed: seed of the bootstrap.
        n_boot: bootstrap resamples.
        min_scored: fewer scored comments than this on either side and the
            pair is not compared (``comparable`` false, statistics ``None``).
        thread_error_sd: the scoring method's error from thread to thread
            (see the module docstring), or ``None`` when it is not known.
        thread_error_threads: how many threads ``thread_error_sd`` was
            measured on, or ``None`` to take it as exact.

    Returns:
        ``a``, ``b``, ``n_a``, ``n_b``, ``mean_a``, ``mean_b``, ``mean_diff``
        (a − b), ``ci95``, ``mann_whitney_u``, ``p_value``, ``effect_size``
        (Cliff's delta), ``effect_magnitude``, ``comparable``,
        ``thread_error_sd``, ``thread_error_threads``, ``ci95_with_thread_error``, ``direction``
        (``"a"``, ``"b"`` or ``None``: which thread reads clearly more
        positive, by the wider interval when there is one).

    """
    n_a, n_b = len(a_scores), len(b_scores)
    row: schema.PairStats = {
        "a": a,
        "b": b,
        "n_a": n_a,
        "n_b": n_b,
        "mean_a": mean4(a_scores),
        "mean_b": mean4(b_scores),
        "mean_diff": None,
        "ci95": None,
        "mann_whitney_u": None,
        "p_value": None,
        "effect_size": None,
        "effect_magnitude": None,
        "comparable": False,
        "thread_error_sd": thread_error_sd,
        "thread_error_threads": None if thread_error_sd is None else thread_error_threads,
        "ci95_with_thread_error": None,
        "direction": None,
    }
    if min(n_a, n_b) < max(min_scored, 2):
        return row
    ci = bootstrap_diff_ci(a_scores, b_scores, seed=seed, n_boot=n_boot)
    tested = mann_whitney(a_scores, b_scores)
    assert ci is not None and tested is not None  # both samples have ≥ 2 values here
    u, p = tested
    delta = cliffs_delta(u, n_a, n_b)
    diff = round4(float(np.mean(a_scores)) - float(np.mean(b_scores)))
    wide = None if thread_error_sd is None else with_thread_error(diff, ci, thread_error_sd, thread_error_threads)
    low, high = wide or ci
    direction: Literal["a", "b"] | None = None if low <= 0.0 <= high else ("a" if low > 0 else "b")
    row.update(
        {
            "mean_diff": diff,
            "ci95": ci,
            "ci95_with_thread_error": wide,
            "mann_whitney_u": round4(u),
            "p_value": p,
            "effect_size": delta,
            "effect_magnitude": effect_magnitude(delta),
            "comparable": True,
            "direction": direction,
        }
    )
    return row


def with_thread_error(
    diff: float, ci: Sequence[float], thread_error_sd: float, threads: int | None = None
) -> list[float]:
    """``diff``'s 95% interval once the method's error from thread to thread, measured on ``threads``, is counted.

    See the module docstring; ``threads`` ``None`` (or σ 0) takes σ as exact and uses 1.96.
    """
    sampling = (ci[1] - ci[0]) / (2 * 1.96)
    between = 2 * thread_error_sd**2
    total = sampling**2 + between
    quantile = 1.96
    if threads is not None and between > 0:
        if threads < 2:
            raise ValueError(f"a standard deviation needs at least 2 threads, got {threads}")
        from scipy.stats import t

        quantile = float(t.ppf(0.975, total**2 * (threads - 1) / between**2))
    half = quantile * math.sqrt(total)
    return [round4(diff - half), round4(diff + half)]


def compare_all(
    labels: Sequence[str],
    scores: Sequence[Sequence[float]],
    *,
    seed: int = 0,
    n_boot: int = N_BOOT,
    min_scored: int = MIN_SCORED,
    thread_error_sd: float | None = None,
    thread_error_threads: int | None = None,
) -> list[schema.PairStats]:
    """``compare_pair`` for every pair of threads, in input order (A–B, A–C, B–C…)."""
    return [
        compare_pair(
            labels[i],
            labels[j],
            scores[i],
            scores[j],
            seed=seed,
            n_boot=n_boot,
            min_scored=min_scored,
            thread_error_sd=thread_error_sd,
            thread_error_threads=thread_error_threads,
        )
        for i in range(len(labels))
        for j in range(i + 1, len(labels))
    ]


# --------------------------------------------------------------------------
# Themes


def log_odds_z(counts: np.ndarray, prior_per_category: float = PRIOR_PER_CATEGORY) -> np.ndarray:
    """Monroe et al.'s z-scores of each category in each group against all other groups together.

    ``δ = log((y_i + α)/(n_i + α₀ − y_i − α)) − log((y_j + α)/(n_j + α₀ − y_j − α))``
    with ``σ² ≈ 1/(y_i + α) + 1/(y_j + α)`` and ``z = δ/σ``, where ``j`` pools
    every other group and the prior ``α = α₀ · π`` spreads ``α₀ =
    prior_per_category × categories`` pseudo-counts by the pooled shares ``π``.

    Args:
        counts: shape ``(categories, groups)``; counts of comments.
        prior_per_category: strength of the prior, in pseudo-comments per category.

    Returns:
        z-scores of the same shape; positive means over-represented in that group.
        All zeros when there are fewer than two groups or categories, or no counts.

    """
    y = np.asarray(counts, dtype=float)
    categories, groups = y.shape
    if groups < 2 or categories < 2 or y.sum() == 0:
        return np.zeros_like(y)
    pooled = y.sum(axis=1)
    alpha0 = prior_per_category * categories
    # A category nobody used gets a sliver of prior so logs stay finite.
    alpha = alpha0 * (pooled + 0.01) / (pooled + 0.01).sum()
    z = np.zeros_like(y)
    for g in range(groups):
        yi = y[:, g]
        yj = pooled - yi
        ni, nj = yi.sum(), yj.sum()
        delta = np.log((yi + alpha) / (ni + alpha0 - yi - alpha)) - np.log((yj + alpha) / (nj + alpha0 - yj - alpha))
        z[:, g] = delta / np.sqrt(1.0 / (yi + alpha) + 1.0 / (yj + alpha))
    return z


def shared_themes(
    themes: Sequence[schema.JointTheme],
    labels: Sequence[str],
    assignments: Sequence[Mapping[str, int]],
    scores: Sequence[Mapping[str, float | None]],
    *,
    min_scored: int = MIN_SCORED,
) -> list[schema.SharedTheme]:
    """Each shared theme with its size, share and tone in every thread, and what it is distinctive of.

    Args:
        themes: the themes of the joint model, kept as they are.
        labels: thread labels, in input order.
        assignments: per thread, comment id → theme id (``-1`` unassigned)
            for every comment that was modelled.
        scores: per thread, comment id → tone score (``None`` unscored).
        min_scored: a theme's tone in a thread is given only with this many scored comments.

    Returns:
        The themes in the order given, each with ``by_thread`` (one row per
        thread: ``thread``, ``size``, ``share`` of that thread's modelled
        comments, ``sentiment_mean``, ``sentiment_n``), ``distinctiveness``
        (``thread`` and ``z`` per thread), ``distinctive_of`` (the label of
        the thread it is distinctive of, or ``None``; never an unstable
        theme, which is a hint rather than a finding) and ``z`` (that
        thread's z-score, else the largest).

    """
    ids = [t["id"] for t in themes]
    # Unassigned comments are a category too, so the counts cover each thread's whole sample.
    categories = [*ids, -1]
    index = {tid: k for k, tid in enumerate(categories)}
    counts = np.zeros((len(categories), len(labels)))
    tone: list[dict[int, list[float]]] = [{} for _ in labels]
    for g, (assigned, thread_scores) in enumerate(zip(assignments, scores, strict=True)):
        for pid, theme_id in assigned.items():
            k = index.get(int(theme_id), index[-1])
            counts[k, g] += 1
            score = thread_scores.get(pid)
            if score is not None:
                tone[g].setdefault(categories[k], []).append(score)
    totals = counts.sum(axis=0)
    z = log_odds_z(counts)
    out: list[schema.SharedTheme] = []
    for theme in themes:
        k = index[theme["id"]]
        by_thread: list[schema.ThreadShare] = []
        for g, label in enumerate(labels):
            values = tone[g].get(theme["id"], [])
            by_thread.append(
                {
                    "thread": label,
                    "size": int(counts[k, g]),
                    "share": round4(counts[k, g] / totals[g]) if totals[g] else None,
                    "sentiment_mean": mean4(values) if len(values) >= min_scored else None,
                    "sentiment_n": len(values),
                }
            )
        zs = [round4(float(v)) for v in z[k]]
        top = int(np.argmax(z[k])) if len(labels) else 0
        distinctive = bool(zs) and zs[top] >= Z_DISTINCTIVE and not schema.unstable(theme["stability"])
        out.append(
            {
                **theme,
                "by_thread": by_thread,
                "distinctiveness": [{"thread": label, "z": v} for label, v in zip(labels, zs, strict=True)],
                "distinctive_of": labels[top] if distinctive else None,
                "z": zs[top] if zs else None,
            }
        )
    return out


# --------------------------------------------------------------------------
# Structure


def structure_summary(structure: schema.Structure) -> schema.StructureSummary:
    """The figures of ``analyze_structure``'s result that read well side by side.

    A figure the thread cannot have (no reply structure, no authors) is ``None``.
    """
    concentration = structure["concentration"]
    chain = structure["longest_chain"]
    return {
        "structured": structure["structured"],
        "comments": structure["comments"],
        "authors": structure["authors"],
        "top_level": structure["top_level"],
        "max_depth": structure["max_depth"],
        "mean_depth": structure["mean_depth"],
        "branching_factor": structure["branching_factor"],
        "replies_per_comment": structure["replies_per_comment"],
        "top10_share": concentration["top10_share"] if concentration else None,
        "gini": concentration["gini"] if concentration else None,
        "exchange_count": structure["exchange_count"],
        "longest_chain": chain["length"] if chain else None,
        "deleted": structure["deleted"],
        "notes": list(structure["notes"]),
    }


# --------------------------------------------------------------------------
# Helpers


def _sig(value: float) -> float:
    """Four significant digits: p-values can be tiny and still matter."""
    return float(f"{value:.4g}") + 0.0
