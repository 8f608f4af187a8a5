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
        "fetched_at": isoformat(thread.fetched_at),
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


def compare(
    specs: Sequence[str | Thread],
    *,
    themes: str | Sequence[str] | None = None,
    model: str | None = None,
    embedder: Embedder | None = None,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
    data_dir: Path | str | None = None,
    offline: bool = False,
    refresh: bool = False,
    conversation: str | None = None,
    x_full_archive: bool = False,
    max_posts: int = 2000,
    min_scored: int | None = None,
) -> Comparison:
    """Load two or more threads and compare their tone, themes and shape.

    One theme model runs over the comments of all threads together, so a
    theme means the same thing in every thread; embeddings come from the
    cache when a thread was analysed before.

    Args:
        specs: thread specs (any mix of sources) or loaded Threads, in the order to report them.
        themes: guided theme names, as ``"a, b"`` or a list.
        model: a sentence-transformers model name or path instead of the packaged all-MiniLM-L6-v2.
        embedder: an embedder to use instead (tests pass a fake one).
        seed: the seed of every random step; the same seed gives the same results.
        progress: called as ``progress(stage, done, total)``.
        data_dir, offline, refresh, conversation, x_full_archive, max_posts: see ``load_thread``.
        min_scored: scored comments a thread needs before its tone is compared
            (default ``analysis.compare.MIN_SCORED``).

    Raises:
        InputError: fewer than two threads, or one thread given twice.
        ThreadscopeError: with a message fit for the user, whatever else went wrong.
    """
    from threadscope.analysis import compare as comparing
    from threadscope.cache import default_data_dir

    specs = list(specs)
    if len(specs) < 2:
        raise InputError("compare needs at least two threads; give two or more thread specs")
    _check_distinct_specs(specs)
    guided = parse_guided(themes)
    min_scored = comparing.MIN_SCORED if min_scored is None else min_scored
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = round(now - clock, 3)
        clock = now

    threads: list[Thread] = []
    for done, spec in enumerate(specs):
        if progress:
            progress("load", done, len(specs))
        threads.append(
            load_thread(
                spec,
                data_dir=data_dir,
                offline=offline,
                refresh=refresh,
                conversation=conversation,
                x_full_archive=x_full_archive,
                max_posts=max_posts,
            )
        )
    if progress:
        progress("load", len(specs), len(specs))
    keys = _thread_keys(threads, specs)
    lap("fetch")

    from threadscope.analysis import embed, sentiment, structure
    from threadscope.analysis import themes as theming

    scores = [sentiment.score_posts(t) for t in threads]
    lap("sentiment")

    # One model over every thread's comments; ids carry the thread's index so they stay unique.
    docs = [(g, p) for g, t in enumerate(threads) for p in t.comments if p.has_text]
    embedder = embedder or embed.SentenceTransformerEmbedder(model)
    cache = embed.EmbeddingCache(Path(data_dir) if data_dir is not None else default_data_dir())
    stage_progress = (lambda done, total: progress("embed", done, total)) if progress else None
    try:
        vectors = embed.embed_texts([p.own_text for _, p in docs], embedder, cache, progress=stage_progress)
        guided_vectors = embed.embed_texts(guided, embedder, cache) if guided else None
    finally:
        cache.close()
    lap("embed")

    fitted = theming.find_themes(
        [f"{g}:{p.id}" for g, p in docs],
        [p.own_text for _, p in docs],
        vectors,
        guided=guided or None,
        guided_embeddings=guided_vectors,
        seed=seed,
    )
    found = fitted.to_dict()
    theme_of: list[dict[str, int | None]] = [{p.id: None for p in t.comments} for t in threads]
    assigned: list[dict[str, int]] = [{} for _ in threads]
    for joint_id, theme in found["assignment"].items():
        index, pid = str(joint_id).split(":", 1)
        theme_of[int(index)][pid] = int(theme)
        assigned[int(index)][pid] = int(theme)
    lap("themes")

    entries = []
    for g, thread in enumerate(threads):
        shape = structure.analyze_structure(thread, theme_of[g])
        tone = sentiment.summarize_sentiment(thread, scores[g], theme_of[g], seed=seed)
        block = thread_block(thread)
        if thread.fetched_at is None:
            block["fetched_at"] = None  # unknown; "now" would make results differ run to run
        notes = []
        if tone["n"] < min_scored:
            notes.append(
                f"Only {tone['n']} comment{'' if tone['n'] == 1 else 's'} could be scored; at least "
                f"{min_scored} are needed to compare tone, so pairs with this thread are not compared."
            )
        entries.append(
            {
                "key": keys[g],
                "letter": _letter(g),
                "spec": spec_text(specs[g]),
                "thread": block,
                "comparable": tone["n"] >= min_scored,
                "notes": notes,
                "sentiment": tone,
                "structure": comparing.structure_summary(shape),
                "posts": [_post_row(p, scores[g].get(p.id), theme_of[g].get(p.id)) for p in thread.comments],
            }
        )
    values = [
        [s for p in t.comments if (s := scores[g].get(p.id)) is not None] for g, t in enumerate(threads)
    ]
    pairs = comparing.compare_all(keys, values, seed=seed, min_scored=min_scored)
    shared = comparing.shared_themes(
        [_joint_theme(t, keys) for t in found["themes"]], keys, assigned, scores, min_scored=min_scored
    )
    lap("summaries")

    results = {
        "schema": COMPARISON_SCHEMA,
        "threads": entries,
        "pairs": pairs,
        "themes": shared,
        "themes_info": {k: found.get(k) for k in ("method", "note", "unassigned_share", "params")},
        "meta": {
            "threadscope": __version__,
            "embedding_model": embedder.name,
            "params": {
                "seed": seed,
                "guided_themes": guided,
                "model": model,
                "min_scored": min_scored,
                "n_boot": comparing.N_BOOT,
                "prior_per_category": comparing.PRIOR_PER_CATEGORY,
                "z_distinctive": comparing.Z_DISTINCTIVE,
            },
            "seed": seed,
            "timings_s": timings,
        },
    }
    return Comparison(threads, results)


