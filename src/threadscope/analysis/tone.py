"""Tone of each comment from a model trained on what readers said, not from a word list.

VADER reads every "attack vector" as anger and every polite technical answer
as warm; on Hacker News it agrees with readers little better than chance. The
tone model here is a multinomial logistic regression over features threadscope
already has for every comment:

- the comment's all-MiniLM-L6-v2 embedding (the vector the themes use);
- the same forward pass's mean-pooled token vectors after layers 2 and 4 of
  the model's 6 (``LAYERS``). The sentence vector is trained for topical
  similarity and keeps little of the attitude; the middle layers keep more
  (leave-one-thread-out HN macro-F1 0.54 without them, 0.56 with them; up on
  three of the four HN threads and the tweets, ``benchmarks/QUALITY.md``).
  They cost no extra forward pass, and are cached beside the sentence vectors;
- the last layer's token vectors averaged with each word weighing its
  VADER valence, sign dropped (``VALENCE``): "impressed" as the comment
  uses it, rather than the thread's topic, which dominates a plain mean
  (an election thread's praise otherwise reads as the election). HN
  macro-F1 0.557 without it, 0.570 with it (0.564/0.545/0.556/0.563 to
  0.602/0.555/0.562/0.561 by thread, tweets 0.507 to 0.535), and the
  spread of thread means' errors falls from 0.077 to 0.056; Spearman ρ
  drops by about 0.01 on three threads. Weighing words by the indicator,
  square or root of their valence, widening each to its neighbours, other
  layers, a separate positive and negative pool, or counting negations and
  boosters gave 0.55-0.57 on the same folds, where |valence| gave 0.58
  (a quicker harness: one text per pass, a zero vector for a text with no
  rated word, which the cache's unit vectors do not allow);
- VADER's four scores of the cleaned text (``neg``, ``neu``, ``pos``,
  ``compound``): cheap, and they carry the lexicon's sense of intensity;
- four shape features: a question mark anywhere, an exclamation mark, the
  text ending on a question (questions are mostly neutral), and log word count.

Vectors that come without the layers (a corpus's stored or imported vectors)
are scored by a second head trained on the same data without them
(``SENTENCE``), and results.json names which one scored.

It is trained by ``training/train_tone.py`` from the readers' labels in
``../shared/data/labels`` (HN comments and tweets rated by
``TONE_GUIDE.md``), deterministically; the weights ship as
``tone_model.json`` (94 kB) beside this module. Each comment gets a class
(-1, 0, +1: the most probable) and a score ``P(+1) - P(-1)`` in [-1, 1].
A hierarchical model (neutral or not, then which side) did worse (0.52-0.55).

Why not something bigger: fine-tuning MiniLM's top layer or LoRA adapters on
its top two (the top layer alone, 3 epochs: 0.48), all of MiniLM (22M weights,
3 epochs, class-weighted, pooled vector and a linear head: 0.567, no better
than this head, and it would need a second forward pass and ship 90 MB; its
probabilities averaged with this head's: 0.570-0.584 by weight, still short of
0.60), attention pooling over tokens, the parent comment's vector, word
n-grams, VADER's compound of each sentence (lowest, highest, first, last,
shares: 0.552-0.569) or tuned class biases did not raise the
leave-one-thread-out figure reliably; a ridge score learnt from the VADER
paper's 23,700 rated sentences added about 0.01 for a much slower training
run, and so did those sentences as extra training rows (classes at ±0.5 or ±1
of their -4..4 rating, weight 0.05-0.4: 0.554-0.567). Standardised features (C
0.001-0.03: 0.51-0.57) and a small neural network (one hidden layer of 64,
three seeds: 0.53-0.55) did no better than the plain regression. Nor did an
ordinal model (one tone axis with two cut points: 0.40-0.47, neutral is not
"between" here), re-estimating each thread's class priors by EM (0.35-0.48),
or self-training on 4,450 unrated HN comments (0.55-0.56). Correcting a
thread's class shares by the confusion matrix of other threads (adjusted
classify-and-count, or EM) put its mean tone further from the readers' (mean
error 0.25-0.46, against 0.12 for the mean probabilities used here): errors do
not carry from one thread to the next. Weighing the score's classes by how
common readers found them (Elkan's prior correction) brought held-out thread
means nearer the readers' (0.08 off, not 0.12 warmer) but squeezed the threads
together while their error grew (SD 0.096): ``compare`` then named none of 9
pairs, against 4, all as readers see them, with the score as it is (closing
notes of issue 13).
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
from threadscope.analysis import embed, sentiment
from threadscope.analysis.minilm import WordWeights

#: Classes in the order of the model's rows.
CLASSES = (-1, 0, 1)
SHAPE_FEATURES = ("has_question", "has_exclamation", "ends_with_question", "log_words")
VADER_FEATURES = ("vader_neg", "vader_neu", "vader_pos", "vader_compound")
#: MiniLM layers (of 6) whose pooled token vectors the default head reads.
LAYERS = (2, 4)
#: The heads: with the layers' vectors (the default), and without them.
WITH_LAYERS, SENTENCE = "with_layers", "sentence"
MODEL_FILE = "tone_model.json"
FORMAT = "threadscope.tone/3"


def _valence(word: str) -> float:
    return abs(float(sentiment.lexicon().get(word, 0.0)))


#: Each word weighs its VADER valence, sign dropped, in the last layer's pooled vector.
VALENCE = WordWeights("vader-valence", _valence)


def pooled_vectors(
    texts: Sequence[str],
    embedder: embed.MiniLMEmbedder,
    cache: embed.EmbeddingCache | None = None,
    progress: embed.Progress | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The sentence vectors of ``texts`` and what the default head reads besides: ``LAYERS``, then ``VALENCE``."""
    return embed.embed_with_layers(texts, embedder, LAYERS, cache, progress, words=VALENCE)


