"""What the report says: the results dict turned into a :class:`Document`.

Written for a reader of a blog post, not for a debugger: counts in words,
tone in plain language with its uncertainty, and a note wherever something is
missing instead of an empty table or a broken figure. Nothing is recomputed
here; only display order and wording are decided.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from threadscope.report import data, fmt
from threadscope.report.charts import Planned
from threadscope.report.document import (
    BulletList,
    Document,
    Figure,
    Footer,
    Heading,
    Inlines,
    Link,
    Paragraph,
    Quote,
    Table,
    Text,
    inlines,
)
from threadscope.report.escape import clean, paragraphs, truncate

QUOTE_CHARS = 420
QUOTES_PER_THEME = 2
THEMES_QUOTED = 8
TABLE_ROWS = 8

METHODS = {
    "embedding_clusters": "grouping sentence embeddings (BERTopic's recipe: PCA, k-means and c-TF-IDF labels)",
    "guided_only": "matching the guided theme names by meaning",
}
VADER_GOOD = (
    "VADER is a dictionary of scored words plus rules, built for short social-media posts. It handles "
    "plain praise and complaint, intensifiers (“very”), negation (“not good”), emphasis (capitals, “!!!”), "
    "emoji and common slang well."
)


TONE_MODEL_GOOD = (
    "Each comment's tone (negative, neutral or positive) comes from a model trained on comments that "
    "readers rated by their author's attitude: complaint and criticism are negative, information and "
    "questions neutral, praise and enthusiasm positive; technical words such as “attack” or “kill” "
    "are not tone. The score is how much more likely the model finds positive than negative."
)


class _Context:
    """The results with the lookups every section needs."""

    def __init__(self, results: Mapping[str, Any], figures: Mapping[str, Planned]) -> None:
        self.results = results
        self.figures = figures
        self.thread = data.section(results, "thread") or {}
        self.structure = data.section(results, "structure")
        self.sentiment = data.section(results, "sentiment")
        self.themes = data.themes(results) if results.get("themes") is not None else None
        self.themes_info = data.section(results, "themes_info") or {}
        self.meta = data.section(results, "meta") or {}
        self.posts = data.posts(results)
        self.by_id = data.posts_by_id(results)
        self.structured = data.structured(results)
        self.notes: list[Inlines] = []

    def theme_label(self, theme_id: Any) -> str | None:
        for t in self.themes or []:
            if str(t.get("id")) == str(theme_id):
                return clean(t.get("label")) or f"Theme {t.get('id')}"
        return None

    def permalink(self, post_id: Any) -> str | None:
        post = self.by_id.get(str(post_id))
        return data.text(post.get("permalink")) if post else None


def build(results: Mapping[str, Any], figures: Mapping[str, Planned]) -> Document:
    """The whole report for ``results``; ``figures`` says which charts exist (see ``charts.plan``)."""
    ctx = _Context(results, figures)
    doc = Document(title=_title(ctx))
    doc.add(Paragraph(_byline(ctx)))
    doc.add(BulletList(_summary(ctx)))
    _themes_section(ctx, doc)
    _tone_section(ctx, doc)
    _structure_section(ctx, doc)
    _notes_section(ctx, doc)
    doc.add(Footer(_footer(ctx)))
    return doc


def author_name(author: Any) -> str:
    """An author for display; deleted or unknown authors get a placeholder."""
    return clean(author) or "[deleted]"


def title_text(results: Mapping[str, Any]) -> str:
    """The thread's title, or a description when it has none."""
    thread = data.section(results, "thread") or {}
    title = clean(thread.get("title"))
    if title:
        return title
    source = fmt.SOURCE_NAMES.get(str(thread.get("source")), "a")
    if thread.get("source") == "text":
        return "A pasted discussion"
    return f"A {source} thread ({clean(thread.get('id')) or 'no id'})"


def _title(ctx: _Context) -> Inlines:
    return (Link(title_text(ctx.results), data.text(ctx.thread.get("permalink"))),)


