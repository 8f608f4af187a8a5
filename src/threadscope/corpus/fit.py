"""One theme model for a whole corpus, fitted period by period on bounded samples, without look-ahead.

BERTopic's advice for corpora too large to cluster is to fit on a sample and
``transform`` the rest; its users report that fitting on all periods at once
lets 2024's vocabulary decide what a 2016 post was about. Here the model
grows forward in time instead, and a post's theme depends only on its own
period and the ones before it:

1. Periods are taken in order. Each contributes a seeded sample of at most
   ``per_period`` posts (their context-mixed vectors, as in single threads).
2. Sample posts close enough to a theme found in earlier periods (cosine to
   its centroid at or above the theme's floor) join it.
3. The rest go through ``find_themes`` (the single-thread method, guided
   names included). Each group it finds joins the earlier theme whose
   centroid it matches (cosine ``MERGE``) or, failing that, becomes a new
   theme, labelled and keyworded from the period that found it. A guided
   group always joins the guided theme of the same name.
4. The themes' centroids and floors as they stand now are the period's
   ``Snapshot``: every post of the period, sampled or not, is assigned by it
   (``engines.score_batch``), in parallel if the engine allows.

A theme's floor is the 10th percentile of its founding members' cosines to
its centroid: a post must look like most of the posts that made the theme.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from threadscope.analysis.embed import unit
from threadscope.corpus.engines import Snapshot

#: Cosine above which a newly found group joins an existing theme instead of founding one.
MERGE = 0.8
#: Percentile of the founding members' cosines that sets a theme's floor, and the floor's bounds.
FLOOR_PERCENTILE = 10.0
FLOOR_BOUNDS = (0.2, 0.8)
#: Fewer leftover sample posts than this in a period: no new themes from it.
MIN_NEW = 20


@dataclass
class CorpusTheme:
    """A theme of the corpus: where it was born, what it is called, and its running centroid."""

    id: int
    label: str
    keywords: list[str]
    guided: bool
    born: str
    floor: float
    total: np.ndarray
    members: int
    confidence: float | None = None

    @property
    def centroid(self) -> np.ndarray:
        """The unit mean of every sample post that joined the theme so far."""
        return np.asarray(unit(self.total[None, :])[0])


@dataclass
class Fitted:
    """The themes after the last period, and each period's snapshot."""

    themes: list[CorpusTheme] = field(default_factory=list)
    snapshots: dict[str, Snapshot] = field(default_factory=dict)
    sampled: int = 0

    def snapshot(self) -> Snapshot:
        """The themes as they stand now."""
        if not self.themes:
            return Snapshot(np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32), np.zeros(0))
        return Snapshot(
            np.asarray([t.id for t in self.themes], dtype=np.int64),
            np.stack([t.centroid for t in self.themes]).astype(np.float32),
            np.asarray([t.floor for t in self.themes]),
        )


#: ``sample(period)`` → ``(uids, texts, context-mixed unit vectors)`` of that period's sample.
Sampler = Callable[[str], tuple[list[str], list[str], np.ndarray]]


def fit(
    periods: Sequence[str],
    sample: Sampler,
    *,
    guided: Sequence[str] = (),
    guided_vectors: np.ndarray | None = None,
    embed_terms: Callable[[list[str]], np.ndarray] | None = None,
    seed: int = 42,
    progress: Callable[[str, int, int], None] | None = None,
) -> Fitted:
    """Grow the corpus's themes period by period (see the module docstring)."""
    from threadscope.analysis import themes as theming

    fitted = Fitted()
    for done, period in enumerate(periods, start=1):
        uids, texts, vectors = sample(period)
        fitted.sampled += len(uids)
        leftover = _absorb(fitted, vectors) if len(uids) else np.zeros(0, dtype=np.int64)
        if len(leftover) >= MIN_NEW:
            found = theming.find_themes(
                [uids[i] for i in leftover],
                [texts[i] for i in leftover],
                vectors[leftover],
                guided=list(guided) or None,
                guided_embeddings=guided_vectors if guided else None,
                embed_terms=embed_terms if guided else None,
                seed=seed,
                resamples=0,  # a corpus theme grows over periods: one period's resamples do not measure it
            )
            _grow(fitted, found, [uids[i] for i in leftover], vectors[leftover], period)
        fitted.snapshots[period] = fitted.snapshot()
        if progress:
            progress("theme model", done, len(periods))
    return fitted


def _absorb(fitted: Fitted, vectors: np.ndarray) -> np.ndarray:
    """Add sample posts that match an existing theme to it; return the rows of the rest."""
    theme_of, _ = fitted.snapshot().assign(vectors)
    by_id = {t.id: t for t in fitted.themes}
    for theme_id in set(theme_of.tolist()) - {-1}:
        rows = theme_of == theme_id
        by_id[theme_id].total = by_id[theme_id].total + vectors[rows].sum(axis=0)
        by_id[theme_id].members += int(rows.sum())
    return np.flatnonzero(theme_of == -1)


def _grow(fitted: Fitted, found: Any, uids: list[str], vectors: np.ndarray, period: str) -> None:
    """Merge each group ``find_themes`` found into a matching theme, or found a new one."""
    row_of = {uid: i for i, uid in enumerate(uids)}
    for group in found.themes:
        rows = np.asarray([row_of[u] for u, t in found.assignment.items() if t == group.id], dtype=np.int64)
        if not len(rows):
            continue
        members = vectors[rows]
        centroid = unit(members.mean(axis=0)[None, :])[0]
        floor = float(np.clip(np.percentile(members @ centroid, FLOOR_PERCENTILE), *FLOOR_BOUNDS))
        match = _match(fitted.themes, group, centroid)
        if match is not None:
            match.total = match.total + members.sum(axis=0)
            match.members += len(rows)
            continue
        fitted.themes.append(
            CorpusTheme(
                id=len(fitted.themes),
                label=group.label,
                keywords=list(group.keywords),
                guided=group.guided,
                born=period,
                floor=floor,
                total=members.sum(axis=0),
                members=len(rows),
                confidence=group.confidence,
            )
        )


def _match(themes: list[CorpusTheme], group: Any, centroid: np.ndarray) -> CorpusTheme | None:
    if group.guided:
        return next((t for t in themes if t.guided and t.label == group.label), None)
    free = [t for t in themes if not t.guided]
    if not free:
        return None
    sims = np.asarray([float(t.centroid @ centroid) for t in free])
    best = int(sims.argmax())
    return free[best] if sims[best] >= MERGE else None
