"""``corpus analyze``: embed what lacks a vector, fit themes over time, score every post, aggregate in SQL.

1. Posts with text (roots aside, as in single threads) that have no vector
   of the packaged model get one, through the engine and the embedding cache.
2. Each post gets its period (``month``, ``quarter`` or ``year`` of its time,
   or ``undated``) and a seeded draw that picks the fitting sample.
3. ``fit.fit`` grows the theme model period by period on bounded samples.
4. The engine scores every post: theme by its period's snapshot, tone by
   the tone model (or VADER), VADER's compound; results go to
   ``post_results`` under a new run number.
5. ``aggregate`` computes what the report says, in SQL.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from threadscope import schema
from threadscope._version import __version__
from threadscope.corpus import aggregate, fit
from threadscope.corpus.engines import Engine, ScoreSpec, context_mixed, matrix
from threadscope.corpus.store import Store, insert_new
from threadscope.errors import InputError

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

    from threadscope.analysis.embed import Embedder

BY = {
    "month": "strftime(p.created_at, '%Y-%m')",
    "quarter": "strftime(p.created_at, '%Y') || '-Q' || quarter(p.created_at)",
    "year": "strftime(p.created_at, '%Y')",
}
#: Posts analysed: text of their own, not deleted; roots (stories) are the subject, not the discussion.
ANALYSABLE = "NOT p.deleted AND p.text <> '' AND NOT p.is_root"
#: Default bound on the posts of one period the theme model is fitted on. A fixed number per period, not a
#: share of a total: a period's sample must not depend on how many periods come after it (no look-ahead).
SAMPLE = 1000


@dataclass(frozen=True)
class Options:
    """How to analyse a corpus."""

    by: str = "quarter"
    guided: tuple[str, ...] = ()
    tone: str = "model"
    seed: int = 42
    sample: int = SAMPLE


def analyze(
    store: Store,
    options: Options,
    *,
    engine: Engine,
    embedder: Embedder,
    data_dir: Path | None,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[schema.CorpusResults, int]:
    """Analyse the corpus in ``store``; return the results (schema ``threadscope.corpus/1``) and the run number.

    Raises:
        InputError: an empty corpus, an unknown ``by``.

    """
    if options.by not in BY:
        raise InputError(f"--by must be month, quarter or year, not {options.by!r:.40}")
    timings: dict[str, float] = {}
    clock = [time.perf_counter()]
    model = embedder.name
    analysable = store.scalar(f"SELECT count(*) FROM posts p WHERE {ANALYSABLE}")
    if not analysable:
        raise InputError(
            f"corpus {store.name!r} has no posts with text to analyse; add threads with 'threadscope corpus add'"
        )

    missing = (
        f"SELECT p.uid, p.text FROM posts p WHERE {ANALYSABLE} "
        "AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.uid = p.uid AND e.model = ?)"
    )
    todo = store.scalar(f"SELECT count(*) FROM ({missing})", [model])
    if todo:
        with store.writer() as writer:
            engine.embed(store, missing, [model], todo, lambda table: _store_vectors(writer, table, model))
    timings["embed"] = _lap(clock)

    store.sql("DROP TABLE IF EXISTS temp.work")
    store.sql(
        f"CREATE TEMP TABLE work AS SELECT p.uid, coalesce({BY[options.by]}, ?) AS period, "
        f"md5(p.uid || ?) AS draw FROM posts p WHERE {ANALYSABLE} "
        "AND EXISTS (SELECT 1 FROM embeddings e WHERE e.uid = p.uid AND e.model = ?)",
        [aggregate.UNDATED, str(options.seed), model],
    )
    periods = [r[0] for r in store.sql("SELECT DISTINCT period FROM work ORDER BY period")]
    dated = [p for p in periods if p != aggregate.UNDATED]
    per_period = options.sample
    guided_vectors = _embed_names(list(options.guided), embedder, data_dir) if options.guided else None
    fitted = fit.fit(
        [*dated, *([aggregate.UNDATED] if aggregate.UNDATED in periods else [])],
        lambda period: _sample(store, model, period, per_period),
        guided=options.guided,
        guided_vectors=guided_vectors,
        embed_terms=_term_embedder(embedder, data_dir) if options.guided else None,
        seed=options.seed,
        progress=progress,
    )
    timings["themes_fit"] = _lap(clock)

    run = int(store.scalar("SELECT coalesce(max(run), 0) + 1 FROM runs"))
    params: schema.CorpusParams = {
        "by": options.by,
        "guided_themes": list(options.guided),
        "tone": options.tone,
        "seed": options.seed,
        "sample": options.sample,
        "engine": engine.name,
    }
    store.sql(
        "INSERT INTO runs VALUES (?, ?, ?, NULL)", [run, datetime.now(UTC).replace(tzinfo=None), json.dumps(params)]
    )
    scored = (
        "SELECT w.uid, w.period, p.text, e.vector, pe.vector AS parent_vector FROM work w "
        "JOIN posts p ON p.uid = w.uid JOIN embeddings e ON e.uid = w.uid AND e.model = ? "
        "LEFT JOIN embeddings pe ON pe.uid = p.parent_uid AND pe.model = ?"
    )
    total = store.scalar("SELECT count(*) FROM work")
    spec = ScoreSpec(fitted.snapshots, options.tone)
    try:
        with store.writer() as writer:
            engine.score(store, scored, [model, model], total, spec, lambda table: _store_scores(writer, run, table))
    except BaseException:  # an interrupted run leaves no half-scored run behind; earlier runs stay
        store.sql("DELETE FROM post_results WHERE run = ?", [run])
        store.sql("DELETE FROM runs WHERE run = ?", [run])
        raise
    timings["score"] = _lap(clock)

    results: schema.CorpusResults = {
        "schema": schema.CORPUS_SCHEMA,
        "corpus": _overview(store, options, run),
        "sentiment": aggregate.overall(store, run, options.seed, _method(options.tone)),
        "periods": aggregate.periods(store, run, options.seed),
        "themes": aggregate.themes(store, run, fitted, options.seed),
        "themes_info": {
            "method": "fitted period by period on seeded samples, without look-ahead (threadscope.corpus.fit)",
            "sampled_posts": fitted.sampled,
            "per_period": per_period,
            "merge_cosine": fit.MERGE,
            "floor_percentile": fit.FLOOR_PERCENTILE,
        },
        "meta": {"threadscope": __version__, "embedding_model": model, "params": params, "run": run, "timings_s": {}},
    }
    timings["aggregate"] = _lap(clock)
    results["meta"]["timings_s"] = timings
    store.sql("UPDATE runs SET results = ? WHERE run = ?", [json.dumps(results, allow_nan=False), run])
    store.sql("DROP TABLE IF EXISTS temp.work")
    return results, run


def _lap(clock: list[float]) -> float:
    """Seconds since the last lap (``clock`` holds its time)."""
    now = time.perf_counter()
    spent, clock[0] = now - clock[0], now
    return round(spent, 3)


def _method(tone: str) -> schema.ToneMethod:
    from threadscope.analysis import sentiment
    from threadscope.analysis import tone as toning

    # a corpus stores each post's sentence vector only (imported ones have nothing more), so its
    # tone is the head that needs no layers
    return toning.method(head=toning.SENTENCE) if tone == "model" else sentiment.VADER_METHOD.copy()


def _overview(store: Store, options: Options, run: int) -> schema.CorpusOverview:
    counts = store.counts()
    first, last = store.sql("SELECT min(p.created_at), max(p.created_at) FROM posts p")[0]
    analysed = store.scalar("SELECT count(*) FROM post_results WHERE run = ?", [run])
    return {
        "name": store.name,
        "threads": counts["threads"],
        "posts": counts["posts"],
        "analysed": analysed,
        "first": None if first is None else first.isoformat() + "Z",
        "last": None if last is None else last.isoformat() + "Z",
        "by": options.by,
    }


def _sample(store: Store, model: str, period: str, limit: int) -> tuple[list[str], list[str], np.ndarray]:
    rows = store.con.sql(
        "SELECT w.uid, p.text, e.vector, pe.vector AS parent_vector FROM work w JOIN posts p ON p.uid = w.uid "
        "JOIN embeddings e ON e.uid = w.uid AND e.model = ? "
        "LEFT JOIN embeddings pe ON pe.uid = p.parent_uid AND pe.model = ? "
        "WHERE w.period = ? ORDER BY w.draw, w.uid LIMIT ?",
        params=[model, model, period, limit],
    ).to_arrow_table()
    if not rows.num_rows:
        return [], [], np.zeros((0, 0), dtype=np.float32)
    vectors = matrix(rows.column("vector"))
    mixed = context_mixed(vectors, matrix(rows.column("parent_vector"), vectors.shape[1]))
    return rows.column("uid").to_pylist(), rows.column("text").to_pylist(), mixed


def _store_vectors(writer: duckdb.DuckDBPyConnection, table: pa.Table, model: str) -> None:
    import pyarrow as pa

    rows = pa.table(
        {
            "uid": table.column("uid"),
            "model": pa.array([model] * table.num_rows),
            "vector": table.column("vector").cast(pa.list_(pa.float32())),
        }
    )
    writer.register("new_vectors", rows)
    try:
        insert_new(writer, "embeddings", "new_vectors", ("uid", "model"))
    finally:
        writer.unregister("new_vectors")


def _store_scores(writer: duckdb.DuckDBPyConnection, run: int, table: pa.Table) -> None:
    writer.register("new_scores", table)
    try:
        writer.execute(
            "INSERT INTO post_results SELECT ?, uid, period, theme, similarity, tone, sentiment, vader FROM new_scores",
            [run],
        ).fetchall()
    finally:
        writer.unregister("new_scores")


def _embed_names(names: list[str], embedder: Embedder, data_dir: Path | None) -> np.ndarray:
    from threadscope.analysis import embed

    with embed.EmbeddingCache(data_dir) as cache:
        return embed.embed_texts(names, embedder, cache)


def _term_embedder(embedder: Embedder, data_dir: Path | None) -> Callable[[list[str]], np.ndarray]:
    def embed_terms(terms: list[str]) -> np.ndarray:
        return _embed_names(terms, embedder, data_dir)

    return embed_terms
