"""The reply-structure section of a thread report: who replied to whom, how deep, how fast."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from threadscope.report import data, fmt
from threadscope.report.context import TABLE_ROWS, Context, author_link, author_name, cell, figure
from threadscope.report.document import BulletList, Document, Heading, Inlines, Link, Paragraph, Table, Text, inlines
from threadscope.report.escape import clean, truncate


def structure_section(ctx: Context, doc: Document) -> None:
    """The section "Shape of the discussion": overview, figures, the most replied-to and most active, exchanges."""
    doc.add(Heading(2, inlines("Shape of the discussion")))
    st = ctx.structure
    if st is None:
        doc.add(Paragraph(inlines("The structure analysis did not run, so the shape of the thread is unknown."), True))
        ctx.notes.append(inlines("Structure is missing: the reply-structure analysis did not run or failed."))
        figure(doc, ctx.figures, "reply_tree", "")
        return
    doc.add(Paragraph(_structure_overview(ctx, st)))
    timing = _timing(ctx, st)
    if timing:
        doc.add(Paragraph(inlines(timing)))
    figure(
        doc,
        ctx.figures,
        "reply_tree",
        "Every comment as a dot: the post is the star in the middle, each ring is one reply deeper, and big "
        "wedges are big subthreads.",
    )
    figure(doc, ctx.figures, "depth_histogram", "How many comments sit at each reply depth.")
    figure(doc, ctx.figures, "activity", "When the comments were posted, per hour.")
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
                    author_link(ctx, r.get("author"), r.get("root_id")),
                    cell(f"{data.integer(r.get('size')) or 0:,}"),
                    cell(str(data.integer(r.get("depth")) if data.integer(r.get("depth")) is not None else "–")),
                    cell(ctx.theme_label(r.get("dominant_theme")) or "–"),
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
                    cell(author_name(r.get("author"))),
                    cell(f"{data.integer(r.get('replies')) or 0:,}"),
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
                    cell(author_name(r.get("author"))),
                    cell(f"{data.integer(r.get('comments')) or 0:,}"),
                    cell(f"{got:,}" if got is not None else "–"),
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


def _structure_overview(ctx: Context, st: Mapping[str, Any]) -> Inlines:
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


def _timing(ctx: Context, st: Mapping[str, Any]) -> str:
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
