"""Results dicts built by hand for the report writers: a realistic thread and a hostile one."""

from __future__ import annotations

from threadscope import schema
from threadscope.analysis.sentiment import CAVEATS

HN = "https://news.ycombinator.com/item?id="

# Each payload must come out as inert, visible text in every format.
PAYLOADS = {
    "script": "<script>document.title='pwned'</script>",
    "img": "<img src=x onerror=\"document.title='pwned-img'\">",
    "iframe": '<iframe src="https://evil.example/frame"></iframe>',
    "js_link": "[click me](javascript:alert(1))",
    "md_image": "![tracker](http://evil.example/x.png)",
    "md_link": "[free money](http://evil.example/win)",
    "html_comment": "<!-- hidden --> still visible",
    "table": "a | b | c `code` ``` fence",
    "newline": "first line\nsecond line",
    "heading": "# Heading?",
    "quote": "> quoted?",
    "list": "- listed?",
    "ordered": "1. numbered?",
    "math": r"costs $5 and $\frac{x",
    "template": "{{< shortcode >}} {% include evil.html %} {{ site.title }}",
    "autolink": "see http://evil.example/auto and www.evil.example and me@evil.example",
    "entity": "&lt;b&gt;not bold&lt;/b&gt; &amp;",
    "emphasis": "**not bold** _not em_ ~~not struck~~",
}


def _post(
    pid: str,
    parent: str,
    author: str | None,
    depth: int,
    minute: int,
    text: str,
    sentiment: float | None,
    theme: int | None,
    deleted: bool = False,
) -> schema.PostRow:
    return {
        "id": pid,
        "parent_id": parent,
        "author": author,
        "depth": depth,
        "created_at": f"2021-05-14T{9 + minute // 60:02d}:{minute % 60:02d}:00+00:00",
        "text": text,
        "deleted": deleted,
        "sentiment": sentiment,
        "tone": None if sentiment is None else (1 if sentiment >= 0.05 else -1 if sentiment <= -0.05 else 0),
        "vader": sentiment,
        "theme": theme,
        "permalink": f"{HN}{pid}",
        "flags": ["deleted"] if deleted else [],
    }


