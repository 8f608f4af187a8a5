"""The shape of ``results.json``: one TypedDict per block, for analyses and comparisons.

The analyses build these, ``pipeline`` assembles them, the writers read
them, and ``json.dumps`` writes them as they are: the file's keys come in the
order the builders write them, so the types add checking and change no byte
of the schemas ``threadscope.analysis/1`` and ``threadscope.comparison/1``.

TypedDicts rather than dataclasses because the results *are* the JSON: a
notebook user indexes ``result.results["sentiment"]["mean"]`` as before, and
mypy checks every key the writers read. ``None`` marks a figure the thread
cannot have (no reply structure, no times, too few scored comments), never a
step that did not run: every block is always there.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, Required, TypedDict

ANALYSIS_SCHEMA: Literal["threadscope.analysis/1"] = "threadscope.analysis/1"
COMPARISON_SCHEMA: Literal["threadscope.comparison/1"] = "threadscope.comparison/1"
#: A theme whose ``stability`` (mean Jaccard when found again without 10% of
#: the comments) is below this is unstable, a hint rather than a finding.
#: Hennig's guide for cluster-wise stability (fpc's ``clusterboot``): below
#: 0.6 a cluster "should not be trusted".
STABLE_THEME = 0.6


class ThreadBlock(TypedDict):
    """Where the discussion came from."""

    source: str
    id: str
    title: str | None
    url: str | None
    permalink: str | None
    author: str | None
    created_at: str | None
    fetched_at: str | None
    structured: bool
    notes: list[str]


class PostRow(TypedDict):
    """One comment (every post but the root), in thread order."""

    id: str
    parent_id: str | None
    author: str | None
    depth: int
    created_at: str | None
    text: str
    deleted: bool
    sentiment: float | None
    tone: int | None
    vader: float | None
    theme: int | None
    permalink: str | None
    flags: list[str]


# --- structure -------------------------------------------------------------


class AuthorCount(TypedDict):
    """One of ``most_active_authors``."""

    author: str
    comments: int


class Concentration(TypedDict):
    """How unevenly comments spread over authors."""

    top10_share: float
    gini: float


class DepthCount(TypedDict):
    """One bar of ``depth_histogram``."""

    depth: int
    count: int


class Subthread(TypedDict):
    """One of ``largest_subthreads``: a top-level comment and everything below it."""

    root_id: str
    author: str | None
    size: int
    depth: int
    dominant_theme: int | None
    permalink: str | None


class Chain(TypedDict):
    """``longest_chain``: the ids and authors from a top-level comment down to the deepest reply."""

    length: int
    ids: list[str]
    authors: list[str | None]


class Replied(TypedDict):
    """One of ``most_replied``."""

    id: str
    author: str | None
    replies: int
    permalink: str | None


class RepliedAuthor(TypedDict):
    """One of ``most_replied_authors``."""

    author: str
    replies_received: int


class Exchange(TypedDict):
    """One of ``exchanges``: two authors taking turns down a reply chain."""

    authors: list[str | None]
    turns: int
    ids: list[str]
    start_id: str


#: ``from`` is a keyword, hence the functional form.
AuthorPair = TypedDict("AuthorPair", {"from": str, "to": str, "replies": int})


class HourCount(TypedDict):
    """One hour of ``per_hour``."""

    hour: str
    count: int


class Authorship(TypedDict):
    """Who wrote: ``None`` throughout when no comment has a known author."""

    authors: int | None
    op_comments: int | None
    most_active_authors: list[AuthorCount] | None
    concentration: Concentration | None


class Shape(TypedDict):
    """The reply tree: ``None`` throughout without reply structure."""

    top_level: int | None
    max_depth: int | None
    mean_depth: float | None
    depth_histogram: list[DepthCount] | None
    branching_factor: float | None
    replies_per_comment: float | None
    largest_subthreads: list[Subthread] | None
    longest_chain: Chain | None
    most_replied: list[Replied] | None
    most_replied_authors: list[RepliedAuthor] | None
    exchanges: list[Exchange] | None
    exchange_count: int | None
    author_pairs: list[AuthorPair] | None


class Timeline(TypedDict):
    """Activity over time: ``None`` throughout when too few comments carry a time."""

    per_hour: list[HourCount] | None
    first_comment_at: str | None
    last_comment_at: str | None
    peak_hour: str | None


class Structure(Authorship, Shape, Timeline):
    """``structure``: counts, tree shape, authors and time (``analysis.structure``)."""

    structured: bool
    comments: int
    deleted: int
    orphaned: int
    notes: list[str]


# --- tone ------------------------------------------------------------------


class DepthTone(TypedDict):
    """One row of ``by_depth``."""

    depth: int
    n: int
    mean: float | None


class SubthreadTone(TypedDict):
    """One row of ``by_subthread``."""

    root_id: str
    author: str | None
    n: int
    mean: float | None
    ci95: list[float] | None


class ThemeTone(TypedDict):
    """One row of ``by_theme`` (``unassigned``: the comments of no theme)."""

    theme: int
    unassigned: bool
    n: int
    mean: float | None
    ci95: list[float] | None


class Extreme(TypedDict):
    """One of ``most_positive`` and ``most_negative``."""

    id: str
    author: str | None
    score: float
    permalink: str | None
    excerpt: str


class ToneMethod(TypedDict, total=False):
    """What scored the tone: VADER's fields or the tone model's, and how intervals were drawn.

    A scorer's ``caveats`` become the summary's ``caveats``; ``sentiment.method`` has none.
    """

    name: Required[str]
    package: str
    score: str
    positive_at_least: float
    negative_at_most: float
    text: str
    features: str
    evaluation: dict[str, Any] | None
    thread_error_sd: float | None
    thread_error_threads: int | None
    agreement: str
    ci95: str
    min_words_for_extremes: int
    caveats: list[str]


class Shares(TypedDict):
    """The share of scored comments in each tone class."""

    positive_share: float | None
    neutral_share: float | None
    negative_share: float | None


class Sentiment(Shares):
    """``sentiment``: the tone overall and by depth, subthread and theme (``analysis.sentiment``)."""

    n: int
    mean: float | None
    median: float | None
    ci95: list[float] | None
    by_depth: list[DepthTone] | None
    by_subthread: list[SubthreadTone] | None
    by_theme: list[ThemeTone] | None
    most_positive: list[Extreme]
    most_negative: list[Extreme]
    method: ToneMethod
    caveats: list[str]
    notes: list[str]


# --- themes ----------------------------------------------------------------


class ThemeCore(TypedDict):
    """What a theme is, in an analysis and in a comparison alike."""

    id: int
    label: str
    keywords: list[str]
    size: int
    share: float
    guided: bool
    confidence: float | None
    #: How closely it reappears without 10% of the comments (mean Jaccard, 0-1; see ``unstable``).
    stability: float | None


class Theme(ThemeCore):
    """One of an analysis's ``themes``, largest first."""

    representative_ids: list[str]
    sentiment_mean: float | None


