"""The ``threadscope`` command: a thin layer over ``threadscope.api``.

Only this module prints, exits or reads argv. Errors a user can cause arrive
as ``ThreadscopeError`` and leave as one line on stderr and an exit code
(1 at run time, 2 for bad input); heavy libraries load only in the commands
that need them, so ``--help`` and bad input answer at once.
"""

from __future__ import annotations

import functools
import inspect
import logging
import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.exceptions import TyperException

from threadscope._version import __version__
from threadscope.analysis.numbers import plural
from threadscope.errors import ThreadscopeError
from threadscope.options import SourceArgs
from threadscope.text import printable

app = typer.Typer(
    name="threadscope",
    help="What a discussion thread was about: themes, tone and shape, as a blog-ready report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
analyze_app = typer.Typer(help="Analyse a discussion and write a report.", no_args_is_help=True)
app.add_typer(analyze_app, name="analyze")
corpus_app = typer.Typer(
    help="Many threads in one DuckDB database, analysed over time: add, import, analyze, info.",
    no_args_is_help=True,
)
app.add_typer(corpus_app, name="corpus")

Spec = Annotated[str, typer.Argument(help="24330326, hn:<id>, an HN or X link, x:<id>, or a saved file.")]
DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Cache folder [default: $THREADSCOPE_DATA_DIR or data/].", show_default=False),
]
Offline = Annotated[
    bool, typer.Option("--offline", help="Never touch the network; fail if the cache lacks the thread.")
]
Refresh = Annotated[bool, typer.Option("--refresh", help="Fetch again even when the cache has the thread.")]
Subtree = Annotated[bool, typer.Option("--subtree", help="Given a comment id, keep only that comment's replies.")]
Conversation = Annotated[
    str | None, typer.Option("--conversation", help="Which conversation of a twarc2 file or X archive to read.")
]
FullArchive = Annotated[bool, typer.Option("--x-full-archive", help="Use X full-archive search (older than 7 days).")]
MaxPosts = Annotated[int, typer.Option("--max-posts", min=1, help="The most X posts to read (X bills per post).")]
Themes = Annotated[
    str | None, typer.Option("--themes", help='Guided themes, e.g. "management, data cleaning, overhype".')
]
Model = Annotated[
    str | None, typer.Option("--model", help="A sentence-transformers model name or path available offline.")
]
Tone = Annotated[
    str,
    typer.Option(
        "--tone",
        help="model: the tone model trained on readers' ratings (default); "
        "vader: VADER's compound score, for comparability with older work.",
    ),
]
Seed = Annotated[int, typer.Option("--seed", min=0, max=2**32 - 1, help="Seed of every random step (0 to 2**32-1).")]
#: Exit code after Ctrl-C (128 + SIGINT), as shells report it.
INTERRUPTED = 130
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Only errors on stderr; no progress.")]
Since = Annotated[
    datetime | None, typer.Option("--since", formats=["%Y-%m-%d"], help="Stories from this day on (YYYY-MM-DD).")
]
Until = Annotated[
    datetime | None, typer.Option("--until", formats=["%Y-%m-%d"], help="Stories before this day (YYYY-MM-DD).")
]
MinPoints = Annotated[int | None, typer.Option("--min-points", min=0, help="Only stories with this many points.")]
Out = Annotated[str | None, typer.Option("--out", "-o", help="Report folder [default: reports/<what was analysed>].")]
Format = Annotated[str, typer.Option("--format", help="Comma-separated: md, html, json.")]
CorpusName = Annotated[str, typer.Argument(help="The corpus: letters, digits, '-' and '_' (data/corpora/NAME.duckdb).")]

#: Where threads come from (``options.SourceArgs``): each command that loads threads gets these options
#: from ``_loads_threads``, declared here once, in the order --help lists them.
SOURCE_OPTIONS: dict[str, tuple[Any, Any]] = {
    "data_dir": (DataDir, None),
    "offline": (Offline, False),
    "refresh": (Refresh, False),
    "subtree": (Subtree, False),
    "conversation": (Conversation, None),
    "x_full_archive": (FullArchive, False),
    "max_posts": (MaxPosts, 2000),
}


