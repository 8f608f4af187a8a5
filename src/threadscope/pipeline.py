"""The analysis steps run in order over one or more threads, and the results they make.

Sentiment, then embeddings (one pass over every thread's comments, through
the cache), then one theme model over all of them, then each thread's
structure and tone summaries. Steps never call each other; this module
hands each one what the earlier ones produced, and assembles what they found
into the results ``analyze`` and ``compare`` return (``schema``): the one
place results are put together.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from threadscope import schema
from threadscope._version import __version__
from threadscope.model import Post, Thread, isoformat

if TYPE_CHECKING:
    from threadscope.analysis.embed import Embedder
    from threadscope.analysis.themes import ThemeResult
    from threadscope.analysis.topic_model import Modelled

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


@dataclass(frozen=True)
class AnalysisOptions:
    """How to analyse, the same for ``analyze`` and ``compare`` (checked by ``api.analysis_options``).

    Attributes:
        guided: guided theme names, in order.
        model: a sentence-transformers model instead of the packaged all-MiniLM-L6-v2.
        embedder: an embedder to use instead of either.
        tone: ``"model"`` or ``"vader"``.
        seed: the seed of every random step.
        progress: called as ``progress(stage, done, total)``.

    """

    guided: list[str]
    model: str | None
    embedder: Embedder | None
    tone: str
    seed: int
    progress: Progress | None

    def params(self) -> schema.Params:
        """The options as ``meta.params`` records them."""
        return {"seed": self.seed, "guided_themes": self.guided, "model": self.model, "tone": self.tone}


@dataclass
class ThreadResults:
    """What the steps found in one thread."""

    thread: Thread
    scores: dict[str, float | None]
    theme_of: dict[str, int | None]
    structure: schema.Structure
    sentiment: schema.Sentiment
    tones: dict[str, int | None] = field(default_factory=dict)
    vader: dict[str, float | None] = field(default_factory=dict)

    def post_rows(self) -> list[schema.PostRow]:
        """The ``posts`` of results.json: every post but the root, in thread order."""
        return [
            post_row(p, self.scores.get(p.id), self.theme_of.get(p.id), self.tones.get(p.id), self.vader.get(p.id))
            for p in self.thread.comments
        ]


@dataclass
class Run:
    """The results of every thread, the one theme model fitted over all of them, and what it read.

    Comments are named ``(thread index, post id)`` in the theme model. ``texts``
    and ``vectors`` are its input, and ``make_embedder`` makes the embedder
    again, for handing the themes to BERTopic (``modelled``).
    """

    threads: list[ThreadResults]
    themes: ThemeResult[tuple[int, str]]
    embedding_model: str
    texts: list[str]
    vectors: Any
    make_embedder: Callable[[], Embedder]

    def modelled(self, labels: Sequence[str]) -> Modelled:
        """What the theme model read, each comment named ``(labels[thread], post id)``, for ``topic_model.fit``."""
        from threadscope.analysis.topic_model import Modelled

        keys = list(self.themes.assignment)  # the theme model's ids, in the order of ``texts``
        return Modelled(
            keys=[(labels[g], post_id) for g, post_id in keys],
            texts=list(self.texts),
            vectors=self.vectors,
            theme_of=[self.themes.assignment[k] for k in keys],
            labels={t.id: t.label for t in self.themes.themes if t.size},
            embedder=self.make_embedder,
        )


def run(threads: Sequence[Thread], options: AnalysisOptions, *, data_dir: Path | None, clock: Stopwatch) -> Run:
    """Score, embed, theme and summarise ``threads`` together.

    ``tone="model"`` scores tone with the trained tone model when the
    embeddings are the packaged model's (it was trained on those), else with
    VADER and a note; ``tone="vader"`` always uses VADER.
    """
    guided, seed, tone, progress = options.guided, options.seed, options.tone, options.progress
    from threadscope.analysis import embed, sentiment, structure
    from threadscope.analysis import themes as theming

    polarity = [sentiment.vader_posts(t) for t in threads]  # once, for the vader column and the tone model
    vader = [sentiment.compounds(by_post) for by_post in polarity]
    clock.lap("sentiment")

    docs: list[tuple[int, Post]] = [(g, p) for g, t in enumerate(threads) for p in t.comments if p.has_text]
    texts = [p.own_text for _, p in docs]
    embedder = options.embedder or embed.make_embedder(options.model, data_dir=data_dir)
    on_embed = (lambda done, total: progress("embed", done, total)) if progress else None
    # docs come thread by thread, so each thread's rows are one run starting where the last ended
    parents: list[int | None] = []
    for g, t in enumerate(threads):
        offset = len(parents)
        local = theming.context_parents(t, [p.id for h, p in docs if h == g])
        parents += [None if q is None else offset + q for q in local]
    with embed.EmbeddingCache(data_dir) as cache:
        layers = layer_view = None
        # the tone model reads MiniLM's middle layers too, and guided themes its layer 4: same forward pass
        if (tone == "model" or guided) and isinstance(embedder, embed.MiniLMEmbedder):
            from threadscope.analysis import guided as guiding
            from threadscope.analysis import tone as toning

            vectors, pooled = toning.pooled_vectors(texts, embedder, cache, progress=on_embed)
            layers = pooled if tone == "model" else None
            layer_view = toning.layer_vectors(pooled, guiding.LAYER) if guided else None
        else:
            vectors = embed.embed_texts(texts, embedder, cache, progress=on_embed)
        guided_vectors = embed.embed_texts(guided, embedder, cache) if guided else None
        clock.lap("embed")

        doc_polarity = [polarity[g][p.id] for g, p in docs]
        tones, scores, tone_note = _tone(
            threads, docs, texts, vectors, layers, doc_polarity, vader, tone, embedder.name
        )
        clock.lap("tone")

        found = theming.find_themes(
            [(g, p.id) for g, p in docs],
            texts,
            vectors,
            guided=guided or None,
            guided_embeddings=guided_vectors,
            parents=parents,
            # only guided names are expanded with the thread's words: a run
            # without names embeds nothing more
            embed_terms=(lambda terms: embed.embed_texts(terms, embedder, cache)) if guided else None,
            layer_vectors=layer_view,
            seed=seed,
        )
    theme_of: list[dict[str, int | None]] = [{p.id: None for p in t.comments} for t in threads]
    for (g, post_id), theme in found.assignment.items():
        theme_of[g][post_id] = theme
    clock.lap("themes")

    method = _vader_method() if tone_note is not None or tone == "vader" else _model_method(layers is not None)
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
    given, model, where = options.embedder, options.model, data_dir
    return Run(
        results,
        found,
        embedder.name,
        texts=texts,
        vectors=vectors,
        # made again when asked for, so a kept result does not hold a model in memory
        make_embedder=(lambda: given) if given is not None else (lambda: embed.make_embedder(model, data_dir=where)),
    )


def _tone(
    threads: Sequence[Thread],
    docs: list[tuple[int, Post]],
    texts: list[str],
    vectors: Any,
    layers: Any,
    doc_polarity: list[dict[str, float] | None],
    vader: list[dict[str, float | None]],
    tone: str,
    embedding_model: str,
) -> tuple[list[dict[str, int | None]], list[dict[str, float | None]], str | None]:
    """Each post's tone class and score, by the tone model or by VADER; and a note if the model could not run.

    ``layers``: the vectors of the layers the tone model's default head reads, or ``None`` (its other head scores).
    """
    from threadscope.analysis import embed, sentiment
    from threadscope.analysis import tone as toning

    tones: list[dict[str, int | None]] = [{p.id: None for p in t.comments} for t in threads]
    note = None
    if tone == "model" and embedding_model.startswith(embed.DEFAULT_MODEL_NAME):
        scores: list[dict[str, float | None]] = [{p.id: None for p in t.comments} for t in threads]
        classes, values = toning.default_model().predict(texts, vectors, doc_polarity, layers=layers)
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


def _model_method(with_layers: bool) -> schema.ToneMethod:
    from threadscope.analysis import tone as toning

    return toning.method(head=toning.WITH_LAYERS if with_layers else toning.SENTENCE)


def _vader_method() -> schema.ToneMethod:
    from threadscope.analysis import tone as toning

    return toning.vader_method()


# --- results ---------------------------------------------------------------


def analysis_results(done: Run, options: AnalysisOptions, *, subtree: bool, clock: Stopwatch) -> schema.AnalysisResults:
    """``results.json`` of one analysed thread (``done`` holds one thread)."""
    part = done.threads[0]
    tone_of_theme = {row["theme"]: row["mean"] for row in part.sentiment["by_theme"] or []}
    themes: list[schema.Theme] = [
        {
            "id": theme.id,
            "label": theme.label,
            "keywords": theme.keywords,
            "size": theme.size,
            "share": theme.share,
            "representative_ids": [post_id for _, post_id in theme.representative_ids],
            "guided": theme.guided,
            "confidence": theme.confidence,
            "stability": theme.stability,
            "sentiment_mean": tone_of_theme.get(theme.id),
        }
        for theme in done.themes.themes
    ]
    return {
        "schema": schema.ANALYSIS_SCHEMA,
        "thread": thread_block(part.thread),
        "posts": part.post_rows(),
        "structure": part.structure,
        "sentiment": part.sentiment,
        "themes": themes,
        "themes_info": themes_info(done.themes),
        "meta": {
            "threadscope": __version__,
            "embedding_model": done.embedding_model,
            "params": {**options.params(), "subtree": subtree},
            "timings_s": clock.timings,
            "seed": options.seed,
        },
    }


@dataclass(frozen=True)
class Compared:
    """How the threads of a comparison are named and compared.

    Attributes:
        keys: each thread's ``source:id`` label.
        specs: each thread's spec, as given.
        min_scored: scored comments a thread needs before its tone is compared.

    """

    keys: list[str]
    specs: list[str]
    min_scored: int


def comparison_results(
    done: Run, options: AnalysisOptions, compared: Compared, *, clock: Stopwatch
) -> schema.ComparisonResults:
    """``results.json`` of a comparison: each thread, each pair's tone, the shared themes."""
    from threadscope.analysis import compare as comparing
    from threadscope.report.verdict import verdict

    keys, min_scored = compared.keys, compared.min_scored
    entries: list[schema.ThreadEntry] = []
    for g, part in enumerate(done.threads):
        n = part.sentiment["n"]
        notes = []
        if n < min_scored:
            notes.append(
                f"Only {n} comment{'' if n == 1 else 's'} could be scored; at least "
                f"{min_scored} are needed to compare tone, so pairs with this thread are not compared."
            )
        entries.append(
            {
                "key": keys[g],
                "letter": letter(g),
                "spec": compared.specs[g],
                "thread": thread_block(part.thread),
                "comparable": n >= min_scored,
                "notes": notes,
                "sentiment": part.sentiment,
                "structure": comparing.structure_summary(part.structure),
                "posts": part.post_rows(),
            }
        )
    values = [[s for p in part.thread.comments if (s := part.scores.get(p.id)) is not None] for part in done.threads]
    assigned = [{pid: t for pid, t in part.theme_of.items() if t is not None} for part in done.threads]
    error_sd, error_threads = _thread_error(done.threads)
    pairs: list[schema.Pair] = [
        {**stats, "verdict": verdict(stats, min_scored)}
        for stats in comparing.compare_all(
            keys,
            values,
            seed=options.seed,
            min_scored=min_scored,
            thread_error_sd=error_sd,
            thread_error_threads=error_threads,
        )
    ]
    joint: list[schema.JointTheme] = [
        {
            "id": theme.id,
            "label": theme.label,
            "keywords": theme.keywords,
            "size": theme.size,
            "share": theme.share,
            "guided": theme.guided,
            "confidence": theme.confidence,
            "stability": theme.stability,
            "representatives": [{"thread": keys[g], "id": post_id} for g, post_id in theme.representative_ids],
        }
        for theme in done.themes.themes
    ]
    shared = comparing.shared_themes(
        joint, keys, assigned, [part.scores for part in done.threads], min_scored=min_scored
    )
    clock.lap("compare")
    return {
        "schema": schema.COMPARISON_SCHEMA,
        "threads": entries,
        "pairs": pairs,
        "themes": shared,
        "themes_info": themes_info(done.themes),
        "meta": {
            "threadscope": __version__,
            "embedding_model": done.embedding_model,
            "params": {
                **options.params(),
                "min_scored": min_scored,
                "n_boot": comparing.N_BOOT,
                "prior_per_category": comparing.PRIOR_PER_CATEGORY,
                "z_distinctive": comparing.Z_DISTINCTIVE,
            },
            "seed": options.seed,
            "timings_s": clock.timings,
        },
    }


def _thread_error(parts: Sequence[ThreadResults]) -> tuple[float | None, int | None]:
    """The tone method's error from thread to thread (``analysis.compare``) and how many threads measured it.

    As every part's ``sentiment.method`` states it; unknown (``None``) when the parts disagree.
    """
    errors = {(m.get("thread_error_sd"), m.get("thread_error_threads")) for m in (p.sentiment["method"] for p in parts)}
    return errors.pop() if len(errors) == 1 else (None, None)


def letter(index: int) -> str:
    """The letter of the thread at ``index``: A, B, … Z, AA, AB, and so on."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(ord("A") + rem) + out
    return out


def thread_block(thread: Thread) -> schema.ThreadBlock:
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
) -> schema.PostRow:
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


def themes_info(found: ThemeResult[Any]) -> schema.ThemesInfo:
    """How the themes were found: method, note, unassigned share, parameters."""
    return {
        "method": found.method,
        "note": found.note,
        "unassigned_share": found.unassigned_share,
        "params": dict(found.params),
    }