class ThemesInfo(TypedDict):
    """``themes_info``: how the themes were found (``method`` is ``too_small`` when there were too few comments)."""

    method: str
    note: str | None
    unassigned_share: float
    params: dict[str, Any]


# --- meta ------------------------------------------------------------------


class Params(TypedDict):
    """``meta.params``: the run's options (``subtree`` only in an analysis; the last four only in a comparison)."""

    seed: int
    guided_themes: list[str]
    model: str | None
    tone: str
    subtree: NotRequired[bool]
    min_scored: NotRequired[int]
    n_boot: NotRequired[int]
    prior_per_category: NotRequired[float]
    z_distinctive: NotRequired[float]


class Meta(TypedDict):
    """``meta``: version, model, options and timings of the run."""

    threadscope: str
    embedding_model: str
    params: Params
    timings_s: dict[str, float]
    seed: int


class AnalysisResults(TypedDict):
    """``results.json`` of ``analyze``: schema ``threadscope.analysis/1``."""

    schema: Literal["threadscope.analysis/1"]
    thread: ThreadBlock
    posts: list[PostRow]
    structure: Structure
    sentiment: Sentiment
    themes: list[Theme]
    themes_info: ThemesInfo
    meta: Meta


# --- comparison ------------------------------------------------------------


class StructureSummary(TypedDict):
    """The structure figures that read well side by side (``analysis.compare.structure_summary``)."""

    structured: bool
    comments: int
    authors: int | None
    top_level: int | None
    max_depth: int | None
    mean_depth: float | None
    branching_factor: float | None
    replies_per_comment: float | None
    top10_share: float | None
    gini: float | None
    exchange_count: int | None
    longest_chain: int | None
    deleted: int
    notes: list[str]


class ThreadEntry(TypedDict):
    """One compared thread."""

    key: str
    letter: str
    spec: str
    thread: ThreadBlock
    comparable: bool
    notes: list[str]
    sentiment: Sentiment
    structure: StructureSummary
    posts: list[PostRow]


