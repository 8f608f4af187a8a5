"""The on-disk cache of raw source responses.

Each entry is one file: a header line carrying the body's length and sha256,
then the body exactly as the source sent it. Entries are written to a
temporary file and renamed into place, so a crash never leaves half an entry;
an entry whose body does not match its header is reported as corrupt, deleted,
and treated as a miss, so the caller refetches it instead of trusting it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

_MAGIC = b"threadscope-cache/1"
_KEY = re.compile(r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")


def default_data_dir() -> Path:
    """``THREADSCOPE_DATA_DIR`` when set, else ``data/`` under the working directory."""
    return Path(os.environ.get("THREADSCOPE_DATA_DIR") or "data")


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Cache:
    """Raw responses under ``root``, addressed by a relative key like ``hn/items/17.json``."""

    def __init__(self, root: Path | str | None = None) -> None:
        self.root = Path(root) if root is not None else default_data_dir()

    def path(self, key: str) -> Path:
        """Where the entry for ``key`` lives; keys cannot leave the cache folder."""
        if not _KEY.match(key) or any(part in {".", ".."} for part in key.split("/")):
            raise ValueError(f"invalid cache key {key!r}")
        return self.root / key

    def read(self, key: str) -> bytes | None:
        """The cached body for ``key``, or ``None`` when absent or corrupt."""
        path = self.path(key)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        header, _, body = raw.partition(b"\n")
        fields = header.split(b" ")
        expected = {b"length=" + str(len(body)).encode(), b"sha256=" + _digest(body)}
        if fields[:1] != [_MAGIC] or set(fields[1:]) != expected:
            log.warning("cache entry %s is corrupt; it will be fetched again", path)
            path.unlink(missing_ok=True)
            return None
        return body

    def write(self, key: str, body: bytes) -> Path:
        """Store ``body`` for ``key`` atomically and return its path."""
        path = self.path(key)
        header = b" ".join([_MAGIC, b"length=" + str(len(body)).encode(), b"sha256=" + _digest(body)])
        atomic_write(path, header + b"\n" + body)
        return path


def _digest(body: bytes) -> bytes:
    return hashlib.sha256(body).hexdigest().encode()
