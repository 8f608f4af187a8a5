"""The errors threadscope raises, and what the command line makes of them.

Every error a user can cause is a ``ThreadscopeError``; the CLI prints its
message on one line and exits with its ``exit_code``. Anything else is a bug.

    ThreadscopeError                 exit 1: something failed at run time
    ├── InputError                   exit 2: the user gave something unusable
    │   ├── SpecError                  not a thread spec, or an invalid id
    │   └── FileFormatError            unknown file type, empty or malformed file
    ├── FetchError                   the network failed after retries
    │   ├── NotFoundError              the source has no such thread
    │   └── RateLimitError             the source keeps refusing for now
    ├── OfflineError                 --offline and the cache lacks the thread
    └── ModelError                   the embedding model is missing or altered
"""

from __future__ import annotations


class ThreadscopeError(Exception):
    """Base of every error a user can cause; carries the exit code."""

    exit_code = 1


class InputError(ThreadscopeError):
    """The user gave a spec, file or option threadscope cannot use."""

    exit_code = 2


class SpecError(InputError):
    """A string that is not a thread spec threadscope knows."""


class FileFormatError(InputError):
    """A file of an unknown type, empty, or not in the format its name says."""


class FetchError(ThreadscopeError):
    """A source could not be reached or answered garbage, after retries.

    ``status`` and ``body`` hold the refusing response, when there was one,
    so a source can explain its own refusals (an X 401, say).
    """

    def __init__(self, message: str, *, status: int | None = None, body: bytes = b"") -> None:
        super().__init__(message)
        self.status = status
        self.body = body


class NotFoundError(FetchError):
    """The source answered that the thread does not exist."""


class RateLimitError(FetchError):
    """The source keeps rate-limiting us past the time we are willing to wait."""


class OfflineError(ThreadscopeError):
    """``--offline`` was given and the cache does not hold what is needed."""


class ModelError(ThreadscopeError):
    """The embedding model cannot be loaded, or its weights are not the expected ones."""
