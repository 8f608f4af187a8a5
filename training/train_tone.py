"""Train the tone model that ships as ``src/threadscope/analysis/tone_model.json``.

    .venv/bin/python training/train_tone.py            # writes the shipped file
    .venv/bin/python training/train_tone.py --out x.json --data-dir /tmp/cache

Data: every rated item in ``../shared/data/labels`` (HN comments and
paragraphs of four threads, and the RumourEval tweets; ``tone`` -1/0/+1 by
``TONE_GUIDE.md``), read through threadscope's own sources so the texts are
exactly the ``own_text`` it scores at run time. Features are
``threadscope.analysis.tone.features``: the packaged all-MiniLM-L6-v2
embedding, its pooled vectors after layers 2 and 4 and its last layer pooled
by VADER valence (for the ``with_layers`` head; the ``sentence`` head does
without), VADER's four scores and four shape features.

Each head: scikit-learn's multinomial logistic regression, lbfgs, ``C = 1``,
classes weighted inversely to their frequency (positive comments are rare on
HN). The fit is deterministic; weights are rounded to 6 decimals so the file
rebuilds byte for byte (``tests/analysis/test_tone.py`` checks it).
Hyperparameters were fixed before the leave-one-thread-out evaluation in
``benchmarks/quality.py``, which calls ``fit`` here on every fold.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make ``training`` importable
    sys.path.insert(0, str(ROOT))

from threadscope.analysis import embed  # noqa: E402
from threadscope.analysis.tone import (  # noqa: E402
    CLASSES,
    LAYERS,
    SENTENCE,
    SHAPE_FEATURES,
    VADER_FEATURES,
    VALENCE,
    WITH_LAYERS,
    Head,
    ToneModel,
    features,
    pooled_vectors,
)
from training.labels import TWEETS, Rated, load_tone  # noqa: E402

SHIPPED = ROOT / "src" / "threadscope" / "analysis" / "tone_model.json"
C = 1.0
MAX_ITER = 5000


def embeddings(items: Sequence[Rated], data_dir: Path | None) -> tuple[np.ndarray, np.ndarray]:
    """The packaged model's vectors of the items' texts, and ``tone.pooled_vectors``', through the embedding cache."""
    embedder = embed.MiniLMEmbedder(data_dir=data_dir)
    with embed.EmbeddingCache(data_dir) as cache:
        return pooled_vectors([i.text for i in items], embedder, cache)


def fit(
    items: Sequence[Rated], vectors: np.ndarray, layers: np.ndarray | None = None, meta: dict[str, object] | None = None
) -> Head:
    """A head fitted on ``items`` (their embeddings, and ``LAYERS``' vectors for the ``with_layers`` head)."""
    from sklearn.linear_model import LogisticRegression

    x = features([i.text for i in items], vectors, layers=layers)
    y = np.asarray([i.tone for i in items])
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=MAX_ITER)
    model.fit(x, y)
    if tuple(int(c) for c in model.classes_) != CLASSES:
        raise ValueError(f"training data must hold every class {CLASSES}, got {model.classes_}")
    return Head(np.asarray(model.coef_), np.asarray(model.intercept_), dict(meta or {}))


@dataclass(frozen=True, slots=True)
class HeldOut:
    """One thread scored by a head trained on every other thread: its rows in the items, classes and scores."""

    rows: np.ndarray
    classes: list[int]
    scores: list[float]


def held_out(
    items: Sequence[Rated], vectors: np.ndarray, layers: np.ndarray | None, threads: Sequence[str]
) -> dict[str, HeldOut]:
    """Per thread, what a head trained on every *other* thread says of its items.

    The head reads ``layers`` when they are given (``with_layers``), else only the sentence vectors.
    """
    out: dict[str, HeldOut] = {}
    groups = np.asarray([i.thread for i in items])
    for thread in threads:
        test = np.flatnonzero(groups == thread)
        train = np.flatnonzero(groups != thread)
        head = fit([items[i] for i in train], vectors[train], None if layers is None else layers[train])
        model = ToneModel({WITH_LAYERS: head, SENTENCE: head}, {})  # one head either way: predict picks by layers
        classes, scores = model.predict(
            [items[i].text for i in test], vectors[test], layers=None if layers is None else layers[test]
        )
        out[thread] = HeldOut(test, classes, scores)
    return out


def leave_one_thread_out(
    items: Sequence[Rated], vectors: np.ndarray, layers: np.ndarray | None, threads: Sequence[str]
) -> dict[str, dict[str, float]]:
    """Per thread: macro-F1, accuracy and Spearman ρ of a head trained on every *other* thread, and VADER's."""
    return fold_figures(items, held_out(items, vectors, layers, threads))


