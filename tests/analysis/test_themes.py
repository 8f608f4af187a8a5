from __future__ import annotations

import dataclasses
import json
import random
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.fakes import FakeEmbedder
from threadscope.analysis import guided, theme_words, tone
from threadscope.analysis.embed import EmbeddingCache, MiniLMEmbedder, embed_texts
from threadscope.analysis.theme_words import is_stop_word
from threadscope.analysis.themes import ThemeResult, context_parents, find_themes

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
SEED = DATA / "seed" / "24330326.page.txt"
HN = DATA / "hn" / "items" / "27145911.json"

TOPICS = {
    "cats": "cat kitten purr whiskers litter meow feline",
    "markets": "stock bond yield inflation market investor shares",
    "rockets": "rocket launch orbit booster engine payload spacex",
}


def synthetic(n_per_topic: int) -> tuple[list[str], list[str]]:
    """Comments built from each topic's words: k-means should find the topics."""
    rng = random.Random(7)
    ids, texts = [], []
    for name, words in TOPICS.items():
        vocab = words.split()
        for i in range(n_per_topic):
            ids.append(f"{name}-{i}")
            texts.append(" ".join(rng.sample(vocab, 4)) + f" and some {rng.choice(['more', 'other'])} words")
    return ids, texts


def fake(ids: list[str], texts: list[str], **kw: Any) -> ThemeResult[str]:
    return find_themes(ids, texts, FakeEmbedder().embed(texts), **kw)


def check_shape(result: ThemeResult[str], ids: list[str]) -> None:
    assert set(result.assignment) == set(ids)
    assert [t.id for t in result.themes] == list(range(len(result.themes)))
    known = {t.id for t in result.themes} | {-1}
    assert set(result.assignment.values()) <= known
    for theme in result.themes:
        assert theme.size == sum(1 for v in result.assignment.values() if v == theme.id)
        assert all(result.assignment[r] == theme.id for r in theme.representative_ids)
    json.dumps([dataclasses.asdict(t) for t in result.themes])  # results.json carries them as they are


# ---------------------------------------------------------------- plumbing, fake embedder


@pytest.mark.parametrize("n", [0, 1, 5])
def test_tiny_threads_are_too_small(n: int) -> None:
    ids, texts = [str(i) for i in range(n)], [f"comment number {i}" for i in range(n)]
    result = find_themes(ids, texts, FakeEmbedder().embed(texts) if n else np.zeros((0, 64)))
    assert result.method == "too_small"
    assert result.themes == []
    assert result.note is not None and (f"Only {n} comment" in result.note or n == 0)
    assert all(v == -1 for v in result.assignment.values())
    check_shape(result, ids)


def test_thirty_comments_find_the_three_topics() -> None:
    ids, texts = synthetic(10)
    result = fake(ids, texts)
    assert result.method == "embedding_clusters"
    check_shape(result, ids)
    assert 2 <= len(result.themes) <= 4
    for topic in TOPICS:
        members = [result.assignment[i] for i in ids if i.startswith(topic)]
        top = max(set(members), key=members.count)
        assert top != -1 and members.count(top) >= 7, (topic, members)
    for theme in result.themes:
        assert 2 <= len(theme.label.split()) <= 5
        assert theme.keywords and len(theme.keywords) <= 8


def test_order_of_comments_does_not_matter() -> None:
    ids, texts = synthetic(10)
    base = fake(ids, texts)
    pairs = list(zip(ids, texts, strict=True))
    random.Random(1).shuffle(pairs)
    shuffled = fake([p[0] for p in pairs], [p[1] for p in pairs])
    assert shuffled == base


def test_labels_repeat_no_word() -> None:
    ranked = [("application application", 0.9), ("googles", 0.8), ("google", 0.7), ("skype", 0.6)]
    terms = theme_words._distinct_terms(ranked)
    assert terms == ["googles", "skype"]
    assert theme_words.label(terms) == "googles / skype"


def test_phrases_are_words_that_stand_together() -> None:
    terms = theme_words.terms(
        "Clients pay for a PhD; we delivered the client a simple, yet effective data-cleaning fix."
    )
    assert {"data cleaning", "cleaning fix", "clients pay", "phd", "simple"} <= set(terms)
    assert "client simple" not in terms  # "client a simple": a stop word stood between them
    assert "phd delivered" not in terms  # a clause ended between them
    assert not any(is_stop_word(t.split()[0]) or is_stop_word(t.split()[-1]) for t in terms)
    assert max(len(t.split()) for t in terms) == 3  # "client a simple": one link word at most
    assert theme_words.terms("It is destined to fail -- as ever.") == ["destined", "fail", "destined to fail"]
    assert "firefox on linux" in theme_words.terms("Tested: Firefox on Linux/Chrome")
    assert "linux chrome" in theme_words.terms("Tested: Firefox on Linux/Chrome")  # a slash joins
    assert theme_words.terms("Visit https://example.com/data-cleaning") == ["visit"]  # no words of a link


