"""Encoders of all-MiniLM-L6-v2 on this machine: speed, sameness of vectors, and the arithmetic floor.

Run from the project root, with ``../shared/data`` beside it::

    .venv/bin/python benchmarks/encoders.py            # writes benchmarks/ENCODERS.md
    .venv/bin/pip install onnxruntime onnx             # optional: adds the ONNX Runtime rows

Every candidate encodes the same real comments (HN 48849066, 1,079 comments)
in the same process, one after another, after a warm-up:

- ``threadscope``: today's default, ``analysis/minilm.py`` (torch, length-sorted batches).
- ``sentence-transformers``: ``SentenceTransformer.encode``, the plain way.
- ``onnxruntime fp32``: the same network as an ONNX graph built here from the
  same packaged weights (deterministically: the graph's sha256 is printed),
  run by ONNX Runtime with both cores.
- ``onnxruntime int8``: that graph after ONNX Runtime's dynamic quantisation
  (MatMul weights, per channel), which VNNI instructions run.
- ``static``: model2vec's recipe, by hand: every vocabulary token's vector
  from the model, Zipf-weighted; a text is the mean of its tokens' vectors.

Reported: comments per second, the speed-up over the default, the cosine of
each vector to the default's (mean and worst), and the default's arithmetic
rate (GFLOP/s) next to the rate of one large float32 matrix product in the same
process, which bounds what any float32 runtime could gain.
``--quality`` also scores themes and tone with the static vectors, as
``benchmarks/quality.py`` does for the default ones.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make ``training`` and ``benchmarks`` importable
    sys.path.insert(0, str(ROOT))

from training.labels import DATA  # noqa: E402

from threadscope.analysis import embed  # noqa: E402
from threadscope.analysis.minilm import MAX_TOKENS, MiniLM, _batches  # noqa: E402

OUT = Path(__file__).with_name("ENCODERS.md")
THREAD = DATA / "hn" / "flat" / "48849066.comments.json"
HIDDEN, FFN, LAYERS, HEADS = 384, 1536, 6, 12


def comments() -> list[str]:
    """The texts of 48849066's comments, as threadscope reads them."""
    import json

    from threadscope.text import html_to_text

    rows = json.loads(THREAD.read_text(encoding="utf-8"))
    texts = [html_to_text(r.get("text") or "").own_text for r in rows]
    return [t for t in texts if t.strip()]


def timed(encode: Callable[[list[str]], np.ndarray], texts: list[str], repeats: int) -> tuple[float, np.ndarray]:
    """The best of ``repeats`` timings (seconds) after one warm-up, and the vectors."""
    encode(texts[:32])
    best, vectors = math.inf, np.zeros(0)
    for _ in range(repeats):
        started = time.perf_counter()
        vectors = np.asarray(encode(texts), dtype=np.float32)
        best = min(best, time.perf_counter() - started)
    return best, vectors


def flops(token_counts: list[int]) -> float:
    """Floating-point operations of one forward pass over texts of these token counts (matmuls only)."""
    per_token = LAYERS * 2 * (4 * HIDDEN * HIDDEN + 2 * HIDDEN * FFN)
    attention = sum(LAYERS * 2 * 2 * n * n * HIDDEN for n in token_counts)
    return float(per_token * sum(token_counts) + attention)


def gemm_rate(size: int = 4096, repeats: int = 5) -> float:
    """The best float32 rate (GFLOP/s) of one large square matrix product in torch: the machine's practical floor.

    No float32 runtime multiplies the model's (smaller, thinner) matrices faster than this.
    """
    import torch

    a, b = torch.randn(size, size), torch.randn(size, size)
    torch.mm(a, b)
    best = math.inf
    for _ in range(repeats):
        started = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - started)
    return 2 * size**3 / best / 1e9


# -- ONNX Runtime candidates (optional)


