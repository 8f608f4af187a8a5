"""Guided themes: the comments a reader would put under a name the user typed.

A bare name is a weak query for MiniLM ("overhype" is nearest to a comment
about overfitting), so ``assign`` expands each name from the thread itself:

1. with the thread's words closest to it, and those inside its words
   ("hype" in "overhype"; ``expansion``);
2. twice towards its closest comments (pseudo-relevance feedback);
3. a comment joins its best name when its standardised similarity reaches
   ``GUIDED_Z``, decided over the reply tree (``members``);
4. with a second view of the comments (``Guide.view``: the mean of MiniLM's
   token vectors after layer ``LAYER`` of 6, which the tone model reads
   anyway), each name's members of step 3 make a second query there, and a
   comment's score is the mean of its standardised similarities in both
   views (``refine``). The sentence vector is trained to match paraphrases;
   the middle layer keeps more of the words themselves, so the two views err
   differently. On the seed page this took the three example names from
   0.663 to 0.723 of readers' paragraphs right (37% to 44% of all paragraphs
   joined) and all seven readers' names from 0.615 to 0.712 (60% to 66%); at
   the same joined share, +0.02 and +0.06 (``benchmarks/QUALITY.md``). A
   second query in the sentence view itself (its 15-30 closest comments)
   gave 0.60-0.66 and 0.58-0.64: the gain is the view's, not more feedback.
   Other layers and mixes of them did no better than layer 4; as a view for
   free themes the middle layers lowered macro-F1 (0.69 to 0.47-0.69; the
   closing note of issue 12). Querying the view with the names themselves
   (their and their expansion's layer-4 vectors) from step 3 on gave
   0.59-0.735 and 0.65-0.72 by its weight (0.3-1), the best joining more;
   a one-line dictionary description after each name did worse than the
   bare names (0.55-0.70 on the three), and so did discounting comments
   close to many others (hubness: a comment's mean similarity to its 10 or
   30 nearest, times 0.5-1, taken from its similarities: 0.60-0.70).
   On the three names these did no better either: whitening the thread's
   vectors (0.21-0.55), words drawn from the closest comments (RM3-style,
   0.66-0.735), each paragraph's best sentence (0.65-0.69), the thread's
   title around the name (0.40-0.59), two or three prototypes per name in
   the view (0.71-0.735), the name's inflections ("hyped", "hyping": 0.70).
   Nor would better queries of this kind: the centroids of the readers' own
   paragraphs, scored in both views, are right for 0.687 of those
   paragraphs, where the three names reach 0.723.

Without the view (a run on another model, or corpus mode's stored vectors)
step 4 is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from threadscope.analysis import coherence, theme_words
from threadscope.analysis.embed import unit

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
#: Subthread coherence (``coherence.decode``), in standard deviations: a
#: reply and the comment it answers earn ``GUIDED_STAY`` for sharing a theme
#: and lose ``GUIDED_SWITCH`` for being in two different ones.
GUIDED_STAY = 0.25
GUIDED_SWITCH = 0.5
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
#: The MiniLM layer (of 6) whose mean-pooled token vectors are the second view.
LAYER = 4

#: ``embed_terms(words)``: L2-normalised vectors of short texts, one row each.
TermEmbedder = Callable[[list[str]], np.ndarray]
#: The thread's words and phrases, and their vectors.
Terms = tuple[list[str], np.ndarray]


@dataclass(frozen=True, slots=True)
class Guide:
    """What guided themes are found with, besides the comments' vectors.

    ``names`` and their unit ``vectors``; the thread's ``terms`` (or ``None``);
    ``view``: a second unit vector per comment, in the comments' order (or ``None``).
    """

    names: list[str]
    vectors: np.ndarray
    terms: Terms | None = None
    view: np.ndarray | None = None

    def subset(self, rows: np.ndarray) -> Guide:
        """The same guide for the comments ``rows`` only."""
        return Guide(self.names, self.vectors, self.terms, None if self.view is None else self.view[rows])


def inputs(guided: Sequence[str] | None, guided_embeddings: np.ndarray | None, dim: int | None) -> Guide:
    """The names, checked, and their unit vectors.

    Raises:
        ValueError: an empty or repeated name, or embeddings that do not match the names.

    """
    names = [str(name).strip() for name in guided or ()]
    if not names:
        return Guide([], np.zeros((0, dim or 0), dtype=np.float32))
    if any(not name for name in names):
        raise ValueError("guided theme names must not be empty")
    if len({name.casefold() for name in names}) != len(names):
        raise ValueError("guided theme names must be distinct")
    if guided_embeddings is None:
        raise ValueError("guided themes need guided_embeddings (the embeddings of their names)")
    vectors = np.asarray(guided_embeddings, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != len(names) or (dim is not None and vectors.shape[1] != dim):
        raise ValueError(f"guided_embeddings of shape {vectors.shape} do not match {len(names)} names")
    return Guide(names, unit(vectors))


def thread_terms(docs: list[str], embed_terms: TermEmbedder | None) -> Terms | None:
    """The thread's own words and phrases (``theme_words.terms``, in two comments or more), and their vectors."""
    if embed_terms is None:
        return None
    counter = theme_words.vectorizer(min_df=2)
    try:
        counter.fit(docs)
    except ValueError:  # nothing but stop words
        return None
    terms = [str(t) for t in counter.get_feature_names_out()]
    return terms, unit(np.asarray(embed_terms(terms), dtype=np.float32))


