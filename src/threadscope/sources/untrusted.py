"""Untrusted JSON, checked once before any source reads it.

Every JSON a source reads (a saved file, a line of a twarc file, an archive,
an API response, a cached response) goes through ``loads``: it decodes with
bounded size and nesting, then walks the result once and checks the type of
every field a source reads, wherever it appears. Lone surrogates (valid JSON,
invalid text) are replaced with U+FFFD. After this, a source can trust that
``text`` is a string and ``id`` a short id, so no malformed file reaches the
analyses as a crash.

Written by hand because the checks are per field name across six formats,
and what they need besides types (surrogate repair, id shapes, size limits
named in the message) is not what a JSON-schema validator does; its
recursion would also fail on the deep reply trees real threads have.
"""

from __future__ import annotations

import json
import re
from typing import Any

from threadscope.errors import FileFormatError, ThreadscopeError

#: The largest file threadscope reads, and the largest response it accepts.
MAX_BYTES = 256 * 2**20
#: The longest text of one field (a post's text, a title…), in characters.
MAX_TEXT_CHARS = 200_000
#: The longest string id.
MAX_ID_CHARS = 64

_ID_TEXT = re.compile(rf"^[A-Za-z0-9_-]{{1,{MAX_ID_CHARS}}}$")
_SURROGATE = re.compile("[\ud800-\udfff]")

ID, TEXT, INT, LIST, MAP = "an id", "a string", "a whole number", "a list", "an object"
TEXT_OR_MAP = "a string or an object"
#: What each field sources read must be, in any format; ``None`` is always allowed.
FIELDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "id",
            "id_str",
            "parent",
            "parent_id",
            "story_id",
            "author_id",
            "conversation_id",
            "in_reply_to_status_id",
            "in_reply_to_status_id_str",
            "in_reply_to_user_id",
            "in_reply_to_user_id_str",
        ),
        ID,
    ),
    **dict.fromkeys(
        (
            "text",
            "full_text",
            "title",
            "story_title",
            "by",
            "username",
            "screen_name",
            "in_reply_to_screen_name",
            "url",
            "created_at",
            "type",
            "next_token",
            "retrieved_at",
        ),
        TEXT,
    ),
    **dict.fromkeys(
        ("created_at_i", "points", "num_comments", "like_count", "reply_count", "time", "score", "descendants"), INT
    ),
    **dict.fromkeys(("children", "referenced_tweets", "hits", "users", "kids"), LIST),
    **dict.fromkeys(("public_metrics", "note_tweet", "includes", "meta"), MAP),
    "author": TEXT_OR_MAP,  # a name in Algolia's items, the user object in flattened twarc2 lines
    "user": TEXT_OR_MAP,  # the user object of a v1.1 tweet; a name in HackerWeb items (refused by name in ``hn``)
}
#: Objects no source reads, whose fields reuse the names above with other types
#: (Algolia's search highlights, X's entities: `url` there is an object).
OPAQUE = frozenset({"_highlightResult", "_snippetResult", "entities", "extended_entities"})


def loads(raw: str | bytes, where: str, *, error: type[ThreadscopeError] = FileFormatError) -> Any:
    """Decode and check untrusted JSON.

    Args:
        raw: the JSON text.
        where: how to name it in a message (a path, "the HN API").
        error: what to raise: ``FileFormatError`` for files, ``FetchError`` for responses.

    Raises:
        ThreadscopeError: of type ``error``, naming the problem and any limit passed.

    """
    if len(raw) > MAX_BYTES:
        raise error(f"{where} is {len(raw) / 2**20:,.0f} MiB; threadscope reads at most {MAX_BYTES // 2**20} MiB")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        place = f"line {exc.lineno}, column {exc.colno}"
        raise error(f"{where}: truncated or malformed JSON ({place}: {exc.msg})") from None
    except UnicodeDecodeError:
        raise error(f"{where}: not UTF-8 JSON") from None
    except RecursionError:
        raise error(f"{where}: JSON nested too deeply for threadscope (about 1,000 levels at most)") from None
    except ValueError as exc:  # e.g. a number longer than Python's 4,300-digit limit
        raise error(f"{where}: unreadable JSON ({exc})") from None
    return check(data, where, error=error)


def check(data: Any, where: str, *, error: type[ThreadscopeError] = FileFormatError) -> Any:
    """``data`` with every known field's type checked and lone surrogates repaired, in place.

    Iterative, so a deep reply tree cannot exhaust the stack.
    """
    if isinstance(data, str):
        return _text(data, "the document", where, error)
    stack: list[tuple[Any, str]] = [(data, "$")]
    while stack:
        node, path = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in list(items):
            here = f"{path}.{key}" if isinstance(node, dict) else f"{path}[{key}]"
            if key in OPAQUE and isinstance(node, dict):
                continue
            if isinstance(node, dict) and isinstance(key, str) and not key.isascii():
                if _SURROGATE.search(key):
                    raise error(f"{where}: a field name at {path} is not valid text")
            kind = FIELDS.get(key) if isinstance(node, dict) else None
            if kind is not None and value is not None:
                value = _field(value, kind, here, where, error)
            elif isinstance(value, str):
                value = _text(value, here, where, error)
            if isinstance(value, (dict, list)):
                stack.append((value, here))
            node[key] = value
    return data


def _field(value: Any, kind: str, here: str, where: str, error: type[ThreadscopeError]) -> Any:
    ok = {
        ID: _is_id(value),
        TEXT: isinstance(value, str),
        INT: isinstance(value, int) and not isinstance(value, bool),
        LIST: isinstance(value, list),
        MAP: isinstance(value, dict),
        TEXT_OR_MAP: isinstance(value, (str, dict)),
    }[kind]
    if not ok:
        literal = kind == ID and isinstance(value, (str, int)) and not isinstance(value, bool)
        shown = f"{str(value)[:24]!r}" if literal else _kind_of(value)
        raise error(f"{where}: {here} should be {kind}, not {shown}")
    return _text(value, here, where, error) if isinstance(value, str) else value


def _is_id(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return bool(0 <= value < 10**MAX_ID_CHARS)
    return isinstance(value, str) and _ID_TEXT.match(value) is not None


def _text(value: str, here: str, where: str, error: type[ThreadscopeError]) -> str:
    if len(value) > MAX_TEXT_CHARS:
        raise error(
            f"{where}: {here} is {len(value):,} characters; threadscope reads at most {MAX_TEXT_CHARS:,} per field"
        )
    if value.isascii():
        return value
    return _SURROGATE.sub("\ufffd", value)


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "null"
