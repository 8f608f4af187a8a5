"""Filling a corpus: threads from specs, and posts streamed from Parquet files.

Threads arrive through the same sources as ``analyze`` (``sources.load``), so
every spec it takes works here and every fetch goes through the cache. A
thread added again replaces its posts; vectors of posts whose text changed
are dropped, the others kept.

Parquet files are read in batches (``pyarrow.parquet.ParquetFile.iter_batches``)
and each batch is checked, then committed with the import's progress, so
memory stays flat whatever the file's size and an interrupted import resumes
after the last committed batch. Two layouts are read:

- ClickHouse's HN posts with vectors: ``doc_id, text, vector, type, by,
  time, title, post_score, dead, deleted`` (``vector``, ``title``,
  ``post_score``, ``dead``, ``deleted`` optional; a ``parent`` column is used
  when present). Vectors are all-MiniLM-L6-v2's, so they are stored and
  never recomputed.
- A plain layout: ``id, parent_id, author, created_at, text`` and an optional
  ``vector``; each post's thread and depth are found by following parents.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from threadscope.corpus.store import Store, insert_new
from threadscope.errors import FileFormatError, InputError
from threadscope.model import Thread
from threadscope.text import html_to_text

if TYPE_CHECKING:
    import pyarrow as pa

#: Rows per Parquet batch: a batch of 384-float vectors is about 30 MB.
BATCH_ROWS = 20_000
#: Bytes pyarrow reads from the file at a time.
READ_BUFFER = 1 << 20
CLICKHOUSE = "clickhouse"
PLAIN = "plain"
LAYOUTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # layout: (required columns, optional columns)
    CLICKHOUSE: (
        ("doc_id", "text", "type", "by", "time"),
        ("vector", "title", "post_score", "dead", "deleted", "parent"),
    ),
    PLAIN: (("id", "parent_id", "author", "created_at", "text"), ("vector",)),
}
#: Sources a plain file's ids may belong to (they name permalinks); ``plain`` has none.
PLAIN_SOURCES = ("plain", "hn", "x")

#: ``progress(stage, done, total)``
Progress = Callable[[str, int, int], None]


def _naive_utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC).replace(tzinfo=None)


def permalink(source: str, post_id: str) -> str | None:
    """The public page of a post, for the sources that have one."""
    if source == "hn":
        from threadscope.sources import hn

        return hn.permalink(post_id)
    if source == "x":
        from threadscope.sources import x

        return x.permalink(post_id)
    return None


def add_thread(store: Store, thread: Thread, spec: str) -> int:
    """Store ``thread`` (replacing an earlier copy of it) and return how many posts it has."""
    import pyarrow as pa

    thread_uid = f"{thread.source}:{thread.id}"
    posts = thread.posts
    incoming = pa.table(
        {
            "uid": [f"{thread.source}:{p.id}" for p in posts],
            "source": [thread.source] * len(posts),
            "id": [p.id for p in posts],
            "thread_uid": [thread_uid] * len(posts),
            "parent_uid": [None if p.parent_id is None else f"{thread.source}:{p.parent_id}" for p in posts],
            "author": [p.author for p in posts],
            "created_at": pa.array([_naive_utc(p.created_at) for p in posts], pa.timestamp("us")),
            "text": [p.own_text for p in posts],
            "deleted": [p.deleted for p in posts],
            "depth": [p.depth for p in posts],
            "is_root": [p is thread.root for p in posts],
        }
    )
    root = thread.root
    row = [
        thread_uid,
        thread.source,
        thread.id,
        thread.title,
        thread.url,
        thread.permalink,
        root.author,
        _naive_utc(root.created_at),
        root.score,
        spec,
        datetime.now(UTC).replace(tzinfo=None),
    ]
    con = store.con
    con.register("incoming", incoming)
    try:
        with store.transaction():
            store.sql(
                "DELETE FROM embeddings WHERE uid IN "
                "(SELECT p.uid FROM posts p JOIN incoming i USING (uid) WHERE p.text <> i.text)"
            )
            store.sql("DELETE FROM posts WHERE thread_uid = ? OR uid IN (SELECT uid FROM incoming)", [thread_uid])
            store.sql("INSERT INTO posts SELECT * FROM incoming")
            store.sql("INSERT OR REPLACE INTO threads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
    finally:
        con.unregister("incoming")
    return len(posts)


# --------------------------------------------------------------------------
# Parquet


@dataclass(frozen=True)
class Imported:
    """What one import did: rows read this time, rows the file holds, and whether it had been fully imported."""

    layout: str
    rows: int
    total: int
    already_done: bool


def detect_layout(columns: Sequence[str], where: str) -> str:
    """Which layout a file's columns are.

    Raises:
        FileFormatError: the columns match neither layout; the message names the missing ones.

    """
    have = set(columns)
    for layout, (required, _optional) in LAYOUTS.items():
        if have >= set(required):
            return layout
    missing = {layout: [c for c in required if c not in have] for layout, (required, _) in LAYOUTS.items()}
    closest = min(missing, key=lambda layout: len(missing[layout]))
    raise FileFormatError(
        f"{where} is missing column{'s' if len(missing[closest]) > 1 else ''} {', '.join(missing[closest])} "
        f"of the {closest} layout (see 'threadscope corpus import --help' for both layouts)"
    )


def import_parquet(
    store: Store,
    path: Path,
    *,
    model: str,
    dim: int,
    source: str = "plain",
    progress: Progress | None = None,
    batch_rows: int = BATCH_ROWS,
) -> Imported:
    """Stream the Parquet file ``path`` into the corpus, resuming after the batches an earlier run committed.

    Args:
        store: the open corpus.
        path: a Parquet file in the ClickHouse or plain layout.
        model: the embedding model name that file vectors are stored under.
        dim: the number of values each vector must have.
        source: for the plain layout, which source its ids belong to (``hn``, ``x`` or ``plain``).
        progress: called as ``progress("import", rows_done, rows_total)``.
        batch_rows: rows per batch.

    Raises:
        FileFormatError: not a Parquet file, a missing column, a column of the wrong type, a vector of the
            wrong length or with non-finite values.

    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    if source not in PLAIN_SOURCES:
        raise InputError(f"--source must be one of {', '.join(PLAIN_SOURCES)}, not {source!r:.40}")
    try:
        # pre_buffer off and a bounded read buffer: with them on, pyarrow keeps every row group it has
        # read buffered until the file is closed, and memory grows with the file (1.5 GB at 600k rows)
        handle = pq.ParquetFile(path, pre_buffer=False, buffer_size=READ_BUFFER)
    except FileNotFoundError:
        raise InputError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder; give a Parquet file") from None
    except (pa.ArrowException, OSError) as exc:
        raise FileFormatError(f"{path} is not a readable Parquet file ({_short(exc)})") from None
    layout = detect_layout(handle.schema_arrow.names, str(path))
    required, optional = LAYOUTS[layout]
    columns = [*required, *(c for c in optional if c in handle.schema_arrow.names)]
    total = handle.metadata.num_rows
    key = _file_key(path)
    done_row = next(iter(store.sql("SELECT rows_done, done FROM imports WHERE file = ?", [key])), None)
    if done_row is not None and done_row[1]:
        return Imported(layout, 0, total, True)
    skip = int(done_row[0]) if done_row else 0
    seen = 0
    read = 0
    try:
        for batch in handle.iter_batches(batch_size=batch_rows, columns=columns):
            start, seen = seen, seen + batch.num_rows
            if seen <= skip:
                continue
            table = pa.Table.from_batches([batch]).slice(max(0, skip - start))
            rows = _clickhouse_rows(table, path, start) if layout == CLICKHOUSE else _plain_rows(table, source)
            vectors = _vectors(table, path, start, dim) if "vector" in table.column_names else None
            _store_batch(store, key, layout, rows, vectors, model, seen)
            read += table.num_rows
            if progress:
                progress("import", seen, total)
    except (pa.ArrowException, OSError) as exc:
        raise FileFormatError(
            f"{path} could not be read past row {seen:,} ({_short(exc)}); the rows before are stored, "
            "and importing it again resumes there"
        ) from None
    with store.transaction():
        link_threads(store)
        store.sql("INSERT OR REPLACE INTO imports VALUES (?, ?, ?, true)", [key, layout, total])
    return Imported(layout, read, total, False)


