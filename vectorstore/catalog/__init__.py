"""The catalog: one SQL database beside the vector store (SQLAlchemy 2 + Alembic).

It holds the articles and their full texts, the write journal every process follows, the
collections and the schema record; Chroma keeps vectors, chunk texts and filter metadata.
SQLite (``<NEWSDESK_HOME>/catalog.db``) by default, PostgreSQL (psycopg 3) when several
processes or machines share a desk: ``NEWSDESK_DATABASE_URL``.
"""

from vectorstore.catalog.catalog import Catalog, open_catalog
from vectorstore.catalog.engine import default_url, parse_url
from vectorstore.catalog.errors import BadDatabaseUrl, CatalogTooNew, CatalogUnavailable
from vectorstore.catalog.rows import (
    DEFAULT_COLLECTION,
    JOURNAL_KINDS,
    ArticleRow,
    CollectionInfo,
    JournalEntry,
    PutResult,
    SchemaRecord,
    Writer,
)

__all__ = [
    "DEFAULT_COLLECTION", "JOURNAL_KINDS", "ArticleRow", "BadDatabaseUrl", "Catalog",
    "CatalogTooNew", "CatalogUnavailable", "CollectionInfo", "JournalEntry", "PutResult",
    "SchemaRecord", "Writer", "default_url", "open_catalog", "parse_url",
]
