"""The tone of a discussion: a VADER score per post and a summary with bootstrap intervals.

VADER (Hutto & Gilbert, 2014) is a lexicon of rated words plus rules for
negation, intensifiers, capitals and punctuation, tuned on social media. Its
``compound`` score runs from -1 (most negative) to 1 (most positive); like its
authors we call a post positive at ≥ 0.05 and negative at ≤ -0.05.

What is scored is a post's ``own_text`` (its author's words, the lines quoting
the parent already removed), further stripped of what carries no tone but
still moves the lexicon: URLs (``www.`` too), fenced and inline code in
backticks, and code blocks, i.e. lines indented by two or more spaces or a tab
(HN's code convention). A post with nothing left is not scored.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from threadscope import schema
from threadscope.analysis import numbers
from threadscope.analysis.numbers import mean4, round4
from threadscope.model import Post, Thread

if TYPE_CHECKING:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

#: VADER's own cut-offs for the compound score.
POSITIVE = 0.05
NEGATIVE = -0.05
#: The most positive/negative posts must have this many words, so a lone "Thanks!" does not top the list.
MIN_WORDS_FOR_EXTREMES = 5
EXCERPT_CHARS = 200
TOP_EXTREMES = 3
MIN_SUBTHREAD_POSTS = 3
TOP_SUBTHREADS = 10

_FENCED = re.compile(r"```.*?(?:```|\Z)", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_CODE_LINE = re.compile(r"^(?: {2,}|\t).*$", re.M)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_SPACE = re.compile(r"\s+")

_Ci = Callable[[Sequence[float]], "list[float] | None"]

CAVEATS = [
    "Sentiment is scored with VADER, a lexicon- and rule-based model tuned on social media posts: "
    "it rates the tone of the wording, not whether the author agrees or disagrees.",
    "It misses sarcasm and irony, and it can miss a negation that spans a long sentence.",
    "Technical words read as negative even when they are neutral in context "
    '(for example "kill a process", "attack surface", "vulnerability"), '
    "which pulls threads about security or failures downward.",
    "Long comments add up many rated words, so their scores tend towards the extremes.",
    "It knows only English. Read its scores as a thermometer for the thread as a whole, "
    "not as a verdict on any one comment.",
]


#: ``method`` block of a VADER-scored summary.
VADER_METHOD: schema.ToneMethod = {
    "name": "VADER",
    "package": "vaderSentiment",
    "score": "compound, from -1 to 1",
    "positive_at_least": POSITIVE,
    "negative_at_most": NEGATIVE,
    "text": "the author's own words; quoted lines, URLs and code removed",
    "caveats": CAVEATS,
}


def vader_class(score: float) -> int:
    """-1, 0 or +1 by VADER's own cut-offs of the compound score."""
    return 1 if score >= POSITIVE else -1 if score <= NEGATIVE else 0


@functools.cache
def _analyzer() -> SentimentIntensityAnalyzer:
    """One analyzer per process: building it reads the lexicon files."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def lexicon() -> Mapping[str, float]:
    """VADER's rated words (lower-case) and their valence, -4 to 4."""
    return _analyzer().lexicon  # type: ignore[no-any-return]


def polarity_scores(text: str) -> dict[str, float]:
    """VADER's ``neg``, ``neu``, ``pos`` and ``compound`` scores of ``text`` as it is."""
    return dict(_analyzer().polarity_scores(text))


def clean_text(text: str) -> str:
    """Text with code, code blocks and URLs removed and whitespace collapsed."""
    for pattern in (_FENCED, _INLINE_CODE, _CODE_LINE, _URL):
        text = pattern.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def vader_scores(text: str) -> dict[str, float] | None:
    """VADER's four scores of a text after ``clean_text``; ``None`` if nothing is left."""
    cleaned = clean_text(text)
    return polarity_scores(cleaned) if cleaned else None


def score_text(text: str) -> float | None:
    """VADER's compound score of a text after ``clean_text``; ``None`` if nothing is left."""
    scores = vader_scores(text)
    return None if scores is None else round4(scores["compound"])