def layer_vectors(pooled: np.ndarray, layer: int) -> np.ndarray:
    """The vectors of one of ``LAYERS`` out of ``pooled_vectors``' second array (guided themes read layer 4).

    Raises:
        ValueError: ``layer`` is not one of ``LAYERS``.

    """
    if layer not in LAYERS:
        raise ValueError(f"the tone model pools layers {LAYERS}, not {layer}")
    width = pooled.shape[1] // (len(LAYERS) + 1)  # the layers, then VALENCE's vector
    start = LAYERS.index(layer) * width
    return pooled[:, start : start + width]


#: What VADER scores ``sentiment.vader_scores`` gives, or ``None`` for a text with nothing left to score.
VaderScores = Mapping[str, float] | None


def features(
    texts: Sequence[str],
    embeddings: np.ndarray,
    vader: Sequence[VaderScores] | None = None,
    layers: np.ndarray | None = None,
) -> np.ndarray:
    """The model's input: one row per text, embedding, then the layers' vectors if given, then VADER and shape.

    Args:
        texts: each comment's own words (quoted lines already removed).
        embeddings: their L2-normalised MiniLM vectors, one row per text.
        vader: ``sentiment.vader_scores`` of each text, when the caller has
            them already (the pipeline scores VADER once for both uses).
        layers: ``pooled_vectors``' second array (``LAYERS``, then ``VALENCE``), one row per text.

    """
    blocks = [np.asarray(embeddings, dtype=np.float64)]
    if layers is not None:
        blocks.append(np.asarray(layers, dtype=np.float64))
    if any(b.ndim != 2 or b.shape[0] != len(texts) for b in blocks):
        raise ValueError(f"{len(texts)} texts and vectors of shape {[b.shape for b in blocks]} do not match")
    if vader is None:
        vader = [sentiment.vader_scores(t) for t in texts]
    elif len(vader) != len(texts):
        raise ValueError(f"{len(texts)} texts and {len(vader)} VADER scores do not match")
    extra = np.array([_vader(v) + _shape(t) for t, v in zip(texts, vader, strict=True)], dtype=np.float64)
    return np.hstack([*blocks, extra.reshape(len(texts), 8)])


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
class Head:
    """One logistic regression: ``classes × features`` coefficients, one intercept per class, and its facts."""

    coef: np.ndarray
    intercept: np.ndarray
    meta: dict[str, Any]

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """``P(class)`` of each row of features, columns in ``CLASSES`` order."""
        if x.shape[1] != self.coef.shape[1]:
            raise ValueError(
                f"the tone model expects {self.coef.shape[1]} features, got {x.shape[1]} "
                "(embeddings from another model?)"
            )
        logits = x @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        odds = np.exp(logits)
        return np.asarray(odds / odds.sum(axis=1, keepdims=True))

    def to_dict(self) -> dict[str, Any]:
        """The head as ``tone_model.json`` stores it: its facts, then weights rounded to 6 places."""
        return {
            **self.meta,
            "intercept": [_round(v) for v in self.intercept],
            "coef": [[_round(v) for v in row] for row in self.coef],
        }

    @classmethod
    def from_dict(cls, payload: dict[str, Any]) -> Head:
        """Read what ``to_dict`` wrote."""
        payload = dict(payload)
        coef = np.asarray(payload.pop("coef"), dtype=np.float64)
        intercept = np.asarray(payload.pop("intercept"), dtype=np.float64)
        if coef.ndim != 2 or coef.shape[0] != len(CLASSES) or intercept.shape != (len(CLASSES),):
            raise ValueError("tone model weights have the wrong shape")
        return cls(coef, intercept, payload)


