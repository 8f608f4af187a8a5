"""The corpus half of the library's front door; ``threadscope.corpus_add`` and friends.

    threadscope.corpus_add("dl-jobs", query="deep learning", since=datetime(2016, 1, 1), min_points=50)
    threadscope.corpus_import("hn-all", "hackernews.parquet")
    result = threadscope.corpus_analyze("dl-jobs", by="year", themes="hype, hiring")
    result.prevalence            # period × theme shares, a DataFrame
    result.write("reports/dl-jobs")

Every function opens the corpus database, does its work and closes it, so
no lock outlives a call. Errors a user can cause are ``ThreadscopeError``s.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from threadscope.cache import Cache, default_data_dir
from threadscope.corpus import store as stores
from threadscope.errors import InputError, OfflineError

Progress = Callable[[str, int, int], None]


def _data_dir(data_dir: Path | str | None) -> Path:
    from threadscope.api import check_data_dir

    return check_data_dir(data_dir) or default_data_dir()


def corpus_add(
    name: str,
    specs: Sequence[str] = (),
    *,
    query: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    min_points: int | None = None,
    limit: int | None = None,
    data_dir: Path | str | None = None,
    offline: bool = False,
    refresh: bool = False,
    min_interval: float | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Add threads to the corpus ``name`` (created if new): the ``specs``, and the stories a ``query`` finds.

    Args:
        name: the corpus.
        specs: thread specs, as ``analyze`` takes them.
        query: words to search HN stories for (Algolia).
        since: stories from this moment on (naive: UTC).
        until: stories before this moment.
        min_points: only stories with this many points.
        limit: the most stories to add from ``query``.
        data_dir: the cache folder, where corpora live too (``corpora/<name>.duckdb``).
        offline: never touch the network.
        refresh: refetch even what the cache holds.
        min_interval: seconds between requests to the HN API (Algolia allows 10,000 an hour).
        progress: called as ``progress(stage, done, total)``.

    Returns:
        Counts: ``threads`` added from specs, ``found``/``fetched``/``already``/``failed`` for the query,
        and the corpus's ``posts`` and ``threads`` afterwards.

    Raises:
        ThreadscopeError: with a message fit for the user; whatever was added before stays.

    """
    from threadscope.api import _check_count, _flag, check_window, load_thread
    from threadscope.corpus import ingest, search

    if isinstance(specs, str):
        specs = [specs]
    if not specs and query is None:
        raise InputError("corpus add needs thread specs or --query")
    if query is not None and (not isinstance(query, str) or not query.strip()):
        raise InputError("--query needs words to look for")
    if limit is not None:
        _check_count("limit", limit)
    since, until = check_window(since, until, min_points)
    if query is not None and _flag("offline", offline):
        raise OfflineError("corpus add --query needs the network; run it without --offline")
    folder = _data_dir(data_dir)
    stores.check_name(name)
    out: dict[str, int] = {"threads": 0}
    with stores.open_store(name, folder, create=True) as store:
        for done, spec in enumerate(specs, start=1):
            thread = load_thread(spec, data_dir=folder, offline=_flag("offline", offline), refresh=refresh)
            ingest.add_thread(store, thread, str(spec))
            out["threads"] += 1
            if progress:
                progress("add threads", done, len(specs))
        if query is not None:
            from threadscope.sources.hn import HackerNews, api_base

            interval = search.MIN_INTERVAL_S if min_interval is None else float(min_interval)
            client = search.PoliteClient(interval)
            hn = HackerNews(Cache(folder), client, refresh=refresh)
            added = search.add_search(
                store,
                search.Query(query, since, until, min_points, limit),
                hn=hn,
                base_url=api_base(),
                progress=progress,
            )
            out.update(found=added.found, fetched=added.fetched, already=added.already, failed=added.failed)
        counts = store.counts()
    out.update(posts=counts["posts"], corpus_threads=counts["threads"])
    return out