def test_a_comment_uses_a_term_stem_for_stem() -> None:
    assert theme_words.uses("Our managers never listen.", ["manager"])
    assert theme_words.uses("It was all hype.", ["overhype", "hype"])
    assert not theme_words.uses('"Overfitting" is well known.', ["overhype", "hype", "oversold"])  # no prefix match
    assert theme_words.uses("Most of the job is data-cleaning, sadly.", ["data cleaning"])
    assert not theme_words.uses("The data needs no cleaning.", ["data cleaning"])  # a phrase, not its words apart
    assert not theme_words.uses("anything at all", [])
    assert theme_words.uses("It was destined to fail.", ["destined to fail"])  # a phrase with its link word
    assert theme_words.content_words("Simple models beat deep learning") == "simple models beat deep learning".split()
    assert theme_words.content_words("job market and the chart") == ["job", "market", "chart"]


def test_preferred_members_are_quoted_first() -> None:
    vecs = np.eye(4, dtype=np.float32)[[0, 0, 1, 2]] + np.float32(0.01)
    anchor = np.eye(4, dtype=np.float32)[0]
    assert theme_words.representatives(vecs, [0, 1, 2, 3], anchor) == [0, 1, 2]  # closest first, ties by order
    assert theme_words.representatives(vecs, [0, 1, 2, 3], anchor, [False, False, False, True]) == [3, 0, 1]
    assert theme_words.representatives(vecs, [], anchor) == []


def test_clear_topics_are_stable_and_noise_is_not() -> None:
    ids, texts = synthetic(15)
    clear = fake(ids, texts)
    assert clear.themes and all(t.stability is not None and t.stability >= 0.75 for t in clear.themes), clear.themes
    assert not any(t.unstable for t in clear.themes)
    # 60 points spread evenly over a 64-dimensional sphere: k-means still cuts them into groups, none of them real
    rng = np.random.default_rng(5)
    noise = rng.normal(size=(60, 64)).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    noise_ids = [f"n{i}" for i in range(60)]
    found = find_themes(noise_ids, [f"text {i}" for i in range(60)], noise)
    assert found.themes and sum(t.unstable for t in found.themes) > len(found.themes) / 2, found.themes
    skipped = find_themes(ids, texts, FakeEmbedder().embed(texts), resamples=0)
    assert all(t.stability is None and not t.unstable for t in skipped.themes)
    assert [t.label for t in skipped.themes] == [t.label for t in clear.themes]  # resampling changes no theme


def test_guided_theme_takes_matching_comments() -> None:
    ids, texts = synthetic(10)
    name = "rocket launch orbit booster"
    result = fake(ids, texts, guided=[name], guided_embeddings=FakeEmbedder().embed([name]))
    check_shape(result, ids)
    guided = result.themes[0]
    assert guided.guided and guided.label == name and guided.id == 0
    members = [i for i, t in result.assignment.items() if t == 0]
    assert members and all(i.startswith("rockets") for i in members)
    assert any(not t.guided for t in result.themes)  # the rest is still clustered
    assert result.params["guided_coherence"] != result.params["coherence"]  # both steps' settings are recorded


def test_a_second_view_decides_what_the_first_left_short() -> None:
    """Rows 3-5 fall short of the name in the first view; in the second they look like its members."""
    from threadscope.analysis import guided

    sims = np.zeros((30, 1))
    sims[:3, 0], sims[3:6, 0] = 1.0, 0.3
    first = guided.members(sims, [None] * 30)
    assert first[:3].tolist() == [0, 0, 0] and (first[3:] == -1).all()
    view = np.tile(np.eye(4)[3], (30, 1))
    view[:6] = np.eye(4)[0]
    view[6:] = np.eye(4)[1 + np.arange(24) % 3]
    refined = guided.refine(sims, first, view, [None] * 30, np.array([True]))
    assert refined[:6].tolist() == [0] * 6 and (refined[6:] == -1).all()
    unmatched = guided.refine(sims, first, view, [None] * 30, np.array([False]))
    assert (unmatched == -1).all()  # a name that matched nothing still gets none


