"""Score threadscope's themes and tone against what readers said, next to baselines computed in the same run.

    .venv/bin/python benchmarks/quality.py               # writes benchmarks/QUALITY.md (about 3.5 minutes)
    .venv/bin/python benchmarks/quality.py --out x.md

Labels come from ../shared/data/labels (never copied into the project); the
script stops with a clear message when they are absent.

Themes (every ``*.themes.json``; today the seed page of HN 24330326):
- free macro-F1: each labelled theme matched to its best found theme, F1 over
  the labelled paragraphs (a found theme's share of unlabelled paragraphs is
  not counted against it: readers sorted only what clearly belonged
  somewhere), averaged over the labelled themes;
- guided accuracy: with only the themes' names given (``--themes``), the
  share of the paragraphs readers put under those names that get the right
  name; unassigned: the share of them that get no guided theme; beside
  it the same names without the second view (``guided.refine``), the
  sentence vectors alone;
- queries from the answers: the same guided step with each name's query
  replaced by the centroid of the paragraphs readers put under it (each left
  out of its own), in the sentence view alone and in both views as
  ``guided.refine`` scores, to tell a weak expansion of the names from the
  limit of one query per name and view;
- taught by the answers: the same step fed by a classifier trained on the
  readers' own sorting of the thread (cross-fitted), what MiniLM's vectors
  give when the answers are known, against which the names alone are judged;
- baseline: BERTopic with its defaults (UMAP + HDBSCAN, seeded) on the same
  embeddings, and BERTopic's own zero-shot topic modelling with the same
  names for the guided figures;
- stability: each found theme's stability beside the F1 of the readers'
  theme it matches best;
- label match: the mean cosine between each readers' theme name and the
  label of the found theme that matches it best, for threadscope's labels,
  BERTopic's representation models (c-TF-IDF, KeyBERTInspired,
  MaximalMarginalRelevance) naming the same themes, and BERTopic's defaults;
  the labels of two unlabelled threads (``LABEL_THREADS``) are listed too;
- phrases never said: of the phrases (two words or more) each naming shows
  (labels and top terms), how many occur nowhere in the thread as written,
  on all three threads; the baseline names the same themes as threadscope
  did before, counting words as BERTopic's documentation suggests for
  phrases (stop words dropped, then the words left paired).

Tone (every ``*.tone*.json``; ``benchmarks/quality_tone.py``): leave-one-thread-out
macro-F1, accuracy and Spearman ρ of the tone model (``training/train_tone.py``'s
``fit`` on every other thread) next to VADER; whether the model orders the
threads by mean tone as readers do; how readers rated the comments the report
would quote as most positive and most negative; the issue's three held-out
threads; what ``compare`` says of each pair against readers; and whether a
hostility detector on the same features reaches what a report needs
(precision 0.6 at recall 0.5); and what the same head reaches when it also
learns from most of the thread it scores (``OWN_FOLDS``), to tell too few
labels from too little in the features.
"""

from __future__ import annotations

import argparse
import platform
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make ``training`` importable
    sys.path.insert(0, str(ROOT))

from training.labels import DATA, LabelsMissing, ThemeLabels, load_themes, seed_key  # noqa: E402

from benchmarks.quality_guided import (  # noqa: E402
    TAUGHT_FOLDS,
    guided_scores,
    named_members,
    quotes_agree,
    readers_classifier,
    readers_queries,
)
from benchmarks.quality_tone import OWN_FOLDS, tone_section  # noqa: E402
from threadscope import schema  # noqa: E402
from threadscope.analysis import embed, guided, theme_words, tone, topic_model  # noqa: E402
from threadscope.analysis import themes as theming  # noqa: E402
from threadscope.report.content import QUOTES_PER_THEME  # noqa: E402
from threadscope.sources.files import load_file  # noqa: E402

OUT = ROOT / "benchmarks" / "QUALITY.md"
DATA_DIR = ROOT / "benchmarks" / "out" / "data"
#: The names the project's own example asks for.
EXAMPLE_NAMES = ["management", "data cleaning", "overhype"]
#: Threads without readers' themes whose labels QUALITY.md lists too (under ../shared/data).
LABEL_THREADS = ("hn/items/27145911.json", "hn/converted/26312516.json")
SEED = 42


