"""What the store holds: its collections, its schema record and the shapes of its records.

Four collections hold everything, so embedded and server mode behave the same:

* ``newsdesk_chunks``: one record per chunk: its vector and metadata (its text,
  article id, title, url, source, published date, offsets, sentence offsets,
  content hash, the outlets that carried it).
* ``newsdesk_articles``: one record per article: its metadata (content hash,
  SimHash, chunk count, recorded copies). A duplicate copy is a record with
  ``dup_of`` set and no chunks.
* ``newsdesk_texts``: the full text of each canonical article, apart from its record,
  so that listing articles never reads every text.
* ``newsdesk_meta``: one record, ``schema``: the schema version, the embedding model,
  its dimension and backend, and a revision number bumped on every write (the
  BM25 index uses it to know whether it is current).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from vectorstore.types import Article, Chunk

SCHEMA_VERSION = 1
CHUNKS = "newsdesk_chunks"
ARTICLES = "newsdesk_articles"
TEXTS = "newsdesk_texts"
META = "newsdesk_meta"
COLLECTIONS = (CHUNKS, ARTICLES, TEXTS, META)


@dataclass(frozen=True)
class StoreInfo:
    """What the store records about itself."""

    schema_version: int
    model: str
    dim: int
    backend: str
    revision: int


def next_revision(current: int) -> int:
    """A revision after ``current`` that another process writing at the same time won't pick too.

    It is the clock in microseconds (or ``current + 1`` if that is larger), so two writers that
    both read ``current`` still store different numbers and every BM25 index sees the change.
    """
    return max(current + 1, time.time_ns() // 1000)


@dataclass(frozen=True)
class ArticleRecord:
    """An article as the store lists it."""

    id: str
    title: str
    url: str
    source: str
    published: date | None
    n_chunks: int
    hash: str
    simhash: int
    path: str = ""
    dup_of: str = ""
    copies: tuple[dict[str, str], ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        """Every outlet that carried the article, first copy first."""
        out = [self.source] if self.source else []
        out += [c["source"] for c in self.copies if c.get("source") and c["source"] not in out]
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "id": self.id, "title": self.title, "url": self.url, "source": self.source,
            "published": self.published.isoformat() if self.published else None,
            "n_chunks": self.n_chunks, "path": self.path, "dup_of": self.dup_of or None,
            "copies": list(self.copies), "sources": list(self.sources),
        }


@dataclass(frozen=True)
class ArticleWrite:
    """One article ready to store: its chunks, their vectors and content hashes, its record."""

    article: Article
    chunks: Sequence[Chunk]
    vectors: np.ndarray
    hashes: Sequence[str]
    text_hash: str
    simhash: int
    copies: tuple[dict[str, str], ...] = ()
    sources: Sequence[str] = ()
    urls: Sequence[str] = ()
