"""What the store holds in Chroma, and the shapes of its records.

Chroma holds one collection, ``newsdesk_chunks``: one record per chunk: its vector and
metadata (its text, article id, title, url, source, published date, offsets, sentence
offsets, content hash, the outlets that carried it). Articles, their full texts and
recorded copies, the schema record and the write journal live in the catalog
(:mod:`vectorstore.catalog`).

Stores written before the catalog also hold ``newsdesk_articles`` (article records; a
duplicate is a record with ``dup_of`` set), ``newsdesk_texts`` (full texts) and
``newsdesk_meta`` (the schema record and the revision); they are copied into the catalog
when such a store is first opened (:mod:`vectorstore.store.legacy`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from vectorstore.collection_names import DEFAULT_CHUNKS
from vectorstore.types import Article, Chunk

SCHEMA_VERSION = 1
CHUNKS = DEFAULT_CHUNKS
ARTICLES = "newsdesk_articles"
TEXTS = "newsdesk_texts"
META = "newsdesk_meta"
COLLECTIONS = (CHUNKS, ARTICLES, TEXTS, META)
LEGACY_COLLECTIONS = (ARTICLES, TEXTS, META)
"""The Chroma collections of a store from before the catalog (no vectors of their own)."""
COPY_KEYS = ("id", "url", "source", "title", "path")
"""What a recorded copy shows (the catalog keeps its hash, SimHash and date beside them)."""


@dataclass(frozen=True)
class StoreInfo:
    """What the store records about itself."""

    schema_version: int
    model: str
    dim: int
    backend: str
    revision: int


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
    page_starts: tuple[int, ...] = ()  # a PDF's page offsets (``Article.page_starts``)

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
            "copies": [{k: c[k] for k in COPY_KEYS if k in c} for c in self.copies],
            "sources": list(self.sources),
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
