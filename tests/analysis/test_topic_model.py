"""threadscope's themes handed to BERTopic: its tools work on them, with the real model on real threads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import shared_file
from tests.fakes import FakeEmbedder
from threadscope import api
from threadscope.analysis import topic_model
from threadscope.analysis.embed import MiniLMEmbedder
from threadscope.errors import InputError
from threadscope.results import Analysis

TRACKING = "hn/items/27145911.json"  # 195 comments: browser tracking
TAKEDOWNS = "hn/converted/17338700.json"  # 244 comments: copyright filters


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One embedding cache for the module: each thread is encoded once."""
    return tmp_path_factory.mktemp("data")


@pytest.mark.model
def test_bertopic_topics_are_the_themes_of_a_real_thread(data_dir: Path, tmp_path: Path) -> None:
    result = api.analyze(str(shared_file(TRACKING)), data_dir=data_dir, offline=True, themes="tracking, popup windows")
    themes = result.bertopic()
    theme_of = {row["id"]: row["theme"] for row in result.results["posts"]}

    # every comment is in the BERTopic topic of its own theme, member for member
    assert len(themes.docs) == sum(t is not None for t in theme_of.values())
    for (key, post_id), topic in zip(themes.keys, themes.topics, strict=True):
        theme = theme_of[post_id]
        assert key == "hn:27145911"
        assert topic == (-1 if theme == -1 else themes.topic_of_theme[theme])
    info = themes.model.get_topic_info().set_index("Topic")
    for theme in result.themes:
        if theme["size"]:
            row = info.loc[themes.topic_of_theme[theme["id"]]]
            assert (row["CustomName"], row["Count"]) == (theme["label"], theme["size"])
    assert [t["label"] for t in result.themes[:2]] == ["tracking", "popup windows"]
    if -1 in themes.topics:
        assert info.loc[-1, "CustomName"] == topic_model.UNASSIGNED

    # BERTopic's own tools on those topics
    reduced = themes.model.reduce_outliers(
        themes.docs, themes.topics, strategy="embeddings", embeddings=themes.embeddings
    )
    assert -1 not in reduced
    assert all(new == old for new, old in zip(reduced, themes.topics, strict=True) if old != -1)
    comment = ["A popup window opens every time the page checks for an installed app."]
    (popup,), _ = themes.model.transform(comment)
    assert popup in info.index and popup != -1

    # saved and loaded with threadscope's embedder, it is the same model
    saved = tmp_path / "model"
    themes.model.save(saved, serialization="safetensors", save_ctfidf=True)
    from bertopic import BERTopic

    loaded = BERTopic.load(str(saved), embedding_model=topic_model.bertopic_backend(MiniLMEmbedder(data_dir=data_dir)))
    assert loaded.custom_labels_ == themes.model.custom_labels_
    assert [tuple(w) for w in loaded.get_topic(0)] == list(themes.model.get_topic(0))
    assert loaded.transform(comment)[0] == [popup]


@pytest.mark.model
def test_topics_per_class_counts_what_compare_counts(data_dir: Path) -> None:
    result = api.compare([str(shared_file(TRACKING)), str(shared_file(TAKEDOWNS))], data_dir=data_dir, offline=True)
    themes = result.bertopic()
    table = themes.topics_per_class()
    assert set(table["Class"]) == {"hn:27145911", "hn:17338700"}
    assert result.results["themes"]
    for theme in result.results["themes"]:
        topic = themes.topic_of_theme[theme["id"]]
        for cell in theme["by_thread"]:
            rows = table[(table["Topic"] == topic) & (table["Class"] == cell["thread"])]
            assert int(rows["Frequency"].sum()) == cell["size"], (theme["label"], cell["thread"])


def test_a_thread_without_themes_says_so(tmp_path: Path) -> None:
    from tests.analysis.test_compare import make_thread

    tiny = api.analyze(
        make_thread("tiny", ["Nice.", "Agreed, this is great."]), embedder=FakeEmbedder(), data_dir=tmp_path
    )
    with pytest.raises(InputError, match="no comment is in a theme"):
        tiny.bertopic()


def test_a_result_made_by_hand_says_what_to_run(tmp_path: Path) -> None:
    from tests.analysis.test_compare import make_thread

    made = api.analyze(make_thread("tiny", ["Nice.", "Agreed."]), embedder=FakeEmbedder(), data_dir=tmp_path)
    by_hand: Any = Analysis(made.thread, made.results)
    with pytest.raises(InputError, match=r"run analyze\(\) or compare\(\)"):
        by_hand.bertopic()
