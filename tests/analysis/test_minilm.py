"""Our MiniLM gives the vectors sentence-transformers gives, on real comments."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import shared_file
from threadscope.analysis.embed import default_model_path
from threadscope.analysis.minilm import MAX_TOKENS, MiniLM
from threadscope.sources.hn import parse_item

pytestmark = pytest.mark.model


def real_texts() -> list[str]:
    thread = parse_item(json.loads(shared_file("hn/items/27145911.json").read_text()))
    texts = [p.own_text for p in thread.comments if p.has_text][:60]
    flat = json.loads(shared_file("hn/flat/48849066.comments.json").read_text())
    texts += [c["text"] for c in flat[:20]]
    # longer than the model's window, empty, whitespace, non-ASCII, one word
    return [*texts, "word " * (MAX_TOKENS * 2), "", "   ", "émojis 👍🏽 and ünïcödé", "ok"]


def test_same_vectors_as_sentence_transformers() -> None:
    from sentence_transformers import SentenceTransformer

    texts = real_texts()
    ours = MiniLM(default_model_path()).encode(texts)
    reference = SentenceTransformer(str(default_model_path()), device="cpu", local_files_only=True).encode(
        texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True
    )
    assert ours.shape == reference.shape == (len(texts), 384)
    assert np.abs(ours - reference).max() < 1e-5
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_order_and_batching_do_not_change_vectors() -> None:
    texts = real_texts()
    model = MiniLM(default_model_path())
    whole = model.encode(texts)
    reversed_small = model.encode(texts[::-1], batch_tokens=300)[::-1]
    assert np.abs(whole - reversed_small).max() < 1e-5
    assert model.encode([]).shape == (0, 384)


def test_default_embedder_does_not_import_sentence_transformers(tmp_path: object) -> None:
    code = (
        "import sys; from threadscope.analysis.embed import SentenceTransformerEmbedder as E;"
        f"v = E(data_dir=__import__('pathlib').Path({str(tmp_path)!r})).embed(['hello world']);"
        "print(v.shape, 'sentence_transformers' in sys.modules, 'transformers' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["(1,", "384)", "False", "False"]