def test_guided_themes_take_a_second_view_of_the_comments_when_given_one() -> None:
    ids, texts = synthetic(10)
    name = "rocket launch orbit booster"
    vectors = FakeEmbedder().embed(texts)
    args = {"guided": [name], "guided_embeddings": FakeEmbedder().embed([name])}
    plain = find_themes(ids, texts, vectors, **args)
    viewed = find_themes(ids, texts, vectors, layer_vectors=vectors + 1.0, **args)
    assert "second_view" in viewed.params and "second_view" not in plain.params
    assert viewed.themes[0].label == name and viewed.themes[0].size > 0
    with pytest.raises(ValueError, match="layer_vectors of shape"):
        find_themes(ids, texts, vectors, layer_vectors=vectors[:-1], **args)


def test_guided_theme_matching_nothing_is_kept_and_noted() -> None:
    ids, texts = synthetic(10)
    result = fake(ids, texts, guided=["zebra"], guided_embeddings=FakeEmbedder().embed(["zebra"]))
    assert result.themes[0].label == "zebra" and result.themes[0].size == 0
    assert result.note and "zebra" in result.note


def test_bad_inputs_raise() -> None:
    ids, texts = synthetic(5)
    vecs = FakeEmbedder().embed(texts)
    with pytest.raises(ValueError):
        find_themes(ids[:-1], texts, vecs)
    with pytest.raises(ValueError):
        find_themes(ids, texts, vecs, guided=["x"])
    with pytest.raises(ValueError):
        find_themes(["a"] * len(texts), texts, vecs)


# ---------------------------------------------------------------- the real model


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if not SEED.exists() or not HN.exists():
        pytest.skip(f"real discussion data not found under {DATA}")
    from threadscope.sources.files import parse_text
    from threadscope.sources.hn import parse_item

    data_dir = tmp_path_factory.mktemp("data")
    embedder = MiniLMEmbedder(data_dir=data_dir)
    cache = EmbeddingCache(data_dir)
    out: dict[str, Any] = {}
    threads = {
        "seed": parse_text(SEED.read_text(), name="24330326.page"),
        "hn": parse_item(json.loads(HN.read_text())),
    }
    for key, thread in threads.items():
        posts = [p for p in thread.comments if p.has_text]
        ids, texts = [p.id for p in posts], [p.own_text for p in posts]
        vectors, pooled = tone.pooled_vectors(texts, embedder, cache)
        out[key] = (ids, texts, vectors)
        out[f"{key} layer"] = tone.layer_vectors(pooled, guided.LAYER)
        out[f"{key} parents"] = context_parents(thread, ids)
    out["embedder"], out["cache"] = embedder, cache
    out["guided"] = ["management", "data cleaning", "overhype"]
    out["guided_vecs"] = embed_texts(out["guided"], embedder, cache)
    out["results"] = {key: find_themes(*out[key]) for key in threads}
    return out


def words_of(result: ThemeResult) -> set[str]:
    return {w for t in result.themes for k in t.keywords for w in k.split()}


@pytest.mark.model
@pytest.mark.parametrize("key", ["seed", "hn"])
def test_real_themes_are_deterministic_and_order_free(real: dict[str, Any], key: str) -> None:
    ids, texts, vecs = real[key]
    base = real["results"][key]
    assert find_themes(ids, texts, vecs) == base
    order = list(range(len(ids)))
    random.Random(3).shuffle(order)
    shuffled = find_themes([ids[i] for i in order], [texts[i] for i in order], vecs[order])
    assert shuffled == base


@pytest.mark.model
def test_real_themes_with_the_reply_tree_are_order_free(real: dict[str, Any]) -> None:
    """Subthread coherence follows each comment's parent, wherever the input puts it."""
    ids, texts, vecs = real["hn"]
    parents = real["hn parents"]
    base = find_themes(ids, texts, vecs, parents=parents, resamples=2)
    assert base != find_themes(ids, texts, vecs, resamples=2)  # the tree is used
    order = list(range(len(ids)))
    random.Random(5).shuffle(order)
    row = {old: new for new, old in enumerate(order)}
    shuffled_parents = [None if parents[i] is None else row[parents[i]] for i in order]
    shuffled = find_themes(
        [ids[i] for i in order], [texts[i] for i in order], vecs[order], parents=shuffled_parents, resamples=2
    )
    assert shuffled == base