def _loads_threads(*, without: tuple[str, ...] = ()) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Give a command the ``SOURCE_OPTIONS`` (but ``without``), handed to it as one ``source`` dict.

    Typer reads a command's options from its signature, so the decorated
    command's signature gains the shared options before ``quiet`` (or at the
    end); the command itself takes ``source`` and passes it on as
    ``**source`` to the API. Written by hand because typer has no shared
    option groups, and seven options repeated in every command is what this
    replaces.
    """

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        chosen = [(n, option) for n, option in SOURCE_OPTIONS.items() if n not in without]
        names = [n for n, _ in chosen]
        signature = inspect.signature(command, eval_str=True)
        own = [p for p in signature.parameters.values() if p.name != "source"]
        at = next((i for i, p in enumerate(own) if p.name == "quiet"), len(own))
        keyword = inspect.Parameter.KEYWORD_ONLY  # options after the argument, in --help's order
        shared = [inspect.Parameter(n, keyword, default=default, annotation=kind) for n, (kind, default) in chosen]
        kinds = [p.replace(kind=keyword) if p.default is not p.empty else p for p in own]

        @functools.wraps(command)
        def run(*args: Any, **kwargs: Any) -> None:
            source = {n: kwargs.pop(n) for n in names}
            command(*args, source=source, **kwargs)

        run.__signature__ = signature.replace(parameters=[*kinds[:at], *shared, *kinds[at:]])  # type: ignore[attr-defined]
        return run

    return decorate


def _version(value: bool) -> None:
    if value:
        typer.echo(f"threadscope {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """What a discussion thread was about: themes, tone and shape, as a blog-ready report."""


@analyze_app.command("thread")
@_loads_threads()
def analyze_thread(
    spec: Spec,
    out: Annotated[
        str | None, typer.Option("--out", "-o", help="Report folder [default: reports/<source>-<id>].")
    ] = None,
    format: Annotated[str, typer.Option("--format", help="Comma-separated: md, html, json.")] = "md,html,json",
    themes: Themes = None,
    model: Model = None,
    tone: Tone = "model",
    embed_summary: Annotated[
        bool, typer.Option("--embed-summary", help="Also print a short markdown block to quote in a post.")
    ] = False,
    seed: Seed = 42,
    quiet: Quiet = False,
    *,
    source: SourceArgs,
) -> None:
    """Analyse one thread: themes, tone and reply structure, written as report.md, report.html and results.json."""
    from threadscope import api

    formats, folder = _report_options(format, themes, out)
    guided = api.parse_guided(themes)
    source["data_dir"] = _writable_data_dir(source.get("data_dir"))
    with _progress(quiet) as progress:
        result = api.analyze(spec, themes=guided, model=model, tone=tone, seed=seed, progress=progress, **source)
    folder = folder or result.default_dir()
    written = result.write(folder, formats)
    s = result.results
    _err(
        f"{s['thread']['title'] or result.thread.id}: {plural(len(s['posts']), 'comment')}, "
        f"{plural(len(s['themes'] or []), 'theme')}; wrote {_listing(written)} to {folder}",
        quiet,
    )
    if embed_summary:
        from threadscope.report import summary_block

        typer.echo(summary_block(s, folder))
    else:
        typer.echo(str(folder))


@app.command()
@_loads_threads()
def fetch(spec: Spec, *, source: SourceArgs) -> None:
    """Fetch a thread into the cache and print a one-line summary."""
    from threadscope import api

    source["data_dir"] = _writable_data_dir(source.get("data_dir"))
    thread = api.load_thread(spec, **source)
    comments = thread.comments
    authors = {p.author for p in comments if p.author}
    depth = max((p.depth for p in comments), default=0)
    typer.echo(
        f"{thread.source}:{thread.id}  {printable(thread.title or '(untitled)')} | {plural(len(comments), 'comment')}, "
        f"{plural(len(authors), 'author')}, max depth {depth}"
    )


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to search HN stories for.")],
    since: Since = None,
    until: Until = None,
    min_points: MinPoints = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="How many stories to list.")] = 20,
    sort: Annotated[str, typer.Option("--sort", help="points or date.")] = "points",
    data_dir: DataDir = None,
) -> None:
    """Search Hacker News stories (Algolia) and list id, date, points, comments and title."""
    from threadscope import api

    hits = api.search(query, since=since, until=until, min_points=min_points, limit=limit, sort=sort, data_dir=data_dir)
    if not hits:
        _err("no stories found", False)
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False)
    for column, justify in (
        ("id", "right"),
        ("date", "left"),
        ("points", "right"),
        ("comments", "right"),
        ("title", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for hit in hits:
        day = hit.created_at.strftime("%Y-%m-%d") if hit.created_at else "?"
        title = Text(printable(hit.title))  # neither markup nor terminal controls
        table.add_row(hit.id, day, str(hit.points), str(hit.comments), title)
    Console(width=None if sys.stdout.isatty() else 160, highlight=False).print(table)


@app.command()
@_loads_threads(without=("subtree",))
def compare(
    specs: Annotated[list[str], typer.Argument(help="Two or more thread specs.")],
    out: Annotated[
        str | None, typer.Option("--out", "-o", help="Report folder [default: reports/compare-<ids>].")
    ] = None,
    format: Annotated[str, typer.Option("--format", help="Comma-separated: md, html, json.")] = "md,html,json",
    themes: Themes = None,
    model: Model = None,
    tone: Tone = "model",
    seed: Seed = 42,
    quiet: Quiet = False,
    *,
    source: SourceArgs,
) -> None:
    """Compare the tone, themes and shape of two or more threads."""
    from threadscope import api

    formats, folder = _report_options(format, themes, out)
    source["data_dir"] = _writable_data_dir(source.get("data_dir"))
    with _progress(quiet) as progress:
        result = api.compare(specs, themes=themes, model=model, tone=tone, seed=seed, progress=progress, **source)
    folder = folder or result.default_dir()
    written = result.write(folder, formats)
    _err(f"compared {len(specs)} threads; wrote {_listing(written)} to {folder}", quiet)
    typer.echo(str(folder))


@corpus_app.command("add")
def corpus_add(
    name: CorpusName,
    specs: Annotated[list[str] | None, typer.Argument(help="Thread specs, as 'analyze thread' takes them.")] = None,
    query: Annotated[str | None, typer.Option("--query", help="Add the HN stories this search finds.")] = None,
    since: Since = None,
    until: Until = None,
    min_points: MinPoints = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="The most stories to add from --query.")] = None,
    data_dir: DataDir = None,
    offline: Offline = False,
    refresh: Refresh = False,
    quiet: Quiet = False,
) -> None:
    """Add threads to a corpus (created if new): specs, or the stories a search finds; resumes if interrupted."""
    from threadscope.corpus.api import corpus_add as add

    data_dir = _writable_data_dir(data_dir)
    with _progress(quiet) as progress:
        done = add(
            name,
            specs or [],
            query=query,
            since=since,
            until=until,
            min_points=min_points,
            limit=limit,
            data_dir=data_dir,
            offline=offline,
            refresh=refresh,
            progress=progress,
        )
    found = (
        f"; the search found {done['found']:,} stories ({done['fetched']:,} fetched now, "
        f"{done['already']:,} before, {done['failed']:,} missing)"
        if "found" in done
        else ""
    )
    _err(
        f"added {done['threads']:,} thread(s) from specs{found}; corpus {name} holds "
        f"{done['corpus_threads']:,} threads, {done['posts']:,} posts",
        quiet,
    )


@corpus_app.command("import")
def corpus_import(
    name: CorpusName,
    file: Annotated[Path, typer.Argument(help="A Parquet file of posts.")],
    source: Annotated[
        str, typer.Option("--source", help="Plain layout only: whose ids these are (hn, x or plain).")
    ] = "plain",
    data_dir: DataDir = None,
    quiet: Quiet = False,
) -> None:
    """Stream a Parquet file of posts into a corpus, in bounded memory; resumes if interrupted.

    Two layouts: ClickHouse's HN posts with all-MiniLM-L6-v2 vectors (doc_id, text, vector, type, by, time,
    title, post_score, dead, deleted; the vectors are used as they are), and a plain one (id, parent_id,
    author, created_at, text, and an optional vector of 384 numbers).
    """
    from threadscope.corpus.api import corpus_import as load

    data_dir = _writable_data_dir(data_dir)
    with _progress(quiet) as progress:
        done = load(name, file, source=source, data_dir=data_dir, progress=progress)
    if done["already_done"]:
        _err(f"{file} was already imported into {name}; nothing to do", quiet)
    else:
        _err(
            f"imported {done['rows']:,} rows ({done['layout']} layout) into {name}: "
            f"{done['threads']:,} threads, {done['posts']:,} posts, {done['embedded']:,} with vectors",
            quiet,
        )


@corpus_app.command("analyze")
def corpus_analyze(
    name: CorpusName,
    out: Out = None,
    format: Format = "md,html,json",
    themes: Themes = None,
    by: Annotated[str, typer.Option("--by", help="Periods: month, quarter or year.")] = "quarter",
    tone: Tone = "model",
    seed: Seed = 42,
    sample: Annotated[
        int, typer.Option("--sample", min=100, help="The most posts of each period the theme model is fitted on.")
    ] = 1000,
    engine: Annotated[str, typer.Option("--engine", help="local (this process) or ray (Ray Data).")] = "local",
    address: Annotated[
        str | None, typer.Option("--address", help="With --engine ray: the cluster (default: start a local Ray).")
    ] = None,
    data_dir: DataDir = None,
    quiet: Quiet = False,
) -> None:
    """Analyse a corpus over time: themes and tone per period, written as report.md, report.html and results.json."""
    from threadscope.corpus.api import corpus_analyze as run

    formats, folder = _report_options(format, themes, out)
    data_dir = _writable_data_dir(data_dir)
    with _progress(quiet) as progress:
        result = run(
            name,
            themes=themes,
            by=by,
            tone=tone,
            seed=seed,
            sample=sample,
            engine=engine,
            address=address,
            workers=os.cpu_count() or 1,
            data_dir=data_dir,
            progress=progress,
        )
    folder = folder or result.default_dir()
    written = result.write(folder, formats)
    corpus = result.results["corpus"]
    _err(
        f"{name}: {corpus['analysed']:,} posts in {plural(len(result.results['periods']), 'period')}, "
        f"{plural(len(result.results['themes']), 'theme')}; wrote {_listing(written)} to {folder}",
        quiet,
    )
    typer.echo(str(folder))


@corpus_app.command("info")
def corpus_info(name: CorpusName, data_dir: DataDir = None) -> None:
    """What a corpus holds: threads, posts, vectors, time span, searches, imports and analysis runs."""
    from threadscope.corpus.api import corpus_info as info

    for key, value in info(name, data_dir=data_dir).items():
        typer.echo(f"{key}: {printable(value)}")


class _progress:
    """A rich progress bar on stderr fed by ``api`` progress callbacks (silent when quiet or not a TTY)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet or not sys.stderr.isatty()
        self.bar: Any = None
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> Any:
        if self.quiet:
            return None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True
        )
        self.bar.start()
        return self.update

    def update(self, stage: str, done: int, total: int) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(stage, total=total)
        self.bar.update(self.tasks[stage], completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _report_options(format: str, themes: str | None, out: str | None) -> tuple[set[str], Path | None]:
    """The report formats and ``--out`` folder, with ``--themes``, checked before anything is fetched or computed."""
    from threadscope import api

    formats = api.check_formats(format.split(","))
    api.parse_guided(themes)
    return formats, api.check_out_dir(out)


def _writable_data_dir(data_dir: Path | str | None) -> Path:
    """The cache folder, checked writable before anything is fetched or computed."""
    from threadscope.cache import default_data_dir
    from threadscope.results import check_writable

    return check_writable((Path(data_dir) if data_dir else default_data_dir()).expanduser(), "--data-dir")


def _listing(paths: list[Path]) -> str:
    """``report.md, results.json and 12 figures``: the files written, figures counted."""
    figures = [p for p in paths if p.parent.name == "figures"]
    names = [p.name for p in paths if p not in figures]
    if figures:
        names.append(f"{len(figures)} figure files")
    return ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1] if names else "nothing"


