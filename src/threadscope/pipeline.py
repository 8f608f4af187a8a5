"""The analysis steps run in order over one or more threads, shared by ``analyze`` and ``compare``.

Sentiment, then embeddings (one pass over every thread's comments, through
the cache), then one theme model over all of them, then each thread's
structure and tone summaries. Steps never call each other; this module
hands each one what the earlier ones produced.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from threadscope.model import Post, Thread, isoformat

if TYPE_CHECKING:
    from threadscope.analysis.embed import Embedder

#: ``progress(stage, done, total)``; the CLI draws it as a bar.
Progress = Callable[[str, int, int], None]


@dataclass
class Stopwatch:
    """Seconds spent in each stage, for ``meta.timings_s``."""

    timings: dict[str, float] = field(default_factory=dict)
    _last: float = field(default_factory=time.perf_counter)

    def lap(self, stage: str) -> None:
        """Close the stage that just ended."""
        now = time.perf_counter()
        self.timings[stage] = round(now - self._last, 3)
        self._last = now


@dataclass
class ThreadResults:
    """What the steps found in one thread."""

    thread: Thread
    scores: dict[str, float | None]
    theme_of: dict[str, int | None]
    structure: dict[str, Any]
    sentiment: dict[str, Any]
    tones: dict[str, int | None] = field(default_factory=dict)
    vader: dict[str, float | None] = field(default_factory=dict)

    def post_rows(self) -> list[dict[str, Any]]:
        """The ``posts`` of results.json: every post but the root, in thread order."""
        return [
            post_row(p, self.scores.get(p.id), self.theme_of.get(p.id), self.tones.get(p.id), self.vader.get(p.id))
            for p in self.thread.comments
        ]


@dataclass
class Run:
    """The results of every thread, and the one theme model fitted over all of them.

    Theme representatives are named ``"<thread index>:<post id>"``; ``split_id`` reads them.
    """

    threads: list[ThreadResults]
    themes: dict[str, Any]
    embedding_model: str


def split_id(joint_id: str) -> tuple[int, str]:
    """``"1:27148500"`` → ``(1, "27148500")``."""
    index, post_id = joint_id.split(":", 1)
    return int(index), post_id


def run(
    threads: Sequence[Thread],
    *,
    guided: list[str],
    model: str | None,
    embedder: Embedder | None,
    data_dir: Path | None,
    seed: int,
    progress: Progress | None,
    clock: Stopwatch,
    tone: str = "model",
) -> Run:
    """Score, embed, theme and summarise ``threads`` together.

    ``tone="model"`` scores tone with the trained tone model when the
    embeddings are the packaged model's (it was trained on those), else with
    VADER and a note; ``tone="vader"`` always uses VADER.
    """
    from threadscope.analysis import embed, sentiment, structure
    from threadscope.analysis import themes as theming

    polarity = [sentiment.vader_posts(t) for t in threads]  # once, for the vader column and the tone model
    vader = [sentiment.compounds(by_post) for by_post in polarity]
    clock.lap("sentiment")

    docs: list[tuple[int, Post]] = [(g, p) for g, t in enumerate(threads) for p in t.comments if p.has_text]
    texts = [p.own_text for _, p in docs]
    embedder = embedder or embed.make_embedder(model, data_dir=data_dir)
    on_embed = (lambda done, total: progress("embed", done, total)) if progress else None
    # docs come thread by thread, so each thread's rows are one run starting where the last ended
    parents: list[int | None] = []
    for g, t in enumerate(threads):
        offset = len(parents)
        local = theming.context_parents(t, [p.id for h, p in docs if h == g])
        parents += [None if q is None else offset + q for q in local]
    with embed.EmbeddingCache(data_dir) as cache:
        vectors = embed.embed_texts(texts, embedder, cache, progress=on_embed)
        guided_vectors = embed.embed_texts(guided, embedder, cache) if guided else None
        clock.lap("embed")

        doc_polarity = [polarity[g][p.id] for g, p in docs]
        tones, scores, tone_note = _tone(threads, docs, texts, vectors, doc_polarity, vader, tone, embedder.name)
        clock.lap("tone")

        found = theming.find_themes(
            [f"{g}:{p.id}" for g, p in docs],
            texts,
            vectors,
            guided=guided or None,
            guided_embeddings=guided_vectors,
            parents=parents,
            # only guided names are expanded with the thread's words: a run
            # without names embeds nothing more
            embed_terms=(lambda terms: embed.embed_texts(terms, embedder, cache)) if guided else None,
            seed=seed,
        ).to_dict()
    theme_of: list[dict[str, int | None]] = [{p.id: None for p in t.comments} for t in threads]
    for joint_id, theme in found["assignment"].items():
        g, post_id = split_id(joint_id)
        theme_of[g][post_id] = int(theme)
    clock.lap("themes")

    method = sentiment.VADER_METHOD if tone_note is not None or tone == "vader" else _model_method()
    results = [
        ThreadResults(
            thread=t,
            scores=scores[g],
            theme_of=theme_of[g],
            structure=structure.analyze_structure(t, theme_of[g]),
            sentiment=sentiment.summarize_sentiment(
                t, scores[g], theme_of[g], seed=seed, classes=tones[g], method=method, note=tone_note
            ),
            tones=tones[g],
            vader=vader[g],
        )
        for g, t in enumerate(threads)
    ]
    clock.lap("summaries")
    return Run(results, found, embedder.name)


def _tone(
    threads: Sequence[Thread],
    docs: list[tuple[int, Post]],
    texts: list[str],
    vectors: Any,
    doc_polarity: list[dict[str, float] | None],
    vader: list[dict[str, float | None]],
    tone: str,
    embedding_model: str,
) -> tuple[list[dict[str, int | None]], list[dict[str, float | None]], str | None]:
    """Each post's tone class and score, by the tone model or by VADER; and a note if the model could not run."""
    from threadscope.analysis import embed, sentiment
    from threadscope.analysis import tone as toning

    tones: list[dict[str, int | None]] = [{p.id: None for p in t.comments} for t in threads]
    note = None
    if tone == "model" and embedding_model.startswith(embed.DEFAULT_MODEL_NAME):
        scores: list[dict[str, float | None]] = [{p.id: None for p in t.comments} for t in threads]
        classes, values = toning.default_model().predict(texts, vectors, doc_polarity)
        for (g, post), cls, value in zip(docs, classes, values, strict=True):
            tones[g][post.id] = cls
            scores[g][post.id] = value
        return tones, scores, None
    if tone == "model":
        note = (
            f"Tone is VADER's: the trained tone model reads all-MiniLM-L6-v2 embeddings, "
            f"and this run used {embedding_model}."
        )
    for g, by_post in enumerate(vader):
        for post_id, compound in by_post.items():
            tones[g][post_id] = None if compound is None else sentiment.vader_class(compound)
    return tones, vader, note


