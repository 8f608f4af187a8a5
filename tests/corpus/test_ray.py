"""The Ray engine on a local two-node Ray cluster (head and worker on 127.0.0.1, started and stopped here).

The same corpus must give the same aggregates with the local and the Ray
engine, and posts embedded by Ray workers must get the model's vectors.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.corpus.conftest import parquet
from threadscope.corpus.api import corpus_analyze, corpus_import
from threadscope.corpus.store import open_store

ray = pytest.importorskip("ray", reason="the Ray engine needs the ray extra (installed by make setup)")
pytestmark = pytest.mark.model


def _ray(*args: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "ray"), *args], env=env, capture_output=True, text=True, timeout=180
    )
    if done.returncode:
        raise RuntimeError(f"ray {args[0]} failed: {done.stderr.strip()[-500:]}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A head node and one worker node, one CPU each, started here with ``ray start``; the head's address.

    Both listen on every interface of this machine and are reached through 127.0.0.1 (Ray itself names
    nodes by the machine's first network address). Token authentication is off: a test cluster on one
    machine, stopped when the module's tests end.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0"}
    temp = tmp_path_factory.mktemp("ray")
    common = ("--num-cpus=1", "--disable-usage-stats")
    try:
        _ray("start", "--head", f"--port={port}", "--include-dashboard=false", f"--temp-dir={temp}", *common, env=env)
        _ray("start", f"--address=127.0.0.1:{port}", *common, env=env)
        yield f"127.0.0.1:{port}"
    finally:
        if ray.is_initialized():
            ray.shutdown()
        _ray("stop", "--force", env=env)


def _aggregates(result: Any) -> dict[str, Any]:
    return {k: result.results[k] for k in ("periods", "themes", "sentiment", "corpus")}


def test_ray_and_local_engines_give_identical_aggregates(
    cluster: str, tmp_path: Path, sources: list[Any], real_vectors: dict[str, Any]
) -> None:
    rows = sum(len(s.posts) for s in sources)
    path = parquet(tmp_path, sources, rows, "plain", real_vectors)
    for name in ("local", "ray"):
        corpus_import(name, path, source="hn", data_dir=tmp_path)
    local = corpus_analyze("local", by="year", data_dir=tmp_path)
    distributed = corpus_analyze("ray", by="year", data_dir=tmp_path, engine="ray", address=cluster)
    assert distributed.results["meta"]["params"]["engine"] == "ray"
    got, want = _aggregates(distributed), _aggregates(local)
    got["corpus"].pop("name")
    want["corpus"].pop("name")
    assert got == want
    assert local.posts().equals(distributed.posts())


def test_posts_embedded_by_ray_workers_get_the_models_vectors(
    cluster: str, tmp_path: Path, sources: list[Any], real_embedder: Any
) -> None:
    path = parquet(tmp_path, sources, 150, "plain", None)  # no vectors: the workers embed every post
    corpus_import("bare", path, source="hn", data_dir=tmp_path)
    corpus_analyze("bare", by="year", data_dir=tmp_path, engine="ray", address=cluster)
    with open_store("bare", tmp_path, read_only=True) as store:
        rows = store.sql("SELECT p.text, e.vector FROM embeddings e JOIN posts p USING (uid) ORDER BY p.uid")
        wanted = store.scalar("SELECT count(*) FROM posts WHERE NOT deleted AND text <> '' AND NOT is_root")
    assert len(rows) == wanted > 100
    mine = real_embedder.embed([text for text, _ in rows])
    theirs = np.asarray([vector for _, vector in rows], dtype=np.float32)
    cosine = (mine * theirs).sum(axis=1) / np.linalg.norm(mine, axis=1) / np.linalg.norm(theirs, axis=1)
    assert cosine.min() >= 0.9999
