"""Guided themes against readers: the scores, and what one query or a taught classifier reaches
(``benchmarks/quality.py`` writes them into QUALITY.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from threadscope.analysis import guided
from threadscope.analysis import themes as theming
from threadscope.report.content import QUOTES_PER_THEME

if TYPE_CHECKING:
    from benchmarks.quality import Case
    from threadscope.analysis.themes import ThemeResult

#: Folds of the readers' sorting a guided classifier learns from (``readers_classifier``).
TAUGHT_FOLDS = 10


def named_members(case: Case, result: ThemeResult[Any]) -> list[str | None]:
    """Per row of ``case``, the name of the guided theme it joined, or ``None``."""
    label_of = {t.id: t.label for t in result.themes if t.guided}
    return [label_of.get(result.assignment[i]) for i in case.ids]


def guided_scores(predicted: Sequence[str | None], labelled: dict[int, str], names: Sequence[str]) -> dict[str, Any]:
    """Accuracy and unassigned share over the rows readers put under one of ``names``, overall and per name,
    and the precision of each name's members."""
    rows = [r for r, n in labelled.items() if n in names]
    per = {
        name: round(float(np.mean([predicted[r] == name for r in rows if labelled[r] == name])), 3) for name in names
    }
    sizes = {name: sum(p == name for p in predicted) for name in names}
    right = {name: sum(p == name and labelled.get(r) == name for r, p in enumerate(predicted)) for name in names}
    return {
        "accuracy": round(float(np.mean([predicted[r] == labelled[r] for r in rows])), 3),
        "unassigned": round(float(np.mean([predicted[r] is None for r in rows])), 3),
        "joined_share": round(float(np.mean([p is not None for p in predicted])), 3),
        "per_name": per,
        "sizes": sizes,
        # of each name's members, the share readers put under that name (paragraphs readers sorted
        # nowhere count against it: the labels README says they belong to no theme)
        "precision": {name: round(right[name] / sizes[name], 3) if sizes[name] else 0.0 for name in names},
        "precision_all": round(sum(right.values()) / max(1, sum(sizes.values())), 3),
        "readers": {name: sum(n == name for n in labelled.values()) for name in names},
    }


def readers_queries(case: Case, names: Sequence[str], *, second_view: bool = False) -> list[str | None]:
    """Guided members when each name's query is the centroid of the readers' own paragraphs for it.

    Each paragraph is left out of its own name's centroid, so its readers' label never scores it. With
    ``second_view``, as ``guided.refine`` scores: the same centroids in MiniLM's layer ``guided.LAYER`` too,
    and each paragraph's score the mean of its standardised similarities in both views.
    """
    scores = guided.standardised(_left_out_sims(theming.context_vectors(case.vectors, case.parents), case, names))
    if second_view:
        rows = list(range(len(case.vectors)))
        view = theming.second_view(np.asarray(case.layer_view, dtype=np.float32), case.parents, rows)
        scores = (scores + guided.standardised(_left_out_sims(view, case, names))) / 2
    joined = guided.members(scores, case.parents)
    return [names[j] if j >= 0 else None for j in joined]


def _left_out_sims(vecs: np.ndarray, case: Case, names: Sequence[str]) -> np.ndarray:
    """Each row's cosine similarity to the centroid of each name's readers' rows, itself left out of its own."""
    sims = np.zeros((len(vecs), len(names)))
    for j, name in enumerate(names):
        rows = [r for r, n in case.labelled.items() if n == name]
        total = vecs[rows].sum(axis=0)
        own = np.zeros(len(vecs), dtype=bool)
        own[rows] = True
        centroids = total[None, :] - np.where(own[:, None], vecs, 0.0)  # leave each member out of its own
        norms = np.linalg.norm(centroids, axis=1)
        sims[:, j] = (vecs * centroids).sum(axis=1) / np.where(norms > 0, norms, 1.0)  # a lone member: no centroid
    return sims


def readers_classifier(case: Case, names: Sequence[str], *, seed: int) -> list[str | None]:
    """Guided members when a classifier learns the names from the readers' own sorting of the thread.

    A multinomial logistic regression over the context vectors (each name, or none of them: every other
    paragraph), cross-fitted over ``TAUGHT_FOLDS`` stratified folds so no paragraph is scored by a model
    that saw its label; each name's log-odds against none go through ``guided.members`` as the
    queries' similarities do: what MiniLM's vectors give once the answers are known, not a strict bound.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    vecs = theming.context_vectors(case.vectors, case.parents)
    target = np.asarray([names.index(n) + 1 if (n := case.labelled.get(r)) in names else 0 for r in range(len(vecs))])
    proba = np.zeros((len(vecs), len(names) + 1))
    for train, test in StratifiedKFold(TAUGHT_FOLDS, shuffle=True, random_state=seed).split(vecs, target):
        model = LogisticRegression(class_weight="balanced", max_iter=2000).fit(vecs[train], target[train])
        proba[test] = model.predict_proba(vecs[test])
    joined = guided.members(np.log(proba[:, 1:] / proba[:, :1]), case.parents)
    return [names[j] if j >= 0 else None for j in joined]


def quotes_agree(case: Case, ours: ThemeResult[Any]) -> tuple[int, int]:
    """Of the guided themes' members the report quotes, how many readers put under that name."""
    row = {post_id: r for r, post_id in enumerate(case.ids)}
    quotes = [(t.label, row[i]) for t in ours.themes if t.guided for i in t.representative_ids[:QUOTES_PER_THEME]]
    return sum(case.labelled.get(r) == name for name, r in quotes), len(quotes)