def vader_posts(thread: Thread) -> dict[str, dict[str, float] | None]:
    """``vader_scores`` of every post but the root, by id; ``None`` for a deleted or empty post."""
    return {p.id: vader_scores(p.own_text) if p.has_text else None for p in thread.comments}


def compounds(scores: Mapping[str, dict[str, float] | None]) -> dict[str, float | None]:
    """The compound score (rounded as results.json keeps it) of each entry of ``vader_posts``."""
    return {key: None if s is None else round4(s["compound"]) for key, s in scores.items()}


def score_posts(thread: Thread) -> dict[str, float | None]:
    """The compound score of every post but the root, by id.

    ``None`` for a deleted post or one with no words of its own once quotes,
    URLs and code are removed.
    """
    return compounds(vader_posts(thread))


def bootstrap_ci(values: Sequence[float], seed: int = 0, n_boot: int = 2000) -> list[float] | None:
    """95% percentile bootstrap interval of the mean, deterministic for a seed (``numbers.bootstrap_ci``).

    Returns:
        ``[low, high]`` rounded to 4 places, or ``None`` for fewer than two values.

    """
    return numbers.bootstrap_ci([values], seed=seed, n_boot=n_boot)


def summarize_sentiment(
    thread: Thread,
    scores: Mapping[str, float | None],
    theme_of: Mapping[str, int | None] | None = None,
    *,
    seed: int = 0,
    n_boot: int = 2000,
    classes: Mapping[str, int | None] | None = None,
    method: schema.ToneMethod | None = None,
    note: str | None = None,
) -> schema.Sentiment:
    """The tone of the thread overall, by depth, by subthread and by theme.

    Args:
        thread: the discussion.
        scores: post id → tone score in [-1, 1] (``score_posts`` for VADER's
            compound, or the tone model's); ``None`` is unscored.
        theme_of: post id → theme id (``-1`` unassigned); enables ``by_theme``.
        seed: seed of every bootstrap, each group drawing from a fresh generator
            so a group's interval does not depend on the others.
        n_boot: bootstrap resamples.
        classes: post id → tone class (-1, 0, +1); when given, the shares
            and extremes follow the classes instead of VADER's cut-offs.
        method: what scored the tone (``VADER_METHOD`` by default); its
            ``caveats`` become the summary's.
        note: one more note for the reader (e.g. why VADER was used).

    Returns:
        ``n``, ``mean``, ``median``, ``ci95``, ``positive_share``,
        ``neutral_share``, ``negative_share``, ``by_depth``, ``by_subthread``,
        ``by_theme``, ``most_positive``, ``most_negative``, ``method``,
        ``caveats`` and ``notes``. Statistics of an empty sample are ``None``;
        ``by_depth`` and ``by_subthread`` are ``None`` without a reply
        structure, ``by_theme`` without ``theme_of``. The extremes only list
        posts of at least ``MIN_WORDS_FOR_EXTREMES`` words on the right side
        of the thresholds.

    """
    described = (method or VADER_METHOD).copy()
    caveats = described.pop("caveats", CAVEATS)
    scored = [(p, s) for p in thread.comments if (s := scores.get(p.id)) is not None]
    values = [s for _, s in scored]
    if classes is None:
        classes = {p.id: vader_class(s) for p, s in scored}
    labelled = [c for p, _ in scored if (c := classes.get(p.id)) is not None]

    def ci(sample: Sequence[float]) -> list[float] | None:
        return bootstrap_ci(sample, seed=seed, n_boot=n_boot)

    return {
        "n": len(values),
        "mean": mean4(values),
        "median": round4(float(np.median(values))) if values else None,
        "ci95": ci(values),
        **_shares(labelled),
        "by_depth": _by_depth(scored) if thread.structured else None,
        "by_subthread": _by_subthread(thread, scored, ci) if thread.structured else None,
        "by_theme": _by_theme(scored, theme_of, ci) if theme_of is not None else None,
        "most_positive": _extremes(scored, classes, positive=True),
        "most_negative": _extremes(scored, classes, positive=False),
        "method": {
            **described,
            "ci95": f"percentile bootstrap of the mean, {n_boot} resamples, seed {seed}",
            "min_words_for_extremes": MIN_WORDS_FOR_EXTREMES,
        },
        "caveats": list(caveats),
        "notes": _notes(thread, len(values)) + ([note] if note else []),
    }


