"""Themes of a discussion: clusters of comments that talk about the same thing.

``find_themes`` takes the comments' texts and their (precomputed, normalised)
embeddings and returns labelled themes and each comment's theme.

How, and why this way:

1. **Canonical order.** Inputs are sorted by (sha256 of text, id) before
   anything is fitted and mapped back afterwards, so the same comments give
   the same themes, labels and assignment whatever order they come in.
2. **Context.** Each comment's vector is mixed with its parent's
   (``CONTEXT_WEIGHT``; without reply structure, the post before it), so a
   short reply means what it answers (``context_parents``).
3. **Guided themes first.** Each name is expanded from the thread itself:
   with the thread's words closest to it, then towards its closest comments
   (pseudo-relevance feedback); a comment joins its best name when its
   standardised similarity reaches ``GUIDED_Z`` (see ``_assign_guided``).
   **Free themes** for the rest: PCA to at most 15 dimensions and k-means,
   BERTopic's pipeline with its reducer and clusterer swapped, run through
   scikit-learn directly (see ``_cluster``). On the seed thread and HN
   27145911 this gives themes at least as readable as UMAP + HDBSCAN
   (BERTopic's defaults) in 0.1 s instead of ~9 s, and HDBSCAN left 50-75%
   outliers; ``benchmarks/QUALITY.md`` scores both against readers. k grows
   with the square root of the number of comments.
4. **Outliers.** k-means puts every comment somewhere, including the short,
   generic replies every thread has. A comment joins a theme when its cosine
   similarity to the theme's centroid reaches ``MEMBER_FLOOR`` (or just short
   of it, inside a subthread of that theme: below); else it stays unassigned
   (-1), and a theme left with fewer than ``min_theme_size`` members dissolves.
   **Subthread coherence.** Guided and free themes alike are decided over the
   reply tree at once (``coherence.decode``): a reply and the comment it
   answers gain from sharing a theme and lose from being in two, so a reply
   that falls just short of its subthread's theme joins it. On the seed page
   this took free macro-F1 from 0.61 to 0.69 and guided accuracy from 0.61 to
   0.66 while guided themes took 37% of the paragraphs instead of 35%
   (``benchmarks/QUALITY.md``; ``tests/analysis/test_theme_quality.py``
   checks it against the same method without coherence).
5. **Labels.** c-TF-IDF (BERTopic's formula, ``theme_words``) over the final groups, with English and HN
   filler stop words, unigrams and bigrams. A bigram absorbs its words when
   it scores close to them. The label is the top one or two distinct terms
   joined by " / " (2–5 words); a guided theme keeps the user's name.
6. **Order.** Guided themes first, in the order given (flagged
   ``guided: true``), then free themes by size, largest first; ids are 0..k-1
   in that order.
7. **Stability.** Steps 3-4 run again ``RESAMPLES`` times, each without a
   seeded random ``LEAVE_OUT`` of the comments; a theme's stability is how
   closely it comes back (mean Jaccard, see ``_stability``), and below
   ``schema.STABLE_THEME`` it is ``unstable``. On the seed page the stable
   themes match a readers' theme at mean F1 0.53, the unstable ones at 0.29
   (``benchmarks/QUALITY.md``).

BERTopic itself is imported only where it adds something: ``topic_model``
hands these themes to a BERTopic model for its own tools (``Analysis.bertopic``),
and the quality benchmark runs it as the baseline.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import numpy as np

from threadscope import schema
from threadscope.analysis import coherence, theme_words

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

    from threadscope.model import Thread

log = logging.getLogger(__name__)

#: Below this many comments there are no themes to find.
MIN_TEXTS = 12
#: A guided name needs a comment or a word of the thread at least this close
#: (cosine), or it matches nothing and gets no members. On the seed page
#: "overhype" reaches 0.47 (through "oversold") and "underwater basket
#: weaving" 0.44 (through "diving"): MiniLM separates a paraphrase from an
#: unrelated name only thinly, so the report shows each name's confidence.
GUIDED_FLOOR = 0.45
#: A comment joins its closest guided theme when its similarity to that
#: theme's expanded query is this many standard deviations above the thread's
#: mean similarity to it (about the top sixth of the thread for each name).
GUIDED_Z = 1.0
#: Subthread coherence (``coherence.decode``), in the units of each step's
#: score: a reply and the comment it answers earn ``*_STAY`` for sharing a
#: theme and lose ``*_SWITCH`` for being in two different ones. Guided scores
#: are standardised similarities (z), free ones cosines to a theme's centroid.
GUIDED_STAY = 0.25
GUIDED_SWITCH = 0.5
FREE_STAY = 0.05
FREE_SWITCH = 0.05
#: The thread's words closest to a name that expand it ("overhype" →
#: "oversold", "hyping"), if at least ``EXPANSION_RELATIVE`` of the best
#: one's similarity: at half of it, "overhype" also took "sota", "fruit" and
#: "stack" and its guided accuracy on the seed page fell from 0.44 to 0.15.
EXPANSION_TERMS = 5
EXPANSION_RELATIVE = 0.75
#: A thread word of at least this many letters inside a word of the name
#: also expands it ("hype" in "overhype", "manage" in "management"): MiniLM's
#: word pieces of a compound it never saw carry little of the word's sense.
STEM_LETTERS = 4
#: Pseudo-relevance feedback: the query moves towards its closest comments, twice.
FEEDBACK_COMMENTS = 10
FEEDBACK_ROUNDS = 2
#: Weight of the parent's (or, without reply structure, the previous post's)
#: vector mixed into a comment's: replies such as "Exactly this." or
#: "Source?" mean what their parent is about.
CONTEXT_WEIGHT = 0.3
#: Cosine similarity to a free theme's centroid needed to belong to it.
MEMBER_FLOOR = 0.40
#: Stability: resamples, each leaving out this share of the comments at random (seeded).
RESAMPLES = 10
LEAVE_OUT = 0.10
#: Upper bound on PCA dimensions before clustering.
MAX_DIMS = 15
#: Upper bound on the number of free themes.
MAX_THEMES = 16
#: A comment's id: a post id, or whatever the caller names comments by (``pipeline`` uses
#: ``(thread index, post id)``); ids break ties, so they must sort.
K = TypeVar("K", bound="SupportsRichComparison")
#: ``embed_terms(words)``: L2-normalised vectors of short texts, one row each.
TermEmbedder = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True, slots=True)
class Theme(Generic[K]):
    """One theme: a label, its keywords and its members' count and share.

    ``confidence`` (guided themes only) is how close the user's name comes to
    the thread's own words or comments (cosine, 0-1): near 1 when the thread
    uses the name, about 0.4 when only a paraphrase is there.

    ``stability`` is how closely the theme reappears when the themes are
    found again without ``LEAVE_OUT`` of the comments: the mean, over the
    resamples, of the best Jaccard similarity between its remaining members
    and a theme found then (``None`` when it has no members or nothing was
    resampled). Below ``schema.STABLE_THEME`` it is ``unstable``: a hint, not a finding.
    """

    id: int
    label: str
    keywords: list[str]
    size: int
    share: float
    representative_ids: list[K]
    guided: bool = False
    confidence: float | None = None
    stability: float | None = None

    @property
    def unstable(self) -> bool:
        """True when the theme did not reliably reappear without some of its comments."""
        return schema.unstable(self.stability)


@dataclass(slots=True)
class ThemeResult(Generic[K]):
    """Themes of a thread and each comment's theme (-1: none)."""

    themes: list[Theme[K]]
    assignment: dict[K, int]
    unassigned_share: float
    method: str
    note: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


