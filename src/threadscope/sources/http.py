"""One configured HTTP client for every source.

A ``requests.Session`` with a User-Agent, connect and read timeouts, and
retries with exponential backoff on connection errors, truncated bodies,
429 and 5xx. A ``Retry-After`` (or X's ``x-rate-limit-reset``) is honoured
when it fits in the time budget; past the budget the client gives up with a
clear error instead of hanging. Every response's status is checked.
"""

from __future__ import annotations

import email.utils
import http.client
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from threadscope._version import __version__
from threadscope.errors import FetchError, NotFoundError, RateLimitError
from threadscope.sources import untrusted

if TYPE_CHECKING:
    import requests

# requests (and urllib3) are imported where a request is made: they take 0.1 s, and every
# command imports this module, including those that stop at a bad spec (benchmarks/RESULTS.md).

log = logging.getLogger(__name__)

USER_AGENT = f"threadscope/{__version__} (+https://pypi.org/project/threadscope/)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: The most one fetch may take, retries included: a stalled or dripping server is given up on.
FETCH_DEADLINE_S = 60.0
_CHUNK = 64 * 1024


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
        deadline: the most seconds one ``get_json`` may take, retries and waits included.
        sleep: how to wait; tests may pass a recorder.

    """

    def __init__(
        self,
        *,
        timeout: tuple[float, float] = (5.0, 30.0),
        retries: int = 4,
        backoff: float = 0.5,
        max_wait: float = 60.0,
        deadline: float = FETCH_DEADLINE_S,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        import requests

        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.deadline = deadline
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
        import requests

        waited = 0.0
        problem = ""
        deadline = time.monotonic() + self.deadline
        for attempt in range(self.retries + 1):
            delay = self.backoff * 2**attempt
            left = deadline - time.monotonic()
            timeout = (min(self.timeout[0], left), min(self.timeout[1], left))
            try:
                with self.session.get(url, params=params, headers=headers, timeout=timeout, stream=True) as resp:
                    body = _read_body(resp, deadline, what)
            except _Unfinished as exc:
                problem = str(exc)
            except requests.Timeout:
                problem = f"{what} did not answer within {timeout[1]:g} s"
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
            if time.monotonic() + delay >= deadline:
                raise FetchError(
                    f"{problem}; gave up after {self.deadline:g} s, the most one fetch may take; "
                    "check your connection, or use --offline with a cached thread"
                )
            if attempt == self.retries or waited + delay > self.max_wait:
                break
            log.info("%s; retrying in %.1f s (try %d of %d)", problem, delay, attempt + 2, self.retries + 1)
            self.sleep(delay)
            waited += delay
        raise FetchError(
            f"{problem}, after {attempt + 1} tries; check your connection, or use --offline with a cached thread"
        )


class _Unfinished(Exception):
    """A body that could not be read whole: cut short, too slow, too large or undecodable."""


def _read_body(resp: requests.Response, deadline: float, what: str) -> bytes:
    """The whole body, decompressed, read as it arrives; never past ``deadline`` nor ``MAX_BYTES``.

    Read by hand from urllib3 because requests' ``content`` blocks until the
    body ends (a server dripping a byte every few seconds never trips the
    read timeout) and has no cap on what a small gzip body inflates to.
    """
    import urllib3

    chunks: list[bytes] = []
    size = 0
    try:
        while chunk := resp.raw.read1(_CHUNK, decode_content=True):
            size += len(chunk)
            if size > untrusted.MAX_BYTES:
                raise FetchError(
                    f"{what} sent more than {untrusted.MAX_BYTES // 2**20} MiB (after decompression), "
                    "more than threadscope reads; nothing was cached"
                )
            if time.monotonic() > deadline:
                raise _Unfinished(f"{what} was still sending after {size:,} bytes")
            chunks.append(chunk)
    except (urllib3.exceptions.ReadTimeoutError, TimeoutError):
        raise _Unfinished(f"{what} stopped sending in the middle of its answer") from None
    except (urllib3.exceptions.ProtocolError, urllib3.exceptions.IncompleteRead, ConnectionError):
        raise _Unfinished(f"{what} sent a truncated response") from None
    except urllib3.exceptions.DecodeError:
        raise _Unfinished(f"{what} sent a compressed body that does not decompress") from None
    return b"".join(chunks)


def _parse_json(body: bytes, what: str) -> Any:
    """The body's JSON, checked like any untrusted input (see ``untrusted``)."""
    if body.strip()[:1] not in (b"{", b"["):
        raise FetchError(f"{what} answered with something that is not JSON; nothing was cached, try again later")
    try:
        return untrusted.loads(body, f"{what}'s answer", error=FetchError)
    except FetchError as exc:
        raise FetchError(f"{exc}; nothing was cached, try again later") from None


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


def _describe_connection_error(exc: requests.RequestException, what: str) -> str:
    """What went wrong, by the type of the error requests raised or of the urllib3 error it wraps."""
    import requests
    import urllib3

    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return f"{what} sent a truncated response"
    cause: Any = exc.args[0] if exc.args else None
    cause = getattr(cause, "reason", cause)  # urllib3's MaxRetryError carries the error that ended the tries
    inner = cause.args[-1] if isinstance(cause, urllib3.exceptions.ProtocolError) and cause.args else None
    if isinstance(cause, urllib3.exceptions.IncompleteRead | http.client.IncompleteRead) or isinstance(
        inner, urllib3.exceptions.IncompleteRead | http.client.IncompleteRead
    ):
        return f"{what} sent a truncated response"
    if isinstance(cause, urllib3.exceptions.ReadTimeoutError | TimeoutError):
        return f"{what} did not answer in time"
    return f"could not connect to {what}"
