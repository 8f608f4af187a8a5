"""Two more formats researchers have files in, read through the same ``load_file`` as the others.

- HN items from the official (Firebase) API, as a JSON array or JSON lines:
  checked against the same threads in Algolia's shape (``hn/converted``).
- Twitter API v1.1 tweets, one per line (twarc1, PHEME/RumourEval): checked
  against the reply tree the dataset ships (``structure.json``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import shared_file
from threadscope.errors import FileFormatError, InputError
from threadscope.model import Thread
from threadscope.sources import files

RUMOUREVAL = ["sydneysiege-544329935943237632", "charliehebdo-552805488631758849", "ferguson-500279160795721728"]


def shape(thread: Thread) -> list[tuple[str, str | None, int, str, bool]]:
    return [(p.id, p.parent_id, p.depth, p.text, p.deleted) for p in thread.posts]


@pytest.mark.parametrize("thread_id", ["17338700", "14952787"])
def test_firebase_items_give_the_same_tree_as_algolia(thread_id: str) -> None:
    firebase = files.load_file(shared_file(f"hn/firebase/{thread_id}.json"))
    algolia = files.load_file(shared_file(f"hn/converted/{thread_id}.json"))
    assert (firebase.source, firebase.id, firebase.title) == (algolia.source, algolia.id, algolia.title)
    assert sorted(shape(firebase)) == sorted(shape(algolia))
    assert firebase.posts[1].id == str(
        json.loads(shared_file(f"hn/firebase/{thread_id}.json").read_text())[0]["kids"][0]
    )


def test_firebase_items_as_json_lines(tmp_path: Path) -> None:
    items = json.loads(shared_file("hn/firebase/17338700.json").read_text())
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(json.dumps(i) for i in reversed(items)) + "\n")
    assert shape(files.load_file(path)) == shape(files.load_file(shared_file("hn/firebase/17338700.json")))


def test_firebase_file_with_two_stories_is_refused(tmp_path: Path) -> None:
    items = json.loads(shared_file("hn/firebase/17338700.json").read_text())
    path = tmp_path / "two.json"
    path.write_text(json.dumps([*items, {**items[0], "id": 1}]))
    with pytest.raises(FileFormatError, match="holds 2 stories"):
        files.load_file(path)


def test_a_hackerweb_file_is_refused_by_name() -> None:
    """HackerWeb (node-hnapi) items look like Algolia's but name authors ``user``: the message says which it is."""
    with pytest.raises(FileFormatError, match=r"26312516\.json is not an HN Algolia items response: .*HackerWeb") as e:
        files.load_file(shared_file("hn/hnapi/26312516.json"))
    assert str(e.value).endswith("give the story's id instead (threadscope analyze thread 26312516)")


def test_a_v1_line_whose_user_is_a_name_is_not_a_tweet(tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_text(json.dumps({"id_str": "1", "user": "bob", "text": "hi"}) + "\n")
    with pytest.raises(FileFormatError, match="line 1 is neither an X API v2 response page nor a tweet"):
        files.load_file(path)


def tree_edges(node: dict[str, Any], parent: str) -> set[tuple[str, str]]:
    edges: set[tuple[str, str]] = set()
    for child, below in node.items():
        edges.add((child, parent))
        if isinstance(below, dict):
            edges |= tree_edges(below, child)
    return edges


@pytest.mark.parametrize("name", RUMOUREVAL)
def test_v1_tweets_give_the_datasets_reply_tree(name: str) -> None:
    thread = files.load_file(shared_file(f"twitter/v1/rumoureval/{name}.jsonl"))
    structure = json.loads(shared_file(f"twitter/v1/rumoureval/{name}/structure.json").read_text())
    ((root, below),) = structure.items()
    assert (thread.source, thread.id) == ("x", root)
    ours = {(p.id, p.parent_id) for p in thread.comments}
    theirs = {edge for edge in tree_edges(below, root) if edge[0] in thread}  # tweets the dataset lost are absent
    assert ours == theirs
    addressed = [p for p in thread.comments if p.text.startswith("@")]
    # The handles X puts before a reply are not the author's words ("@a: …", a quote, keeps its handle).
    assert sum(not p.own_text.startswith("@") for p in addressed) >= 0.9 * len(addressed) > 0
    assert thread.root.author and thread.root.created_at is not None


def test_v1_conversation_is_chosen_among_several(tmp_path: Path) -> None:
    lines = [shared_file(f"twitter/v1/rumoureval/{n}.jsonl").read_text().strip() for n in RUMOUREVAL[:2]]
    path = tmp_path / "two.jsonl"
    path.write_text("\n".join(lines) + "\n")
    largest = files.load_file(path)
    assert largest.id == "544329935943237632" and "holds 2 conversations" in largest.notes[0]
    other = files.load_file(path, conversation="552805488631758849")
    assert other.id == "552805488631758849"
    with pytest.raises(InputError, match="no tweet 123 in this file"):
        files.load_file(path, conversation="123")


def test_v1_line_with_a_mistyped_field_names_it(tmp_path: Path) -> None:
    lines = shared_file(f"twitter/v1/rumoureval/{RUMOUREVAL[0]}.jsonl").read_text().splitlines()
    tweet = json.loads(lines[3])
    tweet["in_reply_to_status_id"] = "../../x"
    lines[3] = json.dumps(tweet)
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines))
    with pytest.raises(FileFormatError, match=r"line 4: \$\.in_reply_to_status_id should be an id"):
        files.load_file(path)


@pytest.mark.model
@pytest.mark.parametrize("relative", ["hn/firebase/17338700.json", f"twitter/v1/rumoureval/{RUMOUREVAL[0]}.jsonl"])
def test_the_new_formats_analyse_end_to_end(relative: str, real_embedder: Any, tmp_path: Path) -> None:
    import threadscope

    result = threadscope.analyze(str(shared_file(relative)), embedder=real_embedder, data_dir=tmp_path)
    thread = files.load_file(shared_file(relative))
    assert len(result.results["posts"]) == len(thread.comments)
    assert result.results["themes"] and result.results["sentiment"]["n"] > 50
    written = result.write(tmp_path / "report", {"json", "md"})
    assert {p.name for p in written} >= {"results.json", "comments.csv", "report.md"}
