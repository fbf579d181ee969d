"""The catalog's errors; each names the fix."""

from __future__ import annotations

from vectorstore.errors import ConfigError, NewsdeskError, StoreUnavailable


class CatalogUnavailable(StoreUnavailable):
    """The catalog database cannot be reached or opened."""


class CatalogTooNew(NewsdeskError):
    """The catalog was written by a newer Newsdesk than this one."""


class BadDatabaseUrl(ConfigError):
    """``NEWSDESK_DATABASE_URL`` is not a URL the catalog can use."""