def fold_figures(items: Sequence[Rated], folds: dict[str, HeldOut]) -> dict[str, dict[str, float]]:
    """The figures of ``held_out``'s predictions, each thread's next to VADER's on the same items."""
    from scipy.stats import spearmanr
    from sklearn.metrics import accuracy_score, f1_score

    from threadscope.analysis import sentiment

    out: dict[str, dict[str, float]] = {}
    for thread, fold in folds.items():
        texts = [items[i].text for i in fold.rows]
        truth = [items[i].tone for i in fold.rows]
        compound = [sentiment.score_text(t) or 0.0 for t in texts]
        vader = [sentiment.vader_class(c) for c in compound]
        out[thread] = {
            "n": len(fold.rows),
            "macro_f1": _r(f1_score(truth, fold.classes, average="macro")),
            "accuracy": _r(accuracy_score(truth, fold.classes)),
            "spearman": _r(spearmanr(fold.scores, truth).statistic),
            "vader_macro_f1": _r(f1_score(truth, vader, average="macro")),
            "vader_accuracy": _r(accuracy_score(truth, vader)),
            "vader_spearman": _r(spearmanr(compound, truth).statistic),
            "reader_mean": _r(float(np.mean(truth))),
            "model_mean": _r(float(np.mean(fold.scores))),
            "vader_mean": _r(float(np.mean(compound))),
        }
    return out


def thread_error_sd(folds: dict[str, dict[str, float]], threads: Sequence[str], mean: str) -> float:
    """How far a method's mean tone of a thread strays from the readers', from one thread to another.

    Per held-out thread, the method's mean score (``mean``: ``model_mean`` or
    ``vader_mean``) minus the readers' mean class; the standard deviation of
    those errors over ``threads`` (ddof 1). A constant offset cancels when two
    threads are compared; this spread does not, so ``compare`` counts it.
    """
    errors = [folds[t][mean] - folds[t]["reader_mean"] for t in threads]
    return _r(float(np.std(errors, ddof=1)))


def _r(value: float) -> float:
    return round(float(value), 3) + 0.0


def main(argv: list[str] | None = None) -> int:
    """Train on every labelled thread, evaluate leave-one-thread-out, write the model file."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=SHIPPED)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "benchmarks" / "out" / "data")
    args = parser.parse_args(argv)

    items = load_tone()
    counts = Counter((i.thread, i.tone) for i in items)
    threads = sorted({i.thread for i in items})
    meta: dict[str, object] = {
        "name": "threadscope tone model",
        "trained_by": "training/train_tone.py",
        "embedding_model": embed.DEFAULT_MODEL_NAME,
        "estimator": f"sklearn LogisticRegression(C={C}, class_weight='balanced', lbfgs), one per head",
        "data": {
            t: {"items": sum(counts[(t, c)] for c in CLASSES), **{str(c): counts[(t, c)] for c in CLASSES}}
            for t in threads
        },
        "provenance": "../shared/data/labels (tone by TONE_GUIDE.md); texts from ../shared/data (PROVENANCE.md)",
    }
    vectors, layers = embeddings(items, args.data_dir)
    hn = [t for t in threads if t != TWEETS]
    heads = {}
    for name, extra in ((WITH_LAYERS, layers), (SENTENCE, None)):
        folds = leave_one_thread_out(items, vectors, extra, threads)
        described = ["minilm embedding (384)"]
        if extra is not None:
            described.append(f"minilm layers {LAYERS}, pooled, each L2-normalised, joined and scaled to unit length")
            described.append(f"minilm last layer pooled by word weights {VALENCE.name!r} (|VADER valence|)")
        head_meta: dict[str, object] = {
            "features": [*described, *VADER_FEATURES, *SHAPE_FEATURES],
            "evaluation": {
                "how": "leave-one-thread-out: trained on every other labelled thread, scored on the one left out",
                "hn_macro_f1": _r(float(np.mean([folds[t]["macro_f1"] for t in hn]))),
                "hn_vader_macro_f1": _r(float(np.mean([folds[t]["vader_macro_f1"] for t in hn]))),
                "thread_error_sd": thread_error_sd(folds, hn, "model_mean"),
                "thread_error_threads": len(hn),
                "vader_thread_error_sd": thread_error_sd(folds, hn, "vader_mean"),
                "by_thread": folds,
            },
        }
        heads[name] = fit(items, vectors, extra, head_meta)
    model = ToneModel(heads, meta)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(model.to_json(), encoding="utf-8")
    print(f"wrote {args.out} from {len(items)} rated items of {len(threads)} threads")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