def _file_key(path: Path) -> str:
    """The file's identity for resuming: its resolved path, size and modification time."""
    stat = path.stat()
    raw = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    return f"{path.name}#{hashlib.sha256(raw.encode()).hexdigest()[:16]}"


def _short(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]


def _texts(values: list[Any]) -> list[str]:
    """Plain text of each value: HTML (as the HN dumps carry it) flattened, ``None`` as empty."""
    out = []
    for value in values:
        text = "" if value is None else str(value)
        out.append(html_to_text(text).own_text if "<" in text or "&" in text else text.strip())
    return out


def _column(table: pa.Table, name: str) -> list[Any]:
    return table.column(name).to_pylist() if name in table.column_names else [None] * table.num_rows


def _times(table: pa.Table, name: str, where: str) -> pa.Array:
    """A column of times as naive UTC microsecond timestamps: Arrow timestamps, epoch seconds or ISO strings."""
    import pyarrow as pa
    import pyarrow.compute as pc

    column = table.column(name).combine_chunks()
    kind = column.type
    try:
        if pa.types.is_timestamp(kind):
            if kind.tz is not None:
                column = pc.cast(column, pa.timestamp(kind.unit, tz="UTC"))
            return pc.cast(pc.cast(column, pa.timestamp(kind.unit)), pa.timestamp("us"))
        if pa.types.is_integer(kind) or pa.types.is_floating(kind):
            return pc.cast(pc.multiply(pc.cast(column, pa.float64()), 1e6).cast(pa.int64()), pa.timestamp("us"))
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            from threadscope.model import parse_timestamp

            parsed = [parse_timestamp(v) for v in column.to_pylist()]
            return pa.array([_naive_utc(v) for v in parsed], pa.timestamp("us"))
    except (pa.ArrowInvalid, OverflowError) as exc:
        raise FileFormatError(f"{where}: column {name} holds times that cannot be read ({_short(exc)})") from None
    raise FileFormatError(f"{where}: column {name} must hold times (timestamps, epoch seconds or ISO text), not {kind}")


