"""threadscope: what a discussion thread was about, its tone and its shape.

    >>> import threadscope
    >>> result = threadscope.analyze("24330326")     # doctest: +SKIP
    >>> result.themes[0]["label"]                     # doctest: +SKIP

Importing this package is instant: the public names below load on first use
(PEP 562), and heavy libraries (torch, sentence-transformers, scikit-learn)
only when an analysis needs them. The command line relies on this to answer
Ctrl-C cleanly from its first moment.
"""

from importlib import import_module

from threadscope._version import __version__

# Not ``typing.TYPE_CHECKING``: importing typing would make the package slower
# to import, and the command line's first moments longer (mypy honours the name).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from threadscope.api import analyze, compare, load_thread, search
    from threadscope.corpus.api import corpus_add, corpus_analyze, corpus_import, corpus_info
    from threadscope.errors import (
        FetchError,
        FileFormatError,
        InputError,
        ModelError,
        NotFoundError,
        OfflineError,
        RateLimitError,
        SpecError,
        ThreadscopeError,
    )
    from threadscope.model import Post, Thread

_HOME = {
    **dict.fromkeys(("analyze", "compare", "load_thread", "search"), "threadscope.api"),
    **dict.fromkeys(("corpus_add", "corpus_analyze", "corpus_import", "corpus_info"), "threadscope.corpus.api"),
    **dict.fromkeys(
        (
            "FetchError",
            "FileFormatError",
            "InputError",
            "ModelError",
            "NotFoundError",
            "OfflineError",
            "RateLimitError",
            "SpecError",
            "ThreadscopeError",
        ),
        "threadscope.errors",
    ),
    **dict.fromkeys(("Post", "Thread"), "threadscope.model"),
}

__all__ = [
    "FetchError",
    "FileFormatError",
    "InputError",
    "ModelError",
    "NotFoundError",
    "OfflineError",
    "Post",
    "RateLimitError",
    "SpecError",
    "Thread",
    "ThreadscopeError",
    "__version__",
    "analyze",
    "compare",
    "corpus_add",
    "corpus_analyze",
    "corpus_import",
    "corpus_info",
    "load_thread",
    "search",
]


def __getattr__(name: str) -> object:
    if name not in _HOME:
        raise AttributeError(f"module 'threadscope' has no attribute {name!r}")
    value = getattr(import_module(_HOME[name]), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
