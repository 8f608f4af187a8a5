"""What a compared pair of threads says, in words: the ``verdict`` of results.json's ``pairs``.

It names the thread whose comments read more positive only when the interval
of the difference excludes zero (the wider one that counts the tone method's
error from thread to thread, when it is known), gives the difference from that
thread's side, and flags small samples and a rank test that disagrees. It
describes the comments, not why they differ. The statistics are
``analysis.compare``'s.
"""

from __future__ import annotations

from threadscope import schema
from threadscope.analysis.numbers import plural
from threadscope.report import fmt

#: Below this many scored comments per side, a verdict says the samples are small.
SMALL_SAMPLE = 30


def verdict(pair: schema.PairStats, min_scored: int) -> str:
    """The plain-language reading of a compared pair (``min_scored``: what comparing needed on each side)."""
    a, b, n_a, n_b = pair["a"], pair["b"], pair["n_a"], pair["n_b"]
    diff, ci = pair["mean_diff"], pair["ci95"]
    if not pair["comparable"] or diff is None or ci is None:
        small = [f"{label} has {plural(n, 'scored comment')}" for label, n in ((a, n_a), (b, n_b)) if n < min_scored]
        return f"Too few comments to compare: {' and '.join(small)}; at least {min_scored} are needed on each side."
    p, delta, direction = pair["p_value"], pair["effect_size"], pair["direction"]
    wide = pair.get("ci95_with_thread_error")
    if direction is None:
        text = f"No clear difference in tone between {a} and {b} ({_interval(diff, ci, wide, flip=False)})."
    else:
        # Speak from the more positive thread's side so the difference reads as positive.
        hi, lo = (a, b) if direction == "a" else (b, a)
        text = f"Comments in {hi} read more positive than in {lo} ({_interval(diff, ci, wide, flip=direction == 'b')})."
        if delta is not None:
            text += f" The effect is {pair['effect_magnitude']} (Cliff's delta {_signed(abs(delta))})."
        if p is not None and p >= 0.05:
            text += f" The rank test is less clear (Mann-Whitney p = {fmt.p_value(p)}), so treat this as tentative."
    if min(n_a, n_b) < SMALL_SAMPLE:
        text += (
            f" The samples are small ({n_a} and {n_b} scored comments), so the interval is wide and the reading rough."
        )
    return text


def _interval(diff: float, ci: list[float], wide: list[float] | None, *, flip: bool) -> str:
    """The difference and its interval and, when known, the interval with the method's error from thread to thread."""
    sign = -1 if flip else 1
    d, (low, high) = sign * diff, sorted((sign * ci[0], sign * ci[1]))
    text = f"difference {_signed(d)}, 95% CI {_signed(low)} to {_signed(high)}"
    if wide is None:
        return text
    w_low, w_high = sorted((sign * wide[0], sign * wide[1]))
    return (
        f"{text} from the comments alone, {_signed(w_low)} to {_signed(w_high)} counting how far the tone "
        "method strays from readers from one thread to another"
    )


def _signed(value: float) -> str:
    """``+0.08``, ``−0.14`` (a real minus); three decimals when two would read 0.00 (unlike ``fmt.signed``)."""
    text = f"{value:+.2f}" if abs(value) >= 0.005 or value == 0 else f"{value:+.3f}"
    return "0.00" if text in {"+0.00", "-0.00"} else text.replace("-", "−")
