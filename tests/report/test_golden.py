"""Golden files: the reports of a small real HN thread, compared byte for byte.

Regenerate after an intended change with ``THREADSCOPE_UPDATE_GOLDEN=1 pytest tests/report``
and review the diff. The thread comes from ``../shared/data`` (never copied
into the repo) and goes through the real pipeline: the small one with the
real model, the 200-comment one with the fake embedder so that its themes do
not hang on the model's floating point.
Figures are compared only by name here: their SVG depends on the installed
matplotlib and FreeType, so ``report.html`` is stored with each inline SVG
replaced by a placeholder; determinism of the figures is tested separately.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from threadscope.report import summary_block, write_reports

GOLDEN = Path(__file__).parent / "golden"
ITEMS = Path(__file__).resolve().parents[3] / "shared" / "data" / "hn" / "items"
UPDATE = os.environ.get("THREADSCOPE_UPDATE_GOLDEN", "") not in {"", "0"}

THREADS = {"hn-17": "17.json", "hn-27145911": "27145911.json"}


def golden_results(name: str, embedder: Any, data_dir: Path) -> dict[str, Any]:
    """The real pipeline on a real thread; ``fetched_at`` and timings blanked, as they vary by checkout and run."""
    import threadscope
    from threadscope.sources.hn import parse_item

    item = ITEMS / THREADS[name]
    if not item.is_file():
        pytest.skip(f"shared test data not found at {item}")
    thread = parse_item(json.loads(item.read_text("utf-8")))
    result = threadscope.analyze(thread, embedder=embedder, data_dir=data_dir).results
    result["meta"]["timings_s"] = {}
    return result


def _without_svg(html: str) -> str:
    return re.sub(r"<svg\b.*?</svg>", "<svg><!-- figure --></svg>", html, flags=re.S)


def _compare(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
        return
    if not path.is_file():
        pytest.fail(f"{path} is missing; run THREADSCOPE_UPDATE_GOLDEN=1 pytest tests/report to create it")
    assert actual == path.read_bytes().decode("utf-8"), f"{name} differs from its golden file"


@pytest.mark.model
def test_golden_reports_small_thread_real_model(tmp_path: Path, real_embedder: Any) -> None:
    _check_golden("hn-17", golden_results("hn-17", real_embedder, tmp_path / "data"), tmp_path)


def test_golden_reports_200_comments(tmp_path: Path) -> None:
    # The fake embedder keeps the themes (and so the golden file) independent of
    # the model's floating point; the model's own themes are tested in tests/test_api.py.
    from tests.fakes import FakeEmbedder

    _check_golden("hn-27145911", golden_results("hn-27145911", FakeEmbedder(), tmp_path / "data"), tmp_path)


def _check_golden(name: str, results: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / name
    write_reports(results, out, {"md", "html"})
    _compare(f"{name}/report.md", (out / "report.md").read_text("utf-8"))
    _compare(f"{name}/report.html", _without_svg((out / "report.html").read_text("utf-8")))
    _compare(f"{name}/embed.html", _without_svg((out / "embed.html").read_text("utf-8")))
    _compare(f"{name}/summary.md", summary_block(results))
    figures = sorted(p.name for p in (out / "figures").iterdir())
    _compare(f"{name}/figures.txt", "\n".join(figures) + "\n")


def test_golden_data_files_200_comments(tmp_path: Path) -> None:
    # results.json and comments.csv byte for byte: the schema threadscope.analysis/1 holds
    # while the code that builds it changes.
    from tests.fakes import FakeEmbedder

    results = golden_results("hn-27145911", FakeEmbedder(), tmp_path / "data")
    _check_golden_data("hn-27145911", results, tmp_path, _analysis_csv)


def _analysis_csv(results: dict[str, Any], path: Path) -> Path:
    from threadscope.report.datafiles import write_comments_csv

    return write_comments_csv(results, path)


def test_golden_comparison_two_real_threads(tmp_path: Path) -> None:
    # A comparison of two real threads, fake embedder (as above): results.json,
    # comments.csv and the reports, byte for byte.
    import threadscope
    from tests.fakes import FakeEmbedder
    from threadscope.report import compare as compare_report
    from threadscope.sources.hn import parse_item

    threads = []
    for name in ("27145911.json", "49220339.json"):
        if not (ITEMS / name).is_file():
            pytest.skip(f"shared test data not found at {ITEMS / name}")
        threads.append(parse_item(json.loads((ITEMS / name).read_text("utf-8"))))
    results = threadscope.compare(threads, embedder=FakeEmbedder(), data_dir=tmp_path / "data").results
    results["meta"]["timings_s"] = {}
    name = "compare-27145911-49220339"
    _check_golden_data(name, results, tmp_path, compare_report.write_comments_csv)
    out = tmp_path / name
    compare_report.write_reports(results, out, {"md", "html"})
    _compare(f"{name}/report.md", (out / "report.md").read_text("utf-8"))
    _compare(f"{name}/report.html", _without_svg((out / "report.html").read_text("utf-8")))
    _compare(f"{name}/embed.html", _without_svg((out / "embed.html").read_text("utf-8")))


def _check_golden_data(name: str, results: dict[str, Any], tmp_path: Path, write_csv: Any) -> None:
    """results.json and comments.csv byte for byte, by their sha256.

    The comments' text is the shared data's, not the project's, so the stored
    files hold no copy of it: results.json is kept (for a readable diff) with
    each post's text replaced by its hash, and both files by the hash of every byte.
    """
    from threadscope.report.datafiles import results_json

    text = results_json(results)
    csv_bytes = write_csv(results, tmp_path / f"{name}-comments.csv").read_bytes()
    _compare(f"{name}/results.json", results_json(_text_hashed(results)))
    _compare(f"{name}/results.json.sha256", _sha256(text.encode("utf-8")))
    _compare(f"{name}/comments.csv.sha256", _sha256(csv_bytes))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest() + "\n"


def _text_hashed(results: dict[str, Any]) -> dict[str, Any]:
    def posts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**row, "text": _sha256(str(row["text"]).encode("utf-8")).strip()} for row in rows]

    if "threads" in results:  # a comparison
        return {**results, "threads": [{**entry, "posts": posts(entry["posts"])} for entry in results["threads"]]}
    return {**results, "posts": posts(results["posts"])}