def _byline(ctx: _Context) -> Inlines:
    source = str(ctx.thread.get("source"))
    where = {"hn": "a Hacker News thread", "x": "an X thread", "text": "a pasted discussion"}.get(source, "a thread")
    parts: list[str | Text | Link | None] = [f"A threadscope report on {where}"]
    author = data.text(ctx.thread.get("author"))
    if author:
        parts += [" started by ", Text(clean(author), "strong")]
    created = data.timestamp(ctx.thread.get("created_at"))
    if created:
        parts.append(f" on {fmt.day(created)}")
    parts.append(".")
    url = data.text(ctx.thread.get("url"))
    if url and url != data.text(ctx.thread.get("permalink")):
        parts += [" It links to ", Link(truncate(clean(url), 70), url), "."]
    fetched = data.timestamp(ctx.thread.get("fetched_at"))
    if fetched:
        parts.append(f" Comments as of {fmt.when(fetched)}.")
    return inlines(*parts)


# ---------------------------------------------------------------- summary


def conversation_line(results: Mapping[str, Any]) -> Inlines:
    """One line on the size and shape of the thread (also used by the embed summary)."""
    structure = data.section(results, "structure")
    n_posts = len([p for p in data.posts(results) if not p.get("deleted")])
    if structure is None:
        return inlines(Text(fmt.count(n_posts, "comment"), "strong"), " (the structure analysis did not run).")
    comments = data.integer(structure.get("comments"))
    authors = data.integer(structure.get("authors"))
    head = fmt.count(comments if comments is not None else n_posts, "comment")
    if authors is not None:
        head += f" by {fmt.count(authors, 'person', 'people')}"
    if not data.structured(results):
        return inlines(Text(head, "strong"), ", pasted without reply structure.")
    chain = data.section(structure, "longest_chain") or {}
    length = data.integer(chain.get("length"))
    max_depth = data.integer(structure.get("max_depth"))
    deepest = length if length is not None else max_depth
    tail = f"; the deepest chain runs {fmt.count(deepest, 'reply', 'replies')}" if deepest and deepest > 1 else ""
    top = data.integer(structure.get("top_level"))
    if top is not None and comments:
        verb = "replies" if top == 1 else "reply"
        joiner = ", and " if tail else "; "
        tail += f"{joiner}{fmt.count(top, 'comment')} {verb} directly to the post"
    return inlines(Text(head, "strong"), tail + ".")


def tone_line(results: Mapping[str, Any]) -> Inlines:
    """One line on the thread's overall tone."""
    sentiment = data.section(results, "sentiment")
    mean = data.number(sentiment.get("mean")) if sentiment else None
    if sentiment is None or mean is None:
        return inlines(Text("Tone:", "strong"), " not measured (the tone analysis did not run).")
    ci = _ci(sentiment.get("ci95"))
    parts: list[str | Text | None] = [
        Text(f"Tone: {fmt.tone_word(mean)}", "strong"),
        f" (mean {fmt.tone_scale(sentiment)} {fmt.signed(mean)}",
    ]
    if ci:
        parts.append(f", 95% CI {fmt.signed(ci[0])} to {fmt.signed(ci[1])}")
    parts.append(")")
    pos, neg = data.number(sentiment.get("positive_share")), data.number(sentiment.get("negative_share"))
    if pos is not None and neg is not None:
        parts.append(f"; {fmt.pct(pos)} of comments read positive, {fmt.pct(neg)} negative")
    parts.append(".")
    return inlines(*parts)


def themes_line(results: Mapping[str, Any], limit: int = 3) -> Inlines:
    """One line naming the largest themes."""
    if results.get("themes") is None:
        return inlines(Text("Themes:", "strong"), " not found (the theme analysis did not run).")
    themes = [t for t in data.themes(results) if str(t.get("id")) != "-1"]
    if not themes:
        if (results.get("themes_info") or {}).get("method") == "too_small":
            return inlines(Text("Themes:", "strong"), " too few comments to find any.")
        return inlines(Text("Themes:", "strong"), " none stood out; the comments did not form clear groups.")
    parts: list[str | Text | None] = [Text(f"Main theme{'s' if len(themes) > 1 else ''}:", "strong"), " "]
    shown = themes[:limit]
    for k, t in enumerate(shown):
        if k:
            parts.append(", " if k < len(shown) - 1 else " and ")
        parts.append(Text(clean(t.get("label")) or f"Theme {t.get('id')}", "em"))
        share = data.number(t.get("share"))
        if share is not None:
            parts.append(f" ({fmt.pct(share)})")
    parts.append(".")
    return inlines(*parts)


