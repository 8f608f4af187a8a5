"""Shared fixtures: the real data beside the project, and a local HTTP server that replays it."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

#: ../shared/data relative to the project root; never copied into the project.
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def shared_file(relative: str) -> Path:
    """A file of the real data in ../shared/data; the test skips, saying why, when it is absent."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"real data {relative} not found in {SHARED_DATA} (see shared/data/PROVENANCE.md)")
    return path


@pytest.fixture
def shared() -> Callable[[str], Path]:
    """``shared("hn/items/17.json")`` is the path of a real data file."""
    return shared_file


@pytest.fixture
def hn_items_27145911() -> dict[str, Any]:
    """The real 200-comment Algolia items response of HN 27145911."""
    data: dict[str, Any] = json.loads(shared_file("hn/items/27145911.json").read_text())
    return data


@dataclass
class Reply:
    """One scripted answer of the local server."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the body is sent
    truncate: bool = False  # announce the full length, send half, close
    drip: float = 0.0  # seconds between single bytes of the body: a server that never quite stops


@dataclass
class Recorder:
    """What the local server saw and what it will answer next."""

    routes: dict[str, list[Reply]] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def add(self, path: str, *replies: Reply) -> None:
        """Queue replies for a path (query string included or not); the last one repeats."""
        self.routes.setdefault(path, []).extend(replies)

    def next_reply(self, path: str) -> Reply:
        queue = self.routes.get(path) or self.routes.get(path.split("?", 1)[0])
        if not queue:
            return Reply(404, b'{"error":"not found"}')
        return queue.pop(0) if len(queue) > 1 else queue[0]

    def count(self, prefix: str) -> int:
        """How many requests had a path starting with ``prefix``."""
        return sum(1 for path, _ in self.requests if path.startswith(prefix))


@dataclass
class LocalServer:
    """A replaying HTTP server on 127.0.0.1."""

    url: str
    recorder: Recorder


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    """An HTTP server on 127.0.0.1 that answers from a script; stops by itself after the test."""
    recorder = Recorder()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            recorder.requests.append((self.path, dict(self.headers)))
            reply = recorder.next_reply(self.path)
            if reply.delay:
                threading.Event().wait(reply.delay)
            self.send_response(reply.status)
            for key, value in reply.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply.body)))
            if reply.truncate:
                self.send_header("Connection", "close")
            self.end_headers()
            body = reply.body[: len(reply.body) // 2] if reply.truncate else reply.body
            try:
                if reply.drip:
                    for byte in body:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        threading.Event().wait(reply.drip)
                else:
                    self.wfile.write(body)
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass
            if reply.truncate:
                self.close_connection = True

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield LocalServer(f"http://127.0.0.1:{server.server_address[1]}", recorder)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def real_embedder(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The packaged all-MiniLM-L6-v2, loaded once for the session (offline, sha256-checked)."""
    from threadscope.analysis.embed import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(data_dir=tmp_path_factory.mktemp("model-check"))


@dataclass
class LabelledTone:
    """Every tone-rated comment of ../shared/data/labels with its real embedding, and the cache holding them."""

    items: list[Any]
    vectors: Any
    data_dir: Path


@pytest.fixture(scope="session")
def labelled_tone(real_embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> LabelledTone:
    """The readers' tone labels joined to their texts, embedded once by the real model."""
    from training.labels import LabelsMissing, load_tone

    from threadscope.analysis import embed

    try:
        items = load_tone()
    except LabelsMissing as exc:
        pytest.skip(f"tone labels not available: {exc}")
    data_dir = tmp_path_factory.mktemp("labelled")
    with embed.EmbeddingCache(data_dir) as cache:
        vectors = embed.embed_texts([i.text for i in items], real_embedder, cache)
    return LabelledTone(items, vectors, data_dir)
