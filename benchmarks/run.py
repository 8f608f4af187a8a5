"""Time threadscope against the plain BERTopic pipeline, in one run, as whole processes.

    .venv/bin/python benchmarks/run.py            # full run (about 30 min on 2 cores)
    .venv/bin/python benchmarks/run.py --quick    # one repetition, no 5,000-comment baseline

Every case runs in a fresh interpreter; the table gives the median and the
min-max of the repetitions, and the peak resident memory of the process.
Inputs come from ../shared/data (never copied into the project): the real
200-comment HN thread, the 1,079 real comments of HN 48849066 (no reply
structure is known, so they hang from one root as a flat discussion), and a
synthetic 5,000-comment thread made from those texts for the scaling curve.
Writes benchmarks/RESULTS.md (or --out).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
WORK = ROOT / "benchmarks" / "out"
VENV_BIN = Path(sys.executable).parent
THREADSCOPE = str(VENV_BIN / "threadscope")


@dataclass
class Case:
    name: str
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def cell(self) -> str:
        if len(self.seconds) == 1:
            return f"{self.median:.2f}"
        return f"{self.median:.2f} ({min(self.seconds):.2f}–{max(self.seconds):.2f})"

    def peak(self) -> str:
        return f"{max(self.peak_mb):.0f}"


def run_once(cmd: list[str], env: dict[str, str], case: Case) -> None:
    """Run a command in a fresh process; record wall time and its own peak RSS."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=WORK)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 2):
        raise SystemExit(f"{' '.join(cmd)} failed ({code}):\n{stderr[-2000:]}")
    case.seconds.append(elapsed)
    case.peak_mb.append(usage.ru_maxrss / 1024)


def items_json(title: str, comments: list[dict[str, object]]) -> dict[str, object]:
    """An Algolia-items-shaped thread; ``comments`` carry id, author, text and parent."""
    nodes: dict[object, dict[str, object]] = {}
    root: dict[str, object] = {"id": 1, "type": "story", "title": title, "author": "benchmark", "children": []}
    nodes[1] = root
    for c in comments:
        node = {"id": c["id"], "type": "comment", "author": c["author"], "text": c["text"], "children": []}
        nodes[c["id"]] = node
        nodes.get(c.get("parent", 1), root)["children"].append(node)  # type: ignore[union-attr]
    return root


def prepare() -> dict[str, Path]:
    """Write the benchmark inputs into benchmarks/out/ (git-ignored)."""
    WORK.mkdir(parents=True, exist_ok=True)
    flat = json.loads((DATA / "hn/flat/48849066.comments.json").read_text())
    pool = [c["text"] for c in flat if c.get("text")]
    tree = json.loads((DATA / "hn/items/27145911.json").read_text())
    stack = [tree]
    while stack:
        node = stack.pop()
        for child in node.get("children") or []:
            if child.get("text"):
                pool.append(child["text"])
            stack.append(child)

    inputs = {"200": DATA / "hn/items/27145911.json"}
    flat_thread = items_json(
        "HN 48849066, 1,079 comments, flat", [{"id": c["id"], "author": c["author"], "text": c["text"]} for c in flat]
    )
    inputs["1079"] = WORK / "flat-1079.json"
    inputs["1079"].write_text(json.dumps(flat_thread))
    for n in (1000, 2500, 5000):
        inputs[f"synthetic-{n}"] = synthetic(pool, n)
    return inputs


def synthetic(pool: list[str], n: int) -> Path:
    """Write a synthetic ``n``-comment thread of real comment texts into benchmarks/out/, seeded by ``n``."""
    rng = random.Random(n)
    comments = []
    for i in range(n):
        # Two real comments joined: real language, and every text distinct so nothing is deduplicated.
        a, b = rng.sample(pool, 2)
        parent = 1 if i < n // 10 or rng.random() < 0.2 else 10 + rng.randrange(i)
        comments.append(
            {"id": 10 + i, "author": f"user{rng.randrange(n // 3)}", "text": f"{a}<p>{b}", "parent": parent}
        )
    path = WORK / f"synthetic-{n}.json"
    path.write_text(json.dumps(items_json(f"Synthetic thread, {n} comments", comments)))
    return path


