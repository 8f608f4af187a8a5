"""A local stand-in for the X API v2 on pytest-httpserver: replays canned answers, records every request.

Answers are routed by path and ``next_token``; each route holds a queue of
answers, used in turn, the last one repeating. A request without the good
bearer token gets X's 401 answer.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from werkzeug import Request, Response

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


def _respond(fake: FakeX, request: Request) -> Response:
    from werkzeug import Response

    answer = fake.answer(request.path, dict(request.args), request.headers.get("Authorization"))
    return Response(
        json.dumps(answer.body), status=answer.status, headers=answer.headers, content_type="application/json"
    )


@contextmanager
def serve() -> Iterator[FakeX]:
    """Run a FakeX (on pytest-httpserver) on 127.0.0.1, on a free port, until the block ends."""
    from pytest_httpserver import HTTPServer

    fake = FakeX()
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.expect_request(re.compile(".*")).respond_with_handler(lambda request: _respond(fake, request))
    server.start()
    fake.base_url = server.url_for("/2")
    try:
        yield fake
    finally:
        server.clear()
        server.stop()
