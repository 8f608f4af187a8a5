"""The raw-response cache: atomic, checked, never trusted when corrupt."""

from __future__ import annotations

from pathlib import Path

import pytest

from threadscope.cache import Cache, default_data_dir


def test_round_trip(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.write("hn/items/1.json", b'{"id": 1}')
    assert cache.read("hn/items/1.json") == b'{"id": 1}'
    assert cache.read("hn/items/2.json") is None
    assert not list(tmp_path.rglob("*.tmp"))


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[:-3],  # truncated body
        lambda raw: raw.replace(b'"id"', b'"ID"'),  # altered body, same length
        lambda raw: b"garbage",  # no header
        lambda raw: b"",  # empty file
    ],
)
def test_corrupt_entry_is_a_miss_and_removed(tmp_path: Path, damage: object) -> None:
    cache = Cache(tmp_path)
    path = cache.write("hn/items/1.json", b'{"id": 1, "children": []}')
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    assert cache.read("hn/items/1.json") is None
    assert not path.exists()


@pytest.mark.parametrize("key", ["../x", "/etc/passwd", "a/../../b", "a b", ""])
def test_keys_cannot_escape(tmp_path: Path, key: str) -> None:
    with pytest.raises(ValueError):
        Cache(tmp_path).path(key)


def test_default_dir_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("THREADSCOPE_DATA_DIR", str(tmp_path))
    assert default_data_dir() == tmp_path
    monkeypatch.delenv("THREADSCOPE_DATA_DIR")
    assert default_data_dir() == Path("data")