def find_themes(
    ids: Sequence[K],
    texts: Sequence[str],
    embeddings: np.ndarray,
    *,
    guided: Sequence[str] | None = None,
    guided_embeddings: np.ndarray | None = None,
    parents: Sequence[int | None] | None = None,
    embed_terms: TermEmbedder | None = None,
    seed: int = 42,
    resamples: int = RESAMPLES,
) -> ThemeResult[K]:
    """Cluster comments into labelled themes (see the module docstring for how).

    Args:
        ids: the comments' ids, unique.
        texts: their texts (the authors' own words), same order.
        embeddings: one L2-normalised row per text.
        guided: names of themes the user cares about, e.g. ``["management"]``.
        guided_embeddings: embeddings of those names (embed the names as
            they are, through ``embed_texts``, so they are cached too).
        parents: per comment, the row of the comment it answers (or, in a
            discussion without reply structure, the one before it), ``None``
            for none: its vector lends context (``context_parents``).
        embed_terms: embeds words of the thread, to expand guided names
            with the thread's own vocabulary; without it names are expanded
            from the comments only.
        seed: random state of PCA and k-means, and of the resamples.
        resamples: how many times the themes are found again with
            ``LEAVE_OUT`` of the comments left out, to score each theme's
            stability; 0 skips it (``stability`` stays ``None``).

    Raises:
        ValueError: inputs of different lengths, repeated ids, or guided
            names without their embeddings.

    """
    n = len(ids)
    vectors = np.asarray(embeddings, dtype=np.float32)
    if len(texts) != n or (n and (vectors.ndim != 2 or vectors.shape[0] != n)):
        raise ValueError(f"{n} ids, {len(texts)} texts and embeddings of shape {vectors.shape} do not match")
    if len(set(ids)) != n:
        raise ValueError("comment ids must be unique")
    names, name_vectors = _guided_inputs(guided, guided_embeddings, vectors.shape[1] if n else None)

    params: dict[str, Any] = {"seed": seed, "min_texts": MIN_TEXTS, "guided": list(names)}
    if n < MIN_TEXTS:
        note = (
            "No comments with text: no themes to find."
            if n == 0
            else f"Only {n} comment{'s' if n != 1 else ''}: too few to find themes."
        )
        return ThemeResult([], {i: -1 for i in ids}, 1.0 if n else 0.0, "too_small", note, params)

    # 1. canonical order
    order = sorted(range(n), key=lambda i: (hashlib.sha256(texts[i].encode("utf-8", "surrogatepass")).digest(), ids[i]))
    c_ids = [ids[i] for i in order]
    c_docs = [texts[i] for i in order]
    c_vecs = context_vectors(_normalise(vectors), parents)[order]
    c_parents = coherence.forest(parents, order)

    # 3-4. guided themes, then free themes for the rest
    terms = _thread_terms(c_docs, embed_terms) if names else None
    labels, confidence, queries, group_params = _group(c_vecs, c_parents, names, name_vectors, terms, seed)
    params.update(group_params)
    g = len(names)
    notes: list[str] = []
    method = "embedding_clusters"
    free = int(np.sum(labels == -1)) + int(np.sum(labels >= g))
    if free < MIN_TEXTS:
        method = "guided_only" if g else "too_small"
        notes.append(f"Only {free} comments outside the guided themes: too few to find more themes.")
    stability = _stability(c_vecs, c_parents, names, name_vectors, terms, labels, seed, resamples)
    if resamples:
        params["stability"] = f"mean Jaccard over {resamples} resamples leaving {LEAVE_OUT:.0%} out"

    # 5. keywords, labels, representatives
    keywords = theme_words.keywords(c_docs, labels)
    themes: list[tuple[bool, int, str, list[str], list[int]]] = []
    for group in range(int(labels.max(initial=-1)) + 1):
        members = np.flatnonzero(labels == group)
        if group >= g and len(members) == 0:
            continue
        is_guided = group < g
        kws, label_terms = keywords.get(group, ([], []))
        label = names[group] if is_guided else theme_words.label(label_terms)
        themes.append((is_guided, group, label, kws, members.tolist()))
    themes.sort(key=lambda t: (not t[0], t[1] if t[0] else -len(t[4]), t[2]))

    final: list[Theme[K]] = []
    remap: dict[int, int] = {}
    for new_id, (is_guided, group, label, kws, rows) in enumerate(themes):
        remap[group] = new_id
        # a guided theme is quoted by the members closest to its expanded query (the bare name
        # "overhype" is closest to a comment about overfitting), those that say its words first
        said = _quote_terms(names[group], name_vectors[group], terms) if is_guided else []
        preferred = [theme_words.uses(c_docs[i], said) for i in rows] if said else []
        reps = theme_words.representatives(c_vecs, rows, queries[group] if is_guided else None, preferred)
        final.append(
            Theme(
                id=new_id,
                label=label,
                keywords=kws,
                size=len(rows),
                share=round(len(rows) / n, 4),
                representative_ids=[c_ids[i] for i in reps],
                guided=is_guided,
                confidence=round(confidence[group], 2) if is_guided else None,
                stability=stability.get(group),
            )
        )
        if is_guided and not rows:
            notes.append(
                f'No comment matched the guided theme "{label}"; a plainer or more specific phrase '
                '(e.g. "AI hype" rather than "overhype") gives the model more to go on.'
            )
    assignment = {c_ids[i]: remap.get(int(labels[i]), -1) for i in range(n)}
    assignment = {i: assignment[i] for i in ids}  # input order
    unassigned = round(float(np.mean(labels == -1)), 4)
    if not any(not t.guided for t in final) and method == "embedding_clusters":
        notes.append("The comments did not form clear themes.")
    return ThemeResult(final, assignment, unassigned, method, " ".join(notes) or None, params)