COMPARISON_SCHEMA = "threadscope.comparison/1"


@dataclass
class Comparison:
    """Two or more threads compared: plain results, plus conveniences for notebooks.

    ``results`` is what ``results.json`` holds (schema ``threadscope.comparison/1``);
    everything in it is deterministic for a given input and seed except
    ``meta.timings_s``.
    """

    loaded: list[Thread]
    results: dict[str, Any]

    @property
    def keys(self) -> list[str]:
        """Each thread's label (``source:id``), in the order given."""
        return [str(t["key"]) for t in self.results["threads"]]

    @property
    def threads(self) -> pd.DataFrame:
        """One row per thread: counts, depth, tone with its 95% CI, and the tone shares."""
        import pandas as pd

        rows = []
        for entry in self.results["threads"]:
            tone, shape, block = entry["sentiment"], entry["structure"], entry["thread"]
            ci = tone.get("ci95") or [None, None]
            rows.append(
                {
                    "thread": entry["key"],
                    "letter": entry["letter"],
                    "title": block.get("title"),
                    "comments": shape.get("comments"),
                    "authors": shape.get("authors"),
                    "max_depth": shape.get("max_depth"),
                    "scored": tone.get("n"),
                    "sentiment_mean": tone.get("mean"),
                    "ci95_low": ci[0],
                    "ci95_high": ci[1],
                    "positive_share": tone.get("positive_share"),
                    "neutral_share": tone.get("neutral_share"),
                    "negative_share": tone.get("negative_share"),
                    "comparable": entry["comparable"],
                }
            )
        return pd.DataFrame(rows).set_index("thread")

    @property
    def pairs(self) -> pd.DataFrame:
        """One row per pair: difference in mean tone, its CI, Mann-Whitney p, Cliff's delta, verdict."""
        import pandas as pd

        rows = []
        for pair in self.results["pairs"]:
            ci = pair.get("ci95") or [None, None]
            row = {k: v for k, v in pair.items() if k != "ci95"}
            rows.append({**row, "ci95_low": ci[0], "ci95_high": ci[1]})
        return pd.DataFrame(rows)

    @property
    def themes(self) -> pd.DataFrame:
        """One row per shared theme and thread: size, share, mean tone and distinctiveness z."""
        import pandas as pd

        rows = []
        for theme in self.results["themes"]:
            z = {d["thread"]: d["z"] for d in theme.get("distinctiveness") or []}
            for cell in theme.get("by_thread") or []:
                rows.append(
                    {
                        "theme": theme["id"],
                        "label": theme.get("label"),
                        "thread": cell["thread"],
                        "size": cell["size"],
                        "share": cell["share"],
                        "sentiment_mean": cell["sentiment_mean"],
                        "z": z.get(cell["thread"]),
                        "distinctive": theme.get("distinctive_of") == cell["thread"],
                    }
                )
        columns = ["theme", "label", "thread", "size", "share", "sentiment_mean", "z", "distinctive"]
        return pd.DataFrame(rows, columns=columns)

    @property
    def posts(self) -> pd.DataFrame:
        """One row per comment of every thread, with its thread's label in ``thread``."""
        import pandas as pd

        rows = [{"thread": e["key"], **post} for e in self.results["threads"] for post in e["posts"]]
        frame = pd.DataFrame(rows)
        if "created_at" in frame:
            frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True, errors="coerce")
        return frame

    @property
    def meta(self) -> dict[str, Any]:
        """Version, model, parameters and timings of the run."""
        return dict(self.results["meta"])

    def to_json(self) -> str:
        """``results.json`` as a string (schema ``threadscope.comparison/1``)."""
        from threadscope.report.results import results_json

        return results_json(self.results)

    def default_dir(self) -> Path:
        """``reports/compare-<source>-<id>-<source>-<id>…``, shortened when long."""
        return Path("reports") / compare_dir_name(self.keys)

    def write(self, out_dir: Path | str | None = None, formats: Iterable[str] = FORMATS) -> list[Path]:
        """Write the reports, ``results.json``, ``comments.csv`` and figures; return the paths written."""
        formats = check_formats(formats)
        out = Path(out_dir) if out_dir is not None else self.default_dir()
        out.mkdir(parents=True, exist_ok=True)
        from threadscope.report import compare as report

        written: list[Path] = []
        if "json" in formats:
            from threadscope.report.results import write_results_json

            written.append(write_results_json(self.results, out / "results.json"))
            written.append(report.write_comments_csv(self.results, out / "comments.csv"))
        if formats & {"md", "html"}:
            written.extend(report.write_reports(self.results, out, set(formats & {"md", "html"})))
        return written