def _shares(classes: Sequence[int]) -> schema.Shares:
    if not classes:
        return {"positive_share": None, "neutral_share": None, "negative_share": None}
    positive = round4(sum(c > 0 for c in classes) / len(classes))
    negative = round4(sum(c < 0 for c in classes) / len(classes))
    # Derived so the three rounded shares still add up to 1.
    neutral = round4(1 - positive - negative)
    return {"positive_share": positive, "neutral_share": neutral, "negative_share": negative}


def _by_depth(scored: Sequence[tuple[Post, float]]) -> list[schema.DepthTone]:
    groups: dict[int, list[float]] = defaultdict(list)
    for post, score in scored:
        groups[post.depth].append(score)
    return [{"depth": d, "n": len(v), "mean": mean4(v)} for d, v in sorted(groups.items())]


def _by_subthread(thread: Thread, scored: Sequence[tuple[Post, float]], ci: _Ci) -> list[schema.SubthreadTone]:
    top_of = _top_level_of(thread)
    groups: dict[str, list[float]] = {}
    for post, score in scored:
        groups.setdefault(top_of[post.id].id, []).append(score)
    rows: list[schema.SubthreadTone] = [
        {"root_id": rid, "author": thread.get(rid).author, "n": len(v), "mean": mean4(v), "ci95": ci(v)}
        for rid, v in groups.items()
        if len(v) >= MIN_SUBTHREAD_POSTS
    ]
    return sorted(rows, key=lambda row: -row["n"])[:TOP_SUBTHREADS]


def _top_level_of(thread: Thread) -> dict[str, Post]:
    """Each comment's top-level ancestor (itself at depth 1)."""
    # Posts come depth-first, so the latest depth-1 post is the ancestor of
    # everything that follows until the next one.
    out: dict[str, Post] = {}
    top: Post | None = None
    for post in thread.comments:
        if post.depth == 1 or top is None:
            top = post
        out[post.id] = top
    return out


def _by_theme(
    scored: Sequence[tuple[Post, float]], theme_of: Mapping[str, int | None], ci: _Ci
) -> list[schema.ThemeTone]:
    groups: dict[int, list[float]] = defaultdict(list)
    for post, score in scored:
        theme = theme_of.get(post.id)
        if theme is not None:
            groups[int(theme)].append(score)
    # Unassigned (-1) last: it is the leftover, not a theme.
    order = sorted(groups, key=lambda t: (t < 0, t))
    return [
        {"theme": t, "unassigned": t < 0, "n": len(v), "mean": mean4(v), "ci95": ci(v)}
        for t, v in ((t, groups[t]) for t in order)
    ]


def _extremes(
    scored: Sequence[tuple[Post, float]], classes: Mapping[str, int | None], *, positive: bool
) -> list[schema.Extreme]:
    sign = 1 if positive else -1
    pool = [
        (p, s)
        for p, s in scored
        if classes.get(p.id) == sign and len(clean_text(p.own_text).split()) >= MIN_WORDS_FOR_EXTREMES
    ]
    pool.sort(key=lambda ps: -sign * ps[1])  # stable: ties stay in thread order
    return [
        {"id": p.id, "author": p.author, "score": s, "permalink": p.permalink, "excerpt": excerpt(p.own_text)}
        for p, s in pool[:TOP_EXTREMES]
    ]


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of a text, whitespace collapsed, cut on a word boundary and ended with "…".

    The result is at most ``limit`` characters, the ellipsis included.
    """
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:.-") + "…"


def _notes(thread: Thread, n: int) -> list[str]:
    notes = []
    unscored = len(thread.comments) - n
    if unscored:
        notes.append(
            f"{unscored} of {len(thread.comments)} comments have no score: deleted, empty, "
            "or only quotes, links or code."
        )
    if n < 2:
        notes.append("Fewer than two posts could be scored, so no confidence interval is given.")
    if not thread.structured:
        notes.append("This discussion has no reply structure, so tone by depth and by subthread is not available.")
    return notes