def onnx_graph(folder: Path) -> bytes:
    """all-MiniLM-L6-v2 as an ONNX graph (opset 17), from the packaged weights; same bytes every time.

    Mirrors ``MiniLM.forward``: embeddings, six post-norm BERT layers with
    erf GELU, mean pooling over real tokens, L2 normalisation.
    """
    from onnx import TensorProto, helper, numpy_helper
    from safetensors.numpy import load_file

    w = load_file(str(folder / "model.safetensors"))
    head = HIDDEN // HEADS
    initializers: list[Any] = []
    nodes: list[Any] = []

    def tensor(name: str, value: Any) -> str:
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(kind: str, inputs: list[str], **attrs: Any) -> str:
        out = f"{kind}_{len(nodes)}"
        nodes.append(helper.make_node(kind, inputs, [out], **attrs))
        return out

    def linear(x: str, p: str) -> str:
        return op("Add", [op("MatMul", [x, tensor(p + ".wT", w[p + ".weight"].T)]), tensor(p + ".b", w[p + ".bias"])])

    def norm(x: str, p: str) -> str:
        gamma, beta = tensor(p + ".g", w[p + ".weight"]), tensor(p + ".b", w[p + ".bias"])
        return op("LayerNormalization", [x, gamma, beta], axis=-1, epsilon=1e-12)

    length = op("Shape", ["input_ids"], start=1, end=2)
    positions = op("Slice", [tensor("pos", w["embeddings.position_embeddings.weight"]), tensor("zero", np.array([0])),
                             length, tensor("axis", np.array([0]))])  # fmt: skip
    x = op("Gather", [tensor("word", w["embeddings.word_embeddings.weight"]), "input_ids"], axis=0)
    x = op("Add", [op("Add", [x, positions]), tensor("type", w["embeddings.token_type_embeddings.weight"][0])])
    x = norm(x, "embeddings.LayerNorm")
    mask = op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    bias = op("Mul", [op("Sub", [tensor("one", np.float32(1)), mask]), tensor("neg", np.float32(-1e9))])
    bias = op("Unsqueeze", [bias, tensor("axes12", np.array([1, 2]))])
    split, merge = tensor("split", np.array([0, 0, HEADS, head])), tensor("merge", np.array([0, 0, HIDDEN]))
    for n in range(LAYERS):
        p = f"encoder.layer.{n}."
        q, k, v = (op("Reshape", [linear(x, p + "attention.self." + m), split]) for m in ("query", "key", "value"))
        scores = op("MatMul", [op("Transpose", [q], perm=[0, 2, 1, 3]), op("Transpose", [k], perm=[0, 2, 3, 1])])
        scores = op("Add", [op("Mul", [scores, tensor(f"scale{n}", np.float32(1 / math.sqrt(head)))]), bias])
        context = op("MatMul", [op("Softmax", [scores], axis=-1), op("Transpose", [v], perm=[0, 2, 1, 3])])
        context = op("Reshape", [op("Transpose", [context], perm=[0, 2, 1, 3]), merge])
        x = norm(op("Add", [linear(context, p + "attention.output.dense"), x]), p + "attention.output.LayerNorm")
        h = linear(x, p + "intermediate.dense")
        erf = op("Erf", [op("Div", [h, tensor(f"root2_{n}", np.float32(math.sqrt(2)))])])
        gelu = op("Mul", [op("Mul", [h, tensor(f"half{n}", np.float32(0.5))]), op("Add", [erf, "one"])])
        x = norm(op("Add", [linear(gelu, p + "output.dense"), x]), p + "output.LayerNorm")
    weights = op("Unsqueeze", [mask, tensor("axis2", np.array([2]))])
    summed = op("ReduceSum", [op("Mul", [x, weights]), tensor("axis1", np.array([1]))], keepdims=0)
    count = op("Clip", [op("ReduceSum", [weights, "axis1"], keepdims=0), tensor("tiny", np.float32(1e-9))])
    nodes.append(helper.make_node("LpNormalization", [op("Div", [summed, count])], ["vector"], axis=1, p=2))
    graph = helper.make_graph(
        nodes,
        "all-MiniLM-L6-v2",
        [
            helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "tokens"])
            for n in ("input_ids", "attention_mask")
        ],
        [helper.make_tensor_value_info("vector", TensorProto.FLOAT, ["batch", HIDDEN])],
        initializer=initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="threadscope")
    model.ir_version = 8
    data: bytes = model.SerializeToString()
    return data


