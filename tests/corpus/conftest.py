"""Corpora built from the real threads in ../shared/data (see benchmarks/corpus_data.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.conftest import SHARED_DATA

#: Three real threads (200 + 259 + 485 posts): a tracking vulnerability, YouTube's piracy filter, web speed.
THREADS = ("hn/items/27145911.json", "hn/converted/17338700.json", "hn/converted/26312516.json")


@pytest.fixture(scope="session")
def sources() -> list[Any]:
    """The real threads flattened for the corpus generator."""
    from benchmarks.corpus_data import load_threads

    for relative in THREADS:
        if not (SHARED_DATA / relative).exists():
            pytest.skip(f"real data {relative} not found in {SHARED_DATA} (see shared/data/PROVENANCE.md)")
    return load_threads(THREADS, SHARED_DATA)


@pytest.fixture(scope="session")
def random_vectors(sources: list[Any]) -> dict[str, np.ndarray]:
    """A seeded random unit vector of 384 numbers per distinct text: for plumbing tests, not for meaning."""
    rng = np.random.default_rng(0)
    texts = sorted({row["text"] for s in sources for row in s.posts})
    vectors = rng.normal(size=(len(texts), 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return dict(zip(texts, vectors, strict=True))


@pytest.fixture(scope="session")
def real_vectors(sources: list[Any], real_embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The packaged all-MiniLM-L6-v2's vector of every distinct text of the three threads."""
    from benchmarks.corpus_data import text_vectors

    return text_vectors(sources, real_embedder, tmp_path_factory.mktemp("corpus-vectors"))


def parquet(tmp: Path, sources: list[Any], rows: int, layout: str, vectors: Any) -> Path:
    """A Parquet file of ``rows`` posts in ``layout`` built from the real threads."""
    from benchmarks.corpus_data import write

    return write(tmp / f"{layout}-{rows}.parquet", rows, layout, sources=sources, vectors=vectors)
