"""Corpus mode, timed: import + analyze at growing sizes, peak memory, and embedding throughput local vs Ray.

    .venv/bin/python benchmarks/corpus_bench.py                       # 10k, 100k and 1M posts
    .venv/bin/python benchmarks/corpus_bench.py --rows 10000 --embed 500

Writes benchmarks/CORPUS.md. Each size runs in a fresh Python process (so its
peak memory is its own, read from ``getrusage``) on a Parquet file in
ClickHouse's HN layout with the real model's vectors (peak memory is the
main process's; each scoring worker holds one page of posts at a time), made by
``benchmarks/corpus_data.py`` from the real threads in ../shared/data:
``corpus import`` then ``corpus analyze --by month``. The baseline, in the
same run and on the same file, is the plain script a data journalist would
write: pandas reads the whole file, VADER scores every post, a groupby gives
the mean per month (no themes, no intervals). It runs up to 100k posts;
at 1M it would hold the whole file in memory, which is the point of the
comparison but not worth ten more minutes.

Embedding throughput: the same posts without vectors (plain layout) embedded
by the local engine and by the Ray engine (a local Ray, 2 workers), each in a
fresh cache. Ray's start-up is timed on its own, before the run: ``ray.init``
plus two embedding actors made ready (each a worker process that imports
torch and loads the model, as the engine's actors do before their first
batch). The target: Ray no slower than local by more than that start-up.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "corpus"
PY = sys.executable

CHILD = r"""
import json, resource, sys, tempfile, time
from pathlib import Path
from threadscope.corpus.api import corpus_analyze, corpus_import
data = Path(tempfile.mkdtemp(prefix="bench-corpus-"))
t0 = time.perf_counter()
done = corpus_import("bench", sys.argv[1], data_dir=data)
t1 = time.perf_counter()
import_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
result = corpus_analyze("bench", by="month", data_dir=data, workers=2)  # as the command line does on 2 cores
t2 = time.perf_counter()
me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
size = sum(p.stat().st_size for p in (data / "corpora").iterdir()) / 2**20
print(json.dumps({"import_s": t1 - t0, "analyze_s": t2 - t1, "rows": done["rows"], "analysed":
    result.results["corpus"]["analysed"], "periods": len(result.results["periods"]), "themes":
    len(result.results["themes"]), "timings": result.results["meta"]["timings_s"], "peak_mb": me,
    "import_peak_mb": import_mb, "db_mb": size}))
