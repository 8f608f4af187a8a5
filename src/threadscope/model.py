"""The source-agnostic thread: posts in a validated reply tree.

Every source turns its input into a ``Thread``; every analysis reads one.
``Thread.build`` is the only way in, and it guarantees what analyses rely on:
one root first, every other post's parent present in the thread, no cycles,
``depth`` set from the root (0) down, posts in depth-first order.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from threadscope.errors import InputError

#: Flags a post may carry.
ORPHANED = "orphaned"  # its parent was missing; re-attached to the root
QUOTE = "quote"  # an X quote tweet, kept at depth 1
MISSING = "missing"  # a placeholder for a root the source did not return

#: The most posts one thread may hold (the largest HN threads have about 10,000).
MAX_POSTS = 500_000
#: What a thread or post id may look like: it names cache entries and report folders.
SAFE_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.~-]{0,99}$")


@dataclass(slots=True)
class Post:
    """One post of a thread: the root (story, tweet) or a comment.

    ``text`` is the plain text of ``text_html``; ``own_text`` is the same
    without the lines quoting the parent, which is what text analyses read.
    A deleted or dead post keeps its place in the tree with empty text.
    """

    id: str
    parent_id: str | None
    author: str | None = None
    created_at: datetime | None = None
    text_html: str = ""
    text: str = ""
    own_text: str = ""
    deleted: bool = False
    depth: int = 0
    permalink: str | None = None
    score: int | None = None
    flags: frozenset[str] = frozenset()

    @property
    def orphaned(self) -> bool:
        """Whether the post's parent was missing and it hangs from the root instead."""
        return ORPHANED in self.flags

    @property
    def has_text(self) -> bool:
        """Whether the post has words of its own to analyse."""
        return not self.deleted and bool(self.own_text.strip())


