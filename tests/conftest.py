"""Shared fixtures: the real data beside the project, and a local HTTP server that replays it."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from werkzeug import Request, Response

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
    """An HTTP server on 127.0.0.1 (pytest-httpserver) that answers from a script; stops after the test."""
    from pytest_httpserver import HTTPServer

    recorder = Recorder()
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)  # threaded: a stalled answer blocks no other
    server.expect_request(re.compile(".*")).respond_with_handler(lambda request: _answer(recorder, request))
    server.start()
    try:
        yield LocalServer(server.url_for("").rstrip("/"), recorder)
    finally:
        server.clear()
        server.stop()


def _answer(recorder: Recorder, request: Request) -> Response:
    """The next scripted reply for the request's path, delayed, dripped or cut short as scripted."""
    from werkzeug import Response

    path = str(request.environ.get("RAW_URI") or request.full_path.rstrip("?"))
    recorder.requests.append((path, dict(request.headers)))
    reply = recorder.next_reply(path)
    if reply.delay:
        time.sleep(reply.delay)
    body = reply.body[: len(reply.body) // 2] if reply.truncate else reply.body

    def dripped() -> Iterator[bytes]:
        for byte in body:
            yield bytes([byte])
            time.sleep(reply.drip)

    # The announced length is the whole body's, so a truncated reply ends early (the server always closes).
    # The body goes as an iterator: werkzeug would set the length of a bytes body to what is sent.
    headers = {"Content-Type": "application/json", **reply.headers, "Content-Length": str(len(reply.body))}
    chunks = dripped() if reply.drip else iter([body])
    return Response(chunks, status=reply.status, headers=headers, direct_passthrough=True)


@pytest.fixture(scope="session")
def real_embedder(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The packaged all-MiniLM-L6-v2, loaded once for the session (offline, sha256-checked)."""
    from threadscope.analysis.embed import MiniLMEmbedder

    return MiniLMEmbedder(data_dir=tmp_path_factory.mktemp("model-check"))


@dataclass
class LabelledTone:
    """Every tone-rated comment of ../shared/data/labels with its real embedding, and the cache holding them."""

    items: list[Any]
    vectors: Any
    layers: Any
    data_dir: Path


@pytest.fixture(scope="session")
def labelled_tone(real_embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> LabelledTone:
    """The readers' tone labels joined to their texts, embedded once by the real model (with the tone layers)."""
    from training.labels import LabelsMissing, load_tone

    from threadscope.analysis import embed, tone

    try:
        items = load_tone()
    except LabelsMissing as exc:
        pytest.skip(f"tone labels not available: {exc}")
    data_dir = tmp_path_factory.mktemp("labelled")
    with embed.EmbeddingCache(data_dir) as cache:
        vectors, layers = tone.pooled_vectors([i.text for i in items], real_embedder, cache)
    return LabelledTone(items, vectors, layers, data_dir)
