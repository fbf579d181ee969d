"""One error root for Newsdesk. Every message says what went wrong and how to fix it."""

from __future__ import annotations


class NewsdeskError(Exception):
    """Root of every error Newsdesk raises on purpose.

    The CLI and the UI show ``str(error)`` as one line; no traceback.
    """


class ConfigError(NewsdeskError):
    """A setting (environment variable or argument) is invalid."""


class LoadError(NewsdeskError):
    """A file could not be read as articles."""


class StoreUnavailable(NewsdeskError):
    """The vector store (Chroma) cannot be reached."""


class ModelMismatch(NewsdeskError):
    """The store was built with another embedding model."""


class NotFound(NewsdeskError):
    """An article or other record does not exist."""


class BadQuestion(NewsdeskError):
    """A question is empty, too long or otherwise unusable."""


class BackendError(NewsdeskError):
    """An LLM backend failed or is misconfigured."""


class AccountError(NewsdeskError):
    """A user name or password is unusable, or the user exists already."""


class OutOfRange(ConfigError, ValueError):
    """A number outside its allowed range (``k``: 1 to 100); the message names the range."""


class StoreDamaged(StoreUnavailable):
    """The store's files are damaged (an empty, unreadable or garbled database, a broken schema
    record, a broken vector index): never taken for an empty store; the message names
    ``newsdesk doctor``, ``newsdesk repair`` and ``newsdesk reset``."""


class DiskFull(StoreUnavailable):
    """The disk holding the store is full: the message says what was stored and to free space."""
