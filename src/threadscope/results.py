"""What ``analyze`` and ``compare`` return: plain results plus conveniences for notebooks.

``results`` is exactly what ``results.json`` holds; the properties turn parts
of it into pandas DataFrames, and ``write`` hands it to the report writers.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from threadscope import schema
from threadscope.errors import InputError
from threadscope.model import Thread

if TYPE_CHECKING:
    import pandas as pd

    from threadscope.analysis.topic_model import Modelled, ThemesModel

FORMATS = frozenset({"md", "html", "json"})


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


#: Where reports go when no folder is given; folders under it are named by validated ids only.
REPORTS_ROOT = Path("reports")


def report_dir(name: str, root: Path = REPORTS_ROOT) -> Path:
    """``root/<name>``, with ``name`` made one safe folder name; never a path outside ``root``.

    Thread ids are validated when a thread is built; this is the second lock
    on the same door, since a report folder may overwrite what is in it: no
    separator survives, and no name is all dots.
    """
    return root / (re.sub(r"[^A-Za-z0-9_.~-]+", "-", name).strip("-.")[:120] or "thread")


def check_out_dir(out: Path | str | None) -> Path | None:
    """``out`` as a folder threadscope can create or write into, checked before any work.

    Raises:
        InputError: an empty path, a file, a path under a file, or a place that cannot be written.

    """
    if out is None:
        return None
    if not isinstance(out, (str, Path)):
        raise InputError(f"out must be a folder path, not {type(out).__name__}")
    if isinstance(out, str) and not out.strip():
        raise InputError("--out is empty; give a folder for the report (it must not be the empty path)")
    folder = Path(out).expanduser()
    return check_writable(folder, "--out")


def check_writable(folder: Path, option: str) -> Path:
    """``folder`` when it is, or can be made, a writable folder; else an ``InputError`` naming ``option``."""
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{option} {folder} is a file, not a folder")
    existing = folder
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if not existing.is_dir():
        raise InputError(f"{option} {folder} cannot be created: {existing} is a file")
    try:  # a real probe: permission bits say nothing for root or on read-only mounts
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as exc:
        where = "" if existing == folder else f" ({existing} is not writable)"
        raise InputError(f"{option} {folder} is not writable{where}") from exc
    return folder


#: What a run returns: an analysis, a comparison, or a corpus analysis.
R = TypeVar("R", schema.AnalysisResults, schema.ComparisonResults, schema.CorpusResults)
#: Writes the data files (CSV) of the results into a folder and returns their paths.
DataWriter = Callable[[R, Path], list[Path]]
#: Writes the reports of the results in the given formats into a folder and returns their paths.
ReportWriter = Callable[[R, Path, set[str]], list[Path]]


class _Results(Generic[R]):
    """What an analysis and a comparison share: their results, as JSON and as files."""

    results: R
    #: What the theme model read (texts, vectors, themes), for ``bertopic``; not part of results.json.
    _modelled: Modelled | None = None

    def bertopic(self) -> ThemesModel:
        """A fitted ``bertopic.BERTopic`` whose topics are these themes, for BERTopic's own tools.

        ``topics_per_class()`` (each thread a class), ``model.reduce_outliers``,
        ``model.transform`` of new comments, ``model.visualize_*(custom_labels=True)``,
        ``model.save``: see ``analysis.topic_model``. BERTopic is imported on this call.

        Raises:
            InputError: no comment is in a theme, or the result was not made by ``analyze`` or ``compare``.

        """
        from threadscope.analysis import topic_model

        if self._modelled is None:
            raise InputError("this result keeps no embeddings: run analyze() or compare() to get BERTopic's model")
        try:
            return topic_model.fit(self._modelled)
        except topic_model.NoThemes as exc:
            raise InputError(str(exc)) from None

    @property
    def meta(self) -> schema.Meta | schema.CorpusMeta:
        """Version, model, parameters and timings of the run."""
        return self.results["meta"].copy()

    def to_json(self) -> str:
        """``results.json`` as a string (its schema is ``results["schema"]``)."""
        from threadscope.report.datafiles import results_json

        return results_json(self.results)

    def default_dir(self) -> Path:
        """Where ``write`` writes when not told."""
        raise NotImplementedError

    def _writers(self) -> tuple[DataWriter[R], ReportWriter[R]]:
        """The writers of the data files (CSV) and of the reports."""
        raise NotImplementedError

    def write(self, out_dir: Path | str | None = None, formats: Iterable[str] = FORMATS) -> list[Path]:
        """Write ``results.json`` and the CSV tables (json), the reports and figures (md, html); return the paths."""
        from threadscope.report.datafiles import write_results_json

        chosen = check_formats(formats)
        out = check_out_dir(out_dir) or self.default_dir()
        created = _missing_parents(out)
        try:
            out.mkdir(parents=True, exist_ok=True)
            write_tables, write_reports = self._writers()
            written: list[Path] = []
            if "json" in chosen:
                written.append(write_results_json(self.results, out / "results.json"))
                written.extend(write_tables(self.results, out))
            if chosen & {"md", "html"}:
                written.extend(write_reports(self.results, out, chosen & {"md", "html"}))
        except OSError as exc:
            _remove_empty(created)
            raise InputError(f"could not write the report to {out}: {exc.strerror or exc}") from None
        except BaseException:
            _remove_empty(created)
            raise
        return written


def _missing_parents(folder: Path) -> list[Path]:
    """The folders ``mkdir(parents=True)`` would create for ``folder``, deepest first."""
    missing = []
    while not folder.exists() and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    return missing


def _remove_empty(folders: list[Path]) -> None:
    """Remove folders this write created, deepest first, where they are still empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


