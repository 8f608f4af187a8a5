"""The words of themes: c-TF-IDF keywords, the short labels made from them, and the comments quoted.

Split from ``themes`` (which groups comments) because naming a group is a
concern of its own: which words are filler on HN, how BERTopic's c-TF-IDF
ranks terms, how a bigram stands in for its words, and how two distinct
terms become a label a reader recognises ("data cleaning / mess").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

#: Share of a theme's comments a term must appear in to be part of its label.
LABEL_COVERAGE = 0.05
#: Keywords kept per theme.
TOP_KEYWORDS = 8

#: Words that carry no topic in HN-style discussion, on top of English stop words.
FILLER_WORDS = frozenset(
    """
    able absolutely actually agree ago ah aren article bit basically case certainly come comment comments
    could couldn did didn didnt does doesn doesnt doing don dont especially etc even exactly example fact
    far feel find getting gets go goes going gone good got great guess hadn hasn haven havent having hes
    hn http https id ill im isn isnt it its itll ive just kind know let like literally ll lot lots make
    makes maybe mean means mine need needs oh ok okay pretty probably quite re read really right said
    say saying says seen sense shes shouldn shouldnt sort stuff sure tell thats theres theyre thing things
    think thought time times totally true try trying use used using ve want wasn wasnt way ways wed
    weren whats won wont www wouldn wouldnt yeah yes youd youll youre youve com org html lol
    hear heard worked work works help consider hand clearly day based given common issue
    seems having happen happens happened thank thanks
    """.split()
)

_URL = re.compile(r"https?://\S+|www\.\S+")
_APOSTROPHE = re.compile(r"['\u2019\u2018`]")
TOKEN = r"(?u)\b[a-zA-Z][a-zA-Z0-9]+\b"
_TOKEN = re.compile(TOKEN)
_WORD = re.compile(r"\w+")
#: Stop words that may join two words into a phrase.
_LINKS = frozenset("of on to for in with at from by a an the".split())
#: Where a phrase ends: punctuation, brackets, quotes, a dash between spaces, a line break
#: (not a slash: "Firefox/Linux", "ML/AI").
_PHRASE_BREAK = re.compile(r"[.,;:!?()\[\]{}\"\u201c\u201d\u2026\n]+|\s[-\u2013\u2014]+\s|--+")


def keywords(docs: list[str], labels: np.ndarray, counter: Any = None) -> dict[int, tuple[list[str], list[str]]]:
    """Per group: its top c-TF-IDF terms, and those of them common enough to name it.

    The unassigned comments count as one more class, so their words do not
    look distinctive of any theme. ``counter``: a scikit-learn vectorizer to
    count terms with instead of ``vectorizer`` (``benchmarks/quality.py``
    names the same themes with the one threadscope used before).
    """
    import scipy.sparse as sp

    groups = sorted({int(x) for x in labels.tolist()})
    if counter is None:
        counter = vectorizer(min_df=2 if len(docs) >= 60 else 1)
    try:
        counts = counter.fit_transform(docs)
    except ValueError:  # nothing but stop words
        return {}
    vocab = counter.get_feature_names_out()
    rows = np.asarray([groups.index(int(x)) for x in labels.tolist()])
    indicator = sp.csr_matrix((np.ones(len(docs)), (rows, np.arange(len(docs)))), shape=(len(groups), len(docs)))
    per_group = (indicator @ counts).tocsr()
    doc_freq = (indicator @ (counts > 0).astype(np.float64)).toarray()
    scores = class_tfidf(per_group)
    out: dict[int, tuple[list[str], list[str]]] = {}
    for row, group in enumerate(groups):
        if group < 0:
            continue
        size = int(np.sum(rows == row))
        ranked = [i for i in np.lexsort((vocab, -scores[row])) if scores[row, i] > 0][:40]
        terms = _distinct_terms([(str(vocab[i]), float(scores[row, i])) for i in ranked])
        # a label must speak for a fair part of the theme, not for two comments
        common = {str(vocab[i]) for i in ranked if doc_freq[row, i] >= max(2, LABEL_COVERAGE * size)}
        out[group] = (terms[:TOP_KEYWORDS], [t for t in terms if t in common])
    return out


def terms(text: str) -> list[str]:
    """The words and phrases of ``text`` that ``keywords`` counts.

    A phrase is two words that stand next to each other in one clause, or
    two joined by one of ``_LINKS`` ("destined to fail", "firefox on linux").
    scikit-learn's ``CountVectorizer`` drops stop words before it pairs words,
    so it counted "destined fail", "client simple" and "linux tested" (from
    "Linux not tested"): a quarter of the phrases the reports showed were
    written nowhere in their threads (``benchmarks/QUALITY.md``). Written out
    because no vectorizer option keeps words' adjacency (RAKE's candidate
    phrases are cut the same way, at stop words and punctuation).
    """
    out: list[str] = []
    for clause in _PHRASE_BREAK.split(clean(text)):
        words = _WORD.findall(clause)
        kept = [_TOKEN.fullmatch(w) is not None and not is_stop_word(w) for w in words]
        out += [w for w, k in zip(words, kept, strict=True) if k]
        out += [f"{a} {b}" for a, b, ka, kb in zip(words, words[1:], kept, kept[1:], strict=False) if ka and kb]
        out += [
            f"{a} {link} {b}"
            for a, link, b, ka, kb in zip(words, words[1:], words[2:], kept, kept[2:], strict=False)
            if ka and kb and link in _LINKS
        ]
    return out


def vectorizer(min_df: int = 1) -> Any:
    """A ``CountVectorizer`` over ``terms``: what themes, guided names and BERTopic's hand-off all count."""
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(analyzer=terms, min_df=min_df)


