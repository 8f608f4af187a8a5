"""A saved Hacker News item page (``item?id=…`` HTML) as a Thread.

HN renders the reply tree flat: each comment is a ``tr.athing.comtr`` whose
indent (``td.ind``: an ``indent`` attribute on newer pages, a spacer image
40 px wide per level on older ones) gives its depth; its parent is the
nearest comment above it one level up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

from threadscope.errors import FileFormatError
from threadscope.model import Post, Thread, parse_timestamp
from threadscope.sources import hn
from threadscope.sources.hn import SITE, permalink
from threadscope.text import html_to_text

INDENT_PX = 40
_DELETED = {"[deleted]", "[flagged]", "[dead]"}


@dataclass
class _Row:
    id: str
    is_story: bool
    depth: int = 0
    author: str | None = None
    age: str | None = None
    html: list[str] = field(default_factory=list)
    title: str | None = None
    url: str | None = None
    score: int | None = None


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[_Row] = []
        self.page_title = ""
        self._in_title = False
        self._capture: str | None = None  # the tag whose content is being captured
        self._capture_depth = 0
        self._text_into: str | None = None  # what the next data or tag is: "author", "title", ...

    @property
    def row(self) -> _Row | None:
        return self.rows[-1] if self.rows else None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = set(a.get("class", "").split())
        if self._capture is not None:
            if tag == "div" and "reply" in classes:
                self._capture = None
                return
            if tag == self._capture:
                self._capture_depth += 1
            self.row.html.append(self.get_starttag_text() or "")  # type: ignore[union-attr]
            return
        row = self.row
        if tag == "title":
            self._in_title = True
        elif tag == "tr" and "athing" in classes and a.get("id"):
            self.rows.append(_Row(id=a["id"], is_story="comtr" not in classes))
        elif row is None:
            return
        elif tag == "td" and "ind" in classes:
            if _small_number(a.get("indent", "")):
                row.depth = int(a["indent"])
            else:
                self._text_into = "indent"
        elif tag == "img" and self._text_into == "indent":
            if _small_number(a.get("width", "")):
                row.depth = int(a["width"]) // INDENT_PX
            self._text_into = None
        elif tag == "a" and "hnuser" in classes and row.author is None:
            self._text_into = "author"
        elif tag == "span" and "age" in classes and a.get("title"):
            row.age = a["title"].split()[0]
        elif tag == "span" and "score" in classes:
            self._text_into = "score"
        elif (
            tag == "a"
            and row.is_story
            and row.title is None
            and ("storylink" in classes or self._text_into == "titleline")
        ):
            row.url = a.get("href")
            self._text_into = "title"
        elif tag == "span" and "titleline" in classes:
            self._text_into = "titleline"
        elif tag in {"span", "div"} and ("commtext" in classes or "toptext" in classes):
            self._capture, self._capture_depth = tag, 1

    def handle_endtag(self, tag: str) -> None:
        if self._capture is not None:
            if tag == self._capture:
                self._capture_depth -= 1
                if self._capture_depth == 0:
                    self._capture = None
                    return
            self.row.html.append(f"</{tag}>")  # type: ignore[union-attr]
        elif tag == "title":
            self._in_title = False
        elif tag == "a" and self._text_into == "title":
            self._text_into = None

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.page_title += data
        row = self.row
        if row is None:
            return
        if self._capture is not None:
            row.html.append(escape(data, quote=False))
        elif self._text_into == "author":
            row.author = data.strip() or None
            self._text_into = None
        elif self._text_into == "title":
            row.title = (row.title or "") + data
        elif self._text_into == "score":
            digits = data.split()[0] if data.split() else ""
            row.score = int(digits) if _small_number(digits) else None
            self._text_into = None


def parse_page(html: str, *, source_name: str = "the page") -> Thread:
    """Build a Thread from the HTML of an HN item page.

    Raises:
        FileFormatError: when the HTML holds no HN item.

    """
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    rows = parser.rows
    if not rows:
        raise FileFormatError(f"{source_name} is not a saved Hacker News item page (no item rows found)")
    stories = sum(row.is_story for row in rows)
    if stories > 1:
        raise FileFormatError(
            f"{source_name} lists {stories} stories (a front or listing page), not one discussion; "
            "save the page of one story (news.ycombinator.com/item?id=…)"
        )
    for row in rows:
        if not hn.valid_id(row.id):
            raise FileFormatError(f"{source_name} has an item row with an invalid id {row.id[:40]!r}")
    story = rows[0]
    comments = rows[1:] if story.is_story else rows
    if story.is_story:
        root = _post(story, None)
        title = (story.title or "").strip() or None
    else:
        # A page for a comment: its first row is that comment, at depth 0.
        root = _post(story, None)
        comments = rows[1:]
        title = f"Comment {story.id} by {story.author or '[deleted]'}"
    if title is None and parser.page_title:
        title = parser.page_title.rsplit(" | ", 1)[0].strip() or None

    replies: list[Post] = []
    ancestors: list[str] = [root.id]  # ancestors[d] = id of the latest post at thread depth d
    base = 0 if story.is_story else comments[0].depth - 1 if comments else 0
    for row in comments:
        depth = row.depth - base + 1 if story.is_story else row.depth - base
        depth = max(1, min(depth, len(ancestors)))
        del ancestors[depth:]
        replies.append(_post(row, ancestors[depth - 1]))
        ancestors.append(row.id)
    url = story.url if story.url and "://" in story.url else None
    return Thread.build(
        source="hn",
        id=story.id,
        root=root,
        replies=replies,
        title=title,
        url=url,
        permalink=permalink(story.id),
    )


def _small_number(text: str) -> bool:
    return text.isdigit() and len(text) <= 9


def _post(row: _Row, parent_id: str | None) -> Post:
    html = "".join(row.html).strip()
    words = html_to_text(html, SITE)
    deleted = row.author is None and (not words.text or words.text in _DELETED)
    if deleted:
        html, words = "", html_to_text("")
    return Post(
        id=row.id,
        parent_id=parent_id,
        author=row.author,
        created_at=parse_timestamp(row.age),
        text_html=html,
        text=words.text,
        own_text=words.own_text,
        deleted=deleted,
        permalink=permalink(row.id),
        score=row.score,
    )