def _summary(ctx: _Context) -> tuple[Inlines, ...]:
    return (conversation_line(ctx.results), tone_line(ctx.results), themes_line(ctx.results))


def _ci(value: Any) -> tuple[float, float] | None:
    if isinstance(value, list | tuple) and len(value) == 2:
        lo, hi = data.number(value[0]), data.number(value[1])
        if lo is not None and hi is not None:
            return (lo, hi)
    return None


# ---------------------------------------------------------------- shared pieces


def _figure(ctx: _Context, doc: Document, name: str, caption: str) -> None:
    planned = ctx.figures.get(name)
    if planned is None:
        return
    if planned.reason is None:
        doc.add(Figure(name, planned.alt, inlines(caption)))
    else:
        doc.add(Paragraph(inlines(f"No “{planned.title.lower()}” chart: {planned.reason}."), note=True))


def _quote(ctx: _Context, text: Any, author: Any, post_id: Any, extra: str | None = None) -> Quote:
    kept: list[str] = []
    room = QUOTE_CHARS
    for para in paragraphs(text):
        if room <= 40:
            kept[-1] = kept[-1].rstrip("…") + " …" if kept else "…"
            break
        kept.append(truncate(para, room))
        room -= len(kept[-1])
    cite: list[str | Text | Link | None] = ["— ", Text(author_name(author), "strong")]
    link = ctx.permalink(post_id)
    if link:
        cite += [", ", Link("view comment", link)]
    if extra:
        cite.append(f" ({extra})")
    return Quote(tuple(kept) or ("[no text]",), inlines(*cite))


def _author_link(ctx: _Context, author: Any, post_id: Any) -> Inlines:
    link = ctx.permalink(post_id)
    name = author_name(author)
    return (Link(name, link),) if link else (Text(name),)


def _cell(value: str) -> Inlines:
    return (Text(value),)


# ---------------------------------------------------------------- themes


def _themes_section(ctx: _Context, doc: Document) -> None:
    doc.add(Heading(2, inlines("Themes")))
    if ctx.themes is None:
        doc.add(Paragraph(inlines("The theme analysis did not run, so this report has no themes."), note=True))
        ctx.notes.append(inlines("Themes are missing: the theme analysis did not run or failed."))
        return
    themes = [t for t in ctx.themes if str(t.get("id")) != "-1"]
    method = clean(ctx.themes_info.get("method"))
    unassigned = data.number(ctx.themes_info.get("unassigned_share"))
    note = clean(ctx.themes_info.get("note"))
    if not themes:
        doc.add(Paragraph(inlines(note or "The comments did not form clear groups, so no themes are shown.")))
        return
    intro = f"The comments fall into {fmt.count(len(themes), 'theme')}"
    intro += f", found by {METHODS.get(method, method)}" if method else ""
    intro += "."
    if unassigned:
        intro += f" {fmt.pct(unassigned)} of comments fit none of them."
    elif unassigned is not None and themes:
        intro += " Every comment fits one of them."
    if any(t.get("guided") for t in themes):
        intro += " Themes marked “guided” started from names given to threadscope."
    doc.add(Paragraph(inlines(intro)))
    if note:
        doc.add(Paragraph(inlines(note), note=True))
    _figure(ctx, doc, "themes", "Comments per theme and each theme's mean tone.")
    rows = []
    for t in themes:
        label: list[str | Text | None] = [clean(t.get("label")) or f"Theme {t.get('id')}"]
        if t.get("guided"):
            label.append(Text(" (guided)", "em"))
        keywords = [clean(k) for k in t.get("keywords") or [] if clean(k)]
        rows.append(
            (
                inlines(*label),
                _cell(fmt.pct(data.number(t.get("share")))),
                _cell(f"{data.integer(t.get('size')) or 0:,}"),
                _cell(fmt.signed(data.number(t.get("sentiment_mean")))),
                _cell(", ".join(keywords[:8])),
            )
        )
    doc.add(
        Table(
            ("Theme", "Share", "Comments", "Mean tone", "Keywords"),
            tuple(rows),
            (False, True, True, True, False),
        )
    )
    quoted = [t for t in themes if t.get("representative_ids")][:THEMES_QUOTED]
    if not quoted:
        return
    doc.add(Heading(3, inlines("In their own words")))
    doc.add(Paragraph(inlines("Comments that represent each theme best:")))
    for t in quoted:
        doc.add(Paragraph(inlines(Text(clean(t.get("label")) or f"Theme {t.get('id')}", "strong"))))
        for pid in list(t.get("representative_ids") or [])[:QUOTES_PER_THEME]:
            post = ctx.by_id.get(str(pid))
            if post and not post.get("deleted"):
                doc.add(_quote(ctx, post.get("text"), post.get("author"), pid))


