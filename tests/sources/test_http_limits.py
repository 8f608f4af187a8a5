"""Hostile servers on 127.0.0.1: dripping, silent, a gzip bomb, the wrong item.

Each fetch ends in bounded time and memory, and caches nothing it should not.
"""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import pytest
import requests
import urllib3

from tests.conftest import LocalServer, Reply, shared_file
from threadscope.cache import Cache
from threadscope.errors import FetchError
from threadscope.sources import untrusted
from threadscope.sources.hn import HackerNews
from threadscope.sources.http import HttpClient, _describe_connection_error


def client(deadline: float = 2.0) -> HttpClient:
    return HttpClient(timeout=(1.0, 1.0), retries=3, backoff=0.05, deadline=deadline)


def test_a_dripping_server_is_given_up_on_at_the_deadline(local_server: LocalServer) -> None:
    # One byte every 0.2 s never trips the 1 s read timeout; only the overall deadline stops it.
    local_server.recorder.add("/items/1", Reply(body=b'{"id": 1, "text": "' + b"x" * 200 + b'"}', drip=0.2))
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"gave up after 2 s, the most one fetch may take"):
        client(deadline=2.0).get_json(f"{local_server.url}/items/1", what="the HN API")
    assert time.monotonic() - started < 4.0


def test_a_silent_server_is_given_up_on_at_the_deadline(local_server: LocalServer) -> None:
    local_server.recorder.add("/items/1", Reply(body=b'{"id": 1}', delay=30))
    started = time.monotonic()
    with pytest.raises(FetchError, match="did not answer"):
        client(deadline=2.5).get_json(f"{local_server.url}/items/1", what="the HN API")
    assert time.monotonic() - started < 4.5


def test_a_gzip_bomb_is_cut_off_at_the_size_cap(local_server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(untrusted, "MAX_BYTES", 4 * 2**20)
    bomb = gzip.compress(b'{"id": 1, "text": "' + b"0" * (64 * 2**20) + b'"}', compresslevel=9)
    assert len(bomb) < 2**20  # a small body that inflates 64 MiB
    local_server.recorder.add("/items/1", Reply(body=bomb, headers={"Content-Encoding": "gzip"}))
    with pytest.raises(FetchError, match=r"sent more than 4 MiB \(after decompression\)"):
        client(deadline=10.0).get_json(f"{local_server.url}/items/1", what="the HN API")


def test_a_gzip_body_within_the_cap_is_read(local_server: LocalServer) -> None:
    body = shared_file("hn/items/27145911.json").read_bytes()
    local_server.recorder.add("/items/27145911", Reply(body=gzip.compress(body), headers={"Content-Encoding": "gzip"}))
    resp = client().get_json(f"{local_server.url}/items/27145911", what="the HN API")
    assert resp.body == body and resp.data["id"] == 27145911


def test_an_answer_for_another_item_is_not_cached(local_server: LocalServer, tmp_path: Path) -> None:
    local_server.recorder.add("/items/24330326", Reply(body=shared_file("hn/items/27145911.json").read_bytes()))
    cache = Cache(tmp_path)
    source = HackerNews(cache, client(), base_url=local_server.url)
    with pytest.raises(FetchError, match="answered item 24330326 with item 27145911; nothing was cached"):
        source.thread("24330326")
    assert not cache.path("hn/items/24330326.json").exists()
    assert not cache.path("hn/items/27145911.json").exists()


def test_a_cached_entry_holding_another_item_is_refetched(local_server: LocalServer, tmp_path: Path) -> None:
    # An entry written by an older threadscope under the wrong key is not trusted.
    cache = Cache(tmp_path)
    cache.write("hn/items/24330326.json", shared_file("hn/items/27145911.json").read_bytes())
    right = {"id": 24330326, "type": "story", "title": "Deep learning job postings have collapsed", "children": []}
    local_server.recorder.add("/items/24330326", Reply(body=json.dumps(right).encode()))
    thread = HackerNews(cache, client(), base_url=local_server.url).thread("24330326")
    assert thread.id == "24330326" and thread.title == right["title"]
    assert local_server.recorder.count("/items/24330326") == 1


def test_mistyped_fields_in_a_response_are_a_fetch_error_and_not_cached(
    local_server: LocalServer, tmp_path: Path
) -> None:
    bad = {"id": 1, "type": "story", "children": [{"id": 2, "author": ["a", "list"], "text": "hi"}]}
    local_server.recorder.add("/items/1", Reply(body=json.dumps(bad).encode()))
    cache = Cache(tmp_path)
    with pytest.raises(FetchError, match=r"\$\.children\[0\]\.author should be a string or an object, not a list"):
        HackerNews(cache, client(), base_url=local_server.url).thread("1")
    assert not cache.path("hn/items/1.json").exists()


@pytest.mark.parametrize(
    ("error", "said"),
    [
        # the chains requests raises, as it builds them (requests.adapters.HTTPAdapter.send)
        (requests.exceptions.ChunkedEncodingError(), "sent a truncated response"),
        (
            requests.ConnectionError(
                urllib3.exceptions.ProtocolError("Connection broken", urllib3.exceptions.IncompleteRead(10, 20))
            ),
            "sent a truncated response",
        ),
        (
            requests.ConnectionError(
                urllib3.exceptions.MaxRetryError(None, "/", urllib3.exceptions.ReadTimeoutError(None, "/", "timed out"))
            ),
            "did not answer in time",
        ),
        (
            requests.ConnectionError(
                urllib3.exceptions.MaxRetryError(None, "/", ConnectionRefusedError(111, "refused"))
            ),
            "could not connect to",
        ),
        (requests.ConnectionError("Read timed out, said the message"), "could not connect to"),  # types, not text
    ],
)
def test_connection_errors_are_told_apart_by_type(error: requests.RequestException, said: str) -> None:
    assert said in _describe_connection_error(error, "the server")


def test_a_closed_port_is_could_not_connect() -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on once this socket closes
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="could not connect to the server, after 2 tries"):
        HttpClient(timeout=(1.0, 1.0), retries=1, backoff=0.01).get_json(f"http://127.0.0.1:{port}/x")