def f1(found: set[int], truth: set[int]) -> float:
    """F1 of one found group against one labelled group."""
    hit = len(found & truth)
    return 0.0 if hit == 0 else 2 * hit / (len(found) + len(truth))


def free_scores(assignment: Sequence[int], labelled: dict[int, str]) -> dict[str, float]:
    """Per labelled theme, the F1 of its best-matching found theme (over labelled rows only)."""
    groups = found_groups(assignment, labelled)
    return {
        name: max((f1(found, truth) for found in groups.values()), default=0.0)
        for name, truth in readers_groups(labelled).items()
    }


def found_groups(assignment: Sequence[int], labelled: dict[int, str]) -> dict[int, set[int]]:
    """Found theme → its labelled rows (``assignment``: a theme per row, -1 none)."""
    groups: dict[int, set[int]] = {}
    for row, theme in enumerate(assignment):
        if theme >= 0 and row in labelled:
            groups.setdefault(theme, set()).add(row)
    return groups


def readers_groups(labelled: dict[int, str]) -> dict[str, set[int]]:
    """Readers' theme → its rows, by name."""
    return {name: {row for row, n in labelled.items() if n == name} for name in sorted(set(labelled.values()))}


class Case:
    """One labelled thread, embedded once: its texts, vectors, context and readers' themes."""

    def __init__(self, labels: ThemeLabels, embedder: Any, cache: embed.EmbeddingCache) -> None:
        posts = [p for p in labels.thread.comments if p.has_text]
        self.thread = labels.thread
        self.ids = [p.id for p in posts]
        self.texts = [p.own_text for p in posts]
        self.parents = theming.context_parents(labels.thread, self.ids)
        # the sentence vectors, and from the same forward pass the middle layer guided themes refine in
        self.vectors, pooled = tone.pooled_vectors(self.texts, embedder, cache)
        self.layer_view = tone.layer_vectors(pooled, guided.LAYER)
        theme_of = labels.theme_of()  # empty for a thread without readers' themes
        self.labelled = (
            {r: theme_of[seed_key(i)] for r, i in enumerate(self.ids) if seed_key(i) in theme_of} if theme_of else {}
        )
        self.names = list(labels.themes)
        self.embedder = embedder
        self.cache = cache

    def name_vectors(self, names: Sequence[str]) -> np.ndarray:
        return embed.embed_texts(list(names), self.embedder, self.cache)

    def ours(self, guided: Sequence[str] = (), *, second_view: bool = True) -> theming.ThemeResult:
        return theming.find_themes(
            self.ids,
            self.texts,
            self.vectors,
            guided=list(guided) or None,
            guided_embeddings=self.name_vectors(guided) if guided else None,
            parents=self.parents,
            embed_terms=lambda terms: embed.embed_texts(terms, self.embedder, self.cache),
            layer_vectors=self.layer_view if second_view else None,
            seed=SEED,
        )


def bertopic_default(case: Case, names: Sequence[str] = ()) -> tuple[list[int], dict[int, str]]:
    """BERTopic as its quickstart runs it (UMAP + HDBSCAN, seeded), zero-shot when ``names`` are given."""
    from bertopic import BERTopic
    from umap import UMAP

    umap = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=SEED)
    options: dict[str, Any] = {}
    if names:
        options = {"zeroshot_topic_list": list(names), "zeroshot_min_similarity": 0.7}
    model = BERTopic(embedding_model=topic_model.bertopic_backend(case.embedder), umap_model=umap, **options)
    topics, _ = model.fit_transform(case.texts, case.vectors)
    labels = {int(k): str(v) for k, v in model.topic_labels_.items()}  # zero-shot topics carry their name
    return [int(t) for t in topics], labels


