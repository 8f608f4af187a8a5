"""The corpus database and what fills it: threads from real files, Parquet in both layouts, bad input, locks."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.conftest import shared_file
from tests.corpus.conftest import THREADS, parquet
from tests.test_cli import run
from threadscope.corpus import ingest
from threadscope.corpus.store import CorpusError, check_name, open_store
from threadscope.errors import FileFormatError, InputError
from threadscope.sources.files import load_file

MODEL = "test-model"


def test_a_real_thread_is_stored_whole_and_replaced_when_added_again(tmp_path: Path) -> None:
    thread = load_file(shared_file("hn/items/27145911.json"))
    with open_store("t", tmp_path, create=True) as store:
        assert ingest.add_thread(store, thread, "27145911") == len(thread.posts)
        store.sql("INSERT INTO embeddings SELECT uid, ?, [1.0, 0.0] FROM posts", [MODEL])
        stored = store.sql("SELECT uid, parent_uid, depth, is_root FROM posts ORDER BY uid")
        assert len(stored) == 201
        by_uid = {uid: (parent, depth, root) for uid, parent, depth, root in stored}
        for post in thread.posts:
            parent, depth, root = by_uid[f"hn:{post.id}"]
            assert depth == post.depth
            assert root == (post is thread.root)
            assert parent == (None if post.parent_id is None else f"hn:{post.parent_id}")
        # again, with one comment edited: nothing doubles, only the edited comment's vector goes
        edited = thread.comments[0]
        edited.own_text = edited.own_text + " (edited)"
        ingest.add_thread(store, thread, "27145911")
        assert store.counts()["posts"] == 201
        assert store.counts()["threads"] == 1
        assert store.counts()["embedded"] == 200
        assert store.scalar("SELECT count(*) FROM embeddings WHERE uid = ?", [f"hn:{edited.id}"]) == 0


def test_plain_parquet_rebuilds_every_reply_tree(tmp_path: Path, sources: list[Any]) -> None:
    total = sum(len(s.posts) for s in sources)  # 947: one copy of each thread
    path = parquet(tmp_path, sources, total, "plain", None)
    with open_store("p", tmp_path, create=True) as store:
        done = ingest.import_parquet(store, path, model=MODEL, dim=384, source="hn", batch_rows=300)
        assert (done.layout, done.rows, done.total) == ("plain", total, total)
        assert store.counts()["threads"] == 3
        # every post hangs in the thread of its root, at the depth the real thread has
        want = {}
        for k, source in enumerate(sources):
            shift = (k + 1) * 10**9
            for row in source.posts:
                want[f"hn:{row['id'] + shift}"] = row
        got = store.sql("SELECT uid, thread_uid, depth FROM posts")
        assert len(got) == total == len(want)
        roots = {f"hn:{s.posts[0]['id'] + (k + 1) * 10**9}" for k, s in enumerate(sources)}
        assert {thread for _, thread, _ in got} == roots
        depth_of = {}
        for k in range(len(sources)):
            thread = load_file(shared_file(THREADS[k]))
            depth_of.update({f"hn:{int(p.id) + (k + 1) * 10**9}": p.depth for p in thread.posts})
        assert all(depth == depth_of[uid] for uid, _, depth in got)


def test_clickhouse_parquet_keeps_the_vectors_and_a_rerun_is_a_no_op(
    tmp_path: Path, sources: list[Any], random_vectors: dict[str, np.ndarray]
) -> None:
    path = parquet(tmp_path, sources, 700, "clickhouse", random_vectors)
    with open_store("c", tmp_path, create=True) as store:
        done = ingest.import_parquet(store, path, model=MODEL, dim=384)
        assert done.layout == "clickhouse" and done.rows == 700
        assert store.counts()["embedded"] == 700
        uid, text, vector = store.sql(
            "SELECT p.uid, p.text, e.vector FROM posts p JOIN embeddings e USING (uid) "
            "WHERE p.text <> '' ORDER BY p.uid LIMIT 1"
        )[0]
        assert np.allclose(vector, random_vectors[text], atol=1e-6)
        assert store.scalar("SELECT count(*) FROM threads") == 3  # the three stories
        again = ingest.import_parquet(store, path, model=MODEL, dim=384)
        assert again.already_done and store.counts()["posts"] == 700


def test_an_interrupted_import_resumes_after_its_last_batch(tmp_path: Path, sources: list[Any]) -> None:
    path = parquet(tmp_path, sources, 900, "plain", None)
    seen: list[int] = []

    def stop_after_two(stage: str, done: int, total: int) -> None:
        seen.append(done)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with open_store("r", tmp_path, create=True) as store:
        with pytest.raises(KeyboardInterrupt):
            ingest.import_parquet(store, path, model=MODEL, dim=384, batch_rows=200, progress=stop_after_two)
        assert store.counts()["posts"] == 400  # the two committed batches, nothing half-stored
    with open_store("r", tmp_path) as store:
        done = ingest.import_parquet(store, path, model=MODEL, dim=384, batch_rows=200)
        assert done.rows == 500  # only what the first run had not stored
        assert store.counts()["posts"] == 900
        assert store.scalar("SELECT count(*) FROM posts WHERE thread_uid IS NULL") == 0


def _rewrite(path: Path, out: Path, **columns: Any) -> Path:
    table = pq.read_table(path)
    for name, value in columns.items():
        table = (
            table.drop_columns([name])
            if value is None
            else table.set_column(table.column_names.index(name), name, value)
        )
    pq.write_table(table, out)
    return out


def test_a_vector_of_the_wrong_length_is_refused_with_its_row_and_loses_nothing_stored(
    tmp_path: Path, sources: list[Any], random_vectors: dict[str, np.ndarray]
) -> None:
    good = parquet(tmp_path, sources, 500, "clickhouse", random_vectors)
    vectors = pq.read_table(good).column("vector").to_pylist()
    vectors[450] = vectors[450][:300]
    bad = _rewrite(good, tmp_path / "bad.parquet", vector=pa.array(vectors, pa.list_(pa.float32())))
    with open_store("v", tmp_path, create=True) as store:
        with pytest.raises(FileFormatError, match=r"row 450 has a vector of 300 numbers"):
            ingest.import_parquet(store, bad, model=MODEL, dim=384, batch_rows=200)
        assert store.counts()["posts"] == 400  # the batches before the bad one
    nan = [list(v) for v in pq.read_table(good).column("vector").to_pylist()]
    nan[3][0] = float("nan")
    with open_store("n", tmp_path, create=True) as store, pytest.raises(FileFormatError, match="NaN"):
        ingest.import_parquet(
            store, _rewrite(good, tmp_path / "nan.parquet", vector=pa.array(nan)), model=MODEL, dim=384
        )


@pytest.mark.parametrize(
    ("drop", "message"),
    [("text", "missing column text of the clickhouse layout"), ("by", "missing column by")],
)
def test_a_missing_column_is_named(tmp_path: Path, sources: list[Any], drop: str, message: str) -> None:
    good = parquet(tmp_path, sources, 50, "clickhouse", None)
    bad = _rewrite(good, tmp_path / "bad.parquet", **{drop: None})
    with open_store("m", tmp_path, create=True) as store, pytest.raises(FileFormatError, match=message):
        ingest.import_parquet(store, bad, model=MODEL, dim=384)


def test_a_file_that_is_not_parquet_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "posts.parquet"
    fake.write_text("id,text\n1,hello\n")
    with (
        open_store("f", tmp_path, create=True) as store,
        pytest.raises(FileFormatError, match="not a readable Parquet"),
    ):
        ingest.import_parquet(store, fake, model=MODEL, dim=384)


@pytest.mark.parametrize("name", ["../escape", "a/b", "", ".hidden", "x" * 70, "name with space"])
def test_corpus_names_cannot_name_paths(name: str) -> None:
    with pytest.raises(InputError, match="not a corpus name"):
        check_name(name)


def test_a_corpus_another_process_holds_is_reported_as_in_use(tmp_path: Path) -> None:
    with open_store("busy", tmp_path, create=True):
        pass
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import duckdb, sys, time
                con = duckdb.connect({str(tmp_path / "corpora" / "busy.duckdb")!r})
                print("held", flush=True)
                time.sleep(30)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(CorpusError, match="in use by another threadscope process"):
            open_store("busy", tmp_path)
    finally:
        holder.kill()
        holder.wait()
    deadline = time.monotonic() + 10
    while True:  # the lock goes with the process; what was stored is intact
        try:
            with open_store("busy", tmp_path) as store:
                assert store.counts()["posts"] == 0
            break
        except CorpusError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_a_damaged_corpus_file_is_reported_not_trusted(tmp_path: Path) -> None:
    (tmp_path / "corpora").mkdir()
    (tmp_path / "corpora" / "broken.duckdb").write_bytes(b"\x00garbage" * 1000)
    with pytest.raises(CorpusError, match="broken"):
        open_store("broken", tmp_path)


# ---------------------------------------------------------------- the command line


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("THREADSCOPE_DATA_DIR", str(tmp_path / "cache"))
    return tmp_path


def test_cli_refuses_bad_corpus_input_in_one_line(
    cli_env: Path, sources: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    good = parquet(cli_env, sources, 60, "plain", None)
    bad = _rewrite(good, cli_env / "bad.parquet", created_at=None)
    cases = [
        (["corpus", "import", "../up", str(good)], 2, "not a corpus name"),
        (["corpus", "import", "c", str(bad)], 2, "missing column created_at of the plain layout"),
        (["corpus", "import", "c", str(cli_env / "none.parquet")], 2, "no such file"),
        (["corpus", "analyze", "nothing-here"], 2, "no corpus named 'nothing-here'"),
        (["corpus", "add", "c"], 2, "needs thread specs or --query"),
        (["corpus", "analyze", "c", "--by", "week"], 2, "--by must be month, quarter or year"),
        (["corpus", "analyze", "c", "--engine", "spark"], 2, "--engine must be local or ray"),
    ]
    for argv, code, message in cases:
        got, out, err = run(argv, capsys)
        assert got == code, (argv, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("threadscope: error:") and message in lines[0], (argv, err)
        assert "Traceback" not in err
    assert not list((cli_env / "cache" / "corpora").glob("up*"))


def test_cli_empty_corpus_says_so(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with open_store("empty", cli_env / "cache", create=True):
        pass
    code, _, err = run(["corpus", "analyze", "empty"], capsys)
    assert code == 2
    assert "has no posts with text to analyse" in err
