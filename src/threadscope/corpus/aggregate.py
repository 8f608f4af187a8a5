"""What a corpus analysis says, computed in SQL from each post's stored theme and tone.

Means and shares come from DuckDB's ``GROUP BY``; only the bootstrap
intervals are drawn in Python (``sentiment.bootstrap_ci``, seeded), from
the scores SQL hands back per group. Everything is rounded to 4 places, so
the same stored results give the same numbers whichever engine stored them.
"""

from __future__ import annotations

from typing import Any

from threadscope import schema
from threadscope.analysis.numbers import round4
from threadscope.analysis.sentiment import bootstrap_ci, excerpt
from threadscope.corpus.fit import Fitted
from threadscope.corpus.ingest import permalink
from threadscope.corpus.store import Store

UNDATED = "undated"
#: Resamples per interval: one interval per period and per theme, over up to millions of posts.
N_BOOT = 1000
THREADS_PER_THEME = 5
QUOTES_PER_THEME = 3


def _share(part: Any, whole: Any) -> float | None:
    return round4(part / whole) if whole else None


def periods(store: Store, run: int, seed: int) -> list[schema.Period]:
    """Posts, tone (mean, 95% CI, class shares) and unassigned share of each dated period, in time order."""
    rows = store.sql(
        "SELECT period, count(*), avg(sentiment), count(*) FILTER (tone = 1), count(*) FILTER (tone = 0), "
        "count(*) FILTER (tone = -1), count(*) FILTER (theme = -1), list(sentiment ORDER BY uid) "
        "FROM post_results WHERE run = ? AND period <> ? GROUP BY period ORDER BY period",
        [run, UNDATED],
    )
    return [
        {
            "period": period,
            "posts": n,
            "sentiment_mean": round4(mean),
            "ci95": bootstrap_ci(values, seed=seed, n_boot=N_BOOT),
            "positive_share": _share(pos, n),
            "neutral_share": _share(neu, n),
            "negative_share": _share(neg, n),
            "unassigned_share": _share(none, n),
        }
        for period, n, mean, pos, neu, neg, none, values in rows
    ]


def overall(store: Store, run: int, seed: int, method: schema.ToneMethod) -> schema.CorpusTone:
    """Tone of every analysed post: mean, 95% CI, class shares, and the ``method`` that scored it."""
    n, mean, pos, neu, neg, none, values = store.sql(
        "SELECT count(*), avg(sentiment), count(*) FILTER (tone = 1), count(*) FILTER (tone = 0), "
        "count(*) FILTER (tone = -1), count(*) FILTER (theme = -1), list(sentiment ORDER BY uid) "
        "FROM post_results WHERE run = ?",
        [run],
    )[0]
    return {
        "n": n,
        "mean": None if mean is None else round4(mean),
        "ci95": bootstrap_ci(values or [], seed=seed, n_boot=N_BOOT),
        "positive_share": _share(pos, n),
        "neutral_share": _share(neu, n),
        "negative_share": _share(neg, n),
        "unassigned_share": _share(none, n),
        "method": method,
    }


