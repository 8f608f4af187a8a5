"""The library's front door: load a thread, analyse it, compare threads.

The CLI is a thin layer over these functions; a notebook calls them directly::

    result = threadscope.analyze("24330326", themes="management, overhype")
    result.posts.groupby("theme").sentiment.mean()
    result.write("reports/dl-jobs")
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from threadscope import __version__
from threadscope.errors import InputError
from threadscope.model import Thread, isoformat
from threadscope.sources import SourceOptions
from threadscope.sources import load as _load

if TYPE_CHECKING:
    import pandas as pd

    from threadscope.analysis.embed import Embedder

SCHEMA = "threadscope.analysis/1"
FORMATS = frozenset({"md", "html", "json"})
DEFAULT_SEED = 42

#: ``progress(stage, done, total)``; the CLI draws it as a bar.
Progress = Callable[[str, int, int], None]


def load_thread(
    spec: str | Thread,
    *,
    data_dir: Path | str | None = None,
    offline: bool = False,
    refresh: bool = False,
    subtree: bool = False,
    conversation: str | None = None,
    x_full_archive: bool = False,
    max_posts: int = 2000,
) -> Thread:
    """The thread a spec names (an HN id or URL, ``x:<id>``, a saved file); a Thread passes through.

    Raises:
        ThreadscopeError: with a message fit for the user, whatever went wrong.
    """
    if isinstance(spec, Thread):
        return spec
    options = SourceOptions(
        data_dir=Path(data_dir) if data_dir is not None else None,
        offline=offline,
        refresh=refresh,
        subtree=subtree,
        conversation=conversation,
        x_full_archive=x_full_archive,
        max_posts=max_posts,
    )
    return _load(str(spec), options)


def parse_guided(themes: str | Iterable[str] | None) -> list[str]:
    """Guided theme names from ``"a, b, c"`` or a list; order kept, repeats dropped.

    Raises:
        InputError: when a name is empty or there are too many to be useful.
    """
    if themes is None:
        return []
    raw = themes.split(",") if isinstance(themes, str) else list(themes)
    names: list[str] = []
    for name in (" ".join(str(n).split()) for n in raw):
        if not name:
            raise InputError("--themes has an empty name; separate theme names with commas")
        if len(name) > 80:
            raise InputError(f"--themes name {name[:20]!r}… is too long; use a few words per theme")
        if name.lower() not in {n.lower() for n in names}:
            names.append(name)
    if len(names) > 20:
        raise InputError("--themes takes at most 20 names")
    return names


@dataclass
class Analysis:
    """The analysis of one thread: plain results, plus conveniences for notebooks."""

    thread: Thread
    results: dict[str, Any]
    _frame: Any = field(default=None, repr=False)

    @property
    def posts(self) -> pd.DataFrame:
        """One row per post (not the root): id, parent_id, author, depth, created_at, sentiment, theme, text…"""
        if self._frame is None:
            import pandas as pd

            frame = pd.DataFrame(self.results["posts"])
            frame["created_at"] = pd.to_datetime(frame.get("created_at"), utc=True, errors="coerce")
            self._frame = frame
        return self._frame

    @property
    def themes(self) -> list[dict[str, Any]]:
        """The themes, largest first."""
        return list(self.results["themes"] or [])

    @property
    def structure(self) -> dict[str, Any]:
        """Reply-structure figures (see ``analysis.structure``)."""
        return dict(self.results["structure"] or {})

    @property
    def sentiment(self) -> dict[str, Any]:
        """Tone figures (see ``analysis.sentiment``)."""
        return dict(self.results["sentiment"] or {})

    @property
    def meta(self) -> dict[str, Any]:
        """Version, model, parameters and timings of the run."""
        return dict(self.results["meta"])

    def to_json(self) -> str:
        """``results.json`` as a string (schema ``threadscope.analysis/1``)."""
        from threadscope.report.results import results_json

        return results_json(self.results)

    def default_dir(self) -> Path:
        """``reports/<source>-<id>``."""
        return Path("reports") / f"{self.thread.source}-{self.thread.id}"

    def write(self, out_dir: Path | str | None = None, formats: Iterable[str] = FORMATS) -> list[Path]:
        """Write the report files (``report.md``, ``report.html``, ``results.json``, …) and return their paths."""
        formats = check_formats(formats)
        out = Path(out_dir) if out_dir is not None else self.default_dir()
        out.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        if "json" in formats:
            from threadscope.report.results import write_comments_csv, write_results_json

            written.append(write_results_json(self.results, out / "results.json"))
            written.append(write_comments_csv(self.results, out / "comments.csv"))
        if formats & {"md", "html"}:
            from threadscope.report import write_reports

            written.extend(write_reports(self.results, out, set(formats & {"md", "html"})))
        return written


def check_formats(formats: Iterable[str]) -> set[str]:
    """The set of output formats, validated.

    Raises:
        InputError: for a format threadscope does not write.
    """
    chosen = {f.strip().lower() for f in formats if f.strip()}
    unknown = chosen - FORMATS
    if unknown or not chosen:
        raise InputError(f"unknown format {', '.join(sorted(unknown)) or '(none)'}; choose from md, html, json")
    return chosen


def analyze(
    spec: str | Thread,
    *,
    themes: str | Sequence[str] | None = None,
    model: str | None = None,
    embedder: Embedder | None = None,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
    data_dir: Path | str | None = None,
    offline: bool = False,
    refresh: bool = False,
    subtree: bool = False,
    conversation: str | None = None,
    x_full_archive: bool = False,
    max_posts: int = 2000,
) -> Analysis:
    """Load a thread and analyse its structure, tone and themes.

    Args:
        spec: a thread spec (see DESIGN.md) or a loaded Thread.
        themes: guided theme names, as ``"a, b"`` or a list.
        model: a sentence-transformers model name or path instead of the packaged all-MiniLM-L6-v2.
        embedder: an embedder to use instead (tests pass a fake one).
        seed: the seed of every random step; the same seed gives the same results.
        progress: called as ``progress(stage, done, total)``.
        data_dir, offline, refresh, subtree, conversation, x_full_archive, max_posts: see ``load_thread``.

    Raises:
        ThreadscopeError: with a message fit for the user.
    """
    guided = parse_guided(themes)
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = round(now - clock, 3)
        clock = now

    thread = load_thread(
        spec,
        data_dir=data_dir,
        offline=offline,
        refresh=refresh,
        subtree=subtree,
        conversation=conversation,
        x_full_archive=x_full_archive,
        max_posts=max_posts,
    )
    lap("fetch")

    from threadscope.analysis import embed, sentiment, structure
    from threadscope.analysis import themes as theming

    scores = sentiment.score_posts(thread)
    lap("sentiment")

    docs = [p for p in thread.comments if p.has_text]
    embedder = embedder or embed.SentenceTransformerEmbedder(model)
    cache = embed.EmbeddingCache(Path(data_dir) if data_dir is not None else None)
    stage_progress = (lambda done, total: progress("embed", done, total)) if progress else None
    vectors = embed.embed_texts([p.own_text for p in docs], embedder, cache, progress=stage_progress)
    guided_vectors = embed.embed_texts(guided, embedder, cache) if guided else None
    lap("embed")

    found = theming.find_themes(
        [p.id for p in docs],
        [p.own_text for p in docs],
        vectors,
        guided=guided or None,
        guided_embeddings=guided_vectors,
        seed=seed,
    )
    theme_of: dict[str, int | None] = {p.id: None for p in thread.comments}
    theme_of.update({pid: int(t) for pid, t in found["assignment"].items()})
    lap("themes")

    shape = structure.analyze_structure(thread, theme_of)
    tone = sentiment.summarize_sentiment(thread, scores, theme_of, seed=seed)
    lap("summaries")

    results = {
        "schema": SCHEMA,
        "thread": thread_block(thread),
        "posts": [_post_row(p, scores.get(p.id), theme_of.get(p.id)) for p in thread.comments],
        "structure": shape,
        "sentiment": tone,
        "themes": _themes_with_tone(found["themes"], tone),
        "themes_info": {k: found.get(k) for k in ("method", "note", "unassigned_share", "params")},
        "meta": {
            "threadscope": __version__,
            "embedding_model": embedder.name,
            "params": {"seed": seed, "guided_themes": guided, "model": model, "subtree": subtree},
            "timings_s": timings,
            "seed": seed,
        },
    }
    return Analysis(thread, results)


def thread_block(thread: Thread) -> dict[str, Any]:
    """The ``thread`` block of results.json."""
    return {
        "source": thread.source,
        "id": thread.id,
        "title": thread.title,
        "url": thread.url,
        "permalink": thread.permalink,
        "author": thread.author,
        "created_at": isoformat(thread.created_at),
        "fetched_at": isoformat(thread.fetched_at or datetime.now(timezone.utc)),
        "structured": thread.structured,
        "notes": list(thread.notes),
    }


def _post_row(post: Any, sentiment: float | None, theme: int | None) -> dict[str, Any]:
    return {
        "id": post.id,
        "parent_id": post.parent_id,
        "author": post.author,
        "depth": post.depth,
        "created_at": isoformat(post.created_at),
        "text": post.text,
        "deleted": post.deleted,
        "sentiment": sentiment,
        "theme": theme,
        "permalink": post.permalink,
        "flags": sorted(post.flags),
    }


def _themes_with_tone(themes: list[dict[str, Any]], tone: dict[str, Any]) -> list[dict[str, Any]]:
    by_theme = {row["theme"]: row["mean"] for row in tone.get("by_theme") or []}
    return [{**theme, "sentiment_mean": by_theme.get(theme["id"])} for theme in themes]


def compare(specs: Sequence[str | Thread], **kwargs: Any) -> Any:
    """Compare threads (being written)."""
    raise NotImplementedError