def themes_section(cases: list[Case]) -> tuple[list[str], dict[str, Any]]:
    lines: list[str] = []
    figures: dict[str, Any] = {}
    for case in cases:
        title = case.thread.title
        started = time.perf_counter()
        ours = case.ours()
        ours_s = time.perf_counter() - started
        assignment = [ours.assignment[i] for i in case.ids]
        ours_free = free_scores(assignment, case.labelled)
        started = time.perf_counter()
        base_topics, base_labels = bertopic_default(case)
        base_s = time.perf_counter() - started
        base_free = free_scores(base_topics, case.labelled)
        macro_ours, macro_base = float(np.mean(list(ours_free.values()))), float(np.mean(list(base_free.values())))
        figures["free"] = (macro_ours, macro_base)

        lines += [
            f"## Themes: {title}",
            "",
            f"{len(case.ids)} paragraphs with text, {len(case.labelled)} sorted by readers into "
            f"{len(case.names)} themes.",
            "",
            "### Free themes (no names given)",
            "",
            "| labelled theme | readers | threadscope F1 | BERTopic defaults F1 |",
            "|---|---|---|---|",
        ]
        for name in case.names:
            size = sum(n == name for n in case.labelled.values())
            lines.append(f"| {name} | {size} | {ours_free[name]:.2f} | {base_free[name]:.2f} |")
        lines += [
            f"| **macro-F1** | | **{macro_ours:.3f}** | **{macro_base:.3f}** |",
            "",
            f"Unassigned: threadscope {ours.unassigned_share:.0%}, BERTopic defaults "
            f"{np.mean(np.asarray(base_topics) < 0):.0%}. Seconds (themes only, embeddings given): "
            f"threadscope {ours_s:.1f}, BERTopic defaults {base_s:.1f}.",
            "",
            "Labels, threadscope: " + "; ".join(f"*{t.label}* ({t.size})" for t in ours.themes),
            "",
            "Labels, BERTopic defaults: " + "; ".join(f"`{base_labels[t]}`" for t in sorted(base_labels) if t >= 0),
            "",
        ]
        lines += stability_lines(case, ours, figures)
        for names in (EXAMPLE_NAMES, case.names):
            names = [n for n in names if n in case.names]
            lines += guided_lines(case, names, figures)
    return lines, figures


def stability_lines(case: Case, ours: theming.ThemeResult, figures: dict[str, Any]) -> list[str]:
    """Each found theme's stability beside how well it matches its closest readers' theme."""
    members = found_groups([ours.assignment[i] for i in case.ids], case.labelled)
    truth = readers_groups(case.labelled)
    lines = [
        "### Stability of the free themes",
        "",
        f"Each theme found again {theming.RESAMPLES} times without a random {theming.LEAVE_OUT:.0%} of the "
        f"paragraphs (mean Jaccard); below {schema.STABLE_THEME} the report marks it unstable. Beside it, the "
        "readers' theme it matches best (F1 over the sorted paragraphs).",
        "",
        "| found theme | paragraphs | stability | closest readers' theme | F1 |",
        "|---|---|---|---|---|",
    ]
    best_f1: dict[bool, list[float]] = {True: [], False: []}
    for theme in ours.themes:
        score, name = max((f1(members.get(theme.id, set()), rows), name) for name, rows in truth.items())
        best_f1[theme.unstable].append(score)
        mark = " (unstable)" if theme.unstable else ""
        lines.append(f"| {theme.label}{mark} | {theme.size} | {theme.stability:.2f} | {name} | {score:.2f} |")
    stable, unstable = (float(np.mean(best_f1[k])) if best_f1[k] else float("nan") for k in (False, True))
    figures["stability"] = (stable, unstable)
    lines += [
        "",
        f"Mean F1 of the closest readers' theme: stable themes {stable:.2f} ({len(best_f1[False])}), "
        f"unstable themes {unstable:.2f} ({len(best_f1[True])}).",
        "",
    ]
    return lines


