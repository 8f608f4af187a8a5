"""The human labels in ``../shared/data/labels``, joined to the texts they rate.

Shared by ``training/train_tone.py``, ``benchmarks/quality.py`` and the tests;
nothing here is copied into the project. Every loader returns ``None`` (or
raises ``LabelsMissing`` with the reason) when the shared data is absent, so
callers can skip with a clear message.

Texts are what threadscope itself analyses: each post's ``own_text`` (the
author's words, quoted lines removed), read through threadscope's own
sources, so the model is trained and measured on exactly what it sees at run
time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from threadscope.model import Thread
from threadscope.sources.files import load_file, parse_text
from threadscope.text import html_to_text

#: ../shared/data beside the project.
DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

#: Tone label files of HN threads, and the thread each one rates.
HN_TONE_FILES = {
    "48849066": ["48849066.tone.A.json", "48849066.tone.B.json"],
    "24330326": ["24330326.paragraphs.tone.json"],
    "14952787": ["14952787.tone.json"],
    "25015967": ["25015967.tone.json"],
}
TWEETS = "tweets"


class LabelsMissing(RuntimeError):
    """The shared labels or the threads they rate are not beside the project."""


@dataclass(frozen=True, slots=True)
class Rated:
    """One rated comment: its thread, id, own words, and what a reader said of it."""

    thread: str
    key: str
    text: str
    tone: int
    hostile: int


def _need(path: Path) -> Path:
    if not path.exists():
        raise LabelsMissing(f"{path} not found (see shared/data/PROVENANCE.md)")
    return path


def seed_thread(data: Path = DATA) -> Thread:
    """The seed page (HN 24330326 as a reader copied it): one post per paragraph, numbered from 1."""
    path = _need(data / "seed" / "24330326.page.txt")
    return parse_text(path.read_text(encoding="utf-8"), name="24330326.page")


def seed_key(post_id: str) -> str:
    """The label key (paragraph number from 0) of a seed-page post id (``24330326.page-1`` → ``0``)."""
    return str(int(post_id.rsplit("-", 1)[1]) - 1)


def thread_texts(thread: str, data: Path = DATA) -> dict[str, str]:
    """Label key → own words, for every post of a labelled thread."""
    if thread == "24330326":
        return {seed_key(p.id): p.own_text for p in seed_thread(data).comments}
    if thread == "48849066":
        rows = json.loads(_need(data / "hn" / "flat" / "48849066.comments.json").read_text())
        return {str(r["id"]): html_to_text(r.get("text")).own_text for r in rows}
    if thread == TWEETS:
        out: dict[str, str] = {}
        for path in sorted((data / "twitter" / "v1" / "rumoureval").glob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    tweet = json.loads(line)
                    out[str(tweet["id_str"])] = str(tweet.get("full_text") or tweet.get("text") or "")
        if not out:
            raise LabelsMissing(f"no tweets under {data / 'twitter' / 'v1' / 'rumoureval'}")
        return out
    loaded = load_file(_need(data / "hn" / "converted" / f"{thread}.json"))
    return {p.id: p.own_text for p in loaded.comments}


def load_tone(data: Path = DATA, *, tweets: bool = True) -> list[Rated]:
    """Every rated item (``tone`` not null) with its text, HN threads first, in a fixed order.

    Raises:
        LabelsMissing: a label file or the thread it rates is absent.

    """
    files = dict(HN_TONE_FILES)
    if tweets:
        files[TWEETS] = ["rumoureval.tone.json"]
    out: list[Rated] = []
    for thread, names in files.items():
        texts = thread_texts(thread, data)
        for name in names:
            ratings = json.loads(_need(data / "labels" / name).read_text())["ratings"]
            for key in sorted(ratings, key=lambda k: (len(k), k)):
                rating = ratings[key]
                text = texts.get(key, "").strip()
                if rating.get("tone") is None or not text:
                    continue
                out.append(Rated(thread, key, text, int(rating["tone"]), int(rating.get("hostile") or 0)))
    return out


@dataclass(frozen=True, slots=True)
class ThemeLabels:
    """The readers' themes of one thread: theme name → label keys, and the thread they sort."""

    thread: Thread
    themes: dict[str, list[str]]

    def theme_of(self) -> dict[str, str]:
        """Label key → theme name, for every labelled key."""
        return {key: name for name, keys in self.themes.items() for key in keys}


def load_themes(data: Path = DATA) -> list[ThemeLabels]:
    """Every thread with theme labels (today: the seed page).

    Raises:
        LabelsMissing: a label file or the thread it sorts is absent.

    """
    out = []
    for path in sorted(_need(data / "labels").glob("*.themes.json")):
        spec = json.loads(path.read_text())
        if spec.get("thread") != "24330326":
            continue  # a new themes file needs its unit's loader here
        themes = {str(t["name"]): [str(i) for i in t["ids"]] for t in spec["themes"]}
        out.append(ThemeLabels(seed_thread(data), themes))
    if not out:
        raise LabelsMissing(f"no *.themes.json under {data / 'labels'}")
    return out