def onnx_encoder(graph: bytes, tokenizer: Any) -> Callable[[list[str]], np.ndarray]:
    import onnxruntime as ort

    options = ort.SessionOptions()  # per session: nothing global changes
    options.intra_op_num_threads = 2
    options.log_severity_level = 3
    session = ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])

    def encode(texts: list[str]) -> np.ndarray:
        tokens = [e.ids for e in tokenizer.encode_batch(texts)]
        order = sorted(range(len(texts)), key=lambda i: (-len(tokens[i]), i))
        out = np.zeros((len(texts), HIDDEN), np.float32)
        for chosen in _batches(order, [len(t) for t in tokens], 2048):
            ids = np.zeros((len(chosen), len(tokens[chosen[0]])), np.int64)
            mask = np.zeros_like(ids)
            for row, i in enumerate(chosen):
                ids[row, : len(tokens[i])], mask[row, : len(tokens[i])] = tokens[i], 1
            out[chosen] = session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return out

    return encode


def quantised(graph: bytes) -> bytes:
    import tempfile

    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
        source.write_bytes(graph)
        quantize_dynamic(source, target, weight_type=QuantType.QInt8, per_channel=True, op_types_to_quantize=["MatMul"])
        return target.read_bytes()


# -- static vectors (model2vec's recipe)


class StaticEmbedder:
    """Each vocabulary token's vector from the model, Zipf-weighted; a text is the mean of its tokens'.

    By hand because model2vec's ``distill`` extra requires transformers < 5.4,
    which sentence-transformers' version here excludes.
    """

    def __init__(self, model: MiniLM, sif: float = 1e-4) -> None:
        import torch

        vocab = model.tokenizer.get_vocab_size()
        cls, sep = model.tokenizer.token_to_id("[CLS]"), model.tokenizer.token_to_id("[SEP]")
        table = np.zeros((vocab, HIDDEN), np.float32)
        with torch.inference_mode():
            for start in range(0, vocab, 4096):
                ids = torch.arange(start, min(vocab, start + 4096))
                batch = torch.stack([torch.full_like(ids, cls), ids, torch.full_like(ids, sep)], 1)
                table[start : start + len(ids)] = model.forward(batch, torch.ones_like(batch, dtype=torch.bool))[
                    :, 0
                ].numpy()
        rank = np.arange(1, vocab + 1, dtype=np.float64)
        probability = (1 / rank) / (1 / rank).sum()
        self.table = (table * (sif / (sif + probability))[:, None]).astype(np.float32)
        self.tokenizer = model.tokenizer
        self.name = "static-minilm-zipf"

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), HIDDEN), np.float32)
        for row, encoding in enumerate(self.tokenizer.encode_batch(list(texts), add_special_tokens=False)):
            if encoding.ids:
                out[row] = self.table[encoding.ids].mean(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)