def class_tfidf(counts: Any) -> np.ndarray:
    """BERTopic's c-TF-IDF of per-class term counts (``ClassTfidfTransformer(reduce_frequent_words=True)``).

    Each class's counts are L1-normalised and square-rooted (damping words
    every class uses), then weighted by ``log(1 + mean words per class /
    term frequency)``. Written out because importing BERTopic for these
    lines costs 7.5 s; ``tests/analysis/test_themes.py`` checks it against
    BERTopic's transformer.
    """
    from sklearn.preprocessing import normalize

    frequency = np.asarray(counts.sum(axis=0)).ravel()
    average = int(counts.sum(axis=1).mean())
    idf = np.log(average / np.where(frequency > 0, frequency, 1) + 1)
    tf = normalize(counts, axis=1, norm="l1", copy=True)
    tf.data = np.sqrt(tf.data)
    return np.asarray(tf.multiply(idf).toarray(), dtype=np.float64)


def _stem(word: str) -> str:
    """A crude stem, enough to tell that "fingerprinting" repeats "fingerprint"."""
    for suffix in ("ing", "ers", "er", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    # "google" and "googles" ("googl"), "cache" and "cached" ("cach")
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def _distinct_terms(ranked: list[tuple[str, float]]) -> list[str]:
    """Terms in score order, a bigram standing in for its words when it scores close to them."""
    chosen: list[str] = []
    covered: set[str] = set()
    # a bigram that repeats its word ("application application", "google googles") names nothing twice
    ranked = [(t, s) for t, s in ranked if len({_stem(w) for w in t.split()}) == len(t.split())]
    bigrams = [(t, s) for t, s in ranked if " " in t]
    for term, score in ranked:
        stems = {_stem(w) for w in term.split()}
        if stems <= covered or term in chosen:
            continue
        pick = term
        if " " not in term:
            pick = next((b for b, bs in bigrams if term in b.split() and bs >= 0.7 * score and b not in chosen), term)
        chosen.append(pick)
        covered.update(_stem(w) for w in pick.split())
    return chosen


def label(candidates: list[str]) -> str:
    """One or two distinct terms, 2-5 words: "data cleaning / mess", "ai winter / buzzword"."""
    parts: list[str] = []
    for term in candidates:
        stems = {_stem(w) for w in term.split()}
        overlap = [p for p in parts if stems & {_stem(w) for w in p.split()}]
        if overlap:
            # "ai" then "ai winter": the bigram replaces the word it contains
            if len(overlap) == 1 and {_stem(w) for w in overlap[0].split()} <= stems:
                parts[parts.index(overlap[0])] = term
            continue
        if sum(len(p.split()) for p in parts) + len(term.split()) > 5:
            continue
        parts.append(term)
        if len(parts) == 2:
            break
    label = " / ".join(parts)
    return (
        label if len(label.split()) >= 2 else (f"{label} comments" if label else "comments with no common topic word")
    )


def representatives(
    vecs: np.ndarray, members: list[int], anchor: np.ndarray | None = None, preferred: Sequence[bool] = ()
) -> list[int]:
    """Up to three members closest to ``anchor`` (default: the theme's centroid); ties go to the members' order.

    Members marked ``preferred`` come first. ``themes`` prefers the members of
    a guided theme that say its words (``uses``): on the seed page, readers put
    6 of the 6 quotes of ``--themes "management, data cleaning, overhype"``
    under their name, against 4 of 6 by closeness alone (``benchmarks/QUALITY.md``).
    """
    if not members:
        return []
    sub = vecs[members]
    if anchor is None:
        centroid = sub.mean(axis=0)
        anchor = centroid / (np.linalg.norm(centroid) or 1.0)
    sims = sub @ anchor
    first = list(preferred) or [False] * len(members)
    ranked = sorted(range(len(members)), key=lambda j: (not first[j], -round(float(sims[j]), 6), members[j]))
    return [members[j] for j in ranked[:3]]


def uses(text: str, terms: Iterable[str]) -> bool:
    """Whether ``text`` says one of ``terms`` (words or ``terms``' phrases), stem for stem ("managers", "manager")."""
    stems = [_stem(w) for w in _WORD.findall(clean(text))]
    said = set(stems) | {" ".join(stems[i : i + n]) for n in (2, 3) for i in range(len(stems) - n + 1)}
    return any(" ".join(_stem(w) for w in term.split()) in said for term in terms)


def content_words(text: str) -> list[str]:
    """The words of ``text`` that are not stop words, as ``keywords`` counts them."""
    return [w for w in _TOKEN.findall(clean(text)) if not is_stop_word(w)]


def clean(text: str) -> str:
    """``text`` lower-cased, without URLs and apostrophes ("don't" counts as "dont", a filler word)."""
    return _APOSTROPHE.sub("", _URL.sub(" ", text)).lower()


@lru_cache(maxsize=1)
def _stop_words_frozen() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | FILLER_WORDS


def is_stop_word(word: str) -> bool:
    """Whether ``word`` is dropped from keywords and labels."""
    return word.lower() in _stop_words_frozen()
