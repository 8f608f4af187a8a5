"""What the report says: the results turned into a :class:`Document`.

Written for a reader of a blog post, not for a debugger: counts in words,
tone in plain language with its uncertainty, and a note wherever something is
missing instead of an empty table or a broken figure. Nothing is recomputed
here; only display order and wording are decided.
"""

from __future__ import annotations

from collections.abc import Mapping

from threadscope import schema
from threadscope.report import content_structure, fmt
from threadscope.report.charts import Planned, by_size
from threadscope.report.context import TABLE_ROWS, Context, author_link, cell, figure, quote, theme_name
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


def build(results: schema.AnalysisResults, figures: Mapping[str, Planned]) -> Document:
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


def title_text(thread: schema.ThreadBlock) -> str:
    """The thread's title, or a description when it has none."""
    title = clean(thread["title"])
    if title:
        return title
    source = fmt.SOURCE_NAMES.get(thread["source"], "a")
    if thread["source"] == "text":
        return "A pasted discussion"
    return f"A {source} thread ({clean(thread['id']) or 'no id'})"


def _title(ctx: Context) -> Inlines:
    return (Link(title_text(ctx.thread), ctx.thread["permalink"]),)


def _byline(ctx: Context) -> Inlines:
    source = ctx.thread["source"]
    where = {"hn": "a Hacker News thread", "x": "an X thread", "text": "a pasted discussion"}.get(source, "a thread")
    parts: list[str | Text | Link | None] = [f"A threadscope report on {where}"]
    author = ctx.thread["author"]
    if author:
        parts += [" started by ", Text(clean(author), "strong")]
    created = fmt.timestamp(ctx.thread["created_at"])
    if created:
        parts.append(f" on {fmt.day(created)}")
    parts.append(".")
    url = ctx.thread["url"]
    if url and url != ctx.thread["permalink"]:
        parts += [" It links to ", Link(truncate(clean(url), 70), url), "."]
    fetched = fmt.timestamp(ctx.thread["fetched_at"])
    if fetched:
        parts.append(f" Comments as of {fmt.when(fetched)}.")
    return inlines(*parts)


# ---------------------------------------------------------------- summary


def conversation_line(results: schema.AnalysisResults) -> Inlines:
    """One line on the size and shape of the thread (also used by the embed summary)."""
    structure = results["structure"]
    comments = structure["comments"]
    authors = structure["authors"]
    head = fmt.count(comments, "comment")
    if authors is not None:
        head += f" by {fmt.count(authors, 'person', 'people')}"
    if not structure["structured"]:
        return inlines(Text(head, "strong"), ", pasted without reply structure.")
    chain = structure["longest_chain"]
    deepest = chain["length"] if chain else structure["max_depth"]
    tail = f"; the deepest chain runs {fmt.count(deepest, 'reply', 'replies')}" if deepest and deepest > 1 else ""
    top = structure["top_level"]
    if top is not None and comments:
        verb = "replies" if top == 1 else "reply"
        joiner = ", and " if tail else "; "
        tail += f"{joiner}{fmt.count(top, 'comment')} {verb} directly to the post"
    return inlines(Text(head, "strong"), tail + ".")


def tone_line(results: schema.AnalysisResults) -> Inlines:
    """One line on the thread's overall tone."""
    sentiment = results["sentiment"]
    mean = sentiment["mean"]
    if mean is None:
        return inlines(Text("Tone:", "strong"), " not measured (no comment could be scored).")
    ci = sentiment["ci95"]
    parts: list[str | Text | None] = [
        Text(f"Tone: {fmt.tone_word(mean, ci)}", "strong"),
        f" (mean {fmt.tone_scale(sentiment['method'])} {fmt.signed(mean)}",
    ]
    if ci:
        parts.append(f", 95% CI {fmt.signed(ci[0])} to {fmt.signed(ci[1])}")
    parts.append(")")
    pos, neg = sentiment["positive_share"], sentiment["negative_share"]
    if pos is not None and neg is not None:
        parts.append(f"; {fmt.pct(pos)} of comments read positive, {fmt.pct(neg)} negative")
    parts.append(".")
    return inlines(*parts)


