"""all-MiniLM-L6-v2 in a page of torch: the default embedder, without sentence-transformers.

The model is a 6-layer BERT (hidden 384, 12 heads) whose token vectors are
mean-pooled and L2-normalised; that is all sentence-transformers does with
it. Importing sentence-transformers and transformers' ``BertModel`` costs
about 4 s on two cores before a single comment is encoded; this module needs
only torch, ``tokenizers`` and ``safetensors`` (about 1.5 s), reads the same
packaged weights (checked by sha256), and gives the same vectors:
``tests/analysis/test_minilm.py`` compares them with sentence-transformers'
on real comments.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

#: Tokens per text, as in the model's ``sentence_bert_config.json``; longer texts are cut.
MAX_TOKENS = 256
LAYERS = 6
HEADS = 12
LAYER_NORM_EPS = 1e-12
#: Padded tokens per forward pass. Texts are sorted by length, so a batch of
#: long texts holds few and one of short texts many. On 2 cores, 8 texts of
#: 256 tokens encode faster than 32 and peak at 480 MB instead of 740 MB.
BATCH_TOKENS = 2048
MAX_BATCH = 128


#: What this encoder implements, as the model folder's files state it: any other value is another model,
#: which this code would run without error and with wrong vectors.
EXPECTED: dict[str, dict[str, object]] = {
    "config.json": {
        "model_type": "bert",
        "hidden_act": "gelu",
        "hidden_size": 384,
        "num_hidden_layers": LAYERS,
        "num_attention_heads": HEADS,
        "layer_norm_eps": LAYER_NORM_EPS,
        "position_embedding_type": "absolute",
    },
    "1_Pooling/config.json": {
        "pooling_mode_mean_tokens": True,
        "pooling_mode_cls_token": False,
        "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False,
    },
    "sentence_bert_config.json": {"max_seq_length": MAX_TOKENS},
}


@dataclass(frozen=True, slots=True)
class WordWeights:
    """How much each word counts in a weighted pool of token vectors (``MiniLM.encode_layers``' ``words``).

    ``weigh`` takes a word as written, lower-cased, and returns its weight (0 to leave it out); ``name``
    says which weights these are wherever the pooled vectors are stored (the embedding cache's key).
    """

    name: str
    weigh: Callable[[str], float]


class ModelMismatch(ValueError):
    """The model folder describes a model this encoder does not implement."""


def check_model(folder: Path) -> None:
    """Refuse a folder whose model is not the one this encoder implements (``EXPECTED``).

    Raises:
        ModelMismatch: a file is missing or unreadable, or a setting differs.

    """
    import json

    for name, expected in EXPECTED.items():
        try:
            found = json.loads((folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelMismatch(f"{name} cannot be read ({type(exc).__name__})") from None
        if not isinstance(found, dict):
            raise ModelMismatch(f"{name} is not a JSON object")
        for key, value in expected.items():
            if found.get(key) != value:
                raise ModelMismatch(f"{name} has {key} = {found.get(key)!r}; this encoder implements {value!r}")


class MiniLM:
    """The encoder: ``encode(texts)`` returns one L2-normalised float32 row per text.

    Args:
        folder: the model folder (``model.safetensors``, ``tokenizer.json`` and the configuration files
            ``check_model`` reads).

    Raises:
        ModelMismatch: the folder's configuration is not all-MiniLM-L6-v2's.

    """

    def __init__(self, folder: Path) -> None:
        import torch
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        check_model(folder)
        self.torch = torch
        self.weights: dict[str, Any] = load_file(str(folder / "model.safetensors"))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()  # each batch is padded to its own longest text below

    def encode(self, texts: list[str], batch_tokens: int = BATCH_TOKENS) -> np.ndarray:
        """Embed ``texts`` (any order; the output follows the input)."""
        return self.encode_layers(texts, (), batch_tokens)[:, 0]

    def encode_layers(
        self,
        texts: list[str],
        layers: tuple[int, ...],
        batch_tokens: int = BATCH_TOKENS,
        words: WordWeights | None = None,
    ) -> np.ndarray:
        """The sentence vector of ``texts`` and their mean-pooled, L2-normalised token vectors after ``layers``.

        Shape ``(len(texts), 1 + len(layers), 384)``: column 0 is what ``encode`` returns, then one
        column per layer (1 to 6, counted from the embeddings), in the order asked. With ``words``, one
        more column: the last layer's token vectors averaged with each token weighing what its word
        weighs (``[CLS]``/``[SEP]`` nothing), L2-normalised; a text none of whose words weighs anything
        gets column 0 there (every token weighing the same).
        """
        torch = self.torch
        if any(not 1 <= n <= LAYERS for n in layers):
            raise ValueError(f"layers are numbered 1 to {LAYERS}, got {layers}")
        width = self.weights["embeddings.word_embeddings.weight"].shape[1]
        out = np.zeros((len(texts), 1 + len(layers) + (words is not None), width), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        tokens = [e.ids for e in encodings]
        weights: list[np.ndarray] = []
        if words is not None:
            weights = [_token_weights(t, e, words.weigh) for t, e in zip(texts, encodings, strict=True)]
        order = sorted(range(len(texts)), key=lambda i: (-len(tokens[i]), i))  # little padding per batch
        with torch.inference_mode():
            for chosen in _batches(order, [len(t) for t in tokens], batch_tokens):
                longest = len(tokens[chosen[0]])
                ids = torch.zeros((len(chosen), longest), dtype=torch.long)  # 0 is [PAD]
                mask = torch.zeros((len(chosen), longest), dtype=torch.bool)
                weighed = torch.zeros((len(chosen), longest), dtype=torch.float32) if words is not None else None
                for row, i in enumerate(chosen):
                    ids[row, : len(tokens[i])] = torch.tensor(tokens[i])
                    mask[row, : len(tokens[i])] = True
                    if weighed is not None:
                        weighed[row, : len(tokens[i])] = torch.from_numpy(weights[i])
                out[chosen] = self.forward(ids, mask, layers, weighed).numpy()
        return out

    def forward(self, ids: Any, mask: Any, layers: tuple[int, ...] = (), weighed: Any = None) -> Any:
        """Sentence vectors of a padded batch, then the pooled vectors after ``layers``: (batch, 1 + len(layers), 384).

        ``ids`` and ``mask`` (the real tokens) are both (batch, length). With ``weighed``, each token's
        weight (batch, length), one more column: the last layer's tokens averaged by those weights
        (by ``mask`` for a row whose weights are all 0).
        """
        torch, w = self.torch, self.weights
        functional = torch.nn.functional
        length = ids.shape[1]
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _norm(functional, x, w, "embeddings.LayerNorm")
        keys_mask = mask[:, None, None, :]  # every query attends to the real tokens only
        hidden = x.shape[-1]
        head = hidden // HEADS
        weights = mask.unsqueeze(-1).to(x.dtype)

        def pooled(x: Any, weights: Any = weights) -> Any:
            mean = (x * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
            return functional.normalize(mean, p=2, dim=1)

        after: dict[int, Any] = {}
        for n in range(LAYERS):
            p = f"encoder.layer.{n}."

            def heads(name: str, x: Any = x, p: str = p) -> Any:
                y = functional.linear(x, w[p + name + ".weight"], w[p + name + ".bias"])
                return y.view(x.shape[0], length, HEADS, head).transpose(1, 2)

            q, k, v = heads("attention.self.query"), heads("attention.self.key"), heads("attention.self.value")
            context = functional.scaled_dot_product_attention(q, k, v, attn_mask=keys_mask, scale=1 / math.sqrt(head))
            context = context.transpose(1, 2).reshape(x.shape)
            attended = functional.linear(
                context, w[p + "attention.output.dense.weight"], w[p + "attention.output.dense.bias"]
            )
            x = _norm(functional, attended + x, w, p + "attention.output.LayerNorm")
            inner = functional.gelu(
                functional.linear(x, w[p + "intermediate.dense.weight"], w[p + "intermediate.dense.bias"])
            )
            x = _norm(
                functional,
                functional.linear(inner, w[p + "output.dense.weight"], w[p + "output.dense.bias"]) + x,
                w,
                p + "output.LayerNorm",
            )
            if n + 1 in layers:
                after[n + 1] = pooled(x)
        columns = [pooled(x), *(after[n] for n in layers)]
        if weighed is not None:
            unweighed = (weighed.sum(dim=1) == 0)[:, None, None]
            columns.append(pooled(x, torch.where(unweighed, weights, weighed.unsqueeze(-1).to(x.dtype))))
        return torch.stack(columns, dim=1)


def _token_weights(text: str, encoding: Any, weigh: Callable[[str], float]) -> np.ndarray:
    """Each token's weight: what ``weigh`` gives the word it is part of, as written in ``text`` and lower-cased."""
    offsets = encoding.offsets  # each read of a tokenizers property copies the whole list: read once
    out = np.zeros(len(offsets), dtype=np.float32)
    spans: dict[int, list[int]] = {}
    for position, word in enumerate(encoding.word_ids):
        if word is not None:  # [CLS] and [SEP] belong to no word
            spans.setdefault(word, []).append(position)
    for positions in spans.values():
        out[positions] = weigh(text[offsets[positions[0]][0] : offsets[positions[-1]][1]].lower())
    return out


def _batches(order: list[int], lengths: list[int], budget: int) -> list[list[int]]:
    """Consecutive runs of ``order`` (longest first) whose padded size stays within ``budget`` tokens."""
    batches: list[list[int]] = []
    for i in order:
        if batches and (len(batches[-1]) + 1) * lengths[batches[-1][0]] <= budget and len(batches[-1]) < MAX_BATCH:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


def _norm(functional: Any, x: Any, w: dict[str, Any], prefix: str) -> Any:
    return functional.layer_norm(x, x.shape[-1:], w[prefix + ".weight"], w[prefix + ".bias"], LAYER_NORM_EPS)
