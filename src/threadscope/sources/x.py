"""X (Twitter) conversations through the X API v2. (Being written: see issue 6.)"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from threadscope.cache import Cache
from threadscope.errors import SpecError
from threadscope.model import Thread

_ID = re.compile(r"^[1-9][0-9]{0,19}$")


def parse_spec(spec: str) -> str | None:
    """The tweet id in an X spec (``x:<id>``, an x.com or twitter.com status URL), ``None`` if not X."""
    if spec.lower().startswith("x:"):
        value = spec[2:].strip()
    else:
        parsed = urlparse(spec)
        host = (parsed.hostname or "").removeprefix("www.").removeprefix("mobile.")
        if parsed.scheme not in {"http", "https"} or host not in {"x.com", "twitter.com"}:
            return None
        match = re.match(r"^/[^/]+/status(?:es)?/([^/?#]+)", parsed.path)
        if not match:
            raise SpecError(f"{spec!r} is an X link without a status id; give a link like https://x.com/<user>/status/<id>")
        value = match.group(1)
    if not _ID.match(value):
        raise SpecError(f"{spec!r} is not a valid tweet id: ids are positive whole numbers")
    return value


def load(tweet_id: str, options: object, cache: Cache) -> Thread:
    """Fetch a conversation (not yet available)."""
    raise SpecError("X conversations are not supported yet")
