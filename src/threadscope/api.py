"""The library's front door: load a thread, analyse it, compare threads.

The CLI is a thin layer over these functions; a notebook calls them directly::

    result = threadscope.analyze("24330326", themes="management, overhype")
    result.posts.groupby("theme").sentiment.mean()
    result.write("reports/dl-jobs")
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Unpack

from threadscope.errors import InputError
from threadscope.model import Thread
from threadscope.options import AnalysisArgs, SourceArgs, SourceOptions
from threadscope.pipeline import (
    AnalysisOptions,
    Compared,
    Stopwatch,
    analysis_results,
    comparison_results,
    run,
)
from threadscope.results import FORMATS, Analysis, Comparison, check_formats, check_out_dir, check_writable
from threadscope.sources import load as _load

if TYPE_CHECKING:
    from threadscope.sources.hn import SearchHit

__all__ = [
    "FORMATS",
    "Analysis",
    "Comparison",
    "analyze",
    "check_data_dir",
    "check_formats",
    "check_out_dir",
    "compare",
    "load_thread",
    "parse_guided",
    "search",
]

# Library practice: threadscope's warnings reach the caller's logging setup, if any,
# and never Python's last-resort handler, which would print them to stderr.
logging.getLogger("threadscope").addHandler(logging.NullHandler())

#: What ``tone=`` takes: the trained tone model, or VADER's compound score.
TONE_METHODS = ("model", "vader")
DEFAULT_SEED = 42


def load_thread(spec: str | Thread, **source: Unpack[SourceArgs]) -> Thread:
    """The thread a spec names (an HN id or URL, ``x:<id>``, a saved file); a Thread passes through.

    Args:
        spec: the thread spec.
        **source: where and how to read it (``options.SourceArgs``): ``data_dir`` (the cache folder;
            ``THREADSCOPE_DATA_DIR`` or ``data/`` when ``None``), ``offline`` (never touch the network; a
            cache miss is an error), ``refresh`` (fetch again even what the cache holds), ``subtree``
            (given a comment id, keep only its replies), ``conversation`` (which conversation of a twarc2
            file or X archive to read), ``x_full_archive`` (X's full-archive search, for conversations
            older than 7 days), ``max_posts`` (the most posts an X fetch may read; X bills per post).

    Raises:
        ThreadscopeError: with a message fit for the user, whatever went wrong.

    """
    return _load_thread(spec, source_options(source, "load_thread"))


def source_options(source: SourceArgs, function: str) -> SourceOptions:
    """``source`` checked as ``function``'s keyword arguments and made a ``SourceOptions``.

    Raises:
        TypeError: a keyword ``SourceArgs`` does not have, as Python says it of any function.
        InputError: a value of the wrong kind.

    """
    _check_keywords(source, SourceArgs.__optional_keys__, function)
    # the data dir checked and made a Path; the rest are typed by SourceArgs and checked below
    options = SourceOptions(**{**source, "data_dir": check_data_dir(source.get("data_dir"))})  # type: ignore[arg-type]
    _check_flags(
        offline=options.offline, refresh=options.refresh, subtree=options.subtree, x_full_archive=options.x_full_archive
    )
    _check_count("max_posts", options.max_posts)
    if options.conversation is not None and not isinstance(options.conversation, str):
        raise InputError(f"conversation must be a tweet id string, not {type(options.conversation).__name__}")
    return options


def _check_keywords(given: Mapping[str, object], declared: frozenset[str], function: str) -> None:
    """Refuse a keyword not in ``declared``, as Python does for any function."""
    unknown = sorted(set(given) - declared)
    if unknown:
        raise TypeError(f"{function}() got an unexpected keyword argument {unknown[0]!r}")


def _load_thread(spec: str | Thread, options: SourceOptions) -> Thread:
    if isinstance(spec, Thread):
        return spec
    _check_spec(spec)
    return _load(str(spec), options)


def search(
    query: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    min_points: int | None = None,
    limit: int = 20,
    sort: str = "points",
    data_dir: Path | str | None = None,
    offline: bool = False,
) -> list[SearchHit]:
    """HN stories matching ``query`` (Algolia), best-scored (``sort="points"``) or newest first.

    Naive datetimes are taken as UTC.

    Raises:
        InputError: an empty query, ``sort`` not ``points``/``date``, ``since`` not before ``until``, bad counts.
        ThreadscopeError: the search failed (the network, ``offline``).

    """
    from threadscope.cache import Cache
    from threadscope.sources.hn import HackerNews

    if not isinstance(query, str) or not query.strip():
        raise InputError("search needs words to look for")
    if sort not in {"points", "date"}:
        raise InputError(f"--sort must be points or date, not {sort!r}")
    _check_count("limit", limit)
    since, until = check_window(since, until, min_points)
    source = HackerNews(Cache(check_data_dir(data_dir)), offline=_flag("offline", offline))
    return source.search(query, since=since, until=until, min_points=min_points, limit=limit, sort=sort)


def check_window(
    since: datetime | None, until: datetime | None, min_points: int | None
) -> tuple[datetime | None, datetime | None]:
    """``since`` and ``until`` as aware datetimes (naive ones are UTC), checked with ``min_points``.

    Raises:
        InputError: ``min_points`` not a whole number ≥ 0, or ``since`` not before ``until``.

    """
    if min_points is not None and (not isinstance(min_points, int) or isinstance(min_points, bool) or min_points < 0):
        raise InputError(f"--min-points must be a whole number of at least 0, not {min_points!r:.40}")
    since, until = (d.replace(tzinfo=UTC) if d is not None and d.tzinfo is None else d for d in (since, until))
    if since and until and since >= until:
        raise InputError("--since must be before --until")
    return since, until


def parse_guided(themes: str | Iterable[str] | None) -> list[str]:
    """Guided theme names from ``"a, b, c"`` or a list; order kept, repeats dropped.

    Raises:
        InputError: when a name is empty or there are too many to be useful.

    """
    if themes is None:
        return []
    if isinstance(themes, (bytes, bytearray)) or not isinstance(themes, (str, Iterable)):
        raise InputError(f'themes must be a string like "a, b" or a list of names, not {type(themes).__name__}')
    raw = themes.split(",") if isinstance(themes, str) else list(themes)
    if not all(isinstance(n, str) for n in raw):
        raise InputError("themes must be a list of strings")
    names: list[str] = []
    for name in (" ".join(n.split()) for n in raw):
        if not name:
            raise InputError("--themes has an empty name; separate theme names with commas")
        if len(name) > 80:
            raise InputError(f"--themes name {name[:20]!r}… is too long; use a few words per theme")
        if name.lower() not in {n.lower() for n in names}:
            names.append(name)
    if len(names) > 20:
        raise InputError("--themes takes at most 20 names")
    return names


def analyze(spec: str | Thread, **options: Unpack[AnalysisArgs]) -> Analysis:
    """Load a thread and analyse its structure, tone and themes.

    Args:
        spec: a thread spec (see DESIGN.md) or a loaded Thread.
        **options: how to analyse (``options.AnalysisArgs``: ``themes``, ``model``, ``embedder``,
            ``tone``, ``seed``, ``progress``) and where and how to read the thread, as ``load_thread``
            takes them (``data_dir``, ``offline``, ``refresh``, ``subtree``, ``conversation``,
            ``x_full_archive``, ``max_posts``).

    Raises:
        ThreadscopeError: with a message fit for the user.

    """
    how, where = analysis_options(options, "analyze")
    clock = Stopwatch()
    thread = _load_thread(spec, where)
    clock.lap("fetch")
    done = run([thread], how, data_dir=where.data_dir, clock=clock)
    results = analysis_results(done, how, subtree=where.subtree, clock=clock)
    return Analysis(thread, results, _modelled=done.modelled([f"{thread.source}:{thread.id}"]))


def analysis_options(options: AnalysisArgs, function: str) -> tuple[AnalysisOptions, SourceOptions]:
    """``options`` checked as ``function``'s keyword arguments: how to analyse, and where threads come from.

    Raises:
        TypeError: a keyword ``AnalysisArgs`` does not have, as Python says it of any function.
        InputError: an argument of the wrong kind, naming the option.

    """
    _check_keywords(options, AnalysisArgs.__optional_keys__, function)
    guided = parse_guided(options.get("themes"))
    tone = _check_tone(options.get("tone", "model"))
    seed = options.get("seed", DEFAULT_SEED)
    _check_seed(seed)
    model = options.get("model")
    _check_model(model)
    how = AnalysisOptions(
        guided=guided,
        model=model,
        embedder=options.get("embedder"),
        tone=tone,
        seed=seed,
        progress=options.get("progress"),
    )
    source: SourceArgs = {k: v for k, v in options.items() if k in SourceArgs.__optional_keys__}  # type: ignore[assignment]
    return how, source_options(source, function)


def _check_tone(tone: str) -> str:
    if not isinstance(tone, str) or tone not in TONE_METHODS:
        raise InputError(f"--tone must be one of {', '.join(TONE_METHODS)}, not {tone!r}")
    return tone


# Arguments are checked before any work, with messages that name the option,
# so a notebook user gets a ThreadscopeError and never a TypeError from deep inside.


def _check_spec(spec: object) -> None:
    if not isinstance(spec, str):
        raise InputError(f"a thread spec must be a string (an HN id, a URL, a file) or a Thread, not {spec!r:.40}")


def _check_seed(seed: object) -> None:
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**32:
        raise InputError(f"--seed must be a whole number from 0 to {2**32 - 1}, not {seed!r:.40}")


def _check_model(model: object) -> None:
    if model is not None and not (isinstance(model, str) and model.strip()):
        raise InputError(f"--model must be a model name or path, not {model!r:.40}")


def _check_count(option: str, value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InputError(f"{option} must be a whole number of at least 1, not {value!r:.40}")


def _check_flags(**flags: object) -> None:
    for name, value in flags.items():
        _flag(name, value)


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise InputError(f"{name} must be True or False, not {value!r:.40}")
    return value


def check_data_dir(data_dir: object) -> Path | None:
    """``data_dir`` as a Path when it is a writable folder (or can be made one); ``None`` stays ``None``.

    Raises:
        InputError: a value that is not a path, or a place the cache cannot be written.

    """
    if data_dir is None:
        return None
    if not isinstance(data_dir, (str, Path)) or not str(data_dir).strip():
        raise InputError(f"--data-dir must be a folder path, not {data_dir!r:.40}")
    return check_writable(Path(data_dir).expanduser(), "--data-dir")


def compare(
    specs: Sequence[str | Thread], *, min_scored: int | None = None, **options: Unpack[AnalysisArgs]
) -> Comparison:
    """Load two or more threads and compare their tone, themes and shape.

    One theme model runs over the comments of all threads together, so a
    theme means the same thing in every thread; embeddings come from the
    cache when a thread was analysed before.

    Args:
        specs: thread specs (any mix of sources) or loaded Threads, in the order to report them.
        min_scored: scored comments a thread needs before its tone is compared
            (default ``analysis.compare.MIN_SCORED``).
        **options: how to analyse and where to read the threads, as ``analyze`` takes them
            (``options.AnalysisArgs``).

    Raises:
        InputError: fewer than two threads, or one thread given twice.
        ThreadscopeError: with a message fit for the user, whatever else went wrong.

    """
    from threadscope.analysis import compare as comparing

    if isinstance(specs, (str, bytes)) or not isinstance(specs, Sequence):
        raise InputError("compare takes a list of two or more thread specs")
    specs = list(specs)
    for spec in specs:
        if not isinstance(spec, Thread):
            _check_spec(spec)
    if len(specs) < 2:
        raise InputError("compare needs at least two threads; give two or more thread specs")
    _check_distinct_specs(specs)
    how, where = analysis_options(options, "compare")
    min_scored = comparing.MIN_SCORED if min_scored is None else min_scored
    _check_count("min_scored", min_scored)
    progress = how.progress
    clock = Stopwatch()

    threads: list[Thread] = []
    for done_count, spec in enumerate(specs):
        if progress:
            progress("load", done_count, len(specs))
        threads.append(_load_thread(spec, where))
    if progress:
        progress("load", len(specs), len(specs))
    keys = _thread_keys(threads, specs)
    clock.lap("fetch")

    done = run(threads, how, data_dir=where.data_dir, clock=clock)
    compared = Compared(keys=keys, specs=[spec_text(spec) for spec in specs], min_scored=min_scored)
    return Comparison(threads, comparison_results(done, how, compared, clock=clock), _modelled=done.modelled(keys))


def spec_text(spec: str | Thread) -> str:
    """A spec as given, or ``source:id`` for a loaded Thread."""
    return spec.strip() if isinstance(spec, str) else f"{spec.source}:{spec.id}"


def _spec_identity(spec: str | Thread) -> tuple[str, str] | None:
    """What a spec names before loading: ``("hn", id)``, ``("x", id)``, ``("file", path)``, or ``None``."""
    if isinstance(spec, Thread):
        return (spec.source, spec.id)
    from threadscope.errors import SpecError
    from threadscope.sources import resolve

    try:
        source, key = resolve(spec)
    except SpecError:
        return None  # loading will say what is wrong with it
    return (source.name, str(Path(key).resolve()) if source.name == "file" else key)


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
