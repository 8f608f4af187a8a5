"""Build Parquet corpora from the real threads in ``../shared/data``, in both layouts ``corpus import`` reads.

The real dump (ClickHouse's 28.7 million HN posts with vectors) cannot be
downloaded here, so this writes files of the same shape from real threads:
their real texts, authors and reply trees, copied as often as needed and
spread over 2016-2024 (each copy gets fresh ids and its own day), with the
packaged all-MiniLM-L6-v2's vectors of the real texts (each distinct text is
embedded once, through the embedding cache).

    .venv/bin/python benchmarks/corpus_data.py --rows 10000 100000 1000000

writes ``benchmarks/out/corpus/<layout>-<rows>.parquet`` for both layouts.
Tests call ``write`` with a few thousand rows. Rows are generated and
written one copy at a time, so memory stays flat at any size.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
#: Real HN threads in the Algolia items shape (49220339 is left out: its subject is not for demos).
THREADS = (
    "hn/items/27145911.json",
    "hn/converted/17338700.json",
    "hn/converted/26312516.json",
    "hn/converted/10939306.json",
    "hn/converted/10846540.json",
    "hn/converted/14952787.json",
    "hn/converted/25015967.json",
)
START = datetime(2016, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=9 * 365)
LAYOUTS = ("clickhouse", "plain")
ROW_GROUP = 50_000


@dataclass(frozen=True)
class Source:
    """One real thread flattened: posts in tree order with their offsets from the story's time."""

    posts: list[dict[str, Any]]


def load_threads(paths: Sequence[str] = THREADS, shared: Path = SHARED) -> list[Source]:
    """The real threads, each as rows ``id, parent, by, text_html, text, type, title, score, offset, deleted``."""
    from threadscope.sources.files import load_file

    out = []
    for relative in paths:
        thread = load_file(shared / relative)
        t0 = thread.root.created_at or START
        rows = []
        for post in thread.posts:
            root = post is thread.root
            rows.append(
                {
                    "id": int(post.id),
                    "parent": None if root else int(post.parent_id or thread.root.id),
                    "by": post.author,
                    "text_html": post.text_html,
                    "text": post.own_text,
                    "type": "story" if root else "comment",
                    "title": thread.title if root else None,
                    "score": post.score if root else None,
                    "offset": ((post.created_at or t0) - t0).total_seconds(),
                    "deleted": post.deleted,
                }
            )
        out.append(Source(rows))
    return out


def text_vectors(sources: Sequence[Source], embedder: Any, data_dir: Path | None) -> dict[str, np.ndarray]:
    """The real model's vector of every distinct own text, through the embedding cache."""
    from threadscope.analysis import embed

    texts = sorted({row["text"] for s in sources for row in s.posts if row["text"].strip()})
    with embed.EmbeddingCache(data_dir) as cache:
        vectors = embed.embed_texts(texts, embedder, cache)
    return dict(zip(texts, vectors, strict=True))


def copies(sources: Sequence[Source], rows: int) -> Iterator[list[dict[str, Any]]]:
    """Copies of the threads, round robin, until ``rows`` posts; each copy with new ids and its own day."""
    total = sum(len(s.posts) for s in sources)
    n_copies = max(1, -(-rows // total) * len(sources))
    made = 0
    for k in range(n_copies):
        source = sources[k % len(sources)]
        shift = (k + 1) * 10**9  # ids stay HN-like numbers, distinct per copy
        day = START + SPAN * (k + 0.5) / n_copies
        batch = []
        for row in source.posts:
            if made == rows:
                break
            batch.append(
                {
                    **row,
                    "id": row["id"] + shift,
                    "parent": None if row["parent"] is None else row["parent"] + shift,
                    "time": day + timedelta(seconds=row["offset"]),
                }
            )
            made += 1
        if batch:
            yield batch
        if made == rows:
            return


def write(
    path: Path,
    rows: int,
    layout: str,
    *,
    sources: Sequence[Source],
    vectors: dict[str, np.ndarray] | None,
) -> Path:
    """Write ``rows`` posts in ``layout`` (``clickhouse`` or ``plain``) to ``path``; without ``vectors``, none."""
    import pyarrow.parquet as pq

    dim = len(next(iter(vectors.values()))) if vectors else 0
    empty = np.zeros(dim, dtype=np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer: pq.ParquetWriter | None = None
    pending: list[dict[str, Any]] = []

    def flush() -> None:
        nonlocal writer, pending
        if not pending:
            return
        table = _table(pending, layout, vectors, empty)
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
        pending = []

    for batch in copies(sources, rows):
        pending.extend(batch)
        if len(pending) >= ROW_GROUP:
            flush()
    flush()
    if writer is not None:
        writer.close()
    return path


def _table(rows: list[dict[str, Any]], layout: str, vectors: dict[str, np.ndarray] | None, empty: np.ndarray) -> Any:
    import pyarrow as pa

    columns: dict[str, Any]
    if layout == "clickhouse":
        columns = {
            "doc_id": pa.array([r["id"] for r in rows], pa.int64()),
            "text": [r["text_html"] or None for r in rows],
            "type": [r["type"] for r in rows],
            "by": [r["by"] for r in rows],
            "time": pa.array([r["time"] for r in rows], pa.timestamp("s")),
            "title": [r["title"] for r in rows],
            "post_score": pa.array([r["score"] for r in rows], pa.int32()),
            "dead": pa.array([0] * len(rows), pa.uint8()),
            "deleted": pa.array([int(r["deleted"]) for r in rows], pa.uint8()),
        }
    elif layout == "plain":
        columns = {
            "id": [str(r["id"]) for r in rows],
            "parent_id": [None if r["parent"] is None else str(r["parent"]) for r in rows],
            "author": [r["by"] for r in rows],
            "created_at": pa.array([r["time"] for r in rows], pa.timestamp("us", tz="UTC")),
            "text": [r["text"] for r in rows],
        }
    else:
        raise ValueError(f"unknown layout {layout!r}")
    if vectors is not None:
        values = np.stack([vectors.get(r["text"], empty) for r in rows]).astype(np.float32)
        flat = pa.array(values.reshape(-1))
        columns["vector"] = pa.FixedSizeListArray.from_arrays(flat, values.shape[1]).cast(pa.list_(pa.float32()))
    return pa.table(columns)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000])
    parser.add_argument("--layout", choices=LAYOUTS, nargs="+", default=list(LAYOUTS))
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "corpus")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "benchmarks" / "out" / "data")
    args = parser.parse_args(argv)
    if str(ROOT / "src") not in sys.path:
        sys.path.insert(0, str(ROOT / "src"))
    from threadscope.analysis.embed import MiniLMEmbedder

    sources = load_threads()
    vectors = text_vectors(sources, MiniLMEmbedder(data_dir=args.data_dir), args.data_dir)
    for rows in args.rows:
        for layout in args.layout:
            path = write(args.out / f"{layout}-{rows}.parquet", rows, layout, sources=sources, vectors=vectors)
            print(f"wrote {path} ({rows:,} rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
