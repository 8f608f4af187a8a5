"""A corpus on disk: one DuckDB database of threads, posts, embeddings and analysis results.

The database lives at ``<data dir>/corpora/<name>.duckdb``. DuckDB is
embedded (no server), takes a file lock so two writers never interleave, and
commits atomically, so an interrupted add or import loses at most the batch
in flight and never what was stored before. Its schema (``SCHEMA``) is
versioned in the ``meta`` table; a database written by a newer threadscope
is refused rather than misread.

Tables (every id is a string; ``uid`` is ``<source>:<id>``, unique across
sources; times are UTC ``TIMESTAMP``):

- ``threads``: one row per thread: ``uid, source, id, title, url, permalink,
  author, created_at, points, spec, added_at``.
- ``posts``: every post, roots included: ``uid, source, id, thread_uid,
  parent_uid, author, created_at, text, deleted, depth, is_root``.
  ``thread_uid`` is ``NULL`` where the input did not say (ClickHouse's HN
  vectors carry no parent).
- ``embeddings``: ``uid, model, vector FLOAT[]``, one per post and model.
- ``searches`` and ``search_hits``: the pages of a ``--query`` add read so
  far and the stories they found, so an interrupted add resumes.
- ``imports``: the Parquet files imported, with the batches done.
- ``runs`` and ``post_results``: each ``corpus analyze`` run's parameters and
  results, and each post's theme and tone in that run.

Writers add posts and vectors with ``insert_new`` (an anti-join that also
drops a key repeated within a batch), so a re-import or a resumed add adds
nothing twice; the primary keys guard against a writer that would.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from threadscope.errors import InputError, ThreadscopeError

if TYPE_CHECKING:
    import duckdb

SCHEMA = "threadscope.corpus/1"
#: A corpus name becomes a file name: letters, digits, ``-`` and ``_``, no path characters.
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
SUFFIX = ".duckdb"
#: DuckDB's own memory budget; larger work spills to a temporary folder beside the database.
MEMORY_LIMIT = "1GB"

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS threads (
    uid VARCHAR PRIMARY KEY, source VARCHAR NOT NULL, id VARCHAR NOT NULL, title VARCHAR, url VARCHAR,
    permalink VARCHAR, author VARCHAR, created_at TIMESTAMP, points INTEGER, spec VARCHAR,
    added_at TIMESTAMP NOT NULL);
CREATE TABLE IF NOT EXISTS posts (
    uid VARCHAR PRIMARY KEY, source VARCHAR NOT NULL, id VARCHAR NOT NULL, thread_uid VARCHAR,
    parent_uid VARCHAR, author VARCHAR, created_at TIMESTAMP, text VARCHAR NOT NULL,
    deleted BOOLEAN NOT NULL, depth INTEGER, is_root BOOLEAN NOT NULL);
CREATE TABLE IF NOT EXISTS embeddings (
    uid VARCHAR NOT NULL, model VARCHAR NOT NULL, vector FLOAT[] NOT NULL, PRIMARY KEY (uid, model));
CREATE TABLE IF NOT EXISTS searches (
    key VARCHAR PRIMARY KEY, query VARCHAR NOT NULL, params VARCHAR NOT NULL, cursor BIGINT,
    pages INTEGER NOT NULL, done BOOLEAN NOT NULL);
CREATE TABLE IF NOT EXISTS search_hits (
    key VARCHAR NOT NULL, story_id VARCHAR NOT NULL, title VARCHAR, points INTEGER, created_at TIMESTAMP,
    fetched BOOLEAN NOT NULL, failed VARCHAR, PRIMARY KEY (key, story_id));
CREATE TABLE IF NOT EXISTS imports (
    file VARCHAR PRIMARY KEY, layout VARCHAR NOT NULL, rows_done BIGINT NOT NULL, done BOOLEAN NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run INTEGER PRIMARY KEY, created_at TIMESTAMP NOT NULL, params VARCHAR NOT NULL, results VARCHAR);
CREATE TABLE IF NOT EXISTS post_results (
    run INTEGER NOT NULL, uid VARCHAR NOT NULL, period VARCHAR, theme INTEGER, similarity DOUBLE,
    tone INTEGER, sentiment DOUBLE, vader DOUBLE, PRIMARY KEY (run, uid));
"""


class CorpusError(ThreadscopeError):
    """The corpus database cannot be used (locked by another process, damaged, from a newer version)."""


def insert_new(store: Store | duckdb.DuckDBPyConnection, table: str, source: str, key: tuple[str, ...]) -> None:
    """``INSERT INTO table SELECT * FROM source`` for the rows whose ``key`` is not in ``table`` yet.

    Rows repeating a key within ``source`` keep the first of them. ``store``
    may be a second connection (``Store.writer``).
    """
    columns = ", ".join(key)
    match = " AND ".join(f"t.{k} = s.{k}" for k in key)
    sql = (
        f"INSERT INTO {table} SELECT * EXCLUDE (_row) FROM (SELECT *, row_number() OVER (PARTITION BY {columns}) "
        f"AS _row FROM {source}) s WHERE _row = 1 AND NOT EXISTS (SELECT 1 FROM {table} t WHERE {match})"
    )
    if isinstance(store, Store):
        store.sql(sql)
    else:
        store.execute(sql).fetchall()


