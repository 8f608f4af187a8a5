"""The per-post work of a corpus analysis, and the engines that run it.

Two kinds of work touch every post, and both are pure functions of a batch
of rows, so any engine that feeds them batches gives the same answers:

- ``embed.embed_texts``: the vectors of posts that lack one (through the cache);
- ``score_batch``: each post's theme (nearest theme of its period's
  snapshot, see ``corpus.fit``), its tone class and score, and VADER's
  compound.

``LocalEngine`` pages through the database in this process (scoring on a
pool of worker processes when the corpus is large). ``RayEngine`` has DuckDB
write the rows to Parquet shards, runs the same functions as Ray Data
``map_batches`` over them (on a cluster at ``address``, or on a Ray it starts
on this machine), and streams the Arrow results back for DuckDB to store and
aggregate. Scores are rounded to 6 places before they are stored, so both
engines store the same numbers whatever their batch sizes.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from threadscope.analysis.embed import unit
from threadscope.errors import InputError, ThreadscopeError

if TYPE_CHECKING:
    import pyarrow as pa

    from threadscope.analysis.embed import Embedder
    from threadscope.corpus.store import Store

ENGINES = ("local", "ray")
#: Rows per page or batch: small enough for flat memory, large enough for the model's batching.
PAGE_ROWS = 4096
#: Fewer posts than this are scored in this process: starting worker processes would cost more.
PARALLEL_FROM = 20_000
#: Weight of the parent's vector in a reply's context-mixed vector (as in single threads).
CONTEXT_WEIGHT = 0.5

#: ``progress(stage, done, total)``
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Snapshot:
    """The themes as they stood after one period: ids, unit centroids, and each theme's similarity floor."""

    ids: np.ndarray
    centroids: np.ndarray
    floors: np.ndarray

    def assign(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each row's theme (``-1`` below every floor) and its cosine to that theme's centroid."""
        if not len(self.ids) or not len(vectors):
            return np.full(len(vectors), -1, dtype=np.int64), np.zeros(len(vectors))
        sims = vectors @ self.centroids.T
        best = sims.argmax(axis=1)
        top = sims[np.arange(len(vectors)), best]
        theme = np.where(top >= self.floors[best], self.ids[best], -1)
        return theme.astype(np.int64), top.astype(np.float64)


@dataclass(frozen=True)
class ScoreSpec:
    """What ``score_batch`` needs besides the rows: the snapshots by period and the tone method."""

    snapshots: Mapping[str, Snapshot]
    tone: str = "model"


def context_mixed(vectors: np.ndarray, parents: np.ndarray) -> np.ndarray:
    """Each post's unit vector mixed with its parent's (rows of ``parents``; NaN rows: no parent), renormalised."""
    own = unit(vectors)
    mixed = own.copy()
    has = ~np.isnan(parents).any(axis=1) if len(parents) else np.zeros(0, dtype=bool)
    if has.any():
        mixed[has] += CONTEXT_WEIGHT * unit(parents[has])
    return unit(mixed)


def matrix(column: Any, dim: int | None = None) -> np.ndarray:
    """An Arrow column of vectors (lists of floats, nulls allowed) as a float32 matrix, NaN rows for nulls.

    Flattened through Arrow, never through Python lists: a page holds millions of numbers.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    valid = array.is_valid().to_numpy(zero_copy_only=False)
    values = pc.list_flatten(array.filter(valid)).to_numpy(zero_copy_only=False).astype(np.float32)
    width = dim if dim is not None else (len(values) // int(valid.sum()) if valid.any() else 0)
    out = np.full((len(array), width), np.nan, dtype=np.float32)
    if valid.any():
        out[valid] = values.reshape(-1, width)
    return out


def numpy_batch(table: pa.Table) -> dict[str, Any]:
    """A page of rows (``uid, period, text, vector, parent_vector``) as lists and matrices for ``score_batch``."""
    vectors = matrix(table.column("vector"))
    return {
        "uid": table.column("uid").to_pylist(),
        "period": table.column("period").to_pylist(),
        "text": table.column("text").to_pylist(),
        "vector": vectors,
        "parent_vector": matrix(table.column("parent_vector"), vectors.shape[1]),
    }


def score_batch(batch: Mapping[str, list[Any]], spec: ScoreSpec) -> dict[str, list[Any]]:
    """Theme, similarity, tone, sentiment and VADER of each row of a ``numpy_batch``."""
    from threadscope.analysis import sentiment
    from threadscope.analysis import tone as toning

    uids, periods, texts = list(batch["uid"]), list(batch["period"]), list(batch["text"])
    vectors = np.asarray(batch["vector"], dtype=np.float32)
    mixed = context_mixed(vectors, np.asarray(batch["parent_vector"], dtype=np.float32)) if len(vectors) else vectors
    theme = np.full(len(uids), -1, dtype=np.int64)
    similarity = np.zeros(len(uids))
    for period in sorted(set(periods), key=str):
        rows = np.asarray([i for i, p in enumerate(periods) if p == period], dtype=np.int64)
        snapshot = spec.snapshots.get(period)
        if snapshot is not None:
            theme[rows], similarity[rows] = snapshot.assign(mixed[rows])
    polarity = [sentiment.vader_scores(t) for t in texts]
    vader = [None if p is None else round(p["compound"], 4) + 0.0 for p in polarity]
    if spec.tone == "model":
        classes, scores = toning.default_model().predict(texts, vectors, polarity) if uids else ([], [])
    else:
        scores = [0.0 if v is None else v for v in vader]
        classes = [sentiment.vader_class(s) for s in scores]
    return {
        "uid": uids,
        "period": periods,
        "theme": [int(t) for t in theme],
        "similarity": [round(float(s), 6) + 0.0 for s in similarity],
        "tone": [int(c) for c in classes],
        "sentiment": [round(float(s), 6) + 0.0 for s in scores],
        "vader": vader,
    }


# --------------------------------------------------------------------------
# engines


class Engine(Protocol):
    """Runs the per-post work over rows the database selects, and stores what comes back."""

    name: str

    def embed(self, store: Store, select: str, params: list[Any], total: int, write: Writer) -> None:
        """Embed the ``uid, text`` rows of ``select``; ``write(arrow table uid, vector)`` stores each result."""

    def score(self, store: Store, select: str, params: list[Any], total: int, spec: ScoreSpec, write: Writer) -> None:
        """Score the rows of ``select``; ``write(arrow table)`` stores each result."""

    def close(self) -> None:
        """Release what the engine started."""


Writer = Callable[["pa.Table"], None]


def stream(store: Store, select: str, params: list[Any], rows: int = PAGE_ROWS) -> Iterator[pa.Table]:
    """The rows of ``select`` as Arrow tables of at most ``rows`` rows, streamed from DuckDB.

    Memory holds one batch (and DuckDB's own bounded buffers, which spill to
    disk): a page-by-page ``ORDER BY ... LIMIT`` would sort the whole join,
    vectors included, for every page. Results must be written through
    another connection (``Store.writer``) while a stream is open.
    """
    import pyarrow as pa

    for batch in store.con.sql(select, params=params).to_arrow_reader(rows):
        if batch.num_rows:
            yield pa.Table.from_batches([batch])


@dataclass
class LocalEngine:
    """The work in this process, one page at a time."""

    embedder_factory: Callable[[], Embedder]
    data_dir: Path | None
    progress: Progress | None = None
    workers: int = 1
    name: str = "local"
    _embedder: Embedder | None = field(default=None, repr=False)

    def embed(self, store: Store, select: str, params: list[Any], total: int, write: Writer) -> None:
        """See ``Engine.embed``: page by page, through the embedding cache."""
        import pyarrow as pa

        from threadscope.analysis import embed

        self._embedder = self._embedder or self.embedder_factory()
        done = 0
        with embed.EmbeddingCache(self.data_dir) as cache:
            for page in stream(store, select, params):
                vectors = embed.embed_texts(page.column("text").to_pylist(), self._embedder, cache)
                write(pa.table({"uid": page.column("uid"), "vector": list(vectors.astype(np.float32))}))
                done += page.num_rows
                if self.progress:
                    self.progress("embed", done, total)

    def score(self, store: Store, select: str, params: list[Any], total: int, spec: ScoreSpec, write: Writer) -> None:
        """See ``Engine.score``: page by page, on ``workers`` processes when there is enough to share.

        VADER is pure Python and most of the cost, so pages go to a process pool (spawned, not forked:
        the parent holds DuckDB's threads), at most two per worker in flight to keep memory flat.
        """
        import pyarrow as pa

        done = 0

        def finish(scored: dict[str, list[Any]]) -> None:
            nonlocal done
            write(pa.table(scored))
            done += len(scored["uid"])
            if self.progress:
                self.progress("themes and tone", done, total)

        if self.workers < 2 or total < PARALLEL_FROM:
            for page in stream(store, select, params):
                finish(score_batch(numpy_batch(page), spec))
            return
        import multiprocessing
        from collections import deque
        from concurrent.futures import Future, ProcessPoolExecutor

        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(self.workers, mp_context=context) as pool:
            pending: deque[Future[dict[str, list[Any]]]] = deque()
            for page in stream(store, select, params):
                pending.append(pool.submit(score_batch, numpy_batch(page), spec))
                if len(pending) >= 2 * self.workers:
                    finish(pending.popleft().result())
            while pending:
                finish(pending.popleft().result())

    def close(self) -> None:
        """Drop the embedder."""
        self._embedder = None


class RayError(ThreadscopeError):
    """Ray is missing, or the cluster could not be reached or failed the work."""


@dataclass
class RayEngine:
    """The work as Ray Data ``map_batches`` over Parquet shards, on a cluster or a local Ray."""

    data_dir: Path | None
    address: str | None = None
    workers: int = 2
    progress: Progress | None = None
    name: str = "ray"
    _started: bool = field(default=False, repr=False)
    _scratch: Path | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        try:
            import ray
        except ImportError:
            raise RayError("the Ray engine needs Ray: pip install 'threadscope[ray]'") from None
        if not ray.is_initialized():
            try:
                if self.address:
                    ray.init(address=self.address, log_to_driver=False, include_dashboard=False)
                else:
                    ray.init(num_cpus=self.workers, log_to_driver=False, include_dashboard=False)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                where = f"the Ray cluster at {self.address}" if self.address else "a local Ray"
                raise RayError(f"could not start or reach {where}: {str(exc).splitlines()[0][:160]}") from None
            self._started = True
        self._scratch = Path(tempfile.mkdtemp(prefix="threadscope-ray-"))

    def _shards(self, store: Store, select: str, params: list[Any], name: str, order: str = "uid") -> Path:
        assert self._scratch is not None
        folder = self._scratch / name
        store.con.execute(
            f"COPY (SELECT * FROM ({select}) ORDER BY {order}) TO '{folder}' (FORMAT parquet, FILE_SIZE_BYTES '32MB')",
            params,
        ).fetchall()
        return folder

    def _run(self, folder: Path, fn: Any, kwargs: dict[str, Any], actors: bool) -> Iterator[pa.Table]:
        """``fn`` over every shard of ``folder``, one Ray dataset per shard, results streamed back.

        Shards are handed to Ray with ``from_arrow`` rather than ``read_parquet``: Ray Data's file
        listing takes a CPU slot of its own, which an actor pool as large as the cluster would never
        leave free.
        """
        import pyarrow.parquet as pq
        import ray
        import ray.data

        options: dict[str, Any] = {"batch_size": 128, "batch_format": "pyarrow", "num_cpus": 1}
        if actors:
            options.update(fn_constructor_kwargs=kwargs, compute=ray.data.ActorPoolStrategy(size=self.workers))
        else:
            options.update(fn_kwargs=kwargs)
        for shard in sorted(folder.glob("*.parquet")):
            table = pq.read_table(shard)
            # one block per batch, so every worker gets some: a shard is otherwise one block, one worker
            step = int(options["batch_size"])
            blocks = [table.slice(start, step) for start in range(0, max(1, table.num_rows), step)]
            mapped = ray.data.from_arrow(blocks).map_batches(fn, **options)
            try:
                refs = mapped.to_arrow_refs()
                for ref in refs:
                    yield ray.get(ref)
            except ray.exceptions.RayError as exc:  # Ray wraps the worker's error; one line for the user
                raise RayError(f"the Ray engine failed: {str(exc).strip().splitlines()[-1][:200]}") from None

    def embed(self, store: Store, select: str, params: list[Any], total: int, write: Writer) -> None:
        """See ``Engine.embed``: one embedder actor per worker, each through the embedding cache."""
        # Longest first: each batch pads little, so small batches cost no more, and the last ones, short,
        # leave no worker waiting long for the other.
        folder = self._shards(store, select, params, "embed-in", order="length(text) DESC, uid")
        done = 0
        for table in self._run(folder, _EmbedActor, {"data_dir": self.data_dir}, True):
            write(table)
            done += table.num_rows
            if self.progress:
                self.progress("embed", done, total)

    def score(self, store: Store, select: str, params: list[Any], total: int, spec: ScoreSpec, write: Writer) -> None:
        """See ``Engine.score``: ``score_batch`` as a Ray task per batch."""
        folder = self._shards(store, select, params, "score-in")
        done = 0
        for table in self._run(folder, _score_arrow, {"spec": spec}, False):
            write(table)
            done += table.num_rows
            if self.progress:
                self.progress("themes and tone", done, total)

    def close(self) -> None:
        """Remove the scratch shards; stop the Ray this engine started (never a cluster it joined)."""
        import shutil

        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None
        if self._started:
            import ray

            ray.shutdown()
            self._started = False


def _score_arrow(batch: pa.Table, spec: ScoreSpec) -> pa.Table:
    import pyarrow as pa

    return pa.table(score_batch(numpy_batch(batch), spec))


class _EmbedActor:
    """A Ray actor holding one loaded embedder (loading it per batch would dominate)."""

    def __init__(self, data_dir: Path | None) -> None:
        from threadscope.analysis import embed

        self.embedder = embed.MiniLMEmbedder(data_dir=data_dir)
        self.embedder.load()  # part of the actor's start-up, before Ray hands it a batch
        self.cache = embed.EmbeddingCache(data_dir)  # open for the actor's life; each batch commits its own

    def __call__(self, batch: pa.Table) -> pa.Table:
        import pyarrow as pa

        from threadscope.analysis import embed

        vectors = embed.embed_texts(batch.column("text").to_pylist(), self.embedder, self.cache)
        return pa.table({"uid": batch.column("uid"), "vector": list(vectors.astype(np.float32))})


def make_engine(
    name: str,
    *,
    embedder_factory: Callable[[], Embedder],
    data_dir: Path | None,
    address: str | None = None,
    workers: int = 1,
    progress: Progress | None = None,
) -> Engine:
    """The engine ``name`` (``local`` or ``ray``).

    Raises:
        InputError: an unknown engine, or ``address`` without the Ray engine.
        RayError: Ray is missing or unreachable.

    """
    if name not in ENGINES:
        raise InputError(f"--engine must be local or ray, not {name!r:.40}")
    if name == "local":
        if address:
            raise InputError("--address is for --engine ray")
        return LocalEngine(embedder_factory, data_dir, progress, workers)
    return RayEngine(data_dir, address, progress=progress)
