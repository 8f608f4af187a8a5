"""The reply-structure section of a thread report: who replied to whom, how deep, how fast."""

from __future__ import annotations

from threadscope import schema
from threadscope.report import fmt
from threadscope.report.context import TABLE_ROWS, Context, author_link, author_name, cell, figure
from threadscope.report.document import BulletList, Document, Heading, Inlines, Link, Paragraph, Table, Text, inlines
from threadscope.report.escape import clean, truncate


def structure_section(ctx: Context, doc: Document) -> None:
    """The section "Shape of the discussion": overview, figures, the most replied-to and most active, exchanges."""
    doc.add(Heading(2, inlines("Shape of the discussion")))
    st = ctx.structure
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

    subthreads = (st["largest_subthreads"] or [])[:TABLE_ROWS]
    if subthreads:
        doc.add(Heading(3, inlines("Largest subthreads")))
        doc.add(Paragraph(inlines("The conversations that grew under a single top-level comment:")))
        rows = []
        for r in subthreads:
            rows.append(
                (
                    author_link(ctx, r["author"], r["root_id"]),
                    cell(f"{r['size']:,}"),
                    cell(str(r["depth"])),
                    cell(ctx.theme_label(r["dominant_theme"]) or "–"),
                )
            )
        doc.add(
            Table(
                ("Started by", "Comments", "Deepest reply", "Main theme"),
                tuple(rows),
                (False, True, True, False),
            )
        )

    replied = (st["most_replied"] or [])[:TABLE_ROWS]
    if replied:
        doc.add(Heading(3, inlines("Most replied-to comments")))
        replied_rows: list[tuple[Inlines, ...]] = []
        for comment in replied:
            post = ctx.by_id.get(comment["id"])
            excerpt = truncate(clean(post["text"] if post else ""), 90) or "[no text]"
            link = comment["permalink"]
            replied_rows.append(
                (
                    (Link(excerpt, link),) if link else (Text(excerpt),),
                    cell(author_name(comment["author"])),
                    cell(f"{comment['replies']:,}"),
                )
            )
        doc.add(Table(("Comment", "Author", "Direct replies"), tuple(replied_rows), (False, False, True)))

    active = (st["most_active_authors"] or [])[:TABLE_ROWS]
    if active:
        received = {a["author"]: a["replies_received"] for a in st["most_replied_authors"] or []}
        doc.add(Heading(3, inlines("Most active people")))
        active_rows: list[tuple[Inlines, ...]] = []
        for person in active:
            got = received.get(person["author"])
            active_rows.append(
                (
                    cell(author_name(person["author"])),
                    cell(f"{person['comments']:,}"),
                    cell(f"{got:,}" if got is not None else "–"),
                )
            )
        doc.add(Table(("Person", "Comments", "Replies received"), tuple(active_rows), (False, True, True)))

    exchanges = (st["exchanges"] or [])[:TABLE_ROWS]
    total = st["exchange_count"]
    if exchanges:
        doc.add(Heading(3, inlines("Back-and-forth exchanges")))
        intro = "Pairs of people who replied to each other several times in a row"
        intro += f" ({fmt.count(total, 'exchange')} in all):" if total is not None else ":"
        doc.add(Paragraph(inlines(intro)))
        items = []
        for run in exchanges:
            first, second = (author_name(a) for a in run["authors"])
            item: list[str | Text | Link | None] = [Text(first, "strong"), " and ", Text(second, "strong")]
            item.append(f": {fmt.count(run['turns'], 'turn')}")
            link = ctx.permalink(run["start_id"])
            if link:
                item += [", ", Link("read from the start", link)]
            items.append(inlines(*item))
        doc.add(BulletList(tuple(items)))

    conc = st["concentration"]
    if conc:
        gini = conc["gini"]
        spread = "evenly spread" if gini < 0.3 else "moderately concentrated" if gini < 0.5 else "concentrated"
        words = (
            f"The most active 10% of participants wrote {fmt.pct(conc['top10_share'])} of the comments. "
            f"The Gini coefficient of comments per person is {gini:.2f} ({spread}; 0 would mean everyone "
            "wrote the same number of comments, 1 that one person wrote them all)."
        )
        doc.add(Heading(3, inlines("How concentrated the conversation is")))
        doc.add(Paragraph(inlines(words)))


def _structure_overview(ctx: Context, st: schema.Structure) -> Inlines:
    comments = st["comments"]
    authors = st["authors"]
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
    top = st["top_level"]
    if top is not None and comments:
        rest = comments - top
        parts.append(f" {fmt.count(top, 'comment')} {'replies' if top == 1 else 'reply'} directly to the post")
        if rest > 0:
            verb = "replies" if rest == 1 else "reply"
            parts.append(f"; the other {fmt.count(rest, 'comment')} {verb} to other comments")
        parts.append(".")
    chain = st["longest_chain"]
    if chain and chain["length"] > 1:
        parts.append(f" The deepest chain runs {fmt.count(chain['length'], 'reply', 'replies')}")
        link = ctx.permalink(chain["ids"][0])
        chain_authors = {author_name(a) for a in chain["authors"]}
        if len(chain_authors) > 1:
            parts.append(f" between {fmt.count(len(chain_authors), 'person', 'people')}")
        if link:
            parts += [" (", Link("start of the chain", link), ")"]
        parts.append(".")
    mean_depth = st["mean_depth"]
    rpc = st["replies_per_comment"]
    if mean_depth is not None:
        parts.append(f" On average a comment sits {mean_depth:.1f} levels deep")
        parts.append(f" and draws {rpc:.1f} replies." if rpc is not None else ".")
    deleted = st["deleted"]
    orphaned = st["orphaned"]
    if deleted:
        parts.append(f" {fmt.count(deleted, 'comment')} {'was' if deleted == 1 else 'were'} deleted.")
    if orphaned:
        parts.append(
            f" {fmt.count(orphaned, 'comment')} lost {'its' if orphaned == 1 else 'their'} parent and "
            f"{'is' if orphaned == 1 else 'are'} shown as direct replies to the post."
        )
    return inlines(*parts)


def _timing(ctx: Context, st: schema.Structure) -> str:
    first = fmt.timestamp(st["first_comment_at"])
    last = fmt.timestamp(st["last_comment_at"])
    peak = fmt.timestamp(st["peak_hour"])
    started = fmt.timestamp(ctx.thread["created_at"])
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
