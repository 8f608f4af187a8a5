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
   (pseudo-relevance feedback), then through a second view of the comments
   (MiniLM's middle layer) when the caller has it; a comment joins its best
   name when its standardised similarity reaches ``guided.GUIDED_Z`` (see
   ``guided``).
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
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import numpy as np

from threadscope import schema
from threadscope.analysis import coherence, theme_words
from threadscope.analysis import guided as guiding
from threadscope.analysis.embed import unit

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

    from threadscope.model import Thread

log = logging.getLogger(__name__)

#: Below this many comments there are no themes to find.
MIN_TEXTS = 12
#: Subthread coherence of free themes (``coherence.decode``), in cosines to a
#: theme's centroid: a reply and the comment it answers earn ``FREE_STAY`` for
#: sharing a theme and lose ``FREE_SWITCH`` for being in two different ones
#: (guided themes: ``guided.GUIDED_STAY``).
FREE_STAY = 0.05
FREE_SWITCH = 0.05
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
    embed_terms: guiding.TermEmbedder | None = None,
    layer_vectors: np.ndarray | None = None,
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
        layer_vectors: a second vector per comment, same order: the mean of
            MiniLM's token vectors after layer ``guided.LAYER``
            (``tone.layer_vectors``). Guided themes are refined in it
            (``guided.refine``); without it they use the embeddings alone.
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
    guide = guiding.inputs(guided, guided_embeddings, vectors.shape[1] if n else None)
    names, name_vectors = guide.names, guide.vectors

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
    c_vecs = context_vectors(unit(vectors), parents)[order]
    c_parents = coherence.forest(parents, order)

    # 3-4. guided themes, then free themes for the rest
    if names:
        view = None
        if layer_vectors is not None:
            view = second_view(np.asarray(layer_vectors, dtype=np.float32), parents, order)
        guide = replace(guide, terms=guiding.thread_terms(c_docs, embed_terms), view=view)
    labels, confidence, queries, group_params = _group(c_vecs, c_parents, guide, seed)
    params.update(group_params)
    g = len(names)
    notes: list[str] = []
    method = "embedding_clusters"
    free = int(np.sum(labels == -1)) + int(np.sum(labels >= g))
    if free < MIN_TEXTS:
        method = "guided_only" if g else "too_small"
        notes.append(f"Only {free} comments outside the guided themes: too few to find more themes.")
    stability = _stability(c_vecs, c_parents, guide, labels, seed, resamples)
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
        said = guiding.quote_terms(names[group], name_vectors[group], guide.terms) if is_guided else []
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
    vecs: np.ndarray, parents: Sequence[int | None], guide: guiding.Guide, seed: int, k: int | None = None
) -> tuple[np.ndarray, list[float], np.ndarray, dict[str, Any]]:
    """Working labels (guided 0..g-1, free g.., -1 none), each name's confidence and expanded query, and the parameters.

    ``parents``: per row, the row it answers (or ``None``), for subthread coherence.
    ``k``: clusters for the free comments (default: ``n_clusters`` of their number).
    """
    labels = np.full(len(vecs), -1, dtype=np.int64)
    confidence: list[float] = []
    queries = guide.vectors
    params: dict[str, Any] = {}
    if guide.names:
        labels, confidence, queries, params = guiding.assign(vecs, parents, guide)
        params["context_weight"] = CONTEXT_WEIGHT
    free = np.flatnonzero(labels == -1)
    if len(free) >= MIN_TEXTS:
        free_labels, cluster_params = _cluster(vecs, coherence.forest(parents, free), free, seed, k)
        params.update(cluster_params)
        labels[free] = np.where(free_labels >= 0, free_labels + len(guide.names), -1)
    return labels, confidence, queries, params


def _stability(
    vecs: np.ndarray,
    parents: Sequence[int | None],
    guide: guiding.Guide,
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
    g = len(guide.names)
    k = n_clusters(int(np.sum((labels == -1) | (labels >= g))))
    found: dict[int, list[float]] = {t: [] for t in groups}
    for r in range(resamples):
        rng = np.random.default_rng([seed, r])
        keep = np.sort(rng.choice(n, size=n - max(1, round(LEAVE_OUT * n)), replace=False))
        again, _, _, _ = _group(vecs[keep], coherence.forest(parents, keep), guide.subset(keep), seed + 1 + r, k)
        again_groups = {int(t): set(keep[again == t].tolist()) for t in np.unique(again) if t >= 0}
        kept = set(keep.tolist())
        for t, members in groups.items():
            left = members & kept
            if not left:
                continue
            candidates = [again_groups.get(t, set())] if t < g else [b for u, b in again_groups.items() if u >= g]
            found[t].append(max((len(left & b) / len(left | b) for b in candidates), default=0.0))
    return {t: round(float(np.mean(scores)), 2) for t, scores in found.items() if scores}


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
    return unit(mixed)


def second_view(layer_vectors: np.ndarray, parents: Sequence[int | None] | None, order: list[int]) -> np.ndarray:
    """The second view of the comments, in canonical ``order``: centred, unit length, mixed with the context's.

    Centred because a middle layer's mean-pooled vectors share one large
    direction, which would make every comment look alike; the mean is summed
    in canonical order, so the input's order cannot change it by a rounding.
    """
    if layer_vectors.ndim != 2 or layer_vectors.shape[0] != len(order):
        raise ValueError(f"layer_vectors of shape {layer_vectors.shape} do not match {len(order)} comments")
    return context_vectors(unit(layer_vectors - layer_vectors[order].mean(axis=0)), parents)[order]


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
        centroids = unit(np.stack([vecs[topics == t].mean(axis=0) for t in alive]))
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
