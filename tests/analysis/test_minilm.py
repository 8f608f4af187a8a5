"""Our MiniLM gives the vectors sentence-transformers gives, on real comments."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import shared_file
from threadscope.analysis.embed import default_model_path
from threadscope.analysis.minilm import MAX_TOKENS, MiniLM, ModelMismatch, WordWeights, check_model
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


def test_layer_vectors_come_from_the_same_pass() -> None:
    texts = real_texts()
    model = MiniLM(default_model_path())
    both = model.encode_layers(texts, (2, 6, 4))
    assert both.shape == (len(texts), 4, 384)
    assert np.abs(both[:, 0] - model.encode(texts)).max() < 1e-6
    assert np.abs(both[:, 2] - both[:, 0]).max() < 1e-6  # after the last layer: the sentence vector itself
    assert np.allclose(np.linalg.norm(both, axis=2), 1.0, atol=1e-5)
    # the middle layers are other vectors, not copies of the last
    assert float(np.mean(np.sum(both[:, 1] * both[:, 0], axis=1))) < 0.9
    with pytest.raises(ValueError, match="numbered 1 to 6"):
        model.encode_layers(texts, (0,))


def test_last_layer_pooled_by_word_weights() -> None:
    texts = [*real_texts(), "Don't PANIC: it's fine.", "1234 5678"]
    model = MiniLM(default_model_path())
    asked: list[str] = []

    def weigh(word: str) -> float:
        asked.append(word)
        return {"panic": 2.0, "fine": 1.0, "great": 3.0, "problem": 1.5}.get(word, 0.0)

    pooled = model.encode_layers(texts, (4,), words=WordWeights("test", weigh))
    assert pooled.shape == (len(texts), 3, 384)
    assert np.abs(pooled[:, :2] - model.encode_layers(texts, (4,))).max() < 1e-6  # the other columns as before
    # words are asked as written, lower-cased, each once per occurrence, punctuation apart
    assert "panic" in asked and "PANIC" not in asked and "don" in asked and ":" in asked
    # a text where no word weighs anything gets the plain mean, the sentence vector
    assert np.abs(pooled[-1, 2] - pooled[-1, 0]).max() < 1e-6
    assert float(pooled[-2, 2] @ pooled[-2, 0]) < 0.95
    assert np.allclose(np.linalg.norm(pooled, axis=2), 1.0, atol=1e-5)
    # only relative weights count, and neither order nor batching changes a vector
    tripled = model.encode_layers(texts[::-1], (), batch_tokens=300, words=WordWeights("x3", lambda w: 3 * weigh(w)))
    assert np.abs(tripled[::-1, 1] - pooled[:, 2]).max() < 1e-5


def test_default_embedder_does_not_import_sentence_transformers(tmp_path: object) -> None:
    code = (
        "import sys; from threadscope.analysis.embed import MiniLMEmbedder as E;"
        f"v = E(data_dir=__import__('pathlib').Path({str(tmp_path)!r})).embed(['hello world']);"
        "print(v.shape, 'sentence_transformers' in sys.modules, 'transformers' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["(1,", "384)", "False", "False"]


@pytest.mark.parametrize(
    ("file", "key", "value"),
    [
        ("config.json", "num_hidden_layers", 12),  # all-MiniLM-L12-v2's depth
        ("config.json", "hidden_act", "relu"),
        ("config.json", "model_type", "roberta"),
        ("1_Pooling/config.json", "pooling_mode_cls_token", True),
        ("sentence_bert_config.json", "max_seq_length", 512),
    ],
)
def test_a_model_of_another_shape_is_refused(tmp_path: Path, file: str, key: str, value: object) -> None:
    folder = _copy_of_the_model(tmp_path)
    settings = json.loads((folder / file).read_text())
    (folder / file).write_text(json.dumps({**settings, key: value}))
    with pytest.raises(ModelMismatch, match=f"{key} = {value!r}"):
        MiniLM(folder)


def test_a_model_without_its_config_is_refused(tmp_path: Path) -> None:
    folder = _copy_of_the_model(tmp_path)
    (folder / "config.json").unlink()
    with pytest.raises(ModelMismatch, match=r"config\.json cannot be read"):
        MiniLM(folder)
    check_model(default_model_path())  # the packaged model itself passes


def _copy_of_the_model(tmp_path: Path) -> Path:
    """The packaged model folder with its configuration copied and its large files linked."""
    folder = tmp_path / "model"
    shutil.copytree(default_model_path(), folder, copy_function=os.symlink)
    for name in ("config.json", "1_Pooling/config.json", "sentence_bert_config.json"):
        (folder / name).unlink()
        shutil.copyfile(default_model_path() / name, folder / name)
    return folder