def _ids(table: pa.Table, name: str, where: str) -> list[str | None]:
    from threadscope.model import SAFE_ID

    out: list[str | None] = []
    for value in _column(table, name):
        if value is None:
            out.append(None)
            continue
        text = str(value)
        if not SAFE_ID.match(text):
            raise FileFormatError(f"{where}: column {name} holds {text[:40]!r}, not an id (letters, digits, '_.-')")
        out.append(text)
    return out


def _clickhouse_rows(table: pa.Table, path: Path, start: int) -> pa.Table:
    import pyarrow as pa

    where = f"{path} (rows from {start:,})"
    ids = _ids(table, "doc_id", where)
    if any(i is None for i in ids):
        raise FileFormatError(f"{where}: doc_id is empty in some rows")
    kinds = [str(k or "") for k in _column(table, "type")]
    is_root = [k == "story" for k in kinds]
    parents = _ids(table, "parent", where)
    dead = [bool(d) for d in _column(table, "dead")]
    deleted = [bool(d) for d in _column(table, "deleted")]
    texts = _texts(_column(table, "text"))
    return pa.table(
        {
            "uid": [f"hn:{i}" for i in ids],
            "source": ["hn"] * len(ids),
            "id": ids,
            "thread_uid": [f"hn:{i}" if root else None for i, root in zip(ids, is_root, strict=True)],
            "parent_uid": [None if p is None or root else f"hn:{p}" for p, root in zip(parents, is_root, strict=True)],
            "author": [None if a is None else str(a) for a in _column(table, "by")],
            "created_at": _times(table, "time", where),
            "text": texts,
            "deleted": [a or b for a, b in zip(dead, deleted, strict=True)],
            "depth": pa.array([0 if root else None for root in is_root], pa.int32()),
            "is_root": is_root,
            # not posts columns: the stories' rows of ``threads``
            "_title": [None if t is None else str(t) for t in _column(table, "title")],
            "_points": pa.array([_int_or_none(v) for v in _column(table, "post_score")], pa.int32()),
        }
    )


def _int_or_none(value: Any) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError, OverflowError):
        return None


def _plain_rows(table: pa.Table, source: str) -> pa.Table:
    import pyarrow as pa

    where = "the plain-layout file"
    ids = _ids(table, "id", where)
    if any(i is None for i in ids):
        raise FileFormatError(f"{where}: column id is empty in some rows")
    parents = _ids(table, "parent_id", where)
    return pa.table(
        {
            "uid": [f"{source}:{i}" for i in ids],
            "source": [source] * len(ids),
            "id": ids,
            "thread_uid": [f"{source}:{i}" if p is None else None for i, p in zip(ids, parents, strict=True)],
            "parent_uid": [None if p is None else f"{source}:{p}" for p in parents],
            "author": [None if a is None else str(a) for a in _column(table, "author")],
            "created_at": _times(table, "created_at", where),
            "text": _texts(_column(table, "text")),
            "deleted": [False] * len(ids),
            "depth": pa.array([0 if p is None else None for p in parents], pa.int32()),
            "is_root": [p is None for p in parents],
            "_title": [None] * len(ids),
            "_points": pa.array([None] * len(ids), pa.int32()),
        }
    )


