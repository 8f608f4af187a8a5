"""threadscope: what a discussion thread was about, its tone and its shape.

    >>> import threadscope
    >>> result = threadscope.analyze("24330326")     # doctest: +SKIP
    >>> result.themes[0]["label"]                     # doctest: +SKIP

Heavy libraries (torch, sentence-transformers, BERTopic) load only when an
analysis needs them, so importing this package is instant.
"""

from __future__ import annotations

__version__ = "0.1.0"

from threadscope.api import analyze, compare, load_thread  # noqa: E402
from threadscope.errors import (  # noqa: E402
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
from threadscope.model import Post, Thread  # noqa: E402

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
    "load_thread",
]