class PairStats(TypedDict):
    """Two threads' tone compared (``analysis.compare.compare_pair``)."""

    a: str
    b: str
    n_a: int
    n_b: int
    mean_a: float | None
    mean_b: float | None
    mean_diff: float | None
    ci95: list[float] | None
    mann_whitney_u: float | None
    p_value: float | None
    effect_size: float | None
    effect_magnitude: str | None
    comparable: bool
    thread_error_sd: float | None
    thread_error_threads: int | None
    ci95_with_thread_error: list[float] | None
    direction: Literal["a", "b"] | None


class Pair(PairStats):
    """One of a comparison's ``pairs``: the statistics and what they say in words (``report.verdict``)."""

    verdict: str


class Representative(TypedDict):
    """A comment that represents a joint theme, named by thread and id."""

    thread: str
    id: str


class ThreadShare(TypedDict):
    """One thread's figures for a shared theme."""

    thread: str
    size: int
    share: float | None
    sentiment_mean: float | None
    sentiment_n: int


class Distinctiveness(TypedDict):
    """How much more common a shared theme is in one thread than in the others (log-odds z)."""

    thread: str
    z: float


class JointTheme(ThemeCore):
    """A theme of the joint model, with its representatives named by thread and id."""

    representatives: list[Representative]


class SharedTheme(JointTheme):
    """One of a comparison's ``themes``: its size, share and tone in every thread."""

    by_thread: list[ThreadShare]
    distinctiveness: list[Distinctiveness]
    distinctive_of: str | None
    z: float | None


class ComparisonResults(TypedDict):
    """``results.json`` of ``compare``: schema ``threadscope.comparison/1``."""

    schema: Literal["threadscope.comparison/1"]
    threads: list[ThreadEntry]
    pairs: list[Pair]
    themes: list[SharedTheme]
    themes_info: ThemesInfo
    meta: Meta


# --- corpus ----------------------------------------------------------------

CORPUS_SCHEMA: Literal["threadscope.corpus/1"] = "threadscope.corpus/1"


class CorpusOverview(TypedDict):
    """``corpus``: what the database holds and how this run grouped it."""

    name: str
    threads: int
    posts: int
    analysed: int
    first: str | None
    last: str | None
    by: str


class CorpusTone(Shares):
    """``sentiment`` of a corpus: the tone of every analysed post (``corpus.aggregate.overall``)."""

    n: int
    mean: float | None
    ci95: list[float] | None
    unassigned_share: float | None
    method: ToneMethod


class Period(Shares):
    """One of ``periods``: posts and tone of one month, quarter or year."""

    period: str
    posts: int
    sentiment_mean: float | None
    ci95: list[float] | None
    unassigned_share: float | None


class ThemePeriod(TypedDict):
    """A corpus theme in one period."""

    period: str
    size: int
    share: float | None
    sentiment_mean: float | None


class ThemeThread(TypedDict):
    """A thread that carries a corpus theme."""

    thread: str
    title: str | None
    permalink: str | None
    posts: int
    share_of_thread: float | None


class CorpusQuote(TypedDict):
    """A post that says a corpus theme most plainly."""

    post: str
    author: str | None
    created_at: str | None
    permalink: str | None
    text: str
    similarity: float
    sentiment: float


class CorpusTheme(TypedDict):
    """One of a corpus's ``themes``: guided first, then largest first."""

    id: int
    label: str
    keywords: list[str]
    guided: bool
    confidence: float | None
    born: str
    size: int
    share: float | None
    sentiment_mean: float | None
    ci95: list[float] | None
    by_period: list[ThemePeriod]
    threads: list[ThemeThread]
    quotes: list[CorpusQuote]


class CorpusThemesInfo(TypedDict):
    """How a corpus's themes were fitted (``corpus.fit``)."""

    method: str
    sampled_posts: int
    per_period: int
    merge_cosine: float
    floor_percentile: float


class CorpusParams(TypedDict):
    """``meta.params`` of a corpus run."""

    by: str
    guided_themes: list[str]
    tone: str
    seed: int
    sample: int
    engine: str


class CorpusMeta(TypedDict):
    """``meta`` of a corpus run (``run`` numbers it in the database)."""

    threadscope: str
    embedding_model: str
    params: CorpusParams
    run: int
    timings_s: dict[str, float]


class CorpusResults(TypedDict):
    """``results.json`` of ``corpus analyze``: schema ``threadscope.corpus/1``."""

    schema: Literal["threadscope.corpus/1"]
    corpus: CorpusOverview
    sentiment: CorpusTone
    periods: list[Period]
    themes: list[CorpusTheme]
    themes_info: CorpusThemesInfo
    meta: CorpusMeta


def unstable(stability: float | None) -> bool:
    """Whether a theme of this ``stability`` did not reliably reappear without some of its comments."""
    return stability is not None and stability < STABLE_THEME
