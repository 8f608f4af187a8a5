"""The data files of a report: ``results.json`` and ``comments.csv``.

Both hold exactly what the analyses returned; nothing is recomputed here.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from threadscope import schema
from threadscope.cache import atomic_write
from threadscope.report.escape import csv_cell

CSV_COLUMNS = ("id", "parent_id", "author", "depth", "created_at", "sentiment", "theme", "text")


def results_json(results: Mapping[str, object]) -> str:
    """The results as stable, human-readable JSON (same input, same bytes)."""
    return json.dumps(results, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_results_json(results: Mapping[str, object], path: Path) -> Path:
    """Write ``results.json`` atomically."""
    atomic_write(path, results_json(results).encode("utf-8"))
    return path


def write_comments_csv(results: schema.AnalysisResults, path: Path) -> Path:
    """Write one row per post, in thread order, for pandas or a spreadsheet."""
    return write_csv(results["posts"], CSV_COLUMNS, path)


def write_csv(rows: Iterable[Mapping[str, object]], columns: Sequence[str], path: Path) -> Path:
    """Write ``rows`` as CSV with ``columns`` (``None`` as an empty cell), atomically.

    Every text cell goes through ``csv_cell``: a comment that starts with ``=``
    opens as text in a spreadsheet, not as a live formula.
    """
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if row.get(k) is None else csv_cell(row.get(k))) for k in columns})
    atomic_write(path, buffer.getvalue().encode("utf-8"))
    return path