"""

BASELINE = r"""
import json, resource, sys, time
import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
t0 = time.perf_counter()
frame = pd.read_parquet(sys.argv[1])
frame = frame[(frame["type"] == "comment") & frame["text"].notna()]
vader = SentimentIntensityAnalyzer()
frame["compound"] = [vader.polarity_scores(t)["compound"] for t in frame["text"]]
by_month = frame.groupby(frame["time"].dt.strftime("%Y-%m"))["compound"].mean()
print(json.dumps({"seconds": time.perf_counter() - t0, "months": len(by_month),
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

EMBED = r"""
import json, sys, tempfile, time
from pathlib import Path
from threadscope.corpus.api import corpus_analyze, corpus_import
engine = sys.argv[2]
data = Path(tempfile.mkdtemp(prefix="bench-embed-"))
corpus_import("e", sys.argv[1], source="hn", data_dir=data)
t0 = time.perf_counter()
started = None
if engine == "ray":
    import ray
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    ray.get(ray.remote(lambda: 1).remote())
    # start-up also counts the workers' own: a Ray worker process that imports torch and loads the model,
    # as each of the engine's embedding actors does before its first batch (two at once, then stopped)
    from threadscope.corpus.engines import _EmbedActor
    actors = [ray.remote(num_cpus=1)(_EmbedActor).remote(data) for _ in range(2)]
    ray.get([a.__ray_ready__.remote() for a in actors])
    for a in actors:
        ray.kill(a)
    started = time.perf_counter() - t0
    t0 = time.perf_counter()
result = corpus_analyze("e", by="year", data_dir=data, engine=engine)
print(json.dumps({"embed_s": result.results["meta"]["timings_s"]["embed"], "startup_s": started,
    "posts": result.results["corpus"]["analysed"]}))
"""


def _child(code: str, *args: str) -> dict[str, object]:
    done = subprocess.run(
        [PY, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, env={"RAY_AUTH_MODE": "disabled", **_env()}
    )
    if done.returncode:
        raise SystemExit(f"benchmark child failed: {done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


def _file(rows: int, layout: str, vectors: bool) -> Path:
    name = f"{layout}-{rows}.parquet" if vectors else f"{layout}-{rows}-novectors.parquet"
    path = OUT / name
    if not path.exists():
        sys.path.insert(0, str(ROOT))
        from benchmarks import corpus_data
        from threadscope.analysis.embed import MiniLMEmbedder

        sources = corpus_data.load_threads()
        data_dir = ROOT / "benchmarks" / "out" / "data"
        table = corpus_data.text_vectors(sources, MiniLMEmbedder(data_dir=data_dir), data_dir) if vectors else None
        corpus_data.write(path, rows, layout, sources=sources, vectors=table)
    return path


EMBED_HEADING = "## Embedding throughput"


def _embed_section(posts: int, repeats: int) -> list[str]:
    """The same posts without vectors embedded by the local engine and by a local Ray of 2 workers.

    Each engine runs ``repeats`` times, alternating, each in a fresh process and cache; the medians are
    compared, as one run of either varies by seconds on this machine.
    """
    import statistics

    bare = _file(posts, "plain", False)
    runs: dict[str, list[dict[str, object]]] = {"local": [], "ray": []}
    for _ in range(repeats):
        for engine in runs:
            runs[engine].append(_child(EMBED, str(bare), engine))
            print(engine, runs[engine][-1], flush=True)

    def median(engine: str, key: str) -> float:
        return statistics.median(float(r[key]) for r in runs[engine])  # type: ignore[arg-type]

    def spread(engine: str, key: str) -> str:
        values = [float(r[key]) for r in runs[engine]]  # type: ignore[arg-type]
        return f"{min(values):.1f}–{max(values):.1f}"

    count = int(runs["local"][0]["posts"])  # type: ignore[call-overload]
    local_s, ray_s, startup = median("local", "embed_s"), median("ray", "embed_s"), median("ray", "startup_s")
    verdict = "met" if ray_s - local_s <= startup else "not met"
    return [
        f"{EMBED_HEADING} ({count:,} posts without vectors)",
        "",
        f"| engine | embed s, median of {repeats} (range) | posts/s | start-up s, median (range) |",
        "|---|---:|---:|---:|",
        f"| local (this process, torch on 2 cores) | {local_s:.1f} ({spread('local', 'embed_s')}) "
        f"| {count / local_s:.0f} | – |",
        f"| Ray (local Ray, 2 workers) | {ray_s:.1f} ({spread('ray', 'embed_s')}) | {count / ray_s:.0f} "
        f"| {startup:.1f} ({spread('ray', 'startup_s')}) |",
        "",
        f"Ray takes {ray_s - local_s:+.1f} s against local, with a start-up of {startup:.1f} s: "
        f"no slower than local by more than its start-up, {verdict}.",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--baseline-up-to", type=int, default=100_000)
    parser.add_argument("--embed", type=int, default=2_000, help="posts embedded by each engine")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each engine in the embedding comparison")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "CORPUS.md")
    parser.add_argument(
        "--embed-only", action="store_true", help="rerun only the embedding comparison and replace its section"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.embed_only:
        kept = args.out.read_text(encoding="utf-8").split(EMBED_HEADING)[0].rstrip("\n")
        section = _embed_section(args.embed, args.repeats)
        command = (
            f"`.venv/bin/python benchmarks/corpus_bench.py --embed-only --embed {args.embed} --repeats {args.repeats}`"
        )
        args.out.write_text(f"{kept}\n\n{section[0]}\n\nCommand: {command}.\n\n" + "\n".join(section[2:]) + "\n")
        print(f"rewrote the embedding section of {args.out}")
        return 0

    rows = []
    for n in args.rows:
        path = _file(n, "clickhouse", True)
        ours = _child(CHILD, str(path))
        base = _child(BASELINE, str(path)) if n <= args.baseline_up_to else None
        rows.append((n, ours, base))
        print(n, ours, base, flush=True)

    lines = [
        "# Corpus mode: speed and memory",
        "",
        f"Command: `.venv/bin/python benchmarks/corpus_bench.py --rows {' '.join(map(str, args.rows))} "
        f"--embed {args.embed} --repeats {args.repeats}` (from the project root, with `../shared/data` beside it).",
        f"Python {platform.python_version()} on {platform.machine()}, 2 cores; whole run "
        f"{time.perf_counter() - started:.0f} s. How each figure is made: the docstring of "
        "`benchmarks/corpus_bench.py`.",
        "",
        "## Import + analyze (ClickHouse layout with vectors, `--by month`)",
        "",
        "| posts | import s | analyze s | total s | peak MB (import) | peak MB (whole run) | database MB "
        "| periods | themes | baseline s (pandas + VADER by month) | baseline peak MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, ours, base in rows:
        total = float(ours["import_s"]) + float(ours["analyze_s"])  # type: ignore[arg-type]
        base_s = f"{base['seconds']:.1f}" if base else "not run"
        base_mb = f"{base['peak_mb']:.0f}" if base else "–"
        lines.append(
            f"| {n:,} | {ours['import_s']:.1f} | {ours['analyze_s']:.1f} | {total:.1f} | {ours['import_peak_mb']:.0f} "
            f"| {ours['peak_mb']:.0f} "
            f"| {ours['db_mb']:.0f} | {ours['periods']} | {ours['themes']} "
            f"| {base_s} | {base_mb} |"
        )
    lines += ["", "Stages of `corpus analyze` (seconds):", ""]
    for n, ours, _ in rows:
        lines.append(f"- {n:,} posts: {json.dumps(ours['timings'])}")
    lines += ["", *_embed_section(args.embed, args.repeats), ""]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
