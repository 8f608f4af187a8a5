"""One configured HTTP client for every source.

A ``requests.Session`` with a User-Agent, connect and read timeouts, and
retries with exponential backoff on connection errors, truncated bodies,
429 and 5xx. A ``Retry-After`` (or X's ``x-rate-limit-reset``) is honoured
when it fits in the time budget; past the budget the client gives up with a
clear error instead of hanging. Every response's status is checked.
"""

from __future__ import annotations

import email.utils
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests

from threadscope import __version__
from threadscope.errors import FetchError, NotFoundError, RateLimitError

log = logging.getLogger(__name__)

USER_AGENT = f"threadscope/{__version__} (+https://pypi.org/project/threadscope/)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class Response:
    """A successful response: the body as sent, and its JSON."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    data: Any


class HttpClient:
    """GETs JSON with timeouts, bounded retries and honest errors.

    Args:
        timeout: connect and read timeouts in seconds.
        retries: how many times a failed request is tried again.
        backoff: first wait between tries, doubled after each.
        max_wait: the most time spent waiting between tries, all told.
        session: a session to use instead of a new one.
        sleep: how to wait; tests may pass a recorder.

    """

    def __init__(
        self,
        *,
        timeout: tuple[float, float] = (5.0, 30.0),
        retries: int = 4,
        backoff: float = 0.5,
        max_wait: float = 60.0,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers["Accept"] = "application/json"
        self.sleep = sleep

    def get_json(
        self,
        url: str,
        *,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        what: str = "the server",
    ) -> Response:
        """GET ``url`` and parse its JSON body.

        Raises:
            NotFoundError: on 404.
            RateLimitError: when 429s outlast the time budget.
            FetchError: on any other failure once retries are spent.

        """
        waited = 0.0
        problem = ""
        for attempt in range(self.retries + 1):
            delay = self.backoff * 2**attempt
            try:
                resp = self.session.get(url, params=params, headers=headers, timeout=self.timeout)
                body = resp.content  # reads the whole body; raises if it is cut short
            except requests.Timeout:
                problem = f"{what} did not answer within {self.timeout[1]:g} s"
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                problem = _describe_connection_error(exc, what)
            except requests.RequestException as exc:
                problem = f"{what} could not be read ({type(exc).__name__})"
            else:
                if resp.status_code == 200:
                    return Response(resp.url, 200, resp.headers, body, _parse_json(body, what))
                if resp.status_code == 404:
                    raise NotFoundError(f"{what} has no such item (404)")
                if resp.status_code not in RETRY_STATUSES:
                    raise FetchError(
                        f"{what} refused the request: HTTP {resp.status_code} {resp.reason}",
                        status=resp.status_code,
                        body=body,
                    )
                problem = f"{what} answered HTTP {resp.status_code} {resp.reason}"
                hinted = _retry_after(resp.headers)
                if hinted is not None:
                    if waited + hinted > self.max_wait:
                        limit = "rate-limited" if resp.status_code == 429 else "unavailable"
                        raise RateLimitError(
                            f"{what} is {limit} for another {hinted:.0f} s, longer than the "
                            f"{self.max_wait:.0f} s threadscope waits; try again later"
                        )
                    delay = hinted
            if attempt == self.retries or waited + delay > self.max_wait:
                break
            log.info("%s; retrying in %.1f s (try %d of %d)", problem, delay, attempt + 2, self.retries + 1)
            self.sleep(delay)
            waited += delay
        raise FetchError(
            f"{problem}, after {attempt + 1} tries; check your connection, or use --offline with a cached thread"
        )


def _parse_json(body: bytes, what: str) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        kind = "truncated or malformed JSON" if body.strip()[:1] in (b"{", b"[") else "something that is not JSON"
        raise FetchError(f"{what} answered with {kind}; nothing was cached, try again later") from None


def _retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait from ``Retry-After`` (seconds or HTTP date) or ``x-rate-limit-reset`` (epoch)."""
    value = headers.get("Retry-After")
    if value:
        if value.strip().isdigit():
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value).timestamp()
        except (TypeError, ValueError):
            return None
        return max(0.0, when - time.time())
    reset = headers.get("x-rate-limit-reset")
    if reset and reset.strip().isdigit():
        return max(0.0, float(reset) - time.time())
    return None


def _describe_connection_error(exc: Exception, what: str) -> str:
    text = str(exc)
    if "IncompleteRead" in text or "ChunkedEncodingError" in type(exc).__name__ or "Response ended prematurely" in text:
        return f"{what} sent a truncated response"
    if "Read timed out" in text:
        return f"{what} did not answer in time"
    return f"could not connect to {what}"