def expansion(name: str, sims: np.ndarray, terms: list[str]) -> np.ndarray:
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


def assign(
    vecs: np.ndarray, parents: Sequence[int | None], guide: Guide
) -> tuple[np.ndarray, list[float], np.ndarray, dict[str, Any]]:
    """Per comment its guided theme (-1: none), each name's confidence and expanded query, and the parameters.

    ``vecs``: the comments' unit (context-mixed) vectors; ``parents``: per
    row, the row it answers (or ``None``). Steps 1-4 of the module docstring.
    """
    queries = []
    confidence = []
    for text, name in zip(guide.names, guide.vectors, strict=True):
        anchor = float((vecs @ name).max())
        query = name
        if guide.terms is not None and guide.terms[0]:
            words, term_vecs = guide.terms
            sims = term_vecs @ name
            top = expansion(text, sims, words)
            anchor = max(anchor, float(sims.max()))
            weights = sims[top].clip(min=0)
            if weights.sum() > 0:
                query = unit((name + weights @ term_vecs[top] / weights.sum())[None])[0]
        for _ in range(FEEDBACK_ROUNDS):
            closest = np.argsort(-(vecs @ query), kind="stable")[:FEEDBACK_COMMENTS]
            query = unit((query + vecs[closest].mean(axis=0))[None])[0]
        queries.append(query)
        confidence.append(anchor)
    matched = np.asarray(confidence) >= GUIDED_FLOOR
    sims = vecs @ np.stack(queries).T
    joined = members(sims, parents, matched)
    params: dict[str, Any] = {
        "guided_floor": GUIDED_FLOOR,
        "guided_z": GUIDED_Z,
        "expansion_terms": EXPANSION_TERMS,
        "expansion_relative": EXPANSION_RELATIVE,
        "stem_letters": STEM_LETTERS,
        "feedback": f"{FEEDBACK_ROUNDS} rounds of the {FEEDBACK_COMMENTS} closest comments",
        "guided_coherence": f"stay {GUIDED_STAY}, switch {GUIDED_SWITCH}",
    }
    if guide.view is not None:
        joined = refine(sims, joined, guide.view, parents, matched)
        params["second_view"] = f"MiniLM layer {LAYER}, queried by each name's first members"
    return joined, [max(0.0, c) for c in confidence], np.stack(queries), params


def refine(
    sims: np.ndarray, joined: np.ndarray, view: np.ndarray, parents: Sequence[int | None], matched: np.ndarray
) -> np.ndarray:
    """Guided members again, each comment scored in both views (step 4 of the module docstring).

    Each name's query in ``view`` is the centroid of its members in ``joined``;
    a name without members keeps its first score.
    """
    scores = standardised(sims)
    for theme in range(sims.shape[1]):
        rows = np.flatnonzero(joined == theme)
        if len(rows):
            query = unit(view[rows].mean(axis=0)[None])[0]
            scores[:, theme] = (scores[:, theme] + standardised(view @ query[:, None])[:, 0]) / 2
    return members(scores, parents, matched)


def members(sims: np.ndarray, parents: Sequence[int | None], matched: np.ndarray | None = None) -> np.ndarray:
    """Per comment, the guided theme it joins (-1: none), from its similarity to each theme's query.

    Similarities are standardised per theme; a comment's score for no theme is
    ``GUIDED_Z``, and the reply tree decides with ``GUIDED_STAY`` and
    ``GUIDED_SWITCH`` (``coherence.decode``). ``matched``: themes allowed
    members (all by default). ``benchmarks/quality.py`` also runs it with
    queries built from the readers' own paragraphs, to tell a weak expansion
    of the names from the limit of one query per name.
    """
    z = standardised(sims)
    if matched is not None:
        z[:, ~np.asarray(matched, dtype=bool)] = -np.inf
    state = coherence.decode(np.hstack([np.full((len(sims), 1), GUIDED_Z), z]), parents, GUIDED_STAY, GUIDED_SWITCH)
    return state - 1


def standardised(sims: np.ndarray) -> np.ndarray:
    """Each column minus its mean, over its standard deviation (a constant column becomes 0)."""
    spread = sims.std(axis=0)
    return np.asarray((sims - sims.mean(axis=0)) / np.where(spread > 0, spread, 1.0))


def quote_terms(name: str, name_vec: np.ndarray, terms: Terms | None) -> list[str]:
    """The words that show a comment is about a guided theme: the name's own and those it was expanded with."""
    said = theme_words.content_words(name)
    if terms is not None and terms[0]:
        said += [terms[0][row] for row in expansion(name, terms[1] @ name_vec, terms[0])]
    return said