# ---------------------------------------------------------------- tone


def _tone_section(ctx: _Context, doc: Document) -> None:
    doc.add(Heading(2, inlines("Tone")))
    s = ctx.sentiment
    mean = data.number(s.get("mean")) if s else None
    if s is None or mean is None:
        doc.add(Paragraph(inlines("The tone analysis did not run, so this report has no tone figures."), note=True))
        ctx.notes.append(inlines("Tone is missing: the sentiment analysis did not run or failed."))
        return
    scale = "VADER's scale" if fmt.uses_vader(s) else "threadscope's tone scale"
    headline = f"On {scale} from −1 (most negative) to +1 (most positive), the average comment scores "
    parts: list[str | Text | None] = [headline, Text(fmt.signed(mean), "strong"), f": {fmt.tone_word(mean)}."]
    ci = _ci(s.get("ci95"))
    if ci:
        parts.append(
            " Allowing for chance, the thread's average lies between "
            f"{fmt.signed(ci[0])} and {fmt.signed(ci[1])}"
            " (a 95% confidence interval)"
        )
        if ci[0] < 0 < ci[1]:
            parts.append(" — a range that includes zero, so the thread does not lean clearly either way.")
        else:
            parts.append(".")
    doc.add(Paragraph(inlines(*parts)))
    n = data.integer(s.get("n"))
    shares = [data.number(s.get(k)) for k in ("positive_share", "neutral_share", "negative_share")]
    if all(v is not None for v in shares):
        doc.add(
            Paragraph(
                inlines(
                    f"Of {fmt.count(n, 'scored comment')}, {fmt.pct(shares[0])} read positive, "
                    f"{fmt.pct(shares[1])} neutral and {fmt.pct(shares[2])} negative; neutral means a score "
                    "between −0.05 and +0.05."
                )
            )
        )
    _figure(ctx, doc, "sentiment_distribution", "How many comments fall at each tone score.")

    by_depth = sorted(
        (r for r in data.records(s, "by_depth") if data.number(r.get("mean")) is not None),
        key=lambda r: data.number(r.get("depth")) or 0,
    )
    if by_depth and ctx.structured:
        doc.add(Heading(3, inlines("Tone by reply depth")))
        doc.add(Paragraph(inlines("Do replies get sharper the deeper an argument goes? Mean tone at each level:")))
        _figure(ctx, doc, "sentiment_by_depth", "Mean tone of the comments at each reply depth.")
        doc.add(
            Table(
                ("Depth", "Comments", "Mean tone"),
                tuple(
                    (
                        _cell(str(data.integer(r.get("depth")))),
                        _cell(f"{data.integer(r.get('n')) or 0:,}"),
                        _cell(fmt.signed(data.number(r.get("mean")))),
                    )
                    for r in by_depth
                ),
                (True, True, True),
            )
        )

    subthreads = [r for r in data.records(s, "by_subthread") if data.number(r.get("mean")) is not None]
    if subthreads and ctx.structured:
        doc.add(Heading(3, inlines("Tone of the largest subthreads")))
        rows = []
        for r in subthreads[:TABLE_ROWS]:
            ci_r = _ci(r.get("ci95"))
            rows.append(
                (
                    _author_link(ctx, r.get("author"), r.get("root_id")),
                    _cell(f"{data.integer(r.get('n')) or 0:,}"),
                    _cell(fmt.signed(data.number(r.get("mean")))),
                    _cell(f"{fmt.signed(ci_r[0])} to {fmt.signed(ci_r[1])}" if ci_r else "–"),
                )
            )
        doc.add(Table(("Started by", "Comments", "Mean tone", "95% CI"), tuple(rows), (False, True, True, True)))

    for key, heading in (
        ("most_positive", "Most positive comments"),
        ("most_negative", "Most negative comments"),
    ):
        quotes = data.records(s, key)[:3]
        if quotes:
            doc.add(Heading(3, inlines(heading)))
            for q in quotes:
                score = data.number(q.get("score"))
                text = q.get("excerpt") or (ctx.by_id.get(str(q.get("id"))) or {}).get("text")
                doc.add(_quote(ctx, text, q.get("author"), q.get("id"), f"score {fmt.signed(score)}"))

    if fmt.uses_vader(s):
        doc.add(Heading(3, inlines("What VADER is and is not good at")))
        doc.add(Paragraph(inlines(VADER_GOOD)))
    else:
        doc.add(Heading(3, inlines("What the tone measures")))
        doc.add(Paragraph(inlines(TONE_MODEL_GOOD)))
    caveats = [clean(c) for c in s.get("caveats") or [] if clean(c)]
    if caveats:
        doc.add(Paragraph(inlines("Its limits:")))
        doc.add(BulletList(tuple(inlines(c) for c in caveats)))