def themes_line(results: schema.AnalysisResults, limit: int = 3) -> Inlines:
    """One line naming the largest stable themes (an unstable theme is not a finding to headline)."""
    themes = [t for t in by_size(results["themes"]) if not schema.unstable(t["stability"])]
    if not themes:
        if results["themes_info"]["method"] == "too_small":
            return inlines(Text("Themes:", "strong"), " too few comments to find any.")
        if results["themes"]:
            return inlines(Text("Themes:", "strong"), " none held up when some comments were left out.")
        return inlines(Text("Themes:", "strong"), " none stood out; the comments did not form clear groups.")
    parts: list[str | Text | None] = [Text(f"Main theme{'s' if len(themes) > 1 else ''}:", "strong"), " "]
    shown = themes[:limit]
    for k, t in enumerate(shown):
        if k:
            parts.append(", " if k < len(shown) - 1 else " and ")
        parts.append(Text(theme_name(t), "em"))
        parts.append(f" ({fmt.pct(t['share'])})")
    parts.append(".")
    return inlines(*parts)


def _summary(ctx: Context) -> tuple[Inlines, ...]:
    return (conversation_line(ctx.results), tone_line(ctx.results), themes_line(ctx.results))


# ---------------------------------------------------------------- themes


def _themes_section(ctx: Context, doc: Document) -> None:
    doc.add(Heading(2, inlines("Themes")))
    themes = ctx.themes
    method = clean(ctx.themes_info["method"])
    unassigned = ctx.themes_info["unassigned_share"]
    note = clean(ctx.themes_info["note"])
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
    if any(t["guided"] for t in themes):
        intro += (
            " Themes marked “guided” started from names given to threadscope; their match is how close the"
            " name came to the thread's own words (1.00: the thread uses it; below 0.5: only a paraphrase)."
        )
    if any(schema.unstable(t["stability"]) for t in themes):
        intro += (
            " Themes marked “unstable” did not reliably come back when 10% of the comments were left out"
            f" (stability below {schema.STABLE_THEME:.1f}): read them as hints, not findings."
        )
    doc.add(Paragraph(inlines(intro)))
    if note:
        doc.add(Paragraph(inlines(note), note=True))
    figure(doc, ctx.figures, "themes", "Comments per theme and each theme's mean tone.")
    rows = []
    for t in themes:
        label: list[str | Text | None] = [theme_name(t)]
        if t["guided"]:
            match = f", match {t['confidence']:.2f}" if t["confidence"] is not None else ""
            label.append(Text(f" (guided{match})", "em"))
        if schema.unstable(t["stability"]):
            label.append(Text(" (unstable)", "em"))
        keywords = [clean(k) for k in t["keywords"] if clean(k)]
        rows.append(
            (
                inlines(*label),
                cell(fmt.pct(t["share"])),
                cell(f"{t['size']:,}"),
                cell(fmt.signed(t["sentiment_mean"])),
                cell("–" if t["stability"] is None else f"{t['stability']:.2f}"),
                cell(", ".join(keywords[:8])),
            )
        )
    doc.add(
        Table(
            ("Theme", "Share", "Comments", "Mean tone", "Stability", "Keywords"),
            tuple(rows),
            (False, True, True, True, True, False),
        )
    )
    quoted = [t for t in themes if t["representative_ids"] and not schema.unstable(t["stability"])][:THEMES_QUOTED]
    if not quoted:
        return
    doc.add(Heading(3, inlines("In their own words")))
    doc.add(Paragraph(inlines("Comments that represent each stable theme best:")))
    for t in quoted:
        doc.add(Paragraph(inlines(Text(theme_name(t), "strong"))))
        for pid in t["representative_ids"][:QUOTES_PER_THEME]:
            post = ctx.by_id.get(pid)
            if post and not post["deleted"]:
                doc.add(quote(ctx, post["text"], post["author"], pid))


# ---------------------------------------------------------------- tone