# --------------------------------------------------------------------------
# steps


def _group(
    vecs: np.ndarray,
    parents: Sequence[int | None],
    names: list[str],
    name_vecs: np.ndarray,
    terms: tuple[list[str], np.ndarray] | None,
    seed: int,
    k: int | None = None,
) -> tuple[np.ndarray, list[float], np.ndarray, dict[str, Any]]:
    """Working labels (guided 0..g-1, free g.., -1 none), each name's confidence and expanded query, and the parameters.

    ``parents``: per row, the row it answers (or ``None``), for subthread coherence.
    ``k``: clusters for the free comments (default: ``n_clusters`` of their number).
    """
    labels = np.full(len(vecs), -1, dtype=np.int64)
    confidence: list[float] = []
    queries = name_vecs
    params: dict[str, Any] = {}
    if names:
        labels, confidence, queries, params = _assign_guided(vecs, parents, names, name_vecs, labels, terms)
    free = np.flatnonzero(labels == -1)
    if len(free) >= MIN_TEXTS:
        free_labels, cluster_params = _cluster(vecs, coherence.forest(parents, free), free, seed, k)
        params.update(cluster_params)
        labels[free] = np.where(free_labels >= 0, free_labels + len(names), -1)
    return labels, confidence, queries, params


def _stability(
    vecs: np.ndarray,
    parents: Sequence[int | None],
    names: list[str],
    name_vecs: np.ndarray,
    terms: tuple[list[str], np.ndarray] | None,
    labels: np.ndarray,
    seed: int,
    resamples: int,
) -> dict[int, float]:
    """Per working group with members, its mean best Jaccard when found again without ``LEAVE_OUT`` of the rows.

    Each resample leaves out a seeded random ``LEAVE_OUT`` of the rows (in
    canonical order, so the input's order does not matter) and runs the same
    steps with its own k-means seed and the same k (with one cluster fewer,
    some theme would have to merge, whatever the data). A guided theme is
    compared with the theme of the same name, a free one with its best match.
    This is the subsetting variant of Hennig's cluster-wise stability
    (``clusterboot``).
    """
    n = len(vecs)
    groups = {int(t): set(np.flatnonzero(labels == t).tolist()) for t in np.unique(labels) if t >= 0}
    g = len(names)
    k = n_clusters(int(np.sum((labels == -1) | (labels >= g))))
    found: dict[int, list[float]] = {t: [] for t in groups}
    for r in range(resamples):
        rng = np.random.default_rng([seed, r])
        keep = np.sort(rng.choice(n, size=n - max(1, round(LEAVE_OUT * n)), replace=False))
        again, _, _, _ = _group(vecs[keep], coherence.forest(parents, keep), names, name_vecs, terms, seed + 1 + r, k)
        again_groups = {int(t): set(keep[again == t].tolist()) for t in np.unique(again) if t >= 0}
        kept = set(keep.tolist())
        for t, members in groups.items():
            left = members & kept
            if not left:
                continue
            candidates = [again_groups.get(t, set())] if t < g else [b for u, b in again_groups.items() if u >= g]
            found[t].append(max((len(left & b) / len(left | b) for b in candidates), default=0.0))
    return {t: round(float(np.mean(scores)), 2) for t, scores in found.items() if scores}