def _model_method() -> dict[str, Any]:
    from threadscope.analysis import tone as toning

    return toning.method()


def thread_block(thread: Thread) -> dict[str, Any]:
    """The ``thread`` block of results.json."""
    return {
        "source": thread.source,
        "id": thread.id,
        "title": thread.title,
        "url": thread.url,
        "permalink": thread.permalink,
        "author": thread.author,
        "created_at": isoformat(thread.created_at),
        "fetched_at": isoformat(thread.fetched_at),
        "structured": thread.structured,
        "notes": list(thread.notes),
    }


def post_row(
    post: Post, sentiment: float | None, theme: int | None, tone: int | None = None, vader: float | None = None
) -> dict[str, Any]:
    """One entry of the ``posts`` of results.json."""
    return {
        "id": post.id,
        "parent_id": post.parent_id,
        "author": post.author,
        "depth": post.depth,
        "created_at": isoformat(post.created_at),
        "text": post.text,
        "deleted": post.deleted,
        "sentiment": sentiment,
        "tone": tone,
        "vader": vader,
        "theme": theme,
        "permalink": post.permalink,
        "flags": sorted(post.flags),
    }


def themes_info(found: dict[str, Any]) -> dict[str, Any]:
    """How the themes were found: method, note, unassigned share, parameters."""
    return {k: found.get(k) for k in ("method", "note", "unassigned_share", "params")}
