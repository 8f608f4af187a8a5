"""A careless notebook user: wrong argument types and values give the documented errors, and nothing is printed."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

import threadscope
from tests.conftest import shared_file
from tests.fakes import FakeEmbedder
from threadscope.errors import InputError

SPEC = str(shared_file("hn/items/27145911.json"))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"themes": 123}, "themes must be a string"),
        ({"themes": b"a,b"}, "themes must be a string"),
        ({"themes": ["a", 2]}, "themes must be a list of strings"),
        ({"seed": "a"}, "--seed must be a whole number"),
        ({"seed": -1}, "--seed must be a whole number from 0"),
        ({"seed": 2**64}, "--seed must be a whole number from 0"),
        ({"seed": True}, "--seed must be a whole number"),
        ({"data_dir": 123}, "--data-dir must be a folder path"),
        ({"tone": None}, "--tone must be one of"),
        ({"model": 5}, "--model must be a model name or path"),
        ({"max_posts": 0}, "max_posts must be a whole number of at least 1"),
        ({"offline": "yes"}, "offline must be True or False"),
    ],
)
def test_analyze_refuses_bad_arguments_with_input_errors(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message):
        threadscope.analyze(SPEC, embedder=FakeEmbedder(), **kwargs)


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        ([SPEC, 5], "a thread spec must be a string"),
        (SPEC, "compare takes a list of two or more thread specs"),
        ([SPEC], "compare needs at least two threads"),
    ],
)
def test_compare_refuses_bad_specs(specs: Any, message: str) -> None:
    with pytest.raises(InputError, match=message):
        threadscope.compare(specs, embedder=FakeEmbedder())


def test_load_thread_refuses_a_spec_that_is_not_a_string() -> None:
    with pytest.raises(InputError, match="a thread spec must be a string"):
        threadscope.load_thread(24330326)  # type: ignore[arg-type]


def test_a_failed_write_leaves_no_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = threadscope.analyze(SPEC, embedder=FakeEmbedder(), data_dir=tmp_path / "cache")

    def full_disk(*args: object) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("threadscope.report.datafiles.atomic_write", full_disk)
    target = tmp_path / "new" / "report"
    with pytest.raises(InputError, match="could not write the report to .*No space left on device"):
        result.write(target, {"json"})
    assert not (tmp_path / "new").exists()
    with pytest.raises(InputError, match="out is empty|--out is empty"):
        result.write("", {"json"})


def test_the_api_writes_nothing_to_stderr(tmp_path: Path) -> None:
    # A corrupt embedding cache (threadscope warns) and a model loaded through
    # sentence-transformers (which warns about a folder without its config):
    # a notebook user sees neither on stderr unless they configured logging.
    bare = tmp_path / "bare-minilm"
    bare.mkdir()
    from threadscope.analysis.embed import default_model_path

    for name in ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "vocab.txt"):
        (bare / name).write_bytes((default_model_path() / name).read_bytes())
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "embeddings.sqlite").write_bytes(b"this is not a database" * 100)
    script = textwrap.dedent(
        f"""
        import threadscope
        result = threadscope.analyze({SPEC!r}, model={str(bare)!r}, data_dir={str(tmp_path / "cache")!r})
        assert len(result.results["posts"]) == 200
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and done.stdout == ""
    assert list((tmp_path / "cache").glob("embeddings.sqlite.corrupt-*")), "the corrupt cache was not detected"


def test_compare_csv_neutralises_formulas_too(tmp_path: Path) -> None:
    import csv
    import json

    def thread_file(root_id: int, texts: list[str]) -> str:
        children = [{"id": root_id * 100 + i, "author": f"u{i}", "text": t} for i, t in enumerate(texts)]
        path = tmp_path / f"{root_id}.json"
        path.write_text(json.dumps({"id": root_id, "type": "story", "title": "t", "children": children}))
        return str(path)

    specs = [thread_file(1, ["=1+1", "@cmd", "plain words"]), thread_file(2, ["+SUM(A1)", "-x", "more words"])]
    written = threadscope.compare(specs, embedder=FakeEmbedder(), data_dir=tmp_path / "cache").write(
        tmp_path / "out", {"json"}
    )
    csv_path = next(p for p in written if p.name == "comments.csv")
    with csv_path.open(newline="", encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    assert {"'=1+1", "'@cmd", "'+SUM(A1)", "'-x", "plain words"} <= set(texts)


def test_search_is_in_the_api_and_checks_its_arguments(
    local_server: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from datetime import datetime
    from urllib.parse import parse_qs, urlparse

    from tests.conftest import Reply

    monkeypatch.setenv("THREADSCOPE_HN_API", local_server.url)
    local_server.recorder.add("/search", Reply(body=shared_file("hn/search/story-apple.json").read_bytes()))
    hits = threadscope.search("apple", since=datetime(2010, 1, 1), min_points=10, limit=3, data_dir=tmp_path)
    assert 0 < len(hits) <= 3 and hits == sorted(hits, key=lambda h: (-h.points, h.id))
    query = parse_qs(urlparse(local_server.recorder.requests[0][0]).query)
    assert query["numericFilters"] == ["created_at_i>=1262304000,points>=10"]  # a naive date is UTC
    for kwargs, message in (
        ({"sort": "best"}, "--sort must be points or date"),
        ({"limit": 0}, "limit must be a whole number of at least 1"),
        ({"min_points": -1}, "--min-points must be a whole number of at least 0"),
        ({"since": datetime(2020, 1, 1), "until": datetime(2019, 1, 1)}, "--since must be before --until"),
    ):
        with pytest.raises(InputError, match=message):
            threadscope.search("apple", **kwargs)
    with pytest.raises(InputError, match="search needs words"):
        threadscope.search("  ")
    assert len(local_server.recorder.requests) == 1