# ---------------------------------------------------------------- structure


def _structure_section(ctx: _Context, doc: Document) -> None:
    doc.add(Heading(2, inlines("Shape of the discussion")))
    st = ctx.structure
    if st is None:
        doc.add(Paragraph(inlines("The structure analysis did not run, so the shape of the thread is unknown."), True))
        ctx.notes.append(inlines("Structure is missing: the reply-structure analysis did not run or failed."))
        _figure(ctx, doc, "reply_tree", "")
        return
    doc.add(Paragraph(_structure_overview(ctx, st)))
    timing = _timing(ctx, st)
    if timing:
        doc.add(Paragraph(inlines(timing)))
    _figure(
        ctx,
        doc,
        "reply_tree",
        "Every comment as a dot: the post is the star in the middle, each ring is one reply deeper, and big "
        "wedges are big subthreads.",
    )
    _figure(ctx, doc, "depth_histogram", "How many comments sit at each reply depth.")
    _figure(ctx, doc, "activity", "When the comments were posted, per hour.")
    if not ctx.structured:
        return

    subthreads = data.records(st, "largest_subthreads")[:TABLE_ROWS]
    if subthreads:
        doc.add(Heading(3, inlines("Largest subthreads")))
        doc.add(Paragraph(inlines("The conversations that grew under a single top-level comment:")))
        rows = []
        for r in subthreads:
            rows.append(
                (
                    _author_link(ctx, r.get("author"), r.get("root_id")),
                    _cell(f"{data.integer(r.get('size')) or 0:,}"),
                    _cell(str(data.integer(r.get("depth")) if data.integer(r.get("depth")) is not None else "–")),
                    _cell(ctx.theme_label(r.get("dominant_theme")) or "–"),
                )
            )
        doc.add(
            Table(
                ("Started by", "Comments", "Deepest reply", "Main theme"),
                tuple(rows),
                (False, True, True, False),
            )
        )

    replied = data.records(st, "most_replied")[:TABLE_ROWS]
    if replied:
        doc.add(Heading(3, inlines("Most replied-to comments")))
        replied_rows: list[tuple[Inlines, ...]] = []
        for r in replied:
            post = ctx.by_id.get(str(r.get("id"))) or {}
            excerpt = truncate(clean(post.get("text")), 90) or "[no text]"
            link = data.text(r.get("permalink")) or ctx.permalink(r.get("id"))
            replied_rows.append(
                (
                    (Link(excerpt, link),) if link else (Text(excerpt),),
                    _cell(author_name(r.get("author"))),
                    _cell(f"{data.integer(r.get('replies')) or 0:,}"),
                )
            )
        doc.add(Table(("Comment", "Author", "Direct replies"), tuple(replied_rows), (False, False, True)))

    active = data.records(st, "most_active_authors")[:TABLE_ROWS]
    if active:
        received = {
            str(r.get("author")): data.integer(r.get("replies_received"))
            for r in data.records(st, "most_replied_authors")
        }
        doc.add(Heading(3, inlines("Most active people")))
        active_rows: list[tuple[Inlines, ...]] = []
        for r in active:
            got = received.get(str(r.get("author")))
            active_rows.append(
                (
                    _cell(author_name(r.get("author"))),
                    _cell(f"{data.integer(r.get('comments')) or 0:,}"),
                    _cell(f"{got:,}" if got is not None else "–"),
                )
            )
        doc.add(Table(("Person", "Comments", "Replies received"), tuple(active_rows), (False, True, True)))

    exchanges = data.records(st, "exchanges")[:TABLE_ROWS]
    total = data.integer(st.get("exchange_count"))
    if exchanges:
        doc.add(Heading(3, inlines("Back-and-forth exchanges")))
        intro = "Pairs of people who replied to each other several times in a row"
        intro += f" ({fmt.count(total, 'exchange')} in all):" if total is not None else ":"
        doc.add(Paragraph(inlines(intro)))
        items = []
        for r in exchanges:
            pair = [author_name(a) for a in (r.get("authors") or [])[:2]] or ["[deleted]"]
            turns = data.integer(r.get("turns"))
            item: list[str | Text | Link | None] = [Text(pair[0], "strong")]
            if len(pair) > 1:
                item += [" and ", Text(pair[1], "strong")]
            item.append(f": {fmt.count(turns, 'turn')}")
            link = ctx.permalink(r.get("start_id"))
            if link:
                item += [", ", Link("read from the start", link)]
            items.append(inlines(*item))
        doc.add(BulletList(tuple(items)))

    conc = data.section(st, "concentration")
    if conc:
        top = data.number(conc.get("top10_share"))
        gini = data.number(conc.get("gini"))
        words = []
        if top is not None:
            words.append(f"The most active 10% of participants wrote {fmt.pct(top)} of the comments.")
        if gini is not None:
            spread = "evenly spread" if gini < 0.3 else "moderately concentrated" if gini < 0.5 else "concentrated"
            words.append(
                f"The Gini coefficient of comments per person is {gini:.2f} ({spread}; 0 would mean everyone "
                "wrote the same number of comments, 1 that one person wrote them all)."
            )
        if words:
            doc.add(Heading(3, inlines("How concentrated the conversation is")))
            doc.add(Paragraph(inlines(" ".join(words))))


