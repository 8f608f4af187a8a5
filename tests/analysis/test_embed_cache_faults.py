"""The embedding cache under contention and interruption: a lock is waited for and never mistaken for corruption."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from tests.fakes import FakeEmbedder
from threadscope.analysis.embed import EmbeddingCache, embed_texts, text_sha256

TEXTS = [f"comment number {i} about the thread" for i in range(40)]


def fill(data_dir: Path) -> dict[str, np.ndarray]:
    """A cache holding the fake vectors of ``TEXTS``; returns them by key."""
    vectors = FakeEmbedder().embed(TEXTS)
    by_key = {text_sha256(t): v for t, v in zip(TEXTS, vectors, strict=True)}
    with EmbeddingCache(data_dir) as cache:
        cache.put_many("fake", by_key)
    return by_key


def hold_lock(path: Path) -> sqlite3.Connection:
    """A second connection that holds the database's exclusive lock until it commits."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN EXCLUSIVE")
    other.execute("INSERT OR REPLACE INTO embeddings VALUES ('other', 'k', x'00')")
    return other


def test_a_lock_held_past_the_timeout_leaves_the_cache_alone(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    stored = fill(tmp_path)
    other = hold_lock(tmp_path / EmbeddingCache.FILENAME)
    with EmbeddingCache(tmp_path, lock_timeout=0.3) as cache:
        assert cache.get_many("fake", list(stored)) == {}  # could not read: recompute, but lose nothing
        started = time.monotonic()
        cache.put_many("fake", {"new": np.ones(64, dtype=np.float32) / 8})  # no error, and no second wait
        assert time.monotonic() - started < 0.25
    assert "locked by another process" in caplog.text
    assert not list(tmp_path.glob("*.corrupt-*")), "a locked database was treated as corrupt"
    other.execute("COMMIT")  # the other process's work is intact
    other.close()
    with EmbeddingCache(tmp_path) as cache:
        again = cache.get_many("fake", list(stored))
    assert set(again) == set(stored)
    assert all(np.allclose(again[k], stored[k]) for k in stored)


def test_a_short_lock_is_waited_for(tmp_path: Path) -> None:
    stored = fill(tmp_path)
    other = hold_lock(tmp_path / EmbeddingCache.FILENAME)
    release = threading.Timer(0.5, lambda: other.execute("COMMIT"))
    release.start()
    try:
        with EmbeddingCache(tmp_path, lock_timeout=10) as cache:
            assert set(cache.get_many("fake", list(stored))) == set(stored)
    finally:
        release.join()
        other.close()


class Interrupted(FakeEmbedder):
    """Encodes ``batches`` batches, then is interrupted like a Ctrl-C mid-run."""

    def __init__(self, batches: int) -> None:
        super().__init__()
        self.left = batches

    def embed(self, texts: list[str]) -> np.ndarray:
        if self.left == 0:
            raise KeyboardInterrupt
        self.left -= 1
        return super().embed(texts)


def test_an_interrupted_run_keeps_the_batches_it_finished(tmp_path: Path) -> None:
    texts = [f"post {i}: something said in a very long thread" for i in range(700)]  # three batches of 256
    with EmbeddingCache(tmp_path) as cache, pytest.raises(KeyboardInterrupt):
        embed_texts(texts, Interrupted(batches=2), cache)
    with EmbeddingCache(tmp_path) as cache:
        kept = cache.get_many("fake-hash-64", [text_sha256(t) for t in texts])
    assert len(kept) == 512
    counted = Interrupted(batches=1)
    with EmbeddingCache(tmp_path) as cache:
        vectors = embed_texts(texts, counted, cache)  # only the last 188 texts are encoded
    assert vectors.shape == (700, 64) and counted.left == 0