def static_quality(static: StaticEmbedder) -> list[str]:
    """Themes and tone with the static vectors next to the default ones, scored as quality.py does, same run."""
    import tempfile

    from training.labels import TWEETS, load_themes, load_tone
    from training.train_tone import leave_one_thread_out

    from benchmarks.quality import Case, themes_section

    default = embed.MiniLMEmbedder()
    items = load_tone()
    threads = sorted({i.thread for i in items}, key=lambda t: (t == TWEETS, t))
    figures = {}
    for name, embedder in (("static", static), ("default", default)):
        with tempfile.TemporaryDirectory() as tmp, embed.EmbeddingCache(Path(tmp)) as cache:
            _, themes = themes_section([Case(labels, embedder, cache) for labels in load_themes()])
        # the sentence head: the static model has no layers to give the default head
        folds = leave_one_thread_out(items, embedder.embed([i.text for i in items]), None, threads)
        tone = float(np.mean([folds[t]["macro_f1"] for t in threads if t != TWEETS]))
        figures[name] = (themes["free"][0], themes["guided3"][0], tone)
    rows = ("free themes macro-F1, seed page", "guided accuracy, 3 names", "tone macro-F1 (sentence head), HN mean")
    return [
        "",
        "Quality with the static vectors next to the default ones, same run (a tone head refitted on each, "
        "leave-one-thread-out, as `benchmarks/quality.py` does):",
        "",
        "| figure | static | default | loss |",
        "|---|---|---|---|",
        *(
            f"| {row} | {figures['static'][k]:.3f} | {figures['default'][k]:.3f} "
            f"| {figures['default'][k] - figures['static'][k]:.3f} |"
            for k, row in enumerate(rows)
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--quality", action="store_true", help="also score themes and tone with the static vectors")
    args = parser.parse_args(argv)
    if not THREAD.exists():
        print(f"encoders: {THREAD} is absent; put ../shared/data beside the project", file=sys.stderr)
        return 2
    texts = comments()
    folder = embed.default_model_path()
    model = MiniLM(folder)
    counts = [len(e.ids) for e in model.tokenizer.encode_batch(texts)]
    rows: list[tuple[str, float, np.ndarray]] = []
    seconds, default = timed(model.encode, texts, args.repeats)
    rows.append(("threadscope (torch, default)", seconds, default))

    from sentence_transformers import SentenceTransformer

    plain = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    rows.append(("sentence-transformers encode", *timed(lambda t: plain.encode(t, batch_size=32), texts, args.repeats)))
    try:
        graph = onnx_graph(folder)
        same = hashlib.sha256(graph).hexdigest() == hashlib.sha256(onnx_graph(folder)).hexdigest()
        notes = [f"ONNX graph built twice from the packaged weights: {'the same' if same else 'different'} bytes "
                 f"(sha256 {hashlib.sha256(graph).hexdigest()[:16]})."]  # fmt: skip
        rows.append(("onnxruntime fp32", *timed(onnx_encoder(graph, model.tokenizer), texts, args.repeats)))
        rows.append(("onnxruntime int8", *timed(onnx_encoder(quantised(graph), model.tokenizer), texts, args.repeats)))
    except ImportError as exc:
        notes = [f"ONNX Runtime rows skipped: {exc.name} is not installed (`pip install onnxruntime onnx`)."]
    started = time.perf_counter()
    static = StaticEmbedder(model)
    notes.append(f"Static vectors distilled in {time.perf_counter() - started:.1f} s.")
    rows.append(("static (model2vec recipe)", *timed(static.embed, texts, args.repeats)))

    base = rows[0][1]
    lines = [
        "# Encoders",
        "",
        "Command: `" + " ".join([".venv/bin/python benchmarks/encoders.py", *(argv or sys.argv[1:])]) + "`.",
        f"{len(texts)} comments of HN 48849066, {sum(counts):,} tokens (at most {MAX_TOKENS} each); "
        f"Python {platform.python_version()}, {platform.machine()}; best of {args.repeats} after a warm-up.",
        "",
        "| encoder | seconds | comments/s | × default | cosine to default, mean | worst |",
        "|---|---|---|---|---|---|",
    ]
    for name, seconds, vectors in rows:
        cosine = np.sum(vectors * default, axis=1)
        lines.append(
            f"| {name} | {seconds:.2f} | {len(texts) / seconds:,.0f} | {base / seconds:.2f} | "
            f"{cosine.mean():.4f} | {cosine.min():.4f} |"
        )
    rate = flops(counts) / base / 1e9
    ceiling = gemm_rate()
    lines += [
        "",
        f"The default encoder does {flops(counts) / 1e12:.2f} TFLOP of matrix products here ({rate:.0f} GFLOP/s "
        "over the whole encode). By torch's profiler, about two thirds of its time is those products (`addmm`), "
        "which no float32 runtime does with fewer operations; the rest (attention, GELU, layer norms, copies) is "
        "what a fused runtime could save, and the ONNX Runtime row shows how much that is on this machine.",
        "",
        f"The machine's floor: one 4096 × 4096 float32 product runs at {ceiling:.0f} GFLOP/s in the same process "
        f"(best of 5). A float32 encoder that did nothing but the model's matrix products at that rate would be "
        f"{ceiling / rate:.2f}× the default: the most any runtime can give with the same arithmetic, hence the "
        "same vectors. More needs fewer or cheaper operations (int8, a smaller model), which move the vectors.",
        "",
        *notes,
    ]
    if args.quality:
        lines += static_quality(static)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