def _structure_overview(ctx: _Context, st: Mapping[str, Any]) -> Inlines:
    comments = data.integer(st.get("comments"))
    authors = data.integer(st.get("authors"))
    head = fmt.count(comments, "comment")
    if authors is not None:
        head += f" by {fmt.count(authors, 'person', 'people')}"
    if not ctx.structured:
        return inlines(
            Text(head, "strong"),
            ". The discussion came without reply structure (for example, pasted text), so there are no "
            "subthreads, depths or exchanges to describe.",
        )
    parts: list[str | Text | Link | None] = [Text(head, "strong"), "."]
    top = data.integer(st.get("top_level"))
    if top is not None and comments:
        rest = comments - top
        parts.append(f" {fmt.count(top, 'comment')} {'replies' if top == 1 else 'reply'} directly to the post")
        if rest > 0:
            verb = "replies" if rest == 1 else "reply"
            parts.append(f"; the other {fmt.count(rest, 'comment')} {verb} to other comments")
        parts.append(".")
    chain = data.section(st, "longest_chain") or {}
    length = data.integer(chain.get("length"))
    if length and length > 1:
        parts.append(f" The deepest chain runs {fmt.count(length, 'reply', 'replies')}")
        chain_ids = chain.get("ids") or []
        link = ctx.permalink(chain_ids[0]) if chain_ids else None
        chain_authors = {author_name(a) for a in chain.get("authors") or []}
        if len(chain_authors) > 1:
            parts.append(f" between {fmt.count(len(chain_authors), 'person', 'people')}")
        if link:
            parts += [" (", Link("start of the chain", link), ")"]
        parts.append(".")
    mean_depth = data.number(st.get("mean_depth"))
    rpc = data.number(st.get("replies_per_comment"))
    if mean_depth is not None:
        parts.append(f" On average a comment sits {mean_depth:.1f} levels deep")
        parts.append(f" and draws {rpc:.1f} replies." if rpc is not None else ".")
    deleted = data.integer(st.get("deleted"))
    orphaned = data.integer(st.get("orphaned"))
    if deleted:
        parts.append(f" {fmt.count(deleted, 'comment')} {'was' if deleted == 1 else 'were'} deleted.")
    if orphaned:
        parts.append(
            f" {fmt.count(orphaned, 'comment')} lost {'its' if orphaned == 1 else 'their'} parent and "
            f"{'is' if orphaned == 1 else 'are'} shown as direct replies to the post."
        )
    return inlines(*parts)


