"""Golden files: the reports of a small real HN thread, compared byte for byte.

Regenerate after an intended change with ``THREADSCOPE_UPDATE_GOLDEN=1 pytest tests/report``
and review the diff. The thread comes from ``../shared/data`` (never copied
into the repo); its analysis fields are set by hand until the analyses land.
Figures are compared only by name here: their SVG depends on the installed
matplotlib and FreeType, so ``report.html`` is stored with each inline SVG
replaced by a placeholder; determinism of the figures is tested separately.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from threadscope.model import isoformat
from threadscope.report import summary_block, write_reports

GOLDEN = Path(__file__).parent / "golden"
ITEM = Path(__file__).resolve().parents[3] / "shared" / "data" / "hn" / "items" / "17.json"
UPDATE = os.environ.get("THREADSCOPE_UPDATE_GOLDEN", "") not in {"", "0"}

# Hand-set analysis results for item 17 ("Is there anywhere to eat on Sandhill Road?").
SENTIMENT = {"1079": 0.3182, "454426": 0.4215}
THEME = {"1079": 0, "454426": 1}


def golden_results() -> dict[str, Any]:
    from threadscope.sources.hn import parse_item

    if not ITEM.is_file():
        pytest.skip(f"shared test data not found at {ITEM}")
    thread = parse_item(json.loads(ITEM.read_text("utf-8")))
    posts = [
        {
            "id": p.id,
            "parent_id": p.parent_id,
            "author": p.author,
            "depth": p.depth,
            "created_at": isoformat(p.created_at),
            "text": p.text,
            "deleted": p.deleted,
            "sentiment": SENTIMENT.get(p.id),
            "theme": THEME.get(p.id, -1),
            "permalink": p.permalink,
            "flags": sorted(p.flags),
        }
        for p in thread.comments
    ]
    times = sorted(p["created_at"] for p in posts)
    return {
        "schema": "threadscope.analysis/1",
        "thread": {
            "source": thread.source,
            "id": thread.id,
            "title": thread.title,
            "url": thread.url,
            "permalink": thread.permalink,
            "author": thread.author,
            "created_at": isoformat(thread.created_at),
            "fetched_at": None,
            "structured": thread.structured,
            "notes": list(thread.notes),
        },
        "posts": posts,
        "structure": {
            "structured": True,
            "comments": 2,
            "deleted": 0,
            "orphaned": 0,
            "authors": 2,
            "top_level": 2,
            "max_depth": 1,
            "mean_depth": 1.0,
            "depth_histogram": [{"depth": 1, "count": 2}],
            "branching_factor": 2.0,
            "replies_per_comment": 0.0,
            "largest_subthreads": [
                {
                    "root_id": p["id"],
                    "author": p["author"],
                    "size": 1,
                    "depth": 1,
                    "dominant_theme": p["theme"],
                    "permalink": p["permalink"],
                }
                for p in posts
            ],
            "longest_chain": {"length": 1, "ids": [posts[0]["id"]], "authors": [posts[0]["author"]]},
            "most_replied": [],
            "most_active_authors": [{"author": p["author"], "comments": 1} for p in posts],
            "most_replied_authors": [],
            "exchanges": [],
            "exchange_count": 0,
            "concentration": {"top10_share": 0.5, "gini": 0.0},
            "per_hour": [{"hour": t[:13] + ":00:00Z", "count": 1} for t in times],
            "first_comment_at": times[0],
            "last_comment_at": times[-1],
            "peak_hour": times[0][:13] + ":00:00Z",
            "notes": [],
        },
        "sentiment": {
            "n": 2,
            "mean": 0.36985,
            "median": 0.36985,
            "ci95": None,
            "positive_share": 1.0,
            "neutral_share": 0.0,
            "negative_share": 0.0,
            "by_depth": [{"depth": 1, "n": 2, "mean": 0.36985}],
            "by_subthread": [],
            "by_theme": [
                {"theme": 0, "n": 1, "mean": 0.3182, "ci95": None},
                {"theme": 1, "n": 1, "mean": 0.4215, "ci95": None},
            ],
            "most_positive": [
                {
                    "id": "454426",
                    "author": "Arrington",
                    "score": 0.4215,
                    "permalink": "https://news.ycombinator.com/item?id=454426",
                    "excerpt": "This is why we can't have nice things.",
                }
            ],
            "most_negative": [],
            "method": "VADER compound",
            "caveats": [
                "Only 2 comments: too few for a confidence interval.",
                "“nice things” is sarcasm here, which VADER reads as praise.",
            ],
        },
        "themes": [
            {
                "id": 0,
                "label": "Short answers",
                "keywords": ["sure"],
                "size": 1,
                "share": 0.5,
                "sentiment_mean": 0.3182,
                "representative_ids": ["1079"],
                "guided": False,
            },
            {
                "id": 1,
                "label": "Nice things",
                "keywords": ["nice", "things"],
                "size": 1,
                "share": 0.5,
                "sentiment_mean": 0.4215,
                "representative_ids": ["454426"],
                "guided": False,
            },
        ],
        "themes_info": {
            "method": "BERTopic",
            "note": "Two comments are too few for stable themes.",
            "unassigned_share": 0.0,
            "params": {},
        },
        "meta": {
            "threadscope": "0.1.0",
            "embedding_model": "all-MiniLM-L6-v2",
            "params": {"min_topic_size": 2},
            "timings_s": {},
            "seed": 42,
        },
    }


def _without_svg(html: str) -> str:
    return re.sub(r"<svg\b.*?</svg>", "<svg><!-- figure --></svg>", html, flags=re.S)


def _compare(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
        return
    if not path.is_file():
        pytest.fail(f"{path} is missing; run THREADSCOPE_UPDATE_GOLDEN=1 pytest tests/report to create it")
    assert actual == path.read_bytes().decode("utf-8"), f"{name} differs from its golden file"


def test_golden_reports(tmp_path: Path) -> None:
    results = golden_results()
    out = tmp_path / "hn-17"
    write_reports(results, out, {"md", "html"})
    _compare("hn-17/report.md", (out / "report.md").read_text("utf-8"))
    _compare("hn-17/report.html", _without_svg((out / "report.html").read_text("utf-8")))
    _compare("hn-17/embed.html", _without_svg((out / "embed.html").read_text("utf-8")))
    _compare("hn-17/summary.md", summary_block(results))
    figures = sorted(p.name for p in (out / "figures").iterdir())
    _compare("hn-17/figures.txt", "\n".join(figures) + "\n")