def _tone_section(ctx: Context, doc: Document) -> None:
    doc.add(Heading(2, inlines("Tone")))
    s = ctx.sentiment
    mean = s["mean"]
    if mean is None:
        doc.add(Paragraph(inlines("No comment could be scored, so this report has no tone figures."), note=True))
        return
    scale = "VADER's scale" if fmt.uses_vader(s["method"]) else "threadscope's tone scale"
    headline = f"On {scale} from −1 (most negative) to +1 (most positive), the average comment scores "
    ci = s["ci95"]
    parts: list[str | Text | None] = [headline, Text(fmt.signed(mean), "strong"), f": {fmt.tone_word(mean, ci)}."]
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
    n = s["n"]
    shares = (s["positive_share"], s["neutral_share"], s["negative_share"])
    if all(v is not None for v in shares):
        doc.add(
            Paragraph(
                inlines(
                    f"Of {fmt.count(n, 'scored comment')}, {fmt.pct(shares[0])} read positive, "
                    f"{fmt.pct(shares[1])} neutral and {fmt.pct(shares[2])} negative; " + _class_rule(s["method"])
                )
            )
        )
    figure(doc, ctx.figures, "sentiment_distribution", "How many comments fall at each tone score.")

    by_depth = [r for r in s["by_depth"] or [] if r["mean"] is not None]
    if by_depth and ctx.structured:
        doc.add(Heading(3, inlines("Tone by reply depth")))
        doc.add(Paragraph(inlines("Do replies get sharper the deeper an argument goes? Mean tone at each level:")))
        figure(doc, ctx.figures, "sentiment_by_depth", "Mean tone of the comments at each reply depth.")
        doc.add(
            Table(
                ("Depth", "Comments", "Mean tone"),
                tuple((cell(str(r["depth"])), cell(f"{r['n']:,}"), cell(fmt.signed(r["mean"]))) for r in by_depth),
                (True, True, True),
            )
        )

    subthreads = [r for r in s["by_subthread"] or [] if r["mean"] is not None]
    if subthreads and ctx.structured:
        doc.add(Heading(3, inlines("Tone of the largest subthreads")))
        rows = []
        for r in subthreads[:TABLE_ROWS]:
            ci_r = r["ci95"]
            rows.append(
                (
                    author_link(ctx, r["author"], r["root_id"]),
                    cell(f"{r['n']:,}"),
                    cell(fmt.signed(r["mean"])),
                    cell(f"{fmt.signed(ci_r[0])} to {fmt.signed(ci_r[1])}" if ci_r else "–"),
                )
            )
        doc.add(Table(("Started by", "Comments", "Mean tone", "95% CI"), tuple(rows), (False, True, True, True)))

    for quotes, heading in (
        (s["most_positive"], "Most positive comments"),
        (s["most_negative"], "Most negative comments"),
    ):
        if quotes:
            doc.add(Heading(3, inlines(heading)))
            for q in quotes[:3]:
                doc.add(quote(ctx, q["excerpt"], q["author"], q["id"], f"score {fmt.signed(q['score'])}"))

    if fmt.uses_vader(s["method"]):
        doc.add(Heading(3, inlines("What VADER is and is not good at")))
        doc.add(Paragraph(inlines(VADER_GOOD)))
    else:
        doc.add(Heading(3, inlines("What the tone measures")))
        doc.add(Paragraph(inlines(TONE_MODEL_GOOD)))
    caveats = [clean(c) for c in s["caveats"] if clean(c)]
    if caveats:
        doc.add(Paragraph(inlines("Its limits:")))
        doc.add(BulletList(tuple(inlines(c) for c in caveats)))


# ---------------------------------------------------------------- notes and footer


def _class_rule(method: schema.ToneMethod) -> str:
    """How a comment's class follows from its score: VADER's band, or the tone model's most probable class."""
    low, high = method.get("negative_at_most"), method.get("positive_at_least")
    if low is None or high is None:
        return "each comment counts in the class the tone model finds most probable for it."
    return f"neutral means a score between {fmt.signed(low)} and {fmt.signed(high)}."


def _notes_section(ctx: Context, doc: Document) -> None:
    # a thread without reply structure already has structure's note saying so; no note twice
    said = dict.fromkeys(c for n in (*ctx.thread["notes"], *ctx.structure["notes"]) if (c := clean(n)))
    notes = [inlines(n) for n in said]
    if notes:
        doc.add(Heading(2, inlines("Notes")))
        doc.add(BulletList(tuple(notes)))


def _footer(ctx: Context) -> Inlines:
    parts = [f"Generated by threadscope {clean(ctx.meta['threadscope'])}"]
    parts.append(f"embedding model {clean(ctx.meta['embedding_model'])}")
    parts.append(f"tone by {clean(ctx.sentiment['method']['name'])}")
    parts.append(f"seed {ctx.meta['seed']}")
    parts.append("parameters: " + fmt.params(ctx.meta["params"]))
    return inlines(" · ".join(parts) + ".")