def _timing(ctx: _Context, st: Mapping[str, Any]) -> str:
    first = data.timestamp(st.get("first_comment_at"))
    last = data.timestamp(st.get("last_comment_at"))
    peak = data.timestamp(st.get("peak_hour"))
    started = data.timestamp(ctx.thread.get("created_at"))
    words = []
    if first and last:
        span = (last - first).total_seconds() / 3600
        words.append(f"Comments arrived over {fmt.duration(span)}, from {fmt.when(first)} to {fmt.when(last)}")
        if started and first >= started:
            words[-1] += f"; the first came {fmt.duration((first - started).total_seconds() / 3600)} after the post"
        words[-1] += "."
    if peak:
        words.append(f"The busiest hour began at {fmt.when(peak)}.")
    return " ".join(words)


# ---------------------------------------------------------------- notes and footer


def _notes_section(ctx: _Context, doc: Document) -> None:
    notes: list[Inlines] = []
    for source in (ctx.thread.get("notes"), (ctx.structure or {}).get("notes")):
        if isinstance(source, list | tuple):
            notes.extend(inlines(clean(n)) for n in source if clean(n))
    if not ctx.structured:
        notes.append(
            inlines("This thread has no reply structure, so depth, subthread and exchange figures are left out.")
        )
    notes.extend(ctx.notes)
    if notes:
        doc.add(Heading(2, inlines("Notes")))
        doc.add(BulletList(tuple(notes)))


def _footer(ctx: _Context) -> Inlines:
    version = clean(ctx.meta.get("threadscope")) or "unknown version"
    parts = [f"Generated by threadscope {version}"]
    model = clean(ctx.meta.get("embedding_model"))
    if model:
        parts.append(f"embedding model {model}")
    method = ctx.sentiment.get("method") if ctx.sentiment else None
    if isinstance(method, Mapping):
        method = method.get("name") or json.dumps(method, sort_keys=True, default=str)
    if method:
        parts.append(f"tone by {clean(method)}")
    seed = data.integer(ctx.meta.get("seed"))
    if seed is not None:
        parts.append(f"seed {seed}")
    params = ctx.meta.get("params")
    if isinstance(params, Mapping) and params:
        pairs = [
            f"{k}={json.dumps(v, sort_keys=True, default=str, ensure_ascii=False)}"
            for k, v in sorted(params.items(), key=lambda kv: str(kv[0]))
        ]
        parts.append("parameters: " + truncate(", ".join(pairs), 400))
    return inlines(" · ".join(parts) + ".")
