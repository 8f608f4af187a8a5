"""Tone of each comment from a model trained on what readers said, not from a word list.

VADER reads every "attack vector" as anger and every polite technical answer
as warm; on Hacker News it agrees with readers little better than chance. The
tone model here is a multinomial logistic regression over features threadscope
already has for every comment:

- the comment's all-MiniLM-L6-v2 embedding (the vector the themes use, so no
  extra forward pass, and none at all on a warm run);
- VADER's four scores of the cleaned text (``neg``, ``neu``, ``pos``,
  ``compound``): cheap, and they carry the lexicon's sense of intensity;
- four shape features: a question mark anywhere, an exclamation mark, the
  text ending on a question (questions are mostly neutral), and log word count.

It is trained by ``training/train_tone.py`` from the readers' labels in
``../shared/data/labels`` (HN comments and tweets rated by
``TONE_GUIDE.md``), deterministically; the weights ship as
``tone_model.json`` (a few kB) beside this module. Each comment gets a class
(-1, 0, +1: the most probable) and a score ``P(+1) - P(-1)`` in [-1, 1].

Why not something bigger: fine-tuning MiniLM's top layer, adding the VADER
paper's 23,700 rated sentences, word n-grams, or tuned class biases did not
raise the leave-one-thread-out figure (see ``benchmarks/QUALITY.md``).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from threadscope import schema
from threadscope.analysis import sentiment

#: Classes in the order of the model's rows.
CLASSES = (-1, 0, 1)
SHAPE_FEATURES = ("has_question", "has_exclamation", "ends_with_question", "log_words")
VADER_FEATURES = ("vader_neg", "vader_neu", "vader_pos", "vader_compound")
MODEL_FILE = "tone_model.json"
FORMAT = "threadscope.tone/1"


#: What VADER scores ``sentiment.vader_scores`` gives, or ``None`` for a text with nothing left to score.
VaderScores = Mapping[str, float] | None


def features(texts: Sequence[str], embeddings: np.ndarray, vader: Sequence[VaderScores] | None = None) -> np.ndarray:
    """The model's input: one row per text, embedding then VADER then shape features.

    Args:
        texts: each comment's own words (quoted lines already removed).
        embeddings: their L2-normalised MiniLM vectors, one row per text.
        vader: ``sentiment.vader_scores`` of each text, when the caller has
            them already (the pipeline scores VADER once for both uses).

    """
    vectors = np.asarray(embeddings, dtype=np.float64)
    if vectors.ndim != 2 or vectors.shape[0] != len(texts):
        raise ValueError(f"{len(texts)} texts and embeddings of shape {vectors.shape} do not match")
    if vader is None:
        vader = [sentiment.vader_scores(t) for t in texts]
    elif len(vader) != len(texts):
        raise ValueError(f"{len(texts)} texts and {len(vader)} VADER scores do not match")
    extra = np.array([_vader(v) + _shape(t) for t, v in zip(texts, vader, strict=True)], dtype=np.float64)
    return np.hstack([vectors, extra.reshape(len(texts), 8)])


def _vader(scores: VaderScores) -> list[float]:
    if scores is None:
        return [0.0, 1.0, 0.0, 0.0]
    return [scores["neg"], scores["neu"], scores["pos"], scores["compound"]]


def _shape(text: str) -> list[float]:
    stripped = text.strip()
    return [
        float("?" in stripped),
        float("!" in stripped),
        float(stripped.endswith("?")),
        math.log1p(len(stripped.split())),
    ]


@dataclass(frozen=True, slots=True)
class ToneModel:
    """Weights of the tone model: ``classes × features`` coefficients and one intercept per class."""

    coef: np.ndarray
    intercept: np.ndarray
    meta: dict[str, Any]

    @property
    def name(self) -> str:
        """What results.json names the method after."""
        return str(self.meta.get("name", "threadscope tone model"))

    def probabilities(
        self, texts: Sequence[str], embeddings: np.ndarray, vader: Sequence[VaderScores] | None = None
    ) -> np.ndarray:
        """``P(class)`` per text, columns in ``CLASSES`` order (``vader``: see ``features``)."""
        if not len(texts):
            return np.zeros((0, len(CLASSES)))
        x = features(texts, embeddings, vader)
        if x.shape[1] != self.coef.shape[1]:
            raise ValueError(
                f"the tone model expects {self.coef.shape[1]} features, got {x.shape[1]} "
                "(embeddings from another model?)"
            )
        logits = x @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        odds = np.exp(logits)
        return np.asarray(odds / odds.sum(axis=1, keepdims=True))

    def predict(
        self, texts: Sequence[str], embeddings: np.ndarray, vader: Sequence[VaderScores] | None = None
    ) -> tuple[list[int], list[float]]:
        """Each text's class (-1, 0, +1) and score ``P(+1) - P(-1)``, rounded to 4 places."""
        p = self.probabilities(texts, embeddings, vader)
        classes = [CLASSES[i] for i in p.argmax(axis=1)] if len(p) else []
        scores = [round(float(v), 4) + 0.0 for v in (p[:, 2] - p[:, 0])] if len(p) else []
        return classes, scores

    def to_json(self) -> str:
        """The file ``training/train_tone.py`` writes: stable, rounded, byte-identical for the same fit."""
        payload = {
            "format": FORMAT,
            **self.meta,
            "classes": list(CLASSES),
            "features": self.meta.get("features"),
            "intercept": [_round(v) for v in self.intercept],
            "coef": [[_round(v) for v in row] for row in self.coef],
        }
        return json.dumps(payload, indent=1, sort_keys=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> ToneModel:
        """Read what ``to_json`` wrote."""
        payload = json.loads(text)
        if payload.get("format") != FORMAT or list(payload.get("classes", [])) != list(CLASSES):
            raise ValueError(f"not a {FORMAT} file")
        coef = np.asarray(payload.pop("coef"), dtype=np.float64)
        intercept = np.asarray(payload.pop("intercept"), dtype=np.float64)
        if coef.ndim != 2 or coef.shape[0] != len(CLASSES) or intercept.shape != (len(CLASSES),):
            raise ValueError("tone model weights have the wrong shape")
        return cls(coef, intercept, payload)


def _round(value: float) -> float:
    # 6 decimals: far below what moves a prediction, and it absorbs the last-bit
    # differences a different BLAS or thread count leaves in the fit.
    return round(float(value), 6) + 0.0


def method(model: ToneModel | None = None) -> schema.ToneMethod:
    """The ``sentiment.method`` block of results.json for the tone model, with its caveats."""
    model = model or default_model()
    agreement = model.meta.get("evaluation", {}).get("hn_macro_f1")
    agreed = (
        f"Trained on comments rated by readers; on Hacker News threads it never saw in training it "
        f"agreed with the readers' tone classes at macro-F1 {agreement:.2f} (two readers agree with "
        "each other at 0.93; VADER reaches about 0.35)."
        if isinstance(agreement, float)
        else "Trained on comments rated by readers."
    )
    return {
        "name": model.name,
        "score": "P(positive) - P(negative), from -1 to 1; the class is the most probable of -1, 0, +1",
        "text": "the author's own words; quoted lines removed (and URLs and code for its VADER features)",
        "features": "all-MiniLM-L6-v2 embedding, VADER's four scores, question/exclamation/length",
        "evaluation": model.meta.get("evaluation"),
        "agreement": agreed,
        "caveats": [
            "Tone is the attitude of each author's own words (complaint, praise, neutral information), "
            "as readers rated it by threadscope's tone guide; it is not agreement or disagreement. " + agreed,
            "It gets roughly one comment in three wrong, mostly between neutral and one side: "
            "read it as a measure of a whole thread or a large group of comments, not as a verdict on one.",
            "Positive comments are rare on Hacker News and the hardest class; sarcasm is caught only "
            "when its wording gives it away.",
            "It was trained on English comments from Hacker News and Twitter; other communities and "
            "languages may read differently.",
        ],
    }


@functools.cache
def default_model() -> ToneModel:
    """The tone model that ships in the package (trained by ``training/train_tone.py``)."""
    text = resources.files("threadscope.analysis").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return ToneModel.from_json(text)