def _vectors(table: pa.Table, path: Path, start: int, dim: int) -> pa.Array:
    """The vector column, checked: a list of ``dim`` finite numbers in every row (``None`` allowed)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    column = table.column("vector").combine_chunks()
    if not (pa.types.is_list(column.type) or pa.types.is_large_list(column.type)) and not pa.types.is_fixed_size_list(
        column.type
    ):
        raise FileFormatError(f"{path}: column vector must hold lists of numbers, not {column.type}")
    if not (pa.types.is_floating(column.type.value_type) or pa.types.is_integer(column.type.value_type)):
        raise FileFormatError(f"{path}: column vector must hold numbers, not {column.type.value_type}")
    lengths = pc.list_value_length(column).to_numpy(zero_copy_only=False)
    present = ~np.isnan(lengths.astype(np.float64)) if lengths.dtype.kind == "f" else np.ones(len(lengths), bool)
    wrong = np.flatnonzero(present & (np.nan_to_num(lengths.astype(np.float64), nan=dim) != dim))
    if len(wrong):
        row = start + int(wrong[0])
        raise FileFormatError(
            f"{path}: row {row:,} has a vector of {int(lengths[wrong[0]])} numbers; "
            f"the corpus's model makes vectors of {dim} (nothing from this batch was stored)"
        )
    values = pc.list_flatten(column).cast(pa.float32()).to_numpy(zero_copy_only=False)
    if not np.all(np.isfinite(values)):
        raise FileFormatError(f"{path}: rows from {start:,} hold a vector with NaN or infinite values")
    return pc.cast(column, pa.list_(pa.float32()))


def _store_batch(
    store: Store, key: str, layout: str, rows: pa.Table, vectors: pa.Array | None, model: str, seen: int
) -> None:
    import pyarrow as pa

    con = store.con
    posts = rows.drop_columns(["_title", "_points"])
    stories = rows.filter(rows.column("is_root")).select(
        ["uid", "source", "id", "_title", "author", "created_at", "_points"]
    )  # permalinks are made when read (``permalink``), from source and id
    embedded = (
        pa.table({"uid": rows.column("uid"), "model": [model] * rows.num_rows, "vector": vectors}).filter(
            vectors.is_valid()
        )
        if vectors is not None
        else None
    )
    con.register("batch_posts", posts)
    con.register("batch_stories", stories)
    if embedded is not None:
        con.register("batch_vectors", embedded)
    try:
        with store.transaction():
            insert_new(store, "posts", "batch_posts", ("uid",))
            store.sql(
                "INSERT OR IGNORE INTO threads SELECT uid, source, id, _title, NULL, NULL, author, created_at, "
                "_points, NULL, now()::TIMESTAMP FROM batch_stories"
            )
            if embedded is not None:
                insert_new(store, "embeddings", "batch_vectors", ("uid", "model"))
            store.sql("INSERT OR REPLACE INTO imports VALUES (?, ?, ?, false)", [key, layout, seen])
    finally:
        for name in ("batch_posts", "batch_stories", "batch_vectors"):
            con.unregister(name)


def link_threads(store: Store) -> None:
    """Give each post whose thread is unknown the thread and depth of its parent, level by level.

    A post whose parent is not in the corpus starts a thread of its own, as a
    root would (the parent may come in a later import); so does a post in a
    parent cycle. Written as a loop of set-based updates: each pass moves one
    level down every thread at once.
    """
    _propagate(store)
    for seed in (
        "UPDATE posts SET thread_uid = uid, depth = 0 WHERE thread_uid IS NULL AND parent_uid IS NOT NULL "
        "AND parent_uid NOT IN (SELECT uid FROM posts)",
        "UPDATE posts SET thread_uid = uid, depth = 0 WHERE thread_uid IS NULL AND parent_uid IS NOT NULL",
    ):
        if _changed(store.sql(seed)):
            _propagate(store)


def _propagate(store: Store) -> None:
    while _changed(
        store.sql(
            "UPDATE posts SET thread_uid = p.thread_uid, depth = p.depth + 1 FROM posts p "
            "WHERE posts.parent_uid = p.uid AND posts.thread_uid IS NULL AND p.thread_uid IS NOT NULL"
        )
    ):
        pass


def _changed(rows: list[tuple[Any, ...]]) -> int:
    return int(rows[0][0]) if rows else 0