def make_results() -> schema.AnalysisResults:
    """A small HN thread: 12 comments by 8 people, three themes, every section filled."""
    posts = [
        _post(
            "101",
            "100",
            "alice",
            1,
            5,
            "Remote work made our team far more productive. We ship faster now.",
            0.64,
            0,
        ),
        _post(
            "102",
            "101",
            "bob",
            2,
            12,
            "Productive maybe, but the junior engineers are struggling without mentoring.",
            -0.32,
            1,
        ),
        _post(
            "103",
            "102",
            "alice",
            3,
            20,
            "We pair on video every day. It works if you make the effort.",
            0.42,
            1,
        ),
        _post(
            "104",
            "103",
            "bob",
            4,
            31,
            "That's a lot of effort to replace what an office gave for free.",
            0.0,
            1,
        ),
        _post("105", "104", "alice", 5, 45, "The office was never free: two hours of commuting a day.", 0.34, 2),
        _post(
            "106",
            "100",
            "carol",
            1,
            50,
            "Office rents in the city are collapsing; landlords are in trouble.",
            -0.6,
            2,
        ),
        _post(
            "107",
            "106",
            "dave",
            2,
            70,
            "Good. Convert them into housing.\n\nWe need homes, not empty towers.",
            0.44,
            2,
        ),
        _post("108", "106", "erin", 2, 75, "Conversions are hard: plumbing, light, zoning rules.", -0.1, 2),
        _post("109", "100", "frank", 1, 90, "I miss the water-cooler chats honestly.", 0.15, -1),
        _post("110", "109", None, 2, 95, "", None, None, deleted=True),
        _post(
            "111",
            "101",
            "grace",
            2,
            110,
            "Async writing culture is the real win. Great docs, fewer meetings!",
            0.8,
            0,
        ),
        _post("112", "111", "heidi", 3, 130, "Fewer meetings, yes, but a lot more Slack noise.", 0.02, 0),
    ]
    return {
        "schema": "threadscope.analysis/1",
        "thread": {
            "source": "hn",
            "id": "100",
            "title": "Ask HN: Is remote work here to stay?",
            "url": "https://example.com/remote-work-study",
            "permalink": f"{HN}100",
            "author": "zed",
            "created_at": "2021-05-14T09:00:00+00:00",
            "fetched_at": "2021-05-20T12:00:00+00:00",
            "structured": True,
            "notes": [],
        },
        "posts": posts,
        "structure": {
            "structured": True,
            "comments": 12,
            "deleted": 1,
            "orphaned": 0,
            "authors": 8,
            "op_comments": 0,
            "top_level": 3,
            "max_depth": 5,
            "mean_depth": 2.25,
            "depth_histogram": [
                {"depth": 1, "count": 3},
                {"depth": 2, "count": 5},
                {"depth": 3, "count": 2},
                {"depth": 4, "count": 1},
                {"depth": 5, "count": 1},
            ],
            "branching_factor": 1.5,
            "replies_per_comment": 0.75,
            "largest_subthreads": [
                {
                    "root_id": "101",
                    "author": "alice",
                    "size": 7,
                    "depth": 5,
                    "dominant_theme": 1,
                    "permalink": f"{HN}101",
                },
                {
                    "root_id": "106",
                    "author": "carol",
                    "size": 3,
                    "depth": 2,
                    "dominant_theme": 2,
                    "permalink": f"{HN}106",
                },
                {
                    "root_id": "109",
                    "author": "frank",
                    "size": 2,
                    "depth": 2,
                    "dominant_theme": -1,
                    "permalink": f"{HN}109",
                },
            ],
            "longest_chain": {
                "length": 5,
                "ids": ["101", "102", "103", "104", "105"],
                "authors": ["alice", "bob"],
            },
            "most_replied": [
                {"id": "101", "author": "alice", "replies": 2, "permalink": f"{HN}101"},
                {"id": "106", "author": "carol", "replies": 2, "permalink": f"{HN}106"},
                {"id": "102", "author": "bob", "replies": 1, "permalink": f"{HN}102"},
            ],
            "most_active_authors": [{"author": "alice", "comments": 3}, {"author": "bob", "comments": 2}],
            "most_replied_authors": [
                {"author": "alice", "replies_received": 4},
                {"author": "bob", "replies_received": 2},
            ],
            "exchanges": [
                {
                    "authors": ["alice", "bob"],
                    "turns": 5,
                    "ids": ["101", "102", "103", "104", "105"],
                    "start_id": "101",
                }
            ],
            "exchange_count": 1,
            "author_pairs": [
                {"from": "bob", "to": "alice", "replies": 2},
                {"from": "alice", "to": "bob", "replies": 2},
            ],
            "concentration": {"top10_share": 0.25, "gini": 0.21},
            "per_hour": [
                {"hour": "2021-05-14T09:00:00+00:00", "count": 7},
                {"hour": "2021-05-14T10:00:00+00:00", "count": 4},
                {"hour": "2021-05-14T11:00:00+00:00", "count": 1},
            ],
            "first_comment_at": "2021-05-14T09:05:00+00:00",
            "last_comment_at": "2021-05-14T11:10:00+00:00",
            "peak_hour": "2021-05-14T09:00:00+00:00",
            "notes": [],
        },
        "sentiment": {
            "n": 11,
            "mean": 0.163,
            "median": 0.15,
            "ci95": [-0.08, 0.39],
            "positive_share": 0.545,
            "neutral_share": 0.182,
            "negative_share": 0.273,
            "by_depth": [
                {"depth": 1, "n": 3, "mean": 0.063},
                {"depth": 2, "n": 4, "mean": 0.205},
                {"depth": 3, "n": 2, "mean": 0.22},
                {"depth": 4, "n": 1, "mean": 0.0},
                {"depth": 5, "n": 1, "mean": 0.34},
            ],
            "by_subthread": [
                {"root_id": "101", "author": "alice", "n": 7, "mean": 0.271, "ci95": [-0.05, 0.55]},
                {"root_id": "106", "author": "carol", "n": 3, "mean": -0.087, "ci95": [-0.9, 0.7]},
            ],
            "by_theme": [
                {"theme": 0, "unassigned": False, "n": 3, "mean": 0.487, "ci95": [0.1, 0.9]},
                {"theme": 1, "unassigned": False, "n": 3, "mean": 0.033, "ci95": [-0.4, 0.5]},
                {"theme": 2, "unassigned": False, "n": 4, "mean": 0.02, "ci95": [-0.5, 0.5]},
                {"theme": -1, "unassigned": True, "n": 1, "mean": 0.15, "ci95": None},
            ],
            "most_positive": [
                {
                    "id": "111",
                    "author": "grace",
                    "score": 0.8,
                    "permalink": f"{HN}111",
                    "excerpt": "Async writing culture is the real win.",
                },
            ],
            "most_negative": [
                {
                    "id": "106",
                    "author": "carol",
                    "score": -0.6,
                    "permalink": f"{HN}106",
                    "excerpt": "Office rents in the city are collapsing",
                },
            ],
            "method": {"name": "VADER", "package": "vaderSentiment", "score": "compound, from -1 to 1"},
            "caveats": [*CAVEATS, "Only 11 comments were scored, so the interval is wide."],
            "notes": ["1 of 12 comments have no score: deleted, empty, or only quotes, links or code."],
        },
        "themes": [
            {
                "id": 0,
                "label": "Productivity and async work",
                "keywords": ["productive", "async", "meetings", "docs"],
                "size": 3,
                "share": 0.25,
                "sentiment_mean": 0.487,
                "representative_ids": ["111", "101"],
                "guided": False,
                "confidence": None,
                "stability": 0.88,
            },
            {
                "id": 1,
                "label": "Mentoring juniors",
                "keywords": ["junior", "mentoring", "pair", "effort"],
                "size": 3,
                "share": 0.25,
                "sentiment_mean": 0.033,
                "representative_ids": ["102"],
                "guided": True,
                "confidence": 0.62,
                "stability": 0.74,
            },
            {
                "id": 2,
                "label": "Offices and housing",
                "keywords": ["office", "rents", "housing", "commuting"],
                "size": 4,
                "share": 0.333,
                "sentiment_mean": 0.02,
                "representative_ids": ["107", "106"],
                "guided": False,
                "confidence": None,
                "stability": 0.41,
            },
        ],
        "themes_info": {
            "method": "BERTopic (HDBSCAN on MiniLM embeddings)",
            "note": None,
            "unassigned_share": 0.083,
            "params": {"min_topic_size": 2},
        },
        "meta": {
            "threadscope": "0.1.0",
            "embedding_model": "all-MiniLM-L6-v2",
            "params": {
                "seed": 42,
                "guided_themes": ["Mentoring juniors"],
                "model": None,
                "tone": "vader",
                "subtree": False,
            },
            "timings_s": {"fetch": 0.1, "embed": 0.4},
            "seed": 42,
        },
    }