def themes(store: Store, run: int, fitted: Fitted, seed: int) -> list[schema.CorpusTheme]:
    """Each theme with members, tone, prevalence per period, the threads that carry it and quotes; largest first."""
    total = store.scalar("SELECT count(*) FROM post_results WHERE run = ?", [run]) or 0
    sizes = {
        theme: (n, mean, values)
        for theme, n, mean, values in store.sql(
            "SELECT theme, count(*), avg(sentiment), list(sentiment ORDER BY uid) FROM post_results "
            "WHERE run = ? AND theme >= 0 GROUP BY theme",
            [run],
        )
    }
    by_period: dict[int, list[schema.ThemePeriod]] = {}
    for theme, period, n, in_period, mean in store.sql(
        "SELECT r.theme, r.period, count(*), any_value(t.n), avg(r.sentiment) FROM post_results r "
        "JOIN (SELECT period, count(*) AS n FROM post_results WHERE run = ? GROUP BY period) t USING (period) "
        "WHERE r.run = ? AND r.theme >= 0 AND r.period <> ? GROUP BY r.theme, r.period ORDER BY r.period",
        [run, run, UNDATED],
    ):
        by_period.setdefault(theme, []).append(
            {"period": period, "size": n, "share": _share(n, in_period), "sentiment_mean": round4(mean)}
        )
    out: list[schema.CorpusTheme] = []
    for theme in fitted.themes:
        n, mean, values = sizes.get(theme.id, (0, None, []))
        out.append(
            {
                "id": theme.id,
                "label": theme.label,
                "keywords": theme.keywords,
                "guided": theme.guided,
                "confidence": theme.confidence,
                "born": theme.born,
                "size": n,
                "share": _share(n, total),
                "sentiment_mean": None if mean is None else round4(mean),
                "ci95": bootstrap_ci(values, seed=seed, n_boot=N_BOOT),
                "by_period": by_period.get(theme.id, []),
                "threads": [],
                "quotes": [],
            }
        )
    entry = {t["id"]: t for t in out}
    _threads(store, run, entry)
    _quotes(store, run, entry)
    out.sort(key=lambda t: (not t["guided"], t["id"] if t["guided"] else -t["size"], t["id"]))
    return out


def _threads(store: Store, run: int, entry: dict[int, schema.CorpusTheme]) -> None:
    for theme, uid, source, thread_id, title, n, in_thread in store.sql(
        "WITH c AS (SELECT r.theme, p.thread_uid, count(*) AS n FROM post_results r JOIN posts p USING (uid) "
        "  WHERE r.run = ? AND r.theme >= 0 AND p.thread_uid IS NOT NULL GROUP BY r.theme, p.thread_uid "
        "  QUALIFY row_number() OVER (PARTITION BY r.theme ORDER BY count(*) DESC, p.thread_uid) <= ?), "
        "s AS (SELECT p.thread_uid, count(*) AS n FROM post_results r JOIN posts p USING (uid) "
        "  WHERE r.run = ? GROUP BY p.thread_uid) "
        "SELECT c.theme, c.thread_uid, t.source, t.id, t.title, c.n, s.n FROM c JOIN s USING (thread_uid) "
        "LEFT JOIN threads t ON t.uid = c.thread_uid ORDER BY c.theme, c.n DESC, c.thread_uid",
        [run, THREADS_PER_THEME, run],
    ):
        source = source or uid.split(":", 1)[0]
        thread_id = thread_id or uid.split(":", 1)[1]
        entry[theme]["threads"].append(
            {
                "thread": uid,
                "title": title,
                "permalink": permalink(source, thread_id),
                "posts": n,
                "share_of_thread": _share(n, in_thread),
            }
        )


def _quotes(store: Store, run: int, entry: dict[int, schema.CorpusTheme]) -> None:
    for theme, uid, source, post_id, author, created_at, text, similarity, score in store.sql(
        "SELECT r.theme, r.uid, p.source, p.id, p.author, p.created_at, p.text, r.similarity, r.sentiment "
        "FROM post_results r JOIN posts p USING (uid) WHERE r.run = ? AND r.theme >= 0 "
        "QUALIFY row_number() OVER (PARTITION BY r.theme ORDER BY r.similarity DESC, r.uid) <= ? "
        "ORDER BY r.theme, r.similarity DESC, r.uid",
        [run, QUOTES_PER_THEME],
    ):
        entry[theme]["quotes"].append(
            {
                "post": uid,
                "author": author,
                "created_at": None if created_at is None else created_at.isoformat() + "Z",
                "permalink": permalink(source, post_id),
                "text": excerpt(text),
                "similarity": round4(similarity),
                "sentiment": round4(score),
            }
        )
