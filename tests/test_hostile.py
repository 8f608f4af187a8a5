"""A hostile or careless user at the command line: nothing written where it should not be, every error one line.

Each hostile input is built on the fly. The assertions are the same each
time: the exit code, one clear line on stderr, no traceback, and no file
outside the folder the user meant.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LocalServer, Reply, shared_file
from tests.test_cli import run
from threadscope.results import report_dir
from threadscope.sources import http

ESC_TITLE = "Title \x1b]0;pwned\x07 with \x1b[31mred\x1b[0m and \u202eevil"
FORMULAS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example","click")', "+1+2", "-2+3", "@SUM(1,2)", "\t=1+1"]


def one_error_line(err: str, code: int, expected: int) -> None:
    assert code == expected, err
    assert err.count("\n") == 1 and err.startswith("threadscope: error: "), err
    assert "Traceback" not in err


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    work = tmp_path / "home" / "work"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    monkeypatch.setenv("THREADSCOPE_DATA_DIR", str(work / "cache"))
    monkeypatch.setenv("THREADSCOPE_HN_API", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setattr(
        http.HttpClient.__init__,
        "__kwdefaults__",
        {**http.HttpClient.__init__.__kwdefaults__, "backoff": 0.01, "timeout": (0.5, 0.5)},
    )
    return work


def all_files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def items_json(root_id: Any = 1, title: str = "A story", texts: list[str] | None = None) -> str:
    texts = texts if texts is not None else ["A first comment about the story.", "A reply that disagrees."]
    children = [{"id": 100 + i, "author": f"user{i}", "text": t, "children": []} for i, t in enumerate(texts)]
    return json.dumps({"id": root_id, "type": "story", "title": title, "author": "pg", "children": children})


# -- path traversal


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("thread.json", items_json(root_id="../../../escaped")),
        ("thread.json", items_json(root_id="..")),
        ("page.html", '<table><tr class="athing" id="../../../escaped"><td>x</td></tr></table>'),
        (
            "conversation.jsonl",
            json.dumps({"data": [{"id": "5", "text": "hi", "conversation_id": "../../../escaped"}]}),
        ),
    ],
)
def test_a_crafted_id_cannot_place_a_report_outside_reports(
    name: str, content: str, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = isolated.parent
    before = all_files(home)
    (isolated / name).write_text(content)
    code, out, err = run(["analyze", "thread", name], capsys)
    one_error_line(err, code, 2)
    assert "id" in err and out == ""
    assert all_files(home) - before == {isolated / name}


def test_report_folders_stay_inside_the_reports_root(tmp_path: Path) -> None:
    root = tmp_path / "reports"
    for name in ("../../etc", "..", "a/../../b", "/abs/path", "hn-1", "\x00x", ""):
        folder = report_dir(name, root)
        assert folder.parent == root and folder.resolve().is_relative_to(root.resolve())


def test_an_api_answer_carrying_another_id_is_neither_cached_nor_reported(
    local_server: LocalServer, monkeypatch: pytest.MonkeyPatch, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("THREADSCOPE_HN_API", local_server.url)
    local_server.recorder.add("/items/24330326", Reply(body=shared_file("hn/items/27145911.json").read_bytes()))
    code, _, err = run(["fetch", "24330326"], capsys)
    one_error_line(err, code, 1)
    assert "answered item 24330326 with item 27145911" in err
    assert not (isolated / "cache" / "hn").exists()


# -- options checked before any work


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", ""], "--out is empty"),
        (["--out", "afile"], "--out afile is a file, not a folder"),
        (["--out", "afile/sub"], "--out afile/sub cannot be created: afile is a file"),
        (["--data-dir", "afile"], "--data-dir afile is a file, not a folder"),
        (["--seed", "-1"], "Invalid value for '--seed'"),
        (["--seed", str(2**64)], "Invalid value for '--seed'"),
        (["--max-posts", "-3"], "Invalid value for '--max-posts'"),
        (["--tone", "happy"], "--tone must be one of model, vader"),
    ],
)
def test_bad_options_fail_before_any_fetch(
    args: list[str],
    message: str,
    local_server: LocalServer,
    monkeypatch: pytest.MonkeyPatch,
    isolated: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("THREADSCOPE_HN_API", local_server.url)
    local_server.recorder.add("/items/27145911", Reply(body=shared_file("hn/items/27145911.json").read_bytes()))
    (isolated / "afile").write_text("keep me")
    (isolated / "report.md").write_text("the user's own report")
    code, out, err = run(["analyze", "thread", "27145911", *args], capsys)
    one_error_line(err, code, 2)
    assert message in err and out == ""
    assert local_server.recorder.requests == [], "the thread was fetched before the options were checked"
    assert (isolated / "afile").read_text() == "keep me"
    assert (isolated / "report.md").read_text() == "the user's own report"


def test_negative_numbers_are_named_by_their_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["search", "deep learning", "--min-points", "-1"], capsys)
    one_error_line(err, code, 2)
    assert "'--min-points'" in err and "HN item id" not in err
    code, _, err = run(["fetch", "-1"], capsys)  # a negative spec is still a bad id
    one_error_line(err, code, 2)
    assert "'-1' is not a valid HN item id" in err


def unwritable(tmp_path: Path) -> Path:
    """A folder this process cannot write in: a read-only one, or /proc for root (who ignores permissions)."""
    if os.geteuid() == 0:
        return Path("/proc/threadscope-test")
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    return folder / "inside"


@pytest.mark.parametrize("option", ["--out", "--data-dir"])
def test_an_unwritable_folder_fails_before_the_fetch(
    option: str,
    local_server: LocalServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("THREADSCOPE_HN_API", local_server.url)
    local_server.recorder.add("/items/27145911", Reply(body=shared_file("hn/items/27145911.json").read_bytes()))
    code, _, err = run(["analyze", "thread", "27145911", option, str(unwritable(tmp_path))], capsys)
    one_error_line(err, code, 2)
    assert f"{option} " in err and "is not writable" in err
    assert local_server.recorder.requests == []
    code, _, err = run(["fetch", "27145911", "--data-dir", str(unwritable(tmp_path))], capsys)
    one_error_line(err, code, 2)
    assert local_server.recorder.requests == [], "fetch downloaded a thread it could not keep"


# -- what reaches a spreadsheet and a terminal


def test_formulas_and_escape_sequences_are_neutralised(
    real_embedder: Any, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    texts = [*FORMULAS, "A plain comment with a bell\x07 and an escape \x1b[2J inside.", "Another plain one."]
    (isolated / "hostile.json").write_text(items_json(title=ESC_TITLE, texts=texts))
    code, out, err = run(["analyze", "thread", "hostile.json", "--format", "json"], capsys)
    assert code == 0, err
    assert "\x1b" not in err + out and "\x07" not in err + out and "\u202e" not in err + out
    assert "Title ]0;pwned with [31mred[0m and evil" in err  # the words remain, the controls do not
    folder = isolated / "reports" / "hn-1"
    assert out.strip() == str(Path("reports") / "hn-1")
    with (folder / "comments.csv").open(newline="", encoding="utf-8") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert not [c for c in cells if c[:1] in {"=", "+", "@", "\t", "\r"}], "a cell opens as a formula"
    assert not [c for c in cells if c[:1] == "-" and not _is_number(c)]
    for formula in FORMULAS:
        assert "'" + formula.replace("\t", "") in cells or "'" + formula in cells
    assert not any("\x07" in c or "\x1b" in c for c in cells)
    results = json.loads((folder / "results.json").read_text())
    assert results["posts"][0]["text"] == FORMULAS[0]  # results.json keeps the words as written
    code, out, err = run(["fetch", "hostile.json"], capsys)
    assert code == 0 and "\x1b" not in out and "]0;pwned" in out


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


# -- Ctrl-C


def default_sigint() -> None:
    """In a child, before it runs: SIGINT handled by default again. A shell's background jobs (and so a CI run
    started as one) ignore it, the child inherits that, and Python then neither raises KeyboardInterrupt nor
    lets ``_thread.interrupt_main`` do anything."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_swallowed_by_cpython_is_delivered_again() -> None:
    """A KeyboardInterrupt inside a weakref callback (as during an import) must not be lost."""
    script = (
        "import sys, time, weakref\n"
        "from threadscope.__main__ import _redeliver_interrupt\n"
        "class Held: pass\n"
        "def callback(_): raise KeyboardInterrupt\n"
        "{hook}"
        "held = Held(); ref = weakref.ref(held, callback)\n"
        "try:\n"
        "    del held\n"
        "    time.sleep(1)\n"
        "    print('lost')\n"
        "except KeyboardInterrupt:\n"
        "    print('delivered')\n"
    )
    for hook, expected in (("", "lost"), ("sys.unraisablehook = _redeliver_interrupt\n", "delivered")):
        done = subprocess.run(
            [sys.executable, "-c", script.format(hook=hook)],
            capture_output=True,
            text=True,
            preexec_fn=default_sigint,
        )
        assert done.stdout.strip() == expected, done.stderr
        assert ("Traceback" in done.stderr) == (not hook)  # CPython's "Exception ignored" report, or silence


def test_ctrl_c_at_any_moment_is_one_line_and_exit_130(tmp_path: Path) -> None:
    spec = str(shared_file("hn/items/27145911.json"))
    command = [sys.executable, "-m", "threadscope", "analyze", "thread", spec, "--out", str(tmp_path / "out")]
    env = {**os.environ, "THREADSCOPE_DATA_DIR": str(tmp_path / "cache")}
    # From 0.3 s on, threadscope's own code is running (its imports included). Earlier, CPython
    # may still be starting up (importing ``site``, running ``-m``), and a signal then is
    # CPython's to handle: it may end the process, print a fatal error, or be ignored.
    for moment in (0.3, 0.6, 1.5, 3.0):
        started = time.monotonic()
        proc = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            preexec_fn=default_sigint,
        )
        time.sleep(max(0.0, moment - (time.monotonic() - started)))
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        text = err.decode()
        assert proc.returncode == 130, f"at {moment} s: exit {proc.returncode}\n{text[-2000:]}"
        assert text.splitlines()[-1] == "threadscope: error: interrupted", f"at {moment} s"
        assert "Traceback" not in text and out == b""
