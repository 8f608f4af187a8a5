"""Threadscope's themes as a fitted BERTopic model, for what BERTopic does beyond them.

threadscope finds its themes itself (``themes.find_themes``: context-mixed
vectors, guided names, k-means); BERTopic has a large toolbox around a fitted
topic model: ``topics_per_class``, ``reduce_outliers``, ``transform`` on new
comments, ``find_topics``, representation models, ``visualize_*``, ``save``.
``fit`` hands threadscope's themes to BERTopic through its public extension
points, the way BERTopic's documentation does "manual topic modeling":

- ``BaseDimensionalityReduction`` and ``BaseCluster``: no reduction, and the
  clusters are the labels given (``fit_transform(docs, embeddings, y=...)``),
  so BERTopic's topics are threadscope's themes, member for member;
- ``bertopic_backend``: threadscope's embedder as BERTopic's embedding
  model, so whatever BERTopic embeds (new comments, zero-shot topics,
  ``KeyBERTInspired``) lands in the same space;
- threadscope's ``CountVectorizer`` (``theme_words.vectorizer``: words and
  the phrases the thread writes, ``theme_words.terms``) and
  BERTopic's ``ClassTfidfTransformer(reduce_frequent_words=True)``: the
  formula ``theme_words`` uses, so BERTopic's words for a topic are mostly
  the theme's keywords (threadscope's also let a phrase absorb its words);
- ``set_topic_labels``: each topic carries its threadscope label
  (``get_topic_info()["CustomName"]``, ``visualize_*(custom_labels=True)``).

BERTopic numbers topics by size, so ``ThemesModel.topic_of_theme`` maps a
theme id of results.json to its BERTopic topic; unassigned comments are
BERTopic's outliers (-1). BERTopic is imported only here, when asked for:
analysing a thread never pays for it.

Saved with ``serialization="safetensors"``, BERTopic keeps the vocabulary
but not a vectorizer's own analyzer (it keeps no preprocessor either): after
``BERTopic.load``, pass ``vectorizer_model=theme_words.vectorizer()`` to
``update_topics``, or save with ``serialization="pickle"``, which keeps it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from threadscope.analysis import theme_words

if TYPE_CHECKING:
    import pandas as pd

    from threadscope.analysis.embed import Embedder


#: BERTopic's label of its outlier topic (-1): the comments in no theme.
UNASSIGNED = "in no theme"


class NoThemes(ValueError):
    """No comment is in any theme, so there is no topic to hand to BERTopic."""


@dataclass(frozen=True)
class Modelled:
    """What the theme model read, kept with an analysis so BERTopic can be fitted on it later.

    Attributes:
        keys: per comment, ``(thread label, post id)``.
        texts: the comments' own words, as themed.
        vectors: their embeddings (one row each, as themed before context mixing).
        theme_of: per comment, its theme id in results.json (-1: none).
        labels: theme id → label, for every theme with members.
        embedder: makes the embedder the run used (made again on demand, so an
            analysis kept in a notebook does not hold a model in memory).

    """

    keys: list[tuple[str, str]]
    texts: list[str]
    vectors: np.ndarray
    theme_of: list[int]
    labels: dict[int, str]
    embedder: Callable[[], Embedder]


@dataclass(frozen=True)
class ThemesModel:
    """A fitted ``bertopic.BERTopic`` whose topics are threadscope's themes, with the documents it was fitted on.

    Attributes:
        model: the BERTopic model.
        docs: the comments' texts, in the order BERTopic saw them.
        keys: per document, ``(thread label, post id)``.
        classes: per document, its thread's label (``topics_per_class``' classes).
        embeddings: per document, its embedding (``reduce_outliers(..., strategy="embeddings")``).
        topic_of_theme: theme id in results.json → BERTopic topic id.

    """

    model: Any
    docs: list[str]
    keys: list[tuple[str, str]]
    classes: list[str]
    embeddings: np.ndarray
    topic_of_theme: dict[int, int]

    @property
    def topics(self) -> list[int]:
        """Each document's BERTopic topic (-1: not in any theme)."""
        return [int(t) for t in self.model.topics_]

    def topics_per_class(self) -> pd.DataFrame:
        """BERTopic's ``topics_per_class`` with each thread as a class: how much of each thread each theme is."""
        frame: pd.DataFrame = self.model.topics_per_class(self.docs, classes=self.classes)
        return frame


def fit(modelled: Modelled, representation_model: Any = None) -> ThemesModel:
    """BERTopic fitted on threadscope's themes (see the module docstring).

    ``representation_model``: BERTopic's, to name the topics another way
    (``KeyBERTInspired()``, ``MaximalMarginalRelevance()``); c-TF-IDF words by default.

    Raises:
        NoThemes: no comment is in any theme, so there is no topic to hand over.

    """
    from bertopic import BERTopic
    from bertopic.cluster import BaseCluster
    from bertopic.dimensionality import BaseDimensionalityReduction
    from bertopic.vectorizers import ClassTfidfTransformer

    if not any(t >= 0 for t in modelled.theme_of):
        raise NoThemes("no comment is in a theme: there are no topics to hand to BERTopic")
    vectorizer = theme_words.vectorizer()
    model = BERTopic(
        embedding_model=bertopic_backend(modelled.embedder()),
        umap_model=BaseDimensionalityReduction(),
        hdbscan_model=BaseCluster(),
        vectorizer_model=vectorizer,
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        representation_model=representation_model,
    )
    given = np.asarray(modelled.theme_of, dtype=np.int64)
    topics, _ = model.fit_transform(modelled.texts, np.asarray(modelled.vectors), y=given)
    topic_of_theme = _topic_of_theme(given, topics)
    labels = {topic_of_theme[t]: label for t, label in modelled.labels.items() if t in topic_of_theme}
    model.set_topic_labels({**labels, -1: UNASSIGNED} if -1 in topics else labels)
    return ThemesModel(
        model=model,
        docs=list(modelled.texts),
        keys=list(modelled.keys),
        classes=[thread for thread, _ in modelled.keys],
        embeddings=np.asarray(modelled.vectors),
        topic_of_theme=topic_of_theme,
    )


def _topic_of_theme(given: np.ndarray, topics: Sequence[int]) -> dict[int, int]:
    """Theme id → BERTopic topic id, checked to be one to one (BERTopic renumbers, never regroups)."""
    pairs = {(int(a), int(b)) for a, b in zip(given.tolist(), topics, strict=True) if a >= 0}
    mapping = dict(pairs)
    if len(mapping) != len(pairs) or len(set(mapping.values())) != len(mapping) or -1 in mapping.values():
        raise RuntimeError(f"BERTopic regrouped the themes it was given: {sorted(pairs)}")
    return mapping


def bertopic_backend(embedder: Embedder) -> Any:
    """Threadscope's embedder as a BERTopic backend (``BERTopic(embedding_model=...)``).

    With it BERTopic's own features that embed text (zero-shot topics,
    ``KeyBERTInspired``, ``transform`` on new comments) use the same vectors
    and cache as threadscope.
    """
    from bertopic.backend import BaseEmbedder

    class ThreadscopeBackend(BaseEmbedder):  # type: ignore[misc]
        def embed(self, documents: list[str], verbose: bool = False) -> np.ndarray:
            return embedder.embed([str(d) for d in documents])

    return ThreadscopeBackend()