@dataclass(frozen=True, slots=True)
class ToneModel:
    """The tone model: a head that reads ``LAYERS``' vectors, one that does without, and what both share."""

    heads: dict[str, Head]
    meta: dict[str, Any]

    @property
    def name(self) -> str:
        """What results.json names the method after."""
        return str(self.meta.get("name", "threadscope tone model"))

    def probabilities(
        self,
        texts: Sequence[str],
        embeddings: np.ndarray,
        vader: Sequence[VaderScores] | None = None,
        layers: np.ndarray | None = None,
    ) -> np.ndarray:
        """``P(class)`` per text, columns in ``CLASSES`` order (``vader``, ``layers``: see ``features``).

        With ``layers`` the ``WITH_LAYERS`` head scores, without them the ``SENTENCE`` head.
        """
        if not len(texts):
            return np.zeros((0, len(CLASSES)))
        head = self.heads[SENTENCE if layers is None else WITH_LAYERS]
        return head.probabilities(features(texts, embeddings, vader, layers))

    def predict(
        self,
        texts: Sequence[str],
        embeddings: np.ndarray,
        vader: Sequence[VaderScores] | None = None,
        layers: np.ndarray | None = None,
    ) -> tuple[list[int], list[float]]:
        """Each text's class (-1, 0, +1) and score ``P(+1) - P(-1)``, rounded to 4 places."""
        p = self.probabilities(texts, embeddings, vader, layers)
        classes = [CLASSES[i] for i in p.argmax(axis=1)] if len(p) else []
        scores = [round(float(v), 4) + 0.0 for v in (p[:, 2] - p[:, 0])] if len(p) else []
        return classes, scores

    def to_json(self) -> str:
        """The file ``training/train_tone.py`` writes: stable, rounded, byte-identical for the same fit."""
        payload = {
            "format": FORMAT,
            **self.meta,
            "classes": list(CLASSES),
            "heads": {name: head.to_dict() for name, head in sorted(self.heads.items())},
        }
        return json.dumps(payload, indent=1, sort_keys=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> ToneModel:
        """Read what ``to_json`` wrote."""
        payload = json.loads(text)
        if payload.get("format") != FORMAT or list(payload.get("classes", [])) != list(CLASSES):
            raise ValueError(f"not a {FORMAT} file")
        heads = payload.pop("heads", None)
        if not isinstance(heads, dict) or set(heads) != {WITH_LAYERS, SENTENCE}:
            raise ValueError(f"a {FORMAT} file has the heads {WITH_LAYERS} and {SENTENCE}")
        return cls({name: Head.from_dict(head) for name, head in heads.items()}, payload)


def vader_method(model: ToneModel | None = None) -> schema.ToneMethod:
    """VADER's ``sentiment.method`` block, with its error from thread to thread measured on the same labels."""
    evaluation = (model or default_model()).heads[WITH_LAYERS].meta.get("evaluation") or {}
    return {
        **sentiment.VADER_METHOD,
        "thread_error_sd": evaluation.get("vader_thread_error_sd"),
        "thread_error_threads": evaluation.get("thread_error_threads"),
    }


def _round(value: float) -> float:
    # 6 decimals: far below what moves a prediction, and it absorbs the last-bit
    # differences a different BLAS or thread count leaves in the fit.
    return round(float(value), 6) + 0.0


def method(model: ToneModel | None = None, head: str = WITH_LAYERS) -> schema.ToneMethod:
    """The ``sentiment.method`` block of results.json for one head of the tone model, with its caveats."""
    model = model or default_model()
    evaluation = model.heads[head].meta.get("evaluation") or {}
    agreement = evaluation.get("hn_macro_f1")
    agreed = (
        f"Trained on comments rated by readers; on Hacker News threads it never saw in training it "
        f"agreed with the readers' tone classes at macro-F1 {agreement:.2f} (two readers agree with "
        "each other at 0.93; VADER reaches about 0.35)."
        if isinstance(agreement, float)
        else "Trained on comments rated by readers."
    )
    layers = (
        f", its layers {' and '.join(map(str, LAYERS))} pooled, its last layer pooled by VADER valence"
        if head == WITH_LAYERS
        else ""
    )
    return {
        "name": model.name if head == WITH_LAYERS else f"{model.name} (sentence vector only)",
        "score": "P(positive) - P(negative), from -1 to 1; the class is the most probable of -1, 0, +1",
        "text": "the author's own words; quoted lines removed (and URLs and code for its VADER features)",
        "features": f"all-MiniLM-L6-v2 embedding{layers}, VADER's four scores, question/exclamation/length",
        "evaluation": evaluation or None,
        "thread_error_sd": evaluation.get("thread_error_sd"),
        "thread_error_threads": evaluation.get("thread_error_threads"),
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
