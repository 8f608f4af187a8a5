"""Malformed and hostile files: each is one clear FileFormatError (or a clean load), never a crash.

The files are built on the fly from the real ones in ../shared/data, then
broken the way a careless tool or a hostile user would break them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import shared_file
from threadscope.errors import FileFormatError, InputError
from threadscope.model import MAX_POSTS, Post, Thread
from threadscope.sources import files, untrusted


def items(children: list[dict[str, Any]], **root: Any) -> dict[str, Any]:
    return {"id": 1, "type": "story", "title": "A story", "author": "pg", "text": None, **root, "children": children}


def save(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (items([{"id": 2, "author": "a", "text": 12345}]), r"\$\.children\[0\]\.text should be a string, not a number"),
        (items([{"id": 2, "author": ["a"], "text": "hi"}]), r"\.author should be a string or an object, not a list"),
        (items([{"id": "../../../evil", "text": "x"}]), r"\.id should be an id, not '\.\./\.\./\.\./evil'"),
        (items([], id="../../reports"), r"\$\.id should be an id"),
        (items([{"id": True, "text": "x"}]), r"\.id should be an id, not true/false"),
        (items([{"id": 2, "text": "x", "children": {"id": 3}}]), r"\.children should be a list, not an object"),
        (items([{"id": 2, "points": "many", "text": "x"}]), r"\.points should be a whole number, not a string"),
        (items([{"id": 2, "created_at": 5, "text": "x"}]), r"\.created_at should be a string, not a number"),
        (items([{"id": 10**70, "text": "x"}]), r"\.id should be an id"),
    ],
)
def test_mistyped_fields_name_the_field(tmp_path: Path, data: dict[str, Any], message: str) -> None:
    path = save(tmp_path, "thread.json", json.dumps(data))
    with pytest.raises(FileFormatError, match=message):
        files.load_file(path)


def test_json_nested_ten_thousand_deep_is_refused(tmp_path: Path) -> None:
    path = save(tmp_path, "deep.json", '{"id": 1, "children": ' + "[" * 10_000 + "]" * 10_000 + "}")
    with pytest.raises(FileFormatError, match="nested too deeply"):
        files.load_file(path)


def test_a_reply_chain_three_hundred_deep_loads(tmp_path: Path) -> None:
    # Deep but legitimate (HN's deepest threads reach about 100): the walks are iterative.
    depth = 300
    opening = "".join(f'{{"id": {i}, "author": "z", "text": "level {i}", "children": [' for i in range(2, depth + 2))
    raw = '{"id": 1, "type": "story", "title": "deep", "children": [' + opening + "]}" * depth + "]}"
    thread = files.load_file(save(tmp_path, "chain.json", raw))
    assert max(p.depth for p in thread.posts) == depth


def test_a_five_thousand_digit_id_is_refused(tmp_path: Path) -> None:
    path = save(tmp_path, "long.json", '{"id": ' + "9" * 5000 + ', "children": []}')
    with pytest.raises(FileFormatError, match="unreadable JSON"):
        files.load_file(path)


def test_lone_surrogates_become_replacement_characters(tmp_path: Path) -> None:
    raw = json.dumps(items([{"id": 2, "author": "a\ud800b", "text": "bad \udc00 text"}]), ensure_ascii=True)
    assert "\\ud800" in raw
    thread = files.load_file(save(tmp_path, "surrogates.json", raw))
    comment = thread.comments[0]
    assert comment.author == "a\ufffdb" and comment.text == "bad \ufffd text"
    comment.text.encode("utf-8")  # would raise on a lone surrogate


def test_a_field_longer_than_the_limit_names_it(tmp_path: Path) -> None:
    text = "x" * (untrusted.MAX_TEXT_CHARS + 1)
    path = save(tmp_path, "long-text.json", json.dumps(items([{"id": 2, "text": text}])))
    with pytest.raises(FileFormatError, match=r"\.text is 200,001 characters; threadscope reads at most 200,000"):
        files.load_file(path)


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(untrusted, "MAX_BYTES", 2**20)
    path = save(tmp_path, "pasted.txt", "a comment\n\n" * 200_000)
    with pytest.raises(FileFormatError, match=r"pasted.txt is 2 MiB; threadscope reads files of at most 1 MiB"):
        files.load_file(path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.update(full_text=["not", "text"]), r"full_text should be a string, not a list"),
        (lambda t: t.update(id_str="1/../../x"), r"id_str should be an id"),
        (lambda t: t.update(in_reply_to_status_id_str=12.5), r"in_reply_to_status_id_str should be an id"),
        (lambda t: t.update(created_at={"when": "now"}), r"created_at should be a string, not an object"),
    ],
)
def test_malformed_archive_fields_name_the_field(tmp_path: Path, change: Any, message: str) -> None:
    text = shared_file("twitter/archive/tweets.js").read_text(encoding="utf-8")
    prefix, _, body = text.partition("=")
    entries = json.loads(body.strip().rstrip(";"))
    change(entries[0]["tweet"])
    path = save(tmp_path, "tweets.js", f"{prefix}= {json.dumps(entries)}")
    with pytest.raises(FileFormatError, match=message):
        files.load_file(path)


def test_a_twarc_line_with_a_mistyped_field_names_its_line(tmp_path: Path) -> None:
    lines = shared_file("twitter/twarc2/noflat.jsonl").read_text(encoding="utf-8").splitlines()
    page = json.loads(lines[0])
    page["data"][0]["conversation_id"] = {"id": "1"}
    lines[0] = json.dumps(page)
    path = save(tmp_path, "conversation.jsonl", "\n".join(lines))
    with pytest.raises(FileFormatError, match=r"line 1: \$\.data\[0\]\.conversation_id should be an id"):
        files.load_file(path)


def _story_row(page: str) -> str:
    match = re.search(r'<tr class="athing(?: submission)?" id="(\d+)">.*?</tr>', page, re.S)
    assert match, "the saved page has a story row"
    return match.group(0)


def test_a_saved_front_page_is_refused(tmp_path: Path) -> None:
    page = shared_file("hn/html/48350598.html").read_text(encoding="utf-8")
    row = _story_row(page)
    listing = "<html><body><table>" + "".join(row.replace("48350598", str(48350598 + i)) for i in range(30))
    path = save(tmp_path, "front.html", listing + "</table></body></html>")
    with pytest.raises(FileFormatError, match="lists 30 stories .* not one discussion"):
        files.load_file(path)


def test_a_page_row_with_a_path_for_an_id_is_refused(tmp_path: Path) -> None:
    page = shared_file("hn/html/48350598.html").read_text(encoding="utf-8")
    path = save(tmp_path, "item.html", page.replace('id="48350598"', 'id="../../evil"', 1))
    with pytest.raises(FileFormatError, match=r"invalid id '\.\./\.\./evil'"):
        files.load_file(path)


def test_repeated_comment_ids_are_noted(tmp_path: Path) -> None:
    twice = [{"id": 2, "author": "a", "text": "first"}, {"id": 2, "author": "b", "text": "again"}]
    thread = files.load_file(save(tmp_path, "twice.json", json.dumps(items(twice))))
    assert [p.text for p in thread.comments] == ["first"]
    assert any("1 post repeating an earlier post's id was dropped" in note for note in thread.notes)


def test_thread_build_refuses_unsafe_ids_and_too_many_posts() -> None:
    with pytest.raises(InputError, match="invalid id"):
        Thread.build(source="text", id="../x", root=Post(id="../x", parent_id=None), replies=[])
    with pytest.raises(InputError, match="invalid id"):
        Thread.build(source="hn", id="1", root=Post(id="1", parent_id=None), replies=[Post(id="a/b", parent_id="1")])
    many = (Post(id=str(i), parent_id="0") for i in range(1, MAX_POSTS + 2))
    with pytest.raises(InputError, match=f"more than {MAX_POSTS:,} posts"):
        Thread.build(source="hn", id="0", root=Post(id="0", parent_id=None), replies=many)


def test_the_real_files_still_load() -> None:
    for relative in ("hn/items/27145911.json", "hn/html/48350598.html", "twitter/archive/tweets.js"):
        thread = files.load_file(shared_file(relative))
        assert len(thread.comments) > 0, relative
