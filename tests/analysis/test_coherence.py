"""Subthread coherence: exact decoding over a reply forest."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from threadscope.analysis.coherence import decode, forest


def total(scores: np.ndarray, parents: list[int | None], states: tuple[int, ...], stay: float, switch: float) -> float:
    out = sum(float(scores[row, s]) for row, s in enumerate(states))
    for row, parent in enumerate(parents):
        if parent is not None and states[row] and states[parent]:
            out += stay if states[row] == states[parent] else -switch
    return out


def random_forest(rng: np.random.Generator, n: int) -> list[int | None]:
    """Each row answers an earlier row, or nothing; then rows are shuffled so parents may come after replies."""
    tree: list[int | None] = [None if i == 0 or rng.random() < 0.2 else int(rng.integers(0, i)) for i in range(n)]
    order = rng.permutation(n)
    row = {int(old): new for new, old in enumerate(order)}
    return [None if tree[old] is None else row[tree[old]] for old in order.tolist()]  # type: ignore[index]


@pytest.mark.parametrize("trial", range(25))
def test_decode_finds_the_best_labelling_brute_force_finds(trial: int) -> None:
    rng = np.random.default_rng(trial)
    n, states = int(rng.integers(1, 7)), int(rng.integers(2, 4))
    parents = random_forest(rng, n)
    scores = rng.normal(size=(n, states))
    stay, switch = float(rng.uniform(0, 1.5)), float(rng.uniform(0, 1.5))
    best = max(total(scores, parents, s, stay, switch) for s in itertools.product(range(states), repeat=n))
    chosen = decode(scores, parents, stay, switch)
    assert total(scores, parents, tuple(chosen.tolist()), stay, switch) == pytest.approx(best)


def test_without_coherence_each_row_takes_its_own_best() -> None:
    scores = np.random.default_rng(0).normal(size=(40, 4))
    parents = [None] + list(range(39))
    assert decode(scores, parents, 0.0, 0.0).tolist() == scores.argmax(axis=1).tolist()


def test_a_weak_reply_joins_its_subthread_and_a_digression_leaves_it() -> None:
    # theme 1 runs down a chain; row 2 scores just under "no theme" (0.5), row 4 clearly belongs nowhere
    scores = np.array([[0.5, 1.5], [0.5, 1.2], [0.5, 0.4], [0.5, 1.3], [0.5, -2.0]])
    parents = [None, 0, 1, 2, 3]
    assert decode(scores, parents, 0.0, 0.0).tolist() == [1, 1, 0, 1, 0]
    assert decode(scores, parents, 0.25, 0.5).tolist() == [1, 1, 1, 1, 0]


def test_ruled_out_themes_are_never_chosen() -> None:
    scores = np.array([[0.0, 1.0, 0.0], [0.0, -np.inf, 0.5]])  # the reply may not join its parent's theme 1
    assert decode(scores, [None, 0], 0.3, 5.0).tolist() == [1, 0]
    assert decode(np.where(np.isinf(scores), 0.0, scores), [None, 0], 0.3, 5.0).tolist() == [1, 1]


def test_cycles_and_wrong_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="cycle"):
        decode(np.zeros((2, 2)), [1, 0], 0.1, 0.1)
    with pytest.raises(ValueError, match="parents for"):
        decode(np.zeros((2, 2)), [None], 0.1, 0.1)


def test_forest_hangs_a_reply_from_its_nearest_kept_ancestor() -> None:
    parents: list[int | None] = [None, 0, 1, 2, None, 4]
    assert forest(parents, [0, 2, 3, 5]) == [None, 0, 1, None]  # 2's parent 1 left out: it hangs from 0
    assert forest(parents, [3, 0]) == [1, None]  # positions in the given rows
    assert forest(None, [0, 1]) == [None, None]