def check_name(name: object) -> str:
    """``name`` when it is a usable corpus name.

    Raises:
        InputError: a name with path characters, spaces, or nothing at all.

    """
    if not isinstance(name, str) or not NAME.match(name):
        shown = repr(name)[:40] if isinstance(name, str) else type(name).__name__
        raise InputError(
            f"{shown} is not a corpus name: use up to 64 letters, digits, '-' or '_', starting with a letter or digit"
        )
    return name


def corpus_path(name: str, data_dir: Path) -> Path:
    """Where the corpus ``name`` lives under ``data_dir``."""
    return data_dir / "corpora" / f"{check_name(name)}{SUFFIX}"


def list_corpora(data_dir: Path) -> list[str]:
    """The names of the corpora under ``data_dir``, sorted."""
    folder = data_dir / "corpora"
    return sorted(p.name[: -len(SUFFIX)] for p in folder.glob(f"*{SUFFIX}") if NAME.match(p.name[: -len(SUFFIX)]))


@dataclass
class Store:
    """An open corpus database; use it as a context manager so it is always closed."""

    name: str
    path: Path
    con: duckdb.DuckDBPyConnection
    _depth: int = 0

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.con.close()

    def sql(self, query: str, params: list[Any] | tuple[Any, ...] | None = None) -> list[tuple[Any, ...]]:
        """Run one statement (with ``?`` parameters) to the end and return its rows (a count for DML)."""
        return self.con.execute(query, params or []).fetchall()

    def scalar(self, query: str, params: list[Any] | tuple[Any, ...] | None = None) -> Any:
        """The single value ``query`` returns."""
        rows = self.sql(query, params)
        return rows[0][0] if rows else None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside commits together or not at all; a transaction inside another joins it."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self.sql("BEGIN TRANSACTION")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            self.sql("ROLLBACK")
            raise
        self._depth = 0
        self.sql("COMMIT")

    @contextmanager
    def writer(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A second connection to the same database, for writing while ``con`` streams a query's rows."""
        cursor = self.con.cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    def counts(self) -> dict[str, int]:
        """How many threads, posts, posts with text and embedded posts the corpus holds."""
        return {
            "threads": int(self.scalar("SELECT count(*) FROM threads")),
            "posts": int(self.scalar("SELECT count(*) FROM posts")),
            "with_text": int(self.scalar("SELECT count(*) FROM posts WHERE NOT deleted AND text <> ''")),
            "embedded": int(self.scalar("SELECT count(DISTINCT uid) FROM embeddings")),
        }


def open_store(name: str, data_dir: Path, *, create: bool = False, read_only: bool = False) -> Store:
    """Open (or, with ``create``, create) the corpus ``name`` under ``data_dir``.

    Raises:
        InputError: a bad name, or no such corpus and ``create`` is false.
        CorpusError: the database is locked by another process, damaged, or from a newer threadscope.

    """
    import duckdb

    path = corpus_path(name, data_dir)
    if not path.exists():
        if not create:
            known = list_corpora(data_dir)
            hint = f" (corpora here: {', '.join(known)})" if known else " (add threads with 'threadscope corpus add')"
            raise InputError(f"no corpus named {name!r} in {data_dir}{hint}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create {path.parent}: {exc.strerror or exc}") from None
    try:
        con = duckdb.connect(str(path), read_only=read_only, config={"memory_limit": MEMORY_LIMIT, "threads": 2})
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise CorpusError(
                f"corpus {name!r} is in use by another threadscope process; try again when it ends"
            ) from None
        raise CorpusError(f"cannot open corpus {name!r} ({path}): {_first_line(exc)}") from None
    except duckdb.Error as exc:
        raise CorpusError(f"corpus {name!r} ({path}) is damaged or not a DuckDB file: {_first_line(exc)}") from None
    store = Store(name, path, con)
    try:
        _check_schema(store, create=create and not read_only)
    except BaseException:
        con.close()
        raise
    return store


def _check_schema(store: Store, *, create: bool) -> None:
    import duckdb

    try:
        has_meta = store.scalar(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta' AND table_schema = 'main'"
        )
        if not has_meta:
            if not create:
                raise CorpusError(f"{store.path} is not a threadscope corpus (no meta table)")
            with store.transaction():
                for statement in filter(str.strip, _TABLES.split(";")):
                    store.sql(statement)
                store.sql("INSERT INTO meta VALUES ('schema', ?)", [SCHEMA])
            return
        found = store.scalar("SELECT value FROM meta WHERE key = 'schema'")
    except duckdb.Error as exc:
        raise CorpusError(f"corpus {store.name!r} cannot be read: {_first_line(exc)}") from None
    if found != SCHEMA:
        raise CorpusError(f"corpus {store.name!r} has schema {found!r}; this threadscope reads {SCHEMA}")


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
