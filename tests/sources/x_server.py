"""A local stand-in for the X API v2: replays canned answers, records every request.

Answers are routed by path and ``next_token``; each route holds a queue of
answers, used in turn, the last one repeating. A request without the good
bearer token gets X's 401 answer.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

GOOD_TOKEN = "AAAAtest-bearer-token-7f3c2e91-not-real"
UNAUTHORIZED = {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}


@dataclass
class Answer:
    """One canned HTTP answer."""

    body: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Request:
    """What the client sent."""

    path: str
    params: dict[str, str]
    authorization: str | None


class FakeX:
    """Routes and the requests seen; ``base_url`` is set once the server runs."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str | None], list[Answer]] = {}
        self.requests: list[Request] = []
        self.base_url = ""
        self._lock = threading.Lock()

    def route(self, path: str, *answers: Answer, next_token: str | None = None) -> None:
        """Answer GET ``/2<path>`` (with this ``next_token``) with ``answers`` in turn."""
        self.routes[("/2" + path, next_token)] = list(answers)

    def answer(self, path: str, params: dict[str, str], authorization: str | None) -> Answer:
        with self._lock:
            self.requests.append(Request(path, params, authorization))
            if authorization != f"Bearer {GOOD_TOKEN}":
                return Answer(UNAUTHORIZED, 401)
            queue = self.routes.get((path, params.get("next_token")))
            if not queue:
                return Answer({"title": "Not Found Error", "detail": f"no route for {path}"}, 404)
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def seen(self, path: str) -> list[Request]:
        """The requests made to ``/2<path>``."""
        return [r for r in self.requests if r.path == "/2" + path]


def _handler(fake: FakeX) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            url = urlsplit(self.path)
            answer = fake.answer(url.path, dict(parse_qsl(url.query)), self.headers.get("Authorization"))
            body = json.dumps(answer.body).encode()
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

    return Handler


@contextmanager
def serve() -> Iterator[FakeX]:
    """Run a FakeX on 127.0.0.1, on a free port, until the block ends."""
    fake = FakeX()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    fake.base_url = f"http://127.0.0.1:{server.server_port}/2"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
