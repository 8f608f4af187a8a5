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

from threadscope.report import content_structure, data, fmt
from threadscope.report.charts import Planned
from threadscope.report.context import TABLE_ROWS, Context, author_link, cell, figure, quote
from threadscope.report.document import (
    BulletList,
    Document,
    Footer,
    Heading,
    Inlines,
    Link,
    Paragraph,
    Table,
    Text,
    inlines,
)
from threadscope.report.escape import clean, truncate

QUOTES_PER_THEME = 2
THEMES_QUOTED = 8

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


def build(results: Mapping[str, Any], figures: Mapping[str, Planned]) -> Document:
    """The whole report for ``results``; ``figures`` says which charts exist (see ``charts.plan``)."""
    ctx = Context(results, figures)
    doc = Document(title=_title(ctx))
    doc.add(Paragraph(_byline(ctx)))
    doc.add(BulletList(_summary(ctx)))
    _themes_section(ctx, doc)
    _tone_section(ctx, doc)
    content_structure.structure_section(ctx, doc)
    _notes_section(ctx, doc)
    doc.add(Footer(_footer(ctx)))
    return doc


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


def _title(ctx: Context) -> Inlines:
    return (Link(title_text(ctx.results), data.text(ctx.thread.get("permalink"))),)


def _byline(ctx: Context) -> Inlines:
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


def _summary(ctx: Context) -> tuple[Inlines, ...]:
    return (conversation_line(ctx.results), tone_line(ctx.results), themes_line(ctx.results))


def _ci(value: Any) -> tuple[float, float] | None:
    if isinstance(value, list | tuple) and len(value) == 2:
        lo, hi = data.number(value[0]), data.number(value[1])
        if lo is not None and hi is not None:
            return (lo, hi)
    return None


# ---------------------------------------------------------------- themes


def _themes_section(ctx: Context, doc: Document) -> None:
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
    figure(doc, ctx.figures, "themes", "Comments per theme and each theme's mean tone.")
    rows = []
    for t in themes:
        label: list[str | Text | None] = [clean(t.get("label")) or f"Theme {t.get('id')}"]
        if t.get("guided"):
            label.append(Text(" (guided)", "em"))
        keywords = [clean(k) for k in t.get("keywords") or [] if clean(k)]
        rows.append(
            (
                inlines(*label),
                cell(fmt.pct(data.number(t.get("share")))),
                cell(f"{data.integer(t.get('size')) or 0:,}"),
                cell(fmt.signed(data.number(t.get("sentiment_mean")))),
                cell(", ".join(keywords[:8])),
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
                doc.add(quote(ctx, post.get("text"), post.get("author"), pid))


# ---------------------------------------------------------------- tone


def _tone_section(ctx: Context, doc: Document) -> None:
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
    figure(doc, ctx.figures, "sentiment_distribution", "How many comments fall at each tone score.")

    by_depth = sorted(
        (r for r in data.records(s, "by_depth") if data.number(r.get("mean")) is not None),
        key=lambda r: data.number(r.get("depth")) or 0,
    )
    if by_depth and ctx.structured:
        doc.add(Heading(3, inlines("Tone by reply depth")))
        doc.add(Paragraph(inlines("Do replies get sharper the deeper an argument goes? Mean tone at each level:")))
        figure(doc, ctx.figures, "sentiment_by_depth", "Mean tone of the comments at each reply depth.")
        doc.add(
            Table(
                ("Depth", "Comments", "Mean tone"),
                tuple(
                    (
                        cell(str(data.integer(r.get("depth")))),
                        cell(f"{data.integer(r.get('n')) or 0:,}"),
                        cell(fmt.signed(data.number(r.get("mean")))),
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
                    author_link(ctx, r.get("author"), r.get("root_id")),
                    cell(f"{data.integer(r.get('n')) or 0:,}"),
                    cell(fmt.signed(data.number(r.get("mean")))),
                    cell(f"{fmt.signed(ci_r[0])} to {fmt.signed(ci_r[1])}" if ci_r else "–"),
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
                doc.add(quote(ctx, text, q.get("author"), q.get("id"), f"score {fmt.signed(score)}"))

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


# ---------------------------------------------------------------- notes and footer


def _notes_section(ctx: Context, doc: Document) -> None:
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


def _footer(ctx: Context) -> Inlines:
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
