"""The shape of a discussion: how deep and wide it runs, who talks and who gets answered.

Two graphs carry the structure, both built with networkx:

- the **reply graph** (``reply_graph``): one node per post, root included, and
  an edge *parent → reply*, so a post's descendants are its subthread;
- the **author graph** (``author_graph``): one node per known author and an
  edge *replier → replied-to author* weighted by how many comments went that
  way. Only comment-to-comment replies count: every top-level comment answers
  the story, which would make its author a hub that says nothing. Self-replies
  and deleted authors are left out.

``analyze_structure`` returns plain, JSON-serialisable data. When a thread has
no reply structure (pasted text), the metrics that need one are ``None`` and a
note says why, rather than zeros that would read as "no replies".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import networkx as nx

from threadscope import schema
from threadscope.analysis.numbers import mean4, plural, round4
from threadscope.model import Post, Thread, isoformat

TOP_SUBTHREADS = 5
TOP_REPLIED = 5
TOP_AUTHORS = 10
TOP_EXCHANGES = 10
TOP_PAIRS = 10
#: A back-and-forth needs A → B → A at least.
MIN_EXCHANGE_TURNS = 3
#: Activity per hour is shown when at least this share of comments has a timestamp.
MIN_TIMESTAMP_SHARE = 0.5
#: Long-lived threads (an X thread revived months later) would give thousands of empty hours.
MAX_HOURS = 14 * 24

K = TypeVar("K")

#: The tree-shape figures of a thread without reply structure (pasted text): none, with a note.
NO_SHAPE: schema.Shape = {
    "top_level": None,
    "max_depth": None,
    "mean_depth": None,
    "depth_histogram": None,
    "branching_factor": None,
    "replies_per_comment": None,
    "largest_subthreads": None,
    "longest_chain": None,
    "most_replied": None,
    "most_replied_authors": None,
    "exchanges": None,
    "exchange_count": None,
    "author_pairs": None,
}
NO_TIMELINE: schema.Timeline = {"per_hour": None, "first_comment_at": None, "last_comment_at": None, "peak_hour": None}


def reply_graph(thread: Thread) -> nx.DiGraph:
    """The reply tree as a DiGraph with edges *parent → reply*.

    Nodes are post ids with attributes ``author``, ``depth`` and ``order``
    (the post's index in thread order, used to break ties).
    """
    graph = nx.DiGraph()
    for order, post in enumerate(thread.posts):
        graph.add_node(post.id, author=post.author, depth=post.depth, order=order)
        if post.parent_id is not None:
            graph.add_edge(post.parent_id, post.id)
    return graph


def author_graph(thread: Thread) -> nx.DiGraph:
    """Who replies to whom: edges *replier → replied-to author*, ``weight`` = number of replies.

    Comment-to-comment replies only; self-replies and unknown (deleted)
    authors are left out. Nodes carry ``order``, the first appearance of the
    author in thread order.
    """
    graph = nx.DiGraph()
    for order, post in enumerate(thread.comments):
        if post.author is not None and post.author not in graph:
            graph.add_node(post.author, order=order)
        parent = _parent_comment(thread, post)
        if parent is None or post.author is None or parent.author is None or post.author == parent.author:
            continue
        if parent.author not in graph:
            graph.add_node(parent.author, order=order)
        if graph.has_edge(post.author, parent.author):
            graph[post.author][parent.author]["weight"] += 1
        else:
            graph.add_edge(post.author, parent.author, weight=1, order=order)
    return graph


def analyze_structure(thread: Thread, theme_of: Mapping[str, int | None] | None = None) -> schema.Structure:
    """Counts, depth, subthreads, chains, exchanges, author concentration and activity over time.

    Definitions (all over comments, i.e. posts but the root):

    - ``branching_factor``: mean number of direct replies among comments that
      have at least one; the root's fan-out is ``top_level``, and counting it
      would let one number dominate on large threads. ``None`` when no comment
      has a reply.
    - ``replies_per_comment``: mean number of direct replies over all comments.
    - reply counts include deleted replies (they were replies); replies
      *received by an author* exclude self-replies and deleted repliers.
    - ``exchanges``: maximal runs of a reply chain in which two authors take
      turns (A → B → A …) at least three times. A run that forks into several
      branches that carry it on counts once per branch; a run's shorter
      prefix is not a run of its own.
    - ``concentration.top10_share``: share of the comments with a known author
      written by the most active 10% of authors (at least one author).

    Args:
        thread: the discussion.
        theme_of: post id → theme id (``-1`` unassigned, ``None`` not themed),
            used for each large subthread's dominant theme.

    Returns:
        Plain data; the tree-shape figures (``NO_SHAPE``) are ``None`` when
        ``thread.structured`` is false, and ``notes`` say why.

    """
    comments = thread.comments
    notes: list[str] = []
    authorship = _authorship(thread, notes)
    if thread.structured:
        shape = _shape(thread, theme_of)
    else:
        shape = NO_SHAPE
        kind = " (pasted text)" if thread.source == "text" else ""
        notes.append(
            f"This discussion has no reply structure{kind}: depth, chains, exchanges "
            "and reply counts are not available."
        )
    timeline = _timeline(comments, notes)
    deleted = sum(p.deleted for p in comments)
    orphaned = sum(p.orphaned for p in comments)
    notes.extend(_count_notes(len(comments), deleted, orphaned))
    return {
        "structured": thread.structured,
        "comments": len(comments),
        "deleted": deleted,
        "orphaned": orphaned,
        **authorship,
        **shape,
        **timeline,
        "notes": notes,
    }


# --- authors ---------------------------------------------------------------


def _authorship(thread: Thread, notes: list[str]) -> schema.Authorship:
    comments = thread.comments
    # Pasted text has posts but no authors: "0 authors" would be false.
    known = any(p.author for p in comments) or all(p.deleted for p in comments)
    if not known:
        notes.append(
            "Authors are not known for this discussion, so author counts, "
            "the most active authors and concentration are not available."
        )
        return {"authors": None, "op_comments": None, "most_active_authors": None, "concentration": None}
    per_author = Counter(p.author for p in comments if p.author is not None)
    op = thread.root.author
    return {
        "authors": len(per_author),
        "op_comments": per_author.get(op, 0) if op is not None else None,
        "most_active_authors": [{"author": a, "comments": n} for a, n in _top(per_author.items(), TOP_AUTHORS)],
        "concentration": concentration(list(per_author.values())),
    }


def concentration(counts: Sequence[int]) -> schema.Concentration | None:
    """How unevenly comments spread over authors, from comments per author.

    Returns:
        ``top10_share``: share of comments by the top 10% of authors (at least
        one); ``gini``: Gini coefficient (0 = everyone wrote as much, towards
        1 = one author wrote nearly everything). ``None`` without authors.

    """
    total = sum(counts)
    if not counts or total == 0:
        return None
    ordered = sorted(counts)
    top = max(1, len(ordered) // 10)
    n = len(ordered)
    # Sorted-rank form of the mean absolute difference over all pairs.
    gini = 2 * sum(i * x for i, x in enumerate(ordered, 1)) / (n * total) - (n + 1) / n
    return {"top10_share": round4(sum(ordered[-top:]) / total), "gini": round4(max(gini, 0.0))}


def _top(items: Iterable[tuple[K, int]], k: int) -> list[tuple[K, int]]:
    """The k largest counts; ``items`` come in thread order and Python's sort is stable."""
    return sorted(items, key=lambda kv: -kv[1])[:k]


# --- tree shape ------------------------------------------------------------


def _shape(thread: Thread, theme_of: Mapping[str, int | None] | None) -> schema.Shape:
    graph = reply_graph(thread)
    comments = thread.comments
    depths = [p.depth for p in comments]
    max_depth = max(depths, default=0)
    replies = [graph.out_degree(p.id) for p in comments]
    with_replies = [n for n in replies if n > 0]
    runs = exchanges(thread)
    return {
        "top_level": len(thread.children(thread.root.id)),
        "max_depth": max_depth,
        "mean_depth": mean4(depths),
        "depth_histogram": [{"depth": d, "count": depths.count(d)} for d in range(1, max_depth + 1)],
        "branching_factor": mean4(with_replies),
        "replies_per_comment": mean4(replies),
        "largest_subthreads": _largest_subthreads(thread, graph, theme_of),
        "longest_chain": _longest_chain(thread, max_depth),
        "most_replied": [
            {"id": p.id, "author": p.author, "replies": n, "permalink": p.permalink}
            for p, n in sorted(zip(comments, replies, strict=True), key=lambda pn: -pn[1])[:TOP_REPLIED]
            if n > 0
        ],
        "most_replied_authors": _most_replied_authors(thread),
        "exchanges": runs[:TOP_EXCHANGES],
        "exchange_count": len(runs),
        "author_pairs": _author_pairs(author_graph(thread)),
    }


def _largest_subthreads(
    thread: Thread, graph: nx.DiGraph, theme_of: Mapping[str, int | None] | None
) -> list[schema.Subthread]:
    rows: list[schema.Subthread] = []
    for top in thread.children(thread.root.id):
        below = nx.descendants(graph, top.id)
        members = sorted({top.id} | below, key=lambda pid: graph.nodes[pid]["order"])
        rows.append(
            {
                "root_id": top.id,
                "author": top.author,
                "size": len(members),
                "depth": max((graph.nodes[pid]["depth"] for pid in below), default=top.depth) - top.depth,
                "dominant_theme": _dominant_theme(members, theme_of),
                "permalink": top.permalink,
            }
        )
    return sorted(rows, key=lambda row: -row["size"])[:TOP_SUBTHREADS]


def _dominant_theme(ids: Sequence[str], theme_of: Mapping[str, int | None] | None) -> int | None:
    """Most common non-negative theme; ties go to the theme seen first in thread order."""
    if not theme_of:
        return None
    counts: Counter[int] = Counter()
    for pid in ids:
        theme = theme_of.get(pid)
        if theme is not None and theme >= 0:
            counts[int(theme)] += 1
    return _top(counts.items(), 1)[0][0] if counts else None


def _longest_chain(thread: Thread, max_depth: int) -> schema.Chain | None:
    leaf = next((p for p in thread.comments if p.depth == max_depth), None)
    if leaf is None:
        return None
    chain = _ancestry(thread, leaf, max_depth)
    return {"length": len(chain), "ids": [p.id for p in chain], "authors": [p.author for p in chain]}


def _parent_comment(thread: Thread, post: Post) -> Post | None:
    """The comment a post replies to; ``None`` for the root and top-level comments."""
    if post.parent_id is None or post.parent_id == thread.root.id:
        return None
    return thread.get(post.parent_id)


def _ancestry(thread: Thread, post: Post, length: int) -> list[Post]:
    """``post`` and its ``length - 1`` nearest ancestors, top first."""
    chain = [post]
    while len(chain) < length and chain[-1].parent_id is not None:
        chain.append(thread.get(chain[-1].parent_id))
    return chain[::-1]


def _most_replied_authors(thread: Thread) -> list[schema.RepliedAuthor]:
    received: Counter[str] = Counter()
    for post in thread.comments:
        for reply in thread.children(post.id):
            if post.author is not None and reply.author is not None and reply.author != post.author:
                received[post.author] += 1
    return [{"author": a, "replies_received": n} for a, n in _top(received.items(), TOP_AUTHORS)]


def _author_pairs(graph: nx.DiGraph) -> list[schema.AuthorPair]:
    edges = sorted(graph.edges(data=True), key=lambda e: (-e[2]["weight"], e[2]["order"]))
    return [{"from": a, "to": b, "replies": data["weight"]} for a, b, data in edges[:TOP_PAIRS]]


# --- exchanges -------------------------------------------------------------


def exchanges(thread: Thread, min_turns: int = MIN_EXCHANGE_TURNS) -> list[schema.Exchange]:
    """Every maximal back-and-forth between two authors, longest first, then in thread order.

    A run ending at a post is carried down the tree: a reply extends its
    parent's run when its author is the one who spoke two turns earlier and
    differs from the parent's; otherwise it opens a new two-turn run with its
    parent. Runs start below the root (the story is not a turn).
    """
    order = {p.id: i for i, p in enumerate(thread.posts)}
    # post id -> (id of the run's first post, turns in the run ending here)
    run: dict[str, tuple[str, int]] = {}
    for post in thread.comments:
        parent = _parent_comment(thread, post)
        if parent is None or post.author is None or parent.author is None or post.author == parent.author:
            run[post.id] = (post.id, 1)
            continue
        start, turns = run[parent.id]
        grand = _parent_comment(thread, parent) if turns >= 2 else None
        if grand is not None and grand.author == post.author:
            run[post.id] = (start, turns + 1)
        else:
            run[post.id] = (parent.id, 2)
    found: list[schema.Exchange] = []
    for post in thread.comments:
        start, turns = run[post.id]
        extended = any(run[c.id] == (start, turns + 1) for c in thread.children(post.id))
        if turns >= min_turns and not extended:
            chain = _ancestry(thread, post, turns)
            found.append(
                {
                    "authors": [chain[0].author, chain[1].author],
                    "turns": turns,
                    "ids": [p.id for p in chain],
                    "start_id": start,
                }
            )
    found.sort(key=lambda r: (-r["turns"], order[r["start_id"]], order[r["ids"][-1]]))
    return found


# --- time ------------------------------------------------------------------


def _timeline(comments: Sequence[Post], notes: list[str]) -> schema.Timeline:
    if not comments:
        return NO_TIMELINE
    stamps = sorted(p.created_at.astimezone(UTC) for p in comments if p.created_at is not None)
    if len(stamps) < MIN_TIMESTAMP_SHARE * len(comments) or not stamps:
        have = f"Only {len(stamps)} of {len(comments)} comments carry" if stamps else "No comment carries"
        notes.append(f"{have} a time, so activity over time is not shown.")
        return NO_TIMELINE
    if len(stamps) < len(comments):
        missing = len(comments) - len(stamps)
        notes.append(f"{plural(missing, 'comment')} without a time {_be(missing)} left out of activity per hour.")
    start = _hour(stamps[0])
    hours = int((_hour(stamps[-1]) - start) / timedelta(hours=1)) + 1
    if hours > MAX_HOURS:
        later = sum(s >= start + timedelta(hours=MAX_HOURS) for s in stamps)
        notes.append(
            f"Activity per hour covers the first {MAX_HOURS // 24} days only; "
            f"{plural(later, 'later comment')} {_be(later)} not shown in it."
        )
        hours = MAX_HOURS
    counts = [0] * hours
    for stamp in stamps:
        index = int((stamp - start) / timedelta(hours=1))
        if index < hours:
            counts[index] += 1
    peak = counts.index(max(counts))
    return {
        "per_hour": [{"hour": _hour_label(start, i), "count": n} for i, n in enumerate(counts)],
        "first_comment_at": isoformat(stamps[0]),
        "last_comment_at": isoformat(stamps[-1]),
        "peak_hour": _hour_label(start, peak),
    }


def _hour(stamp: datetime) -> datetime:
    return stamp.replace(minute=0, second=0, microsecond=0)


def _hour_label(start: datetime, offset: int) -> str:
    return (start + timedelta(hours=offset)).strftime("%Y-%m-%dT%H:00:00Z")


# --- helpers ---------------------------------------------------------------


def _count_notes(comments: int, deleted: int, orphaned: int) -> list[str]:
    notes = []
    if comments == 0:
        notes.append("The thread has no comments.")
    if deleted:
        notes.append(
            f"{plural(deleted, 'comment')} deleted: counted as comments, they keep "
            "their replies but have no author or text."
        )
    if orphaned:
        notes.append(
            f"{plural(orphaned, 'comment')} whose parent was missing "
            f"{'hangs' if orphaned == 1 else 'hang'} from the story, "
            "so depths and chains through them may be understated."
        )
    return notes


def _be(n: int) -> str:
    return "is" if n == 1 else "are"
