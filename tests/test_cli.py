"""The command line: exit codes and one-line messages for everything a user can get wrong."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import LocalServer, Reply, shared_file
from threadscope.cli import main
from threadscope.sources import http


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("THREADSCOPE_DATA_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("THREADSCOPE_HN_API", "http://127.0.0.1:9")  # nothing listens there
    # Keep retries quick: the waiting logic itself is tested in tests/sources.
    monkeypatch.setattr(
        http.HttpClient.__init__,
        "__kwdefaults__",
        {**http.HttpClient.__init__.__kwdefaults__, "backoff": 0.01, "timeout": (0.5, 0.5)},
    )


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["analyze"],
        ["analyze", "thread"],
        ["fetch"],
        ["search"],
        ["compare"],
        ["corpus"],
        ["corpus", "add"],
        ["corpus", "import"],
        ["corpus", "analyze"],
        ["corpus", "info"],
    ],
)
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([*command, "--help"], capsys)
    assert code == 0
    assert "Usage: threadscope" in out


def write(path: Path, text: str) -> str:
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["abc"], "'abc' is not a thread spec"),
        (["-5"], "'-5' is not a valid HN item id"),
        (["hn:-5"], "'hn:-5' is not a valid HN item id"),
        (["../etc/passwd"], "../etc/passwd: no such file"),
        (["https://example.com/item?id=5"], "is not a thread spec"),
        (["https://news.ycombinator.com/newest"], "is an HN link without an item id"),
        (["https://x.com/someone"], "is an X link without a status id"),
    ],
)
def test_bad_specs_exit_2_with_one_line(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["fetch", *args], capsys)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("threadscope: error: ")
    assert message in err
    assert "Traceback" not in err and out == ""


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.md", "# hi", "unknown file type .md"),
        ("empty.txt", "", "the file is empty"),
        ("blank.json", "  \n", "the file is empty"),
        ("bad.json", '{"id": 1, "children": [', "malformed JSON (line 1"),
        ("list.json", "[1, 2]", "is not an HN Algolia items response"),
        ("page.html", "<html><body>hello</body></html>", "is not a saved Hacker News item page"),
    ],
)
def test_bad_files_exit_2(
    name: str, content: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["fetch", write(tmp_path / name, content)], capsys)
    assert code == 2
    assert message in err and err.count("\n") == 1


def test_bad_options_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["analyze", "thread", "17", "--format", "pdf"], capsys)
    assert (code, err) == (2, "threadscope: error: unknown format pdf; choose from md, html, json\n")
    code, _, err = run(["fetch", "17", "--bogus"], capsys)
    assert code == 2 and "No such option: --bogus" in err and err.count("\n") == 1
    code, _, err = run(["analyze", "thread", "17", "--themes", "a,,b"], capsys)
    assert code == 2 and "--themes has an empty name" in err


def test_network_failure_exits_1_with_advice(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["fetch", "24330326"], capsys)
    assert code == 1
    assert "could not connect to the HN API" in err and "--offline" in err and err.count("\n") == 1


def test_offline_cache_miss_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["fetch", "24330326", "--offline"], capsys)
    assert code == 1 and "HN item 24330326 is not in the cache" in err


def test_fetch_prints_a_summary(
    local_server: LocalServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    local_server.recorder.add("/items/27145911", Reply(body=shared_file("hn/items/27145911.json").read_bytes()))
    monkeypatch.setenv("THREADSCOPE_HN_API", local_server.url)
    code, out, _ = run(["fetch", "https://news.ycombinator.com/item?id=27145911"], capsys)
    assert code == 0
    assert out == (
        "hn:27145911  Vulnerability allows cross-browser tracking in Chrome, Firefox, Safari, and Tor | "
        "200 comments, 130 authors, max depth 6\n"
    )
    code, out, _ = run(["fetch", "hn:27145911", "--offline"], capsys)  # now from the cache
    assert code == 0 and "200 comments" in out


def test_404_exits_1(
    local_server: LocalServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("THREADSCOPE_HN_API", local_server.url)
    code, _, err = run(["fetch", "hn:999"], capsys)
    assert (code, err) == (1, "threadscope: error: no HN item 999\n")


def test_fetch_reads_every_saved_format(capsys: pytest.CaptureFixture[str]) -> None:
    for name, expected in [
        ("hn/items/27145911.json", "200 comments, 130 authors, max depth 6"),
        ("hn/html/27145911.html", "200 comments, 130 authors, max depth 6"),
        ("hn/items/17.json", "hn:17  Comment 17 by pg | 2 comments, 2 authors, max depth 1"),
        ("seed/24330326.page.txt", "Deep learning job postings have collapsed in the past six months"),
    ]:
        code, out, _ = run(["fetch", str(shared_file(name))], capsys)
        assert code == 0 and expected in out


def test_summary_counts_one_comment_in_the_singular(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pasted = tmp_path / "one.txt"
    pasted.write_text("A title\n\nthe only post\n", encoding="utf-8")
    code, out, _ = run(["fetch", str(pasted)], capsys)
    assert (code, out) == (0, "text:one  A title | 1 comment, 0 authors, max depth 1\n")


def test_search_prints_a_table(
    local_server: LocalServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    local_server.recorder.add("/search", Reply(body=shared_file("hn/search/story-apple.json").read_bytes()))
    monkeypatch.setenv("THREADSCOPE_HN_API", local_server.url)
    code, out, err = run(["search", "apple", "--since", "2011-01-01", "--min-points", "10", "--limit", "3"], capsys)
    assert code == 0, err
    header, row = out.splitlines()[:2]
    assert header.split() == ["id", "date", "points", "comments", "title"]
    assert row.split()[:4] == ["2922756", "2011-08-24", "1638", "308"] and row.endswith(
        "Steve Jobs Resigns as CEO of Apple"
    )
    code, _, err = run(["search", "apple", "--since", "2011-02-30"], capsys)
    assert code == 2 and "Invalid value for '--since'" in err


def test_real_entry_point_gives_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"hits": []}))
    done = subprocess.run([sys.executable, "-m", "threadscope", "fetch", str(bad)], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.strip().endswith("(it looks like a search response)")
    assert "Traceback" not in done.stderr


def test_a_bad_spec_stops_before_the_network_and_model_libraries_load() -> None:
    """The error path stays quick: what only fetching or embedding needs is not imported for it."""
    code = (
        "import sys\n"
        "from threadscope.cli import main\n"
        "try:\n"
        "    main(['analyze', 'thread', 'abc', '-q'])\n"
        "except SystemExit as exc:\n"
        "    print(exc.code, sorted(m for m in ('requests', 'urllib3', 'torch', 'sklearn') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.split("\n")[-2] == "2 []", done.stdout + done.stderr
