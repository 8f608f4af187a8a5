"""What handing threadscope's themes to BERTopic costs (``Analysis.bertopic()``), against fitting BERTopic plainly.

Run from the project root, with ``../shared/data`` beside it::

    .venv/bin/python benchmarks/bertopic_handoff.py      # prints a Markdown table for RESULTS.md

Each repetition is a fresh process that analyses a real thread (embeddings
already cached in ``benchmarks/out/data``), then times, in the same process:

- ``import bertopic``: paid once per process, on the first ``bertopic()`` call;
- ``handoff``: ``Analysis.bertopic()`` once BERTopic is imported (manual topic
  modelling over threadscope's themes: no reduction, no clustering);
- ``baseline``: ``BERTopic().fit_transform(docs, embeddings)`` with BERTopic's
  defaults (UMAP + HDBSCAN, seeded) on the same comments and vectors: what a
  user without threadscope would run to get a BERTopic model of the thread.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make ``training`` importable
    sys.path.insert(0, str(ROOT))

from training.labels import DATA  # noqa: E402

THREADS = {
    "27145911": DATA / "hn" / "items" / "27145911.json",
    "14952787": DATA / "hn" / "converted" / "14952787.json",
}
REPEAT = 3
ONE_RUN = """
import json, sys, time
import threadscope
result = threadscope.analyze(sys.argv[1], data_dir=sys.argv[2], offline=True)
started = time.perf_counter()
import bertopic
from umap import UMAP
imported = time.perf_counter()
themes = result.bertopic()
handed = time.perf_counter()
umap = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=42)
plain = bertopic.BERTopic(umap_model=umap)
plain.fit_transform(themes.docs, themes.embeddings)
done = time.perf_counter()
print(json.dumps({"comments": len(themes.docs), "import": imported - started, "handoff": handed - imported,
                  "baseline": done - handed, "topics": len(themes.topic_of_theme)}))
"""


def main() -> int:
    data_dir = ROOT / "benchmarks" / "out" / "data"
    print("| thread | comments | `import bertopic` s | `bertopic()` s | plain BERTopic fit s | speed-up |")
    print("|---|---|---|---|---|---|")
    for name, path in THREADS.items():
        runs = []
        for _ in range(REPEAT):
            out = subprocess.run(
                [sys.executable, "-c", ONE_RUN, str(path), str(data_dir)], capture_output=True, text=True, check=True
            )
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        med = {k: statistics.median(r[k] for r in runs) for k in ("import", "handoff", "baseline")}
        print(
            f"| {name} | {runs[0]['comments']} | {med['import']:.2f} | {med['handoff']:.2f} | "
            f"{med['baseline']:.2f} | {med['baseline'] / med['handoff']:.1f}× |"
        )
    print(f"\nMedians of {REPEAT} fresh processes; `import bertopic` includes UMAP's.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