def _frame(rows: Sequence[Mapping[str, object]]) -> pd.DataFrame:
    """Rows as a DataFrame, ``created_at`` parsed as UTC datetimes."""
    import pandas as pd

    frame = pd.DataFrame(rows)
    if "created_at" in frame:
        frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True, errors="coerce")
    return frame


@dataclass
class Analysis(_Results[schema.AnalysisResults]):
    """The analysis of one thread: plain results, plus conveniences for notebooks."""

    thread: Thread
    results: schema.AnalysisResults
    _frame: Any = field(default=None, repr=False)
    _modelled: Modelled | None = field(default=None, repr=False, compare=False)

    @property
    def posts(self) -> pd.DataFrame:
        """One row per post (not the root): id, parent_id, author, depth, created_at, sentiment, theme, text."""
        if self._frame is None:
            self._frame = _frame(self.results["posts"])
        cached: pd.DataFrame = self._frame
        return cached

    @property
    def themes(self) -> list[schema.Theme]:
        """The themes, largest first."""
        return list(self.results["themes"])

    @property
    def structure(self) -> schema.Structure:
        """Reply-structure figures (see ``analysis.structure``)."""
        return self.results["structure"].copy()

    @property
    def sentiment(self) -> schema.Sentiment:
        """Tone figures (see ``analysis.sentiment``)."""
        return self.results["sentiment"].copy()

    def default_dir(self) -> Path:
        """``reports/<source>-<id>``."""
        return report_dir(f"{self.thread.source}-{self.thread.id}")

    def _writers(self) -> tuple[DataWriter[schema.AnalysisResults], ReportWriter[schema.AnalysisResults]]:
        from threadscope import report
        from threadscope.report.datafiles import write_comments_csv

        return lambda results, out: [write_comments_csv(results, out / "comments.csv")], report.write_reports