def corpus_import(
    name: str,
    path: Path | str,
    *,
    source: str = "plain",
    data_dir: Path | str | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Stream a Parquet file of posts into the corpus ``name`` (ClickHouse's HN layout or the plain one).

    An interrupted import, run again, resumes after its last committed batch;
    a file already imported is skipped.

    Raises:
        ThreadscopeError: a missing or malformed column, a vector of the wrong length, a locked corpus.

    """
    from threadscope.analysis.embed import MiniLMEmbedder
    from threadscope.corpus import ingest

    folder = _data_dir(data_dir)
    stores.check_name(name)
    file = Path(path).expanduser()
    if not file.exists():
        raise InputError(f"no such file: {file}")
    model = MiniLMEmbedder(data_dir=folder).name
    with stores.open_store(name, folder, create=True) as store:
        done = ingest.import_parquet(store, file, model=model, dim=DIM, source=source, progress=progress)
        counts = store.counts()
    return {
        "layout": done.layout,
        "rows": done.rows,
        "file_rows": done.total,
        "already_done": done.already_done,
        **counts,
    }


#: all-MiniLM-L6-v2's vector size; imported vectors must have it.
DIM = 384


def corpus_analyze(
    name: str,
    *,
    themes: str | Sequence[str] | None = None,
    by: str = "quarter",
    tone: str = "model",
    seed: int = 42,
    sample: int = 1000,
    engine: str = "local",
    address: str | None = None,
    workers: int = 1,
    data_dir: Path | str | None = None,
    progress: Progress | None = None,
) -> Any:
    """Analyse the corpus ``name`` over time and return a ``CorpusAnalysis`` (DataFrames, ``write``).

    Args:
        name: the corpus.
        themes: guided theme names, as ``"a, b"`` or a list.
        by: ``month``, ``quarter`` or ``year``.
        tone: ``model`` or ``vader``.
        seed: seed of the sample draws and the clustering.
        sample: the most posts of each period the theme model is fitted on.
        engine: ``local`` (this process) or ``ray`` (Ray Data).
        address: with ``ray``, the cluster to join; a local Ray is started without it.
        workers: with ``local``, processes that score posts (tone, themes) in parallel on a large corpus.
            Workers are spawned, so a script that passes more than 1 must guard its entry point with
            ``if __name__ == "__main__":`` (Python's rule for ``multiprocessing``); the command line uses
            every core.
        data_dir: the cache folder, where corpora live.
        progress: called as ``progress(stage, done, total)``.

    Raises:
        ThreadscopeError: with a message fit for the user.

    """
    from threadscope.analysis.embed import MiniLMEmbedder
    from threadscope.api import _check_count, _check_seed, _check_tone, parse_guided
    from threadscope.corpus import analyze, engines
    from threadscope.results import CorpusAnalysis

    guided = parse_guided(themes)
    _check_tone(tone)
    _check_seed(seed)
    _check_count("sample", sample)
    _check_count("workers", workers)
    if by not in analyze.BY:
        raise InputError(f"--by must be month, quarter or year, not {by!r:.40}")
    folder = _data_dir(data_dir)
    stores.check_name(name)
    embedder = MiniLMEmbedder(data_dir=folder)
    options = analyze.Options(by=by, guided=tuple(guided), tone=tone, seed=seed, sample=sample)
    with stores.open_store(name, folder) as store:
        runner = engines.make_engine(
            engine,
            embedder_factory=lambda: embedder,
            data_dir=folder,
            address=address,
            workers=workers,
            progress=progress,
        )
        try:
            results, run = analyze.analyze(
                store, options, engine=runner, embedder=embedder, data_dir=folder, progress=progress
            )
        finally:
            runner.close()
    return CorpusAnalysis(name, store.path, run, results)


def corpus_info(name: str, *, data_dir: Path | str | None = None) -> dict[str, Any]:
    """What the corpus ``name`` holds: counts, time span, searches, imports and analysis runs."""
    folder = _data_dir(data_dir)
    with stores.open_store(name, folder, read_only=True) as store:
        first, last = store.sql("SELECT min(created_at), max(created_at) FROM posts")[0]
        return {
            "name": name,
            "path": str(store.path),
            **store.counts(),
            "first": None if first is None else first.isoformat() + "Z",
            "last": None if last is None else last.isoformat() + "Z",
            "searches": store.scalar("SELECT count(*) FROM searches"),
            "imports": store.scalar("SELECT count(*) FROM imports WHERE done"),
            "runs": store.scalar("SELECT count(*) FROM runs WHERE results IS NOT NULL"),
        }