@pytest.mark.model
def test_real_guided_themes_with_the_second_view_are_order_free(real: dict[str, Any]) -> None:
    ids, texts, vecs = real["hn"]
    parents, layer = real["hn parents"], real["hn layer"]
    names = ["privacy", "browser bugs"]
    embedder, cache = real["embedder"], real["cache"]
    args = {
        "guided": names,
        "guided_embeddings": embed_texts(names, embedder, cache),
        "embed_terms": lambda words: embed_texts(words, embedder, cache),
        "resamples": 2,
    }
    base = find_themes(ids, texts, vecs, parents=parents, layer_vectors=layer, **args)
    assert "second_view" in base.params and all(t.size for t in base.themes[:2])
    assert base != find_themes(ids, texts, vecs, parents=parents, **args)  # the view is used
    order = list(range(len(ids)))
    random.Random(7).shuffle(order)
    row = {old: new for new, old in enumerate(order)}
    shuffled = find_themes(
        [ids[i] for i in order],
        [texts[i] for i in order],
        vecs[order],
        parents=[None if parents[i] is None else row[parents[i]] for i in order],
        layer_vectors=layer[order],
        **args,
    )
    assert shuffled == base


@pytest.mark.model
@pytest.mark.parametrize("key", ["seed", "hn"])
def test_real_themes_cover_most_comments_with_readable_labels(real: dict[str, Any], key: str) -> None:
    ids = real[key][0]
    result = real["results"][key]
    check_shape(result, ids)
    assert result.method == "embedding_clusters"
    assert 5 <= len(result.themes) <= 16
    assert result.unassigned_share < 0.25  # measured: 0.15 (seed), 0.09 (hn)
    sizes = [t.size for t in result.themes]
    assert sizes == sorted(sizes, reverse=True)
    for theme in result.themes:
        words = re.split(r"[ /]+", theme.label)
        assert 2 <= len(words) <= 5, theme.label
        parts = [p.split() for p in theme.label.split(" / ")]
        assert not any(is_stop_word(p[0]) or is_stop_word(p[-1]) for p in parts), theme.label  # "destined to fail"
        assert len({theme_words._stem(w) for w in words}) == len(words), theme.label  # no "google / googles"
        assert not re.match(r"^\d+_", theme.label)
        assert 2 <= len(theme.representative_ids) <= 3
    # every keyword phrase is written in the thread as it is shown, not pieced together around a stop word
    from benchmarks.quality import written

    said = [theme_words.clean(t) for t in real[key][1]]
    for phrase in {k for t in result.themes for k in t.keywords if " " in k}:
        assert any(written(phrase).search(t) for t in said), phrase


@pytest.mark.model
@pytest.mark.parametrize("key", ["seed", "hn"])
def test_real_themes_carry_a_stability_score(real: dict[str, Any], key: str) -> None:
    """Every theme is scored; resampled with other seeds the scores move little (they are not noise themselves)."""
    ids, texts, vecs = real[key]
    result = real["results"][key]
    scores = [t.stability for t in result.themes]
    assert all(s is not None and 0.0 <= s <= 1.0 for s in scores), scores
    again = [t.stability for t in find_themes(ids, texts, vecs, seed=7).themes]
    assert abs(float(np.mean(scores)) - float(np.mean([s for s in again if s is not None]))) < 0.1


@pytest.mark.model
def test_seed_themes_match_what_the_discussion_is_about(real: dict[str, Any]) -> None:
    words = words_of(real["results"]["seed"])
    expected = {"cleaning", "phd", "winter", "postings", "pandemic", "driven", "nlp", "buzzword", "management", "hype"}
    found = {w for w in words if any(w.startswith(e) for e in expected)}
    assert len({e for e in expected if any(w.startswith(e) for w in found)}) >= 7, sorted(words)


@pytest.mark.model
def test_hn_themes_match_what_the_discussion_is_about(real: dict[str, Any]) -> None:
    words = words_of(real["results"]["hn"])
    expected = {"fingerprint", "popup", "scheme", "tor", "detect", "chromium", "skype", "linux", "installed"}
    assert len({e for e in expected if any(w.startswith(e) for w in words)}) >= 6, sorted(words)


def test_class_tfidf_is_bertopics(shared: Any) -> None:
    """The written-out c-TF-IDF gives what BERTopic's own transformer gives, on real comments."""
    import scipy.sparse as sp
    from bertopic.vectorizers import ClassTfidfTransformer
    from sklearn.feature_extraction.text import CountVectorizer

    from threadscope.analysis.theme_words import class_tfidf
    from threadscope.sources.hn import parse_item

    thread = parse_item(json.loads(shared("hn/items/27145911.json").read_text()))
    texts = [p.own_text for p in thread.comments if p.has_text]
    counts = CountVectorizer().fit_transform(texts)
    groups = sp.csr_matrix((np.ones(len(texts)), (np.arange(len(texts)) % 7, np.arange(len(texts)))))
    per_class = (groups @ counts).tocsr()
    # a copy: BERTopic's transform normalises its input in place
    expected = ClassTfidfTransformer(reduce_frequent_words=True).fit_transform(per_class.copy()).toarray()
    assert np.allclose(class_tfidf(per_class), expected)