def _err(message: str, quiet: bool) -> None:
    if not quiet:
        typer.echo(printable(message), err=True)


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(f"threadscope: error: {printable(message)}", err=True)
    if code == INTERRUPTED:
        _exit_interrupted()
    raise SystemExit(code)


def _exit_interrupted() -> NoReturn:
    """End the process with exit code 130 after Ctrl-C, by ``os._exit``.

    ``SystemExit(130)`` is not enough: when the interrupt landed while a C
    extension was running Python code during an import, CPython 3.11 remembers
    an "unhandled" KeyboardInterrupt and, at exit, kills itself with SIGINT
    (exit -2) although threadscope handled it. Files in flight are already
    closed by then (context managers ran as the interrupt unwound); only the
    standard streams need flushing.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(INTERRUPTED)


class _PrintableFormatter(logging.Formatter):
    """Log lines as plain text: a title or path in a message cannot send the terminal commands."""

    def format(self, record: logging.LogRecord) -> str:
        return printable(super().format(record))


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; turn every error a user can cause into one line and an exit code."""
    args = sys.argv[1:] if argv is None else argv
    # Progress notes (retries, model loading, X's cost estimate) go to stderr unless --quiet.
    quiet = "--quiet" in args or "-q" in args
    level = logging.DEBUG if os.environ.get("THREADSCOPE_DEBUG") else logging.WARNING if quiet else logging.INFO
    handler = logging.StreamHandler()
    handler.setFormatter(_PrintableFormatter("threadscope: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    logging.getLogger("threadscope").setLevel(level)
    try:
        code = app(args=args, prog_name="threadscope", standalone_mode=False)
    except TyperException as exc:  # click's usage errors, as vendored by typer
        if type(exc).__name__ == "NoArgsIsHelpError":
            exc.show()  # type: ignore[attr-defined]
            raise SystemExit(2) from None
        name = getattr(exc, "option_name", None)
        if isinstance(name, str) and name[:1] == "-" and name[1:].isdigit():
            # Click read a negative number where a spec goes as an unknown option; it is a bad id.
            _fail(f"{name!r} is not a valid HN item id: ids are positive whole numbers like 24330326", 2)
        ctx = getattr(exc, "ctx", None)
        command = ctx.command_path if ctx else "threadscope"
        _fail(f"{exc.format_message()} (see '{command} --help')", exc.exit_code)
    except typer.Abort:
        _fail("interrupted", 130)
    except ThreadscopeError as exc:
        _fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as exc:  # a bug: say so in one line, keep the traceback for THREADSCOPE_DEBUG
        if os.environ.get("THREADSCOPE_DEBUG"):
            raise
        _fail(f"internal error ({type(exc).__name__}: {exc}); rerun with THREADSCOPE_DEBUG=1 and report it", 1)
    if code == 130:  # typer's answer to Ctrl-C inside a command
        _fail("interrupted", 130)
    if isinstance(code, int) and code:
        raise SystemExit(code)