def spec_text(spec: str | Thread) -> str:
    """A spec as given, or ``source:id`` for a loaded Thread."""
    return spec.strip() if isinstance(spec, str) else f"{spec.source}:{spec.id}"


def compare_dir_name(keys: Sequence[str], limit: int = 80) -> str:
    """``compare-hn-24330326-x-1300…``: labels joined with ``-``, made file-safe, shortened when long.

    Each label keeps at most 24 characters; past ``limit`` characters the
    name keeps the first labels and ends with how many more there are and a
    short hash of them all, so different sets of threads never share a folder.
    """
    import hashlib
    import re

    safe = [re.sub(r"[^A-Za-z0-9._]+", "-", key.replace(":", "-")).strip("-.") for key in keys]
    parts = [part[:24].strip("-.") for part in safe]
    name = "compare-" + "-".join(parts)
    if len(name) <= limit:
        return name
    digest = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:8]
    kept: list[str] = []
    for k, part in enumerate(parts):
        tail = f"-and-{len(parts) - k}-more-{digest}"
        if len("compare-" + "-".join([*kept, part])) + len(tail) > limit and kept:
            return "compare-" + "-".join(kept) + tail
        kept.append(part)
    return "compare-" + "-".join(kept)[: limit - 17] + f"-{digest}"


def _spec_identity(spec: str | Thread) -> tuple[str, str] | None:
    """What a spec names before loading: ``("hn", id)``, ``("x", id)``, ``("file", path)``, or ``None``."""
    if isinstance(spec, Thread):
        return (spec.source, spec.id)
    from threadscope.errors import SpecError
    from threadscope.sources import files, hn, x

    text = spec.strip()
    try:
        tweet = x.parse_spec(text)
        if tweet is not None:
            return ("x", tweet)
        item = hn.parse_spec(text)
        if item is not None:
            return ("hn", item)
    except SpecError:
        return None  # loading will say what is wrong with it
    if files.looks_like_path(text):
        return ("file", str(Path(text).expanduser().resolve()))
    return None


def _check_distinct_specs(specs: Sequence[str | Thread]) -> None:
    """Refuse a thread given twice before anything is fetched, when the specs already tell."""
    seen: dict[tuple[str, str], str | Thread] = {}
    for spec in specs:
        identity = _spec_identity(spec)
        if identity is None:
            continue
        if identity in seen:
            raise InputError(_twice_message(identity, seen[identity], spec))
        seen[identity] = spec


def _twice_message(identity: tuple[str, str], first: str | Thread, again: str | Thread) -> str:
    kind, value = identity
    name = f"file {value}" if kind == "file" else f"thread {kind}:{value}"
    given = f"{spec_text(first)!r} and {spec_text(again)!r}"
    if spec_text(first) == spec_text(again):
        given = f"{spec_text(first)!r} twice"
    return f"{name} is given twice ({given}); compare different threads"


def _thread_keys(threads: Sequence[Thread], specs: Sequence[str | Thread]) -> list[str]:
    """``source:id`` per thread, refusing a thread given twice.

    Two pasted-text files may share a name (their id) yet differ; they are
    told apart with ``~2``, ``~3``… instead of being refused.
    """
    keys: list[str] = []
    first: dict[str, int] = {}
    for g, thread in enumerate(threads):
        key = f"{thread.source}:{thread.id}"
        if key in first:
            other = threads[first[key]]
            if thread.source != "text" or _same_posts(thread, other):
                raise InputError(_twice_message((thread.source, thread.id), specs[first[key]], specs[g]))
            n = 2
            while f"{key}~{n}" in keys:
                n += 1
            keys.append(f"{key}~{n}")
            continue
        first[key] = g
        keys.append(key)
    return keys


def _same_posts(a: Thread, b: Thread) -> bool:
    return [(p.id, p.text) for p in a.posts] == [(p.id, p.text) for p in b.posts]


def _letter(index: int) -> str:
    """A, B, … Z, AA, AB…"""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(ord("A") + rem) + out
    return out


def _joint_theme(theme: dict[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    """A theme of the joint model with its representative comments named by thread and id."""
    out = {k: v for k, v in theme.items() if k != "representative_ids"}
    representatives = []
    for joint_id in theme.get("representative_ids") or []:
        index, pid = str(joint_id).split(":", 1)
        representatives.append({"thread": keys[int(index)], "id": pid})
    out["representatives"] = representatives
    return out