def _guided_inputs(
    guided: Sequence[str] | None, guided_embeddings: np.ndarray | None, dim: int | None
) -> tuple[list[str], np.ndarray]:
    names = [str(name).strip() for name in guided or ()]
    if not names:
        return [], np.zeros((0, dim or 0), dtype=np.float32)
    if any(not name for name in names):
        raise ValueError("guided theme names must not be empty")
    if len({name.casefold() for name in names}) != len(names):
        raise ValueError("guided theme names must be distinct")
    if guided_embeddings is None:
        raise ValueError("guided themes need guided_embeddings (the embeddings of their names)")
    vectors = np.asarray(guided_embeddings, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != len(names) or (dim is not None and vectors.shape[1] != dim):
        raise ValueError(f"guided_embeddings of shape {vectors.shape} do not match {len(names)} names")
    return names, _normalise(vectors)


def context_parents(thread: Thread, ids: Sequence[str]) -> list[int | None]:
    """Per comment of ``ids``, the row in ``ids`` of the comment that lends it context.

    In a reply tree that is its parent (``None`` under the root). In a
    discussion without reply structure (pasted text) it is the post before it:
    a copied page lists comments depth-first, so the post before a reply is
    its parent, a sibling's last reply, or an earlier paragraph of the same
    comment.
    """
    row = {post_id: r for r, post_id in enumerate(ids)}
    if not thread.structured:
        order = [p.id for p in thread.comments if p.id in row]
        before = {b: a for a, b in zip(order, order[1:], strict=False)}
        return [row.get(before.get(post_id, ""), None) for post_id in ids]
    return [row.get(thread.get(post_id).parent_id or "") for post_id in ids]


def context_vectors(vecs: np.ndarray, parents: Sequence[int | None] | None) -> np.ndarray:
    """Each vector mixed with its context's (``CONTEXT_WEIGHT``), renormalised."""
    if parents is None:
        return vecs
    if len(parents) != len(vecs):
        raise ValueError(f"{len(parents)} parents for {len(vecs)} comments")
    mixed = vecs.copy()
    for row, parent in enumerate(parents):
        if parent is not None:
            mixed[row] += CONTEXT_WEIGHT * vecs[parent]
    return _normalise(mixed)


def _thread_terms(docs: list[str], embed_terms: TermEmbedder | None) -> tuple[list[str], np.ndarray] | None:
    """The thread's own words and phrases (``theme_words.terms``, in two comments or more), and their vectors."""
    if embed_terms is None:
        return None
    counter = theme_words.vectorizer(min_df=2)
    try:
        counter.fit(docs)
    except ValueError:  # nothing but stop words
        return None
    terms = [str(t) for t in counter.get_feature_names_out()]
    return terms, _normalise(np.asarray(embed_terms(terms), dtype=np.float32))


def _expansion(name: str, sims: np.ndarray, terms: list[str]) -> np.ndarray:
    """Rows of ``terms`` that expand ``name``: its closest words, and thread words inside its words.

    ``sims``: each term's cosine similarity to the name.
    """
    top = np.argsort(-sims, kind="stable")[:EXPANSION_TERMS]
    chosen = set(top[sims[top] >= EXPANSION_RELATIVE * sims[top[0]]].tolist())
    words = name.casefold().split()
    chosen.update(
        row
        for row, term in enumerate(terms)
        if len(term) >= STEM_LETTERS and " " not in term and term not in words and any(term in w for w in words)
    )
    return np.asarray(sorted(chosen), dtype=np.int64)


def _assign_guided(
    vecs: np.ndarray,
    parents: Sequence[int | None],
    names: list[str],
    name_vecs: np.ndarray,
    labels: np.ndarray,
    terms: tuple[list[str], np.ndarray] | None,
) -> tuple[np.ndarray, list[float], np.ndarray, dict[str, Any]]:
    """Guided members, each name's confidence and its expanded query.

    A bare name is a weak query ("overhype" is nearest to a comment about
    overfitting), so each is expanded from the thread itself: first with the
    thread's words closest to it (and those inside its words), then twice
    towards its closest comments (pseudo-relevance feedback). Similarities are standardised per theme so a
    name the thread uses word for word does not outbid a paraphrased one; a
    comment joins its best theme when that score reaches ``GUIDED_Z``.
    """
    queries = []
    confidence = []
    for text, name in zip(names, name_vecs, strict=True):
        anchor = float((vecs @ name).max())
        query = name
        if terms is not None and terms[0]:
            words, term_vecs = terms
            sims = term_vecs @ name
            top = _expansion(text, sims, words)
            anchor = max(anchor, float(sims.max()))
            weights = sims[top].clip(min=0)
            if weights.sum() > 0:
                query = _normalise((name + weights @ term_vecs[top] / weights.sum())[None])[0]
        for _ in range(FEEDBACK_ROUNDS):
            closest = np.argsort(-(vecs @ query), kind="stable")[:FEEDBACK_COMMENTS]
            query = _normalise((query + vecs[closest].mean(axis=0))[None])[0]
        queries.append(query)
        confidence.append(anchor)
    matched = np.asarray(confidence) >= GUIDED_FLOOR
    joined = guided_members(vecs @ np.stack(queries).T, parents, matched)
    out = np.where(joined >= 0, joined, labels)
    params = {
        "guided_floor": GUIDED_FLOOR,
        "guided_z": GUIDED_Z,
        "expansion_terms": EXPANSION_TERMS,
        "expansion_relative": EXPANSION_RELATIVE,
        "stem_letters": STEM_LETTERS,
        "feedback": f"{FEEDBACK_ROUNDS} rounds of the {FEEDBACK_COMMENTS} closest comments",
        "context_weight": CONTEXT_WEIGHT,
        "guided_coherence": f"stay {GUIDED_STAY}, switch {GUIDED_SWITCH}",
    }
    return out, [max(0.0, c) for c in confidence], np.stack(queries), params


def guided_members(sims: np.ndarray, parents: Sequence[int | None], matched: np.ndarray | None = None) -> np.ndarray:
    """Per comment, the guided theme it joins (-1: none), from its similarity to each theme's query.

    Similarities are standardised per theme; a comment's score for no theme is
    ``GUIDED_Z``, and the reply tree decides with ``GUIDED_STAY`` and
    ``GUIDED_SWITCH`` (``coherence.decode``). ``matched``: themes allowed
    members (all by default). ``benchmarks/quality.py`` also runs it with
    queries built from the readers' own paragraphs, to tell a weak expansion
    of the names from the limit of one query per name.
    """
    spread = sims.std(axis=0)
    z = (sims - sims.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    if matched is not None:
        z[:, ~np.asarray(matched, dtype=bool)] = -np.inf
    state = coherence.decode(np.hstack([np.full((len(sims), 1), GUIDED_Z), z]), parents, GUIDED_STAY, GUIDED_SWITCH)
    return state - 1


def n_clusters(m: int) -> int:
    """The number of k-means clusters for ``m`` free comments: it grows with their square root."""
    return int(min(MAX_THEMES, max(2, round(math.sqrt(m / 4))), max(2, m // 5)))


def _cluster(
    vecs: np.ndarray, parents: Sequence[int | None], free: np.ndarray, seed: int, k: int | None = None
) -> tuple[np.ndarray, dict[str, Any]]:
    """PCA then k-means (``k`` clusters, default ``n_clusters``) over the free comments; a label each (-1: none).

    This is what ``BERTopic(umap_model=PCA(...), hdbscan_model=KMeans(...))``
    runs (``fit_transform`` of the reducer, ``fit`` and ``labels_`` of the
    clusterer), called directly: going through the ``BERTopic`` class costs a
    7.5 s import (it loads sentence-transformers, UMAP and plotly at module
    level) and adds nothing, since the keywords are recomputed over the final
    groups anyway.
    """
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA
    from threadpoolctl import threadpool_limits

    m = len(free)
    k = min(k or n_clusters(m), max(2, m // 5))
    dims = int(min(MAX_DIMS, m - 1, vecs.shape[1]))
    min_size = max(3, round(0.015 * m))
    sub_vecs = vecs[free]
    # One thread: on these small matrices OpenMP's start-up and spinning cost
    # more than they save (k-means on 467 comments: 0.04 s vs 1-3 s on 2 busy cores).
    with threadpool_limits(limits=1):
        reduced = np.nan_to_num(PCA(n_components=dims, svd_solver="full", random_state=seed).fit_transform(sub_vecs))
        topics = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(reduced).labels_.astype(np.int64)
    labels = _by_centroid(sub_vecs, parents, topics, min_size)
    params = {
        "reduction": f"PCA({dims})",
        "clusterer": f"KMeans(k={k}, n_init=10)",
        "member_floor": MEMBER_FLOOR,
        "min_theme_size": min_size,
        "coherence": f"stay {FREE_STAY}, switch {FREE_SWITCH}",
    }
    return labels, params


def _by_centroid(vecs: np.ndarray, parents: Sequence[int | None], topics: np.ndarray, min_size: int) -> np.ndarray:
    """Each comment to a cluster whose centroid is close enough, subthreads kept together; small clusters dissolve."""
    alive = [t for t in sorted(set(topics.tolist())) if t >= 0]
    labels = np.full(len(vecs), -1, dtype=np.int64)
    while alive:
        centroids = _normalise(np.stack([vecs[topics == t].mean(axis=0) for t in alive]))
        scores = np.hstack([np.full((len(vecs), 1), MEMBER_FLOOR), vecs @ centroids.T])
        state = coherence.decode(scores, parents, FREE_STAY, FREE_SWITCH)
        labels = np.where(state > 0, np.asarray(alive)[state - 1], -1)
        sizes = {t: int(np.sum(labels == t)) for t in alive}
        small = [t for t in alive if sizes[t] < min_size]
        if not small:
            break
        alive = [t for t in alive if t not in small]
        if not alive:
            labels[:] = -1
    # renumber 0..k-1 in order of first appearance (canonical order: deterministic)
    mapping: dict[int, int] = {}
    for t in labels.tolist():
        if t >= 0 and t not in mapping:
            mapping[t] = len(mapping)
    return np.asarray([mapping.get(t, -1) for t in labels.tolist()], dtype=np.int64)


def _quote_terms(name: str, name_vec: np.ndarray, terms: tuple[list[str], np.ndarray] | None) -> list[str]:
    """The words that show a comment is about a guided theme: the name's own and those it was expanded with."""
    said = theme_words.content_words(name)
    if terms is not None and terms[0]:
        said += [terms[0][row] for row in _expansion(name, terms[1] @ name_vec, terms[0])]
    return said


# --------------------------------------------------------------------------
# helpers


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)