@dataclass(slots=True)
class Thread:
    """A discussion: the root post first, then every reply in depth-first order."""

    source: str
    id: str
    posts: list[Post]
    title: str | None = None
    url: str | None = None
    permalink: str | None = None
    fetched_at: datetime | None = None
    structured: bool = True
    notes: list[str] = field(default_factory=list)
    _by_id: dict[str, Post] = field(default_factory=dict, repr=False)
    _children: dict[str, list[Post]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(
        cls,
        *,
        source: str,
        id: str,
        root: Post,
        replies: Iterable[Post],
        title: str | None = None,
        url: str | None = None,
        permalink: str | None = None,
        fetched_at: datetime | None = None,
        structured: bool = True,
        notes: Iterable[str] = (),
    ) -> Thread:
        """Validate a root and its replies into a thread.

        A reply whose parent is absent, or that sits in a cycle, is attached to
        the root and flagged ``orphaned``; a repeated id keeps its first post,
        and a note says how many were dropped. Siblings keep the order they
        were given in.

        Raises:
            InputError: an id that could name a path (``../x``), or more than ``MAX_POSTS`` posts.

        """
        root.parent_id = None
        by_id: dict[str, Post] = {root.id: root}
        repeated = 0
        for post in replies:
            if post.id not in by_id:
                by_id[post.id] = post
            else:
                repeated += 1
            if len(by_id) > MAX_POSTS:
                raise InputError(f"thread {source}:{id} has more than {MAX_POSTS:,} posts, the most threadscope reads")
        if len(by_id) == 1 and root.id == "":
            raise InputError("a thread needs a root post with an id")
        for value in (id, *by_id):
            if not isinstance(value, str) or not SAFE_ID.match(value):
                raise InputError(
                    f"{source} thread has an invalid id {str(value)[:40]!r}: ids are letters, digits, '_', '.', '-'"
                )
        for post in by_id.values():
            _check_fields(post, f"{source} thread {id}")

        children: dict[str, list[Post]] = {pid: [] for pid in by_id}
        orphans: list[Post] = []
        for post in by_id.values():
            if post is root:
                continue
            if post.parent_id in by_id and post.parent_id != post.id:
                children[post.parent_id].append(post)
            else:
                orphans.append(post)

        for post in orphans:
            children[root.id].append(post)
        ordered = _walk(root, children)
        if len(ordered) < len(by_id):
            # Posts still unreachable from the root sit in cycles: cut each
            # cycle at its first post and hang it from the root.
            reached = {p.id for p in ordered}
            for post in by_id.values():
                if post.id not in reached:
                    children[post.parent_id].remove(post)  # type: ignore[index]
                    children[root.id].append(post)
                    orphans.append(post)
                    reached.update(p.id for p in _walk(post, children))
        for post in orphans:
            post.flags = post.flags | {ORPHANED}
            post.parent_id = root.id

        ordered = _walk(root, children)
        notes = list(notes)
        if repeated:
            notes.append(
                f"{repeated} post{'' if repeated == 1 else 's'} repeating an earlier post's id "
                f"{'was' if repeated == 1 else 'were'} dropped; the first post with each id is kept"
            )
        if orphans:
            notes.append(
                f"{len(orphans)} repl{'y' if len(orphans) == 1 else 'ies'} whose parent was missing "
                f"hang{'s' if len(orphans) == 1 else ''} from the root, flagged orphaned"
            )
        return cls(
            source=source,
            id=id,
            posts=ordered,
            title=title,
            url=url,
            permalink=permalink,
            fetched_at=fetched_at,
            structured=structured,
            notes=notes,
            _by_id={p.id: p for p in ordered},
            _children=children,
        )

    @property
    def root(self) -> Post:
        """The story, tweet or placeholder the discussion hangs from."""
        return self.posts[0]

    @property
    def comments(self) -> list[Post]:
        """Every post but the root, deleted ones included."""
        return self.posts[1:]

    @property
    def author(self) -> str | None:
        """The author of the root post."""
        return self.root.author

    @property
    def created_at(self) -> datetime | None:
        """When the root post was made."""
        return self.root.created_at

    def get(self, post_id: str) -> Post:
        """The post with this id; ``KeyError`` if the thread has none."""
        return self._by_id[post_id]

    def __contains__(self, post_id: object) -> bool:
        return post_id in self._by_id

    def __len__(self) -> int:
        return len(self.posts)

    def __iter__(self) -> Iterator[Post]:
        return iter(self.posts)

    def children(self, post_id: str) -> list[Post]:
        """The direct replies to a post, in source order."""
        return self._children.get(post_id, [])

    def subtree(self, post_id: str) -> Thread:
        """A new thread rooted at ``post_id``, holding only its replies.

        The posts are copies; depths count from the new root.
        """
        if post_id not in self._by_id:
            raise InputError(f"post {post_id} is not in thread {self.source}:{self.id}")
        ids, stack = [], [post_id]
        while stack:
            current = stack.pop()
            ids.append(current)
            stack.extend(c.id for c in reversed(self._children.get(current, ())))
        copies = [dataclasses.replace(self._by_id[i]) for i in ids]
        top = copies[0]
        return Thread.build(
            source=self.source,
            id=post_id,
            root=copies[0],
            replies=copies[1:],
            title=self.title,
            url=self.url,
            permalink=top.permalink or self.permalink,
            fetched_at=self.fetched_at,
            structured=self.structured,
            notes=[f"subtree of comment {post_id} in {self.source}:{self.id}"],
        )


def _check_fields(post: Post, where: str) -> None:
    """The last line of defence after each source's own checks: every field of the type analyses expect."""
    strings = (post.text, post.own_text, post.text_html)
    if (
        not all(isinstance(s, str) for s in strings)
        or not isinstance(post.author, (str, type(None)))
        or not isinstance(post.score, (int, type(None)))
        or not isinstance(post.created_at, (datetime, type(None)))
    ):
        raise InputError(f"{where}: post {post.id} has a field of the wrong type (author, text, time or score)")


def _walk(top: Post, children: dict[str, list[Post]]) -> list[Post]:
    """Depth-first, pre-order; sets ``depth``. Iterative: real threads run deep."""
    out: list[Post] = []
    top.depth = 0
    stack = [top]
    seen: set[str] = set()
    while stack:
        post = stack.pop()
        if post.id in seen:
            continue
        seen.add(post.id)
        out.append(post)
        for child in reversed(children.get(post.id, ())):
            if child.id not in seen:
                child.depth = post.depth + 1
                stack.append(child)
    return out


def parse_timestamp(value: str | int | float | None) -> datetime | None:
    """An ISO-8601 string or epoch seconds as an aware UTC datetime, else ``None``."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, (int, float)):
            return datetime.fromtimestamp(value, tz=UTC)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def isoformat(value: datetime | None) -> str | None:
    """A datetime as ISO-8601 UTC with a ``Z``, or ``None``."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