def environment(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(THREADSCOPE_DATA_DIR=str(data_dir), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    return env


def fresh_dir(name: str) -> Path:
    path = WORK / "cache" / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def analyze_cmd(path: Path, out: str) -> list[str]:
    return [THREADSCOPE, "analyze", "thread", str(path), "--out", str(WORK / "reports" / out), "--quiet"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one repetition; skip the 5,000-comment baseline")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    parser.add_argument(
        "--synthetic", type=int, metavar="N", help="only write a synthetic N-comment thread (e.g. 50000) and exit"
    )
    args = parser.parse_args()
    if args.synthetic:
        flat = json.loads((DATA / "hn/flat/48849066.comments.json").read_text())
        WORK.mkdir(parents=True, exist_ok=True)
        print(synthetic([c["text"] for c in flat if c.get("text")], args.synthetic))
        return
    reps = 1 if args.quick else args.reps
    if not DATA.exists():
        raise SystemExit(f"{DATA} is missing: the benchmark reads the real threads there")
    inputs = prepare()
    cases: dict[str, Case] = {}

    def measure(name: str, cmd: list[str], env: dict[str, str], times: int, before: object = None) -> Case:
        case = cases.setdefault(name, Case(name))
        for _ in range(times):
            if callable(before):
                env = before()
            run_once(cmd, env, case)
            print(f"{name}: {case.seconds[-1]:.2f} s, {case.peak_mb[-1]:.0f} MB", file=sys.stderr, flush=True)
        return case

    scratch = environment(fresh_dir("scratch"))
    measure("threadscope --help", [THREADSCOPE, "--help"], scratch, 5)
    measure("bad input (analyze thread abc)", [THREADSCOPE, "analyze", "thread", "abc"], scratch, 5)

    for size in ("200", "1079"):
        path = inputs[size]
        measure(
            f"{size}: baseline",
            [sys.executable, str(ROOT / "benchmarks/baseline.py"), str(path), "baseline.md"],
            scratch,
            reps,
        )
        measure(
            f"{size}: threadscope cold",
            analyze_cmd(path, size),
            scratch,
            reps,
            before=lambda: environment(fresh_dir("cold")),
        )
        warm = environment(fresh_dir(f"warm-{size}"))
        run_once(analyze_cmd(path, size), warm, Case("fill"))
        measure(f"{size}: threadscope warm", analyze_cmd(path, size), warm, reps)

    # compare of 3 cached threads against 3 separate (cached) analyses
    three = [inputs["200"], inputs["1079"], DATA / "seed/24330326.page.txt"]
    warm = environment(fresh_dir("compare"))
    for p in three:
        run_once(analyze_cmd(p, p.stem), warm, Case("fill"))
    separate = Case("3 separate analyses, cached")
    for _ in range(reps):
        total = Case("one")
        for p in three:
            run_once(analyze_cmd(p, p.stem), warm, total)
        separate.seconds.append(sum(total.seconds))
        separate.peak_mb.append(max(total.peak_mb))
    cases[separate.name] = separate
    measure(
        "compare of the 3, cached",
        [THREADSCOPE, "compare", *map(str, three), "--out", str(WORK / "reports/compare"), "--quiet"],
        warm,
        reps,
    )

    for n in (1000, 2500, 5000):
        measure(
            f"synthetic {n}: threadscope cold",
            analyze_cmd(inputs[f"synthetic-{n}"], f"s{n}"),
            scratch,
            1,
            before=lambda: environment(fresh_dir("cold")),
        )
    if not args.quick:
        measure(
            "synthetic 5000: baseline",
            [sys.executable, str(ROOT / "benchmarks/baseline.py"), str(inputs["synthetic-5000"]), "b.md"],
            scratch,
            1,
        )

    args.out.write_text(report(cases, reps, " ".join(["benchmarks/run.py", *sys.argv[1:]])))
    print(f"wrote {args.out}", file=sys.stderr)


def ratio(cases: dict[str, Case], slow: str, fast: str) -> str:
    if slow in cases and fast in cases:
        return f"{cases[slow].median / cases[fast].median:.2f}×"
    return "n/a"


def report(cases: dict[str, Case], reps: int, command: str) -> str:
    cpu = "unknown"
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    import torch  # noqa: PLC0415 - the benchmark reports the versions it ran

    lines = [
        "# Benchmark results",
        "",
        f"Command: `.venv/bin/python {command}` (from the project root, with `../shared/data` beside it).",
        f"Machine: {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, torch {torch.__version__}, no GPU. "
        f"Each case is a fresh process; {reps} repetition(s) unless noted; median (min–max) in seconds; "
        "peak = the process's own maximum resident memory.",
        "",
        "| case | seconds | peak MB |",
        "|---|---|---|",
    ]
    lines += [f"| {c.name} | {c.cell()} | {c.peak()} |" for c in cases.values() if c.name not in {"fill", "one"}]
    lines += ["", "## Against the targets", "", "| target | measured |", "|---|---|"]
    lines.append(
        f"| 200 comments cold ≥ 2× faster than baseline | {ratio(cases, '200: baseline', '200: threadscope cold')} |"
    )
    lines.append(f"| 1,079 comments cold ≥ 1.5× faster | {ratio(cases, '1079: baseline', '1079: threadscope cold')} |")
    lines.append(f"| 200 comments warm ≥ 3× faster | {ratio(cases, '200: baseline', '200: threadscope warm')} |")
    for name in ("threadscope --help", "bad input (analyze thread abc)"):
        lines.append(f"| `{name}` ≤ 0.5 s | {cases[name].median:.2f} s |")
    for size in ("200", "1079"):
        b, t = cases[f"{size}: baseline"], cases[f"{size}: threadscope cold"]
        lines.append(f"| {size}: peak memory ≤ baseline's | {max(t.peak_mb):.0f} MB vs {max(b.peak_mb):.0f} MB |")
    if "synthetic 5000: baseline" in cases:
        b, t = cases["synthetic 5000: baseline"], cases["synthetic 5000: threadscope cold"]
        lines.append(f"| 5000: peak memory ≤ baseline's | {max(t.peak_mb):.0f} MB vs {max(b.peak_mb):.0f} MB |")
    sep, cmp_ = cases["3 separate analyses, cached"], cases["compare of the 3, cached"]
    lines.append(f"| compare of 3 cached < 0.6× of 3 analyses | {cmp_.median / sep.median:.2f}× |")
    per = {n: cases[f"synthetic {n}: threadscope cold"].median / n * 1000 for n in (1000, 2500, 5000)}
    lines.append(
        "| 5,000 comments: grows no faster than linearly past 1,000 | "
        + ", ".join(f"{n}: {ms:.1f} ms/comment" for n, ms in per.items())
        + " |"
    )
    lines += ["", "What the cases are, and where the time goes: [README.md](README.md)."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