@dataclass
class Comparison(_Results[schema.ComparisonResults]):
    """Two or more threads compared: plain results, plus conveniences for notebooks.

    ``results`` is what ``results.json`` holds (schema ``threadscope.comparison/1``);
    everything in it is deterministic for a given input and seed except
    ``meta.timings_s``.
    """

    loaded: list[Thread]
    results: schema.ComparisonResults
    _modelled: Modelled | None = field(default=None, repr=False, compare=False)

    @property
    def keys(self) -> list[str]:
        """Each thread's label (``source:id``), in the order given."""
        return [t["key"] for t in self.results["threads"]]

    @property
    def threads(self) -> pd.DataFrame:
        """One row per thread: counts, depth, tone with its 95% CI, and the tone shares."""
        import pandas as pd

        rows = []
        for entry in self.results["threads"]:
            tone, shape, block = entry["sentiment"], entry["structure"], entry["thread"]
            ci: Sequence[float | None] = tone["ci95"] or [None, None]
            rows.append(
                {
                    "thread": entry["key"],
                    "letter": entry["letter"],
                    "title": block["title"],
                    "comments": shape["comments"],
                    "authors": shape["authors"],
                    "max_depth": shape["max_depth"],
                    "scored": tone["n"],
                    "sentiment_mean": tone["mean"],
                    "ci95_low": ci[0],
                    "ci95_high": ci[1],
                    "positive_share": tone["positive_share"],
                    "neutral_share": tone["neutral_share"],
                    "negative_share": tone["negative_share"],
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
            ci: Sequence[float | None] = pair["ci95"] or [None, None]
            row = {k: v for k, v in pair.items() if k != "ci95"}
            rows.append({**row, "ci95_low": ci[0], "ci95_high": ci[1]})
        return pd.DataFrame(rows)

    @property
    def themes(self) -> pd.DataFrame:
        """One row per shared theme and thread: size, share, mean tone and distinctiveness z."""
        import pandas as pd

        rows = []
        for theme in self.results["themes"]:
            z = {d["thread"]: d["z"] for d in theme["distinctiveness"]}
            for cell in theme["by_thread"]:
                rows.append(
                    {
                        "theme": theme["id"],
                        "label": theme["label"],
                        "thread": cell["thread"],
                        "size": cell["size"],
                        "share": cell["share"],
                        "sentiment_mean": cell["sentiment_mean"],
                        "z": z.get(cell["thread"]),
                        "distinctive": theme["distinctive_of"] == cell["thread"],
                    }
                )
        columns = ["theme", "label", "thread", "size", "share", "sentiment_mean", "z", "distinctive"]
        return pd.DataFrame(rows, columns=columns)

    @property
    def posts(self) -> pd.DataFrame:
        """One row per comment of every thread, with its thread's label in ``thread``."""
        return _frame([{"thread": e["key"], **post} for e in self.results["threads"] for post in e["posts"]])

    def default_dir(self) -> Path:
        """``reports/compare-<source>-<id>-<source>-<id>…``, shortened when long."""
        return report_dir(compare_dir_name(self.keys))

    def _writers(self) -> tuple[DataWriter[schema.ComparisonResults], ReportWriter[schema.ComparisonResults]]:
        from threadscope.report import compare as report

        return lambda results, out: [report.write_comments_csv(results, out / "comments.csv")], report.write_reports


def compare_dir_name(keys: Sequence[str], limit: int = 80) -> str:
    """``compare-hn-24330326-x-1300…``: labels joined with ``-``, made file-safe, shortened when long.

    Each label keeps at most 24 characters; past ``limit`` characters the
    name keeps the first labels and ends with how many more there are and a
    short hash of them all, so different sets of threads never share a folder.
    """
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


@dataclass
class CorpusAnalysis(_Results[schema.CorpusResults]):
    """A corpus analysed over time: plain results (schema ``threadscope.corpus/1``) as DataFrames.

    ``path`` and ``run`` name the database and the analysis run whose
    per-post results ``posts()`` reads back.
    """

    name: str
    path: Path
    run: int
    results: schema.CorpusResults

    @property
    def periods(self) -> pd.DataFrame:
        """One row per period: posts, mean tone with its 95% CI, class shares, unassigned share."""
        import pandas as pd

        rows = [
            {**{k: v for k, v in p.items() if k != "ci95"}, **_ci_columns(p["ci95"])} for p in self.results["periods"]
        ]
        return pd.DataFrame(rows).set_index("period") if rows else pd.DataFrame()

    @property
    def themes(self) -> pd.DataFrame:
        """One row per theme: label, guided, size, share, mean tone with its CI, the period it was first seen."""
        import pandas as pd

        keep = ("id", "label", "guided", "confidence", "born", "size", "share", "sentiment_mean")
        rows = [{**{k: v for k, v in t.items() if k in keep}, **_ci_columns(t["ci95"])} for t in self.results["themes"]]
        return pd.DataFrame(rows).set_index("id") if rows else pd.DataFrame()

    @property
    def prevalence(self) -> pd.DataFrame:
        """Share of each period's posts (rows) in each theme (columns, by label), 0 where a theme is absent."""
        import pandas as pd

        cells = [
            {"period": c["period"], "theme": t["label"], "share": c["share"]}
            for t in self.results["themes"]
            for c in t["by_period"]
        ]
        if not cells:
            return pd.DataFrame()
        frame = pd.DataFrame(cells).pivot_table(index="period", columns="theme", values="share", aggfunc="sum")
        return frame.reindex([p["period"] for p in self.results["periods"]]).fillna(0.0)

    def posts(self) -> pd.DataFrame:
        """Every analysed post of this run: uid, thread, author, time, period, theme, tone, sentiment, vader, text."""
        from threadscope.corpus.store import open_store

        with open_store(self.name, self.path.parent.parent, read_only=True) as store:
            frame: pd.DataFrame = store.con.sql(
                "SELECT r.uid, p.thread_uid AS thread, p.author, p.created_at, r.period, r.theme, r.tone, "
                "r.sentiment, r.vader, p.text FROM post_results r JOIN posts p USING (uid) "
                f"WHERE r.run = {int(self.run)} ORDER BY r.uid"
            ).df()
        return frame

    def default_dir(self) -> Path:
        """``reports/corpus-<name>``."""
        return report_dir(f"corpus-{self.name}")

    def _writers(self) -> tuple[DataWriter[schema.CorpusResults], ReportWriter[schema.CorpusResults]]:
        from threadscope.report import corpus as report

        return report.write_tables, report.write_reports


def _ci_columns(ci: Sequence[float] | None) -> dict[str, float | None]:
    low, high = ci or (None, None)
    return {"ci95_low": low, "ci95_high": high}