def guided_lines(case: Case, names: list[str], figures: dict[str, Any]) -> list[str]:
    ours = case.ours(names)
    got = guided_scores(named_members(case, ours), case.labelled, names)
    alone = guided_scores(named_members(case, case.ours(names, second_view=False)), case.labelled, names)
    figures[f"alone{len(names)}"] = (alone["accuracy"], alone["joined_share"])
    topics, labels = bertopic_default(case, names)
    zero = [labels[t] if labels.get(t) in names else None for t in topics]
    base = guided_scores(zero, case.labelled, names)
    figures[f"guided{len(names)}"] = (got["accuracy"], got["unassigned"], base["accuracy"])
    figures[f"joined{len(names)}"] = got["joined_share"]
    confidence = {t.label: t.confidence for t in ours.themes if t.guided}
    quoted = quotes_agree(case, ours)
    answers = guided_scores(readers_queries(case, names), case.labelled, names)
    both = guided_scores(readers_queries(case, names, second_view=True), case.labelled, names)
    figures[f"answers{len(names)}"] = (both["accuracy"], both["joined_share"], answers["accuracy"])
    taught = guided_scores(readers_classifier(case, names, seed=SEED), case.labelled, names)
    figures[f"taught{len(names)}"] = (taught["accuracy"], taught["joined_share"])
    figures[f"quotes{len(names)}"] = quoted
    lines = [
        f'### Guided themes by name only: `--themes "{", ".join(names)}"`',
        "",
        "| name | readers | threadscope members | threadscope right | members readers put there | confidence "
        "| BERTopic zero-shot right |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in names:
        lines.append(
            f"| {name} | {got['readers'][name]} | {got['sizes'][name]} | {got['per_name'][name]:.2f} | "
            f"{got['precision'][name]:.2f} | {confidence.get(name, 0.0):.2f} | {base['per_name'][name]:.2f} |"
        )
    lines += [
        f"| **all** | {sum(got['readers'].values())} | {sum(got['sizes'].values())} | "
        f"**{got['accuracy']:.3f}** (unassigned {got['unassigned']:.0%}) | {got['precision_all']:.2f} | | "
        f"**{base['accuracy']:.3f}** (unassigned {base['unassigned']:.0%}) |",
        "",
        f"Share of all paragraphs that joined a guided theme: threadscope {got['joined_share']:.0%}, "
        f"zero-shot {base['joined_share']:.0%}. The report quotes each guided theme by up to "
        f"{QUOTES_PER_THEME} members; readers put {quoted[0]} of those {quoted[1]} quotes under the same name.",
        "",
        "Without the second view (`guided.refine`: each name queried again in MiniLM's layer "
        f"{guided.LAYER} by its first members), the sentence vectors alone: right {alone['accuracy']:.3f} "
        f"(unassigned {alone['unassigned']:.0%}), {alone['joined_share']:.0%} of all paragraphs joined, members "
        f"readers put there {alone['precision_all']:.2f}.",
        "",
        "Queries from the answers: the same step (`guided.members`, same threshold and reply-tree "
        "decoding) with each name's query replaced by the centroid of the paragraphs readers put under it, "
        f"each paragraph left out of its own: right {answers['accuracy']:.3f} (unassigned "
        f"{answers['unassigned']:.0%}), {answers['joined_share']:.0%} of all paragraphs joined, members readers "
        f"put there {answers['precision_all']:.2f}. In both views, as `guided.refine` scores (the same centroids "
        f"in layer {guided.LAYER} too): right {both['accuracy']:.3f} (unassigned {both['unassigned']:.0%}), "
        f"{both['joined_share']:.0%} of all paragraphs joined, members readers put there "
        f"{both['precision_all']:.2f}. The names alone, expanded from the thread, are right for "
        f"{got['accuracy']:.3f}: {'more' if got['accuracy'] > both['accuracy'] else 'less'} than one query per "
        "name and view built from the readers' own answers.",
        "",
        f"Taught by the answers: a classifier trained on {TAUGHT_FOLDS - 1}/{TAUGHT_FOLDS} of the readers' "
        "own sorting of this thread (each paragraph scored by the fold that never saw it), its scores decoded "
        f"by the same step: right {taught['accuracy']:.3f} (unassigned {taught['unassigned']:.0%}), "
        f"{taught['joined_share']:.0%} of all paragraphs joined, members readers put there "
        f"{taught['precision_all']:.2f}. What the names alone reach is measured against this: it is what "
        "MiniLM's vectors give when the answers themselves are known.",
        "",
    ]
    return lines


def label_match(case: Case, labels: dict[int, str], assignment: Sequence[int]) -> float:
    """Mean cosine between each readers' theme name and the label of the found theme matching it best (F1)."""
    members = found_groups(assignment, case.labelled)
    sims = []
    for name, rows in readers_groups(case.labelled).items():
        _, best = max((f1(members.get(t, set()), rows), t) for t in sorted(labels))
        sims.append(float(case.name_vectors([labels[best]])[0] @ case.name_vectors([name])[0]))
    return float(np.mean(sims))


#: Words of a theme's naming counted by ``unsaid``: its label's parts and this many top terms.
NAMING_TERMS = 8

#: threadscope's naming before ``theme_words.vectorizer`` (``paired``).
PAIRED = "threadscope before"
#: A theme's naming: its label, and its terms best first.
Naming = tuple[str, list[str]]


def unsaid(case: Case, namings: dict[int, Naming]) -> tuple[int, int]:
    """Of the phrases (two words or more) a naming shows, how many the thread never says as written.

    A phrase is said when its words stand together, in that order, in some
    comment (a hyphen or slash may join them: "data-cleaning", "Chrome/Linux").
    """
    said = [theme_words.clean(t) for t in case.texts]
    phrases = {p for label, terms in namings.values() for p in [*label.split(" / "), *terms[:NAMING_TERMS]] if " " in p}
    patterns = [written(p) for p in sorted(phrases)]
    return sum(not any(pat.search(t) for t in said) for pat in patterns), len(patterns)


def written(phrase: str) -> re.Pattern[str]:
    """Where ``phrase`` stands as written in a ``theme_words.clean`` text: its words in order, a space, hyphen
    or slash between them."""
    return re.compile(r"\b" + r"(?:\s+|-|/)".join(map(re.escape, phrase.split())) + r"\b")


def representations(case: Case, ours: theming.ThemeResult) -> dict[str, dict[int, Naming]]:
    """Threadscope's themes as BERTopic's representation models name them, through its public API.

    ``topic_model.fit`` hands the themes to BERTopic as they are (its manual
    topic modelling, with threadscope's vectorizer and embedder), so only the
    naming differs.
    """
    from bertopic.representation import KeyBERTInspired, MaximalMarginalRelevance

    modelled = topic_model.Modelled(
        keys=[("", i) for i in case.ids],
        texts=case.texts,
        vectors=case.vectors,
        theme_of=[ours.assignment[i] for i in case.ids],
        labels={t.id: t.label for t in ours.themes if t.size},
        embedder=lambda: case.embedder,
    )
    models: dict[str, Any] = {
        "BERTopic c-TF-IDF": None,
        "KeyBERTInspired": KeyBERTInspired(),
        "MaximalMarginalRelevance": MaximalMarginalRelevance(diversity=0.3),
    }
    out = {}
    for name, representation in models.items():
        fitted = topic_model.fit(modelled, representation)
        out[name] = _named(fitted)
    return out


def paired(case: Case, ours: theming.ThemeResult) -> dict[int, Naming]:
    """The same themes named as threadscope did before ``theme_words.vectorizer``.

    Words counted as BERTopic's documentation suggests for phrases
    (``CountVectorizer(stop_words=..., ngram_range=(1, 2))``) with threadscope's
    stop words: the stop words go first, then the words left are paired, so
    "destined to fail" counts as "destined fail".
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    counter = CountVectorizer(
        preprocessor=theme_words.clean,
        stop_words=sorted(ENGLISH_STOP_WORDS | theme_words.FILLER_WORDS),
        token_pattern=theme_words.TOKEN,
        ngram_range=(1, 2),
        min_df=2 if len(case.texts) >= 60 else 1,
    )
    assignment = np.asarray([ours.assignment[i] for i in case.ids])
    named = theme_words.keywords(case.texts, assignment, counter)
    return {theme: (theme_words.label(common), terms) for theme, (terms, common) in named.items()}


def _named(fitted: topic_model.ThemesModel) -> dict[int, Naming]:
    """Each theme's label (the same two-term label threadscope makes from its own keywords) and BERTopic's words."""
    out = {}
    for theme, topic in fitted.topic_of_theme.items():
        words = [w for w, _ in fitted.model.get_topic(topic) or []]
        out[theme] = (theme_words.label(words), words)
    return out


def labels_section(cases: list[Case]) -> tuple[list[str], dict[str, Any]]:
    """Theme labels of three threads, threadscope's beside BERTopic's, and how close they come to readers' names."""
    lines = [
        "## Theme labels",
        "",
        "The labels of the same themes (threadscope's free themes) as threadscope names them and as BERTopic's "
        "representation models do, and BERTopic's defaults' own labels (its own themes). *Label match* (threads "
        "with readers' themes only): the mean cosine, in MiniLM's space, between each readers' theme name and "
        "the label of the found theme that matches it best.",
        "",
    ]
    figures: dict[str, Any] = {"unsaid": {}}
    for case in cases:
        ours = case.ours()
        own = {t.id: (t.label, list(t.keywords)) for t in ours.themes}
        namings = {"threadscope": own, PAIRED: paired(case, ours), **representations(case, ours)}
        named = {name: {theme: label for theme, (label, _) in naming.items()} for name, naming in namings.items()}
        base_topics, base_labels = bertopic_default(case)
        lines += [f"### {case.thread.title}", ""]
        counts = {name: unsaid(case, naming) for name, naming in namings.items()}
        for name, (missing, shown) in counts.items():
            total = figures["unsaid"].setdefault(name, [0, 0])
            total[0] += missing
            total[1] += shown
        lines += [
            f"Phrases shown (labels and top {NAMING_TERMS} terms of each theme) that the thread never says as "
            "written: " + "; ".join(f"{name} {missing} of {shown}" for name, (missing, shown) in counts.items()) + ".",
            "",
        ]
        if case.labelled:
            assignment = [ours.assignment[i] for i in case.ids]
            match = {name: label_match(case, labels, assignment) for name, labels in named.items()}
            match["BERTopic defaults"] = label_match(
                case, {t: s for t, s in base_labels.items() if t >= 0}, base_topics
            )
            figures["label_match"] = match
            lines += [
                "| labels | label match |",
                "|---|---|",
                *(f"| {name} | {value:.3f} |" for name, value in match.items()),
                "",
            ]
        lines += ["| threadscope | " + " | ".join(n for n in named if n != "threadscope") + " |"]
        lines += ["|---" * len(named) + "|"]
        for theme in ours.themes:
            lines.append("| " + " | ".join(labels.get(theme.id, "–") for labels in named.values()) + " |")
        lines += [
            "",
            "BERTopic defaults (its own themes): "
            + "; ".join(f"`{base_labels[t]}`" for t in sorted(base_labels) if t >= 0),
            "",
        ]
    return lines, figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="embedding cache for the labelled texts")
    args = parser.parse_args(argv)
    try:
        labelled = load_themes()
    except LabelsMissing as exc:
        print(f"quality: {exc}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    embedder = embed.MiniLMEmbedder(data_dir=args.data_dir)
    with embed.EmbeddingCache(args.data_dir) as cache:
        cases = [Case(labels, embedder, cache) for labels in labelled]
        theme_lines, theme_figures = themes_section(cases)
        unlabelled = [ThemeLabels(load_file(DATA / path), {}) for path in LABEL_THREADS]
        label_lines, label_figures = labels_section(cases + [Case(labels, embedder, cache) for labels in unlabelled])
        theme_lines += label_lines
    tone_lines, tone_figures = tone_section(args.data_dir)
    free, free_base = theme_figures["free"]
    g3 = theme_figures.get("guided3", (0.0, 0.0, 0.0))
    a3 = theme_figures.get("answers3", (0.0, 0.0, 0.0))
    g3j = theme_figures.get("joined3", 0.0)
    s3, s7 = theme_figures.get("alone3", (0.0, 0.0)), theme_figures.get("alone7", (0.0, 0.0))
    g7, g7j = theme_figures.get("guided7", (0.0, 0.0, 0.0)), theme_figures.get("joined7", 0.0)
    t3 = theme_figures.get("taught3", (0.0, 0.0))
    tone, vader, sentence_only = tone_figures["tone"]
    hostile_low, hostile_high = tone_figures["hostility"]
    most_negative = tone_figures["most_negative"]
    verdicts = {k: f"{sum(v)} named, {v[1]} against readers" for k, v in tone_figures["verdicts"].items()}
    match = label_figures["label_match"]
    unsaid_total = label_figures["unsaid"]
    head = [
        "# Quality against human labels",
        "",
        "Command: `.venv/bin/python benchmarks/quality.py` (from the project root, with `../shared/data` beside it).",
        f"Python {platform.python_version()}; {time.perf_counter() - started:.0f} s. Baselines are computed in "
        "the same run on the same embeddings. How each figure is defined: the docstring of `benchmarks/quality.py`.",
        "",
        "| figure | threadscope | baseline (same run) | goal |",
        "|---|---|---|---|",
        f"| free themes macro-F1, seed page | {free:.3f} | {free_base:.3f} (BERTopic defaults) | ≥ 0.55 |",
        f"| guided accuracy, `management, data cleaning, overhype`, seed page | {g3[0]:.3f} "
        f"(unassigned {g3[1]:.0%}, {g3j:.0%} of paragraphs joined) | {g3[2]:.3f} (BERTopic zero-shot), "
        f"{s3[0]:.3f} ({s3[1]:.0%} joined: threadscope without the second view) | ≥ 0.75, ≤ 35% unassigned |",
        f"| guided accuracy, the readers' 7 names | {g7[0]:.3f} (unassigned {g7[1]:.0%}, {g7j:.0%} joined) "
        f"| {g7[2]:.3f} (BERTopic zero-shot), {s7[0]:.3f} ({s7[1]:.0%} joined: without the second view) | |",
        f"| guided accuracy, same names, each query the centroid of the readers' own paragraphs, in both views "
        f"| {a3[0]:.3f} ({a3[1]:.0%} of paragraphs joined) | {a3[2]:.3f} (sentence view alone) | |",
        f"| guided accuracy, same names, a classifier taught by {TAUGHT_FOLDS - 1}/{TAUGHT_FOLDS} of the readers' "
        f"sorting | {t3[0]:.3f} ({t3[1]:.0%} of paragraphs joined) | | |",
        f"| tone macro-F1, leave-one-thread-out, HN mean | {tone:.3f} | {vader:.3f} (VADER), "
        f"{sentence_only:.3f} (sentence head) | ≥ 0.60 |",
        f"| tone macro-F1, HN mean, the head also trained on {OWN_FOLDS - 1}/{OWN_FOLDS} of each thread "
        f"| {tone_figures['own_thread']:.3f} | | |",
        f"| most negative of the issue's three held-out threads | {most_negative[1]} | {most_negative[2]} (VADER) "
        f"| {most_negative[0]} (readers) |",
        f"| `compare`'s verdicts on 9 pairs of threads | {verdicts['after']} | {verdicts['before']} (model, "
        f"comments alone), {verdicts['vader']} (VADER) | none against readers |",
        f"| hostility detector, best precision at recall ≥ 0.5, HN threads | {hostile_low:.2f}-{hostile_high:.2f} "
        "| | ≥ 0.6 to be reported |",
        f"| theme label match, seed page | {match['threadscope']:.3f} | {match['KeyBERTInspired']:.3f} "
        f"(KeyBERTInspired), {match['BERTopic defaults']:.3f} (BERTopic defaults) | |",
        f"| phrases in theme labels and keywords that the thread never says, {len(cases) + len(LABEL_THREADS)} threads "
        f"| {_share(unsaid_total['threadscope'])} | {_share(unsaid_total[PAIRED])} "
        "(threadscope before: stop words dropped, then words paired, as BERTopic's documentation does) | |",
        "",
    ]
    args.out.write_text("\n".join(head + theme_lines + tone_lines), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


def _share(counts: Sequence[int]) -> str:
    missing, shown = counts
    return f"{missing} of {shown} ({missing / max(shown, 1):.0%})"


if __name__ == "__main__":
    raise SystemExit(main())