def make_hostile() -> schema.AnalysisResults:
    """The same thread with every user-controlled string replaced by attack payloads."""
    results = make_results()
    names = list(PAYLOADS)
    joined = " ".join(PAYLOADS.values())
    for k, post in enumerate(results["posts"]):
        if post["deleted"]:
            continue
        post["text"] = "\n\n".join(PAYLOADS.values())
        post["author"] = PAYLOADS[names[k % len(names)]]
    results["thread"].update(
        {
            "title": PAYLOADS["script"] + " " + PAYLOADS["img"],
            "author": PAYLOADS["md_link"],
            "url": "javascript:alert(document.cookie)",
            "notes": [PAYLOADS["iframe"], PAYLOADS["md_image"]],
        }
    )
    for k, theme in enumerate(results["themes"]):
        theme["label"] = [
            PAYLOADS["script"] + " $x$",
            PAYLOADS["md_image"],
            PAYLOADS["table"] + "\n" + PAYLOADS["heading"] + " $\\frac{$",
        ][k]
        theme["keywords"] = [PAYLOADS["img"], PAYLOADS["js_link"], "|", "`", "$\\frac{"]
    s = results["structure"]
    assert s["largest_subthreads"] and s["most_replied"] and s["most_active_authors"] and s["exchanges"]
    for row in s["largest_subthreads"]:
        row["author"] = PAYLOADS["iframe"]
        row["permalink"] = "javascript:alert(1)"
    for replied in s["most_replied"]:
        replied["author"] = PAYLOADS["iframe"]
        replied["permalink"] = "javascript:alert(1)"
    for active in s["most_active_authors"]:
        active["author"] = PAYLOADS["html_comment"]
    s["exchanges"][0]["authors"] = [PAYLOADS["script"], PAYLOADS["md_link"]]
    s["notes"] = [joined]
    for extremes in (results["sentiment"]["most_positive"], results["sentiment"]["most_negative"]):
        for extreme in extremes:
            extreme["excerpt"] = joined
            extreme["author"] = PAYLOADS["img"]
            extreme["permalink"] = "data:text/html,<script>alert(1)</script>"
    results["sentiment"]["caveats"] = [PAYLOADS["iframe"]]
    results["posts"][0]["permalink"] = "javascript:alert('perma')"
    results["posts"][1]["permalink"] = 'https://news.ycombinator.com/item?id=1"><script>alert(1)</script>'
    results["themes_info"]["note"] = PAYLOADS["md_link"]
    results["meta"]["params"]["guided_themes"] = [PAYLOADS["script"], PAYLOADS["template"]]
    return results
