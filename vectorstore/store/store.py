"""The store: chunks and their vectors in Chroma, articles in the catalog (see
:mod:`vectorstore.store.schema`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from vectorstore.config import Settings, apply_privacy_defaults
from vectorstore.store.articles import ArticleStore
from vectorstore.store.base import IN_BATCH
from vectorstore.store.chunks import ChunkStore
from vectorstore.store.client import guard
from vectorstore.store.codec import chunk_metas, outlets, record_of, row_of
from vectorstore.store.schema import CHUNKS, ArticleWrite


class Store(ArticleStore, ChunkStore):
    """Chunks and their vectors in Chroma (embedded or on a server), articles in the catalog.

    Build with :func:`open_store`. Methods raise :class:`StoreUnavailable` when a
    Chroma server cannot be reached; the next call reconnects.
    """

    @guard
    def write_articles(self, items: Sequence[ArticleWrite]) -> dict[str, str]:
        """Store many articles at once, in the order of a write:

        1. their catalog rows and journal entries, in one transaction (left pending);
        2. their chunks and vectors in Chroma, replacing the old ones;
        3. ``mark_indexed`` in the catalog.

        A crash between two steps leaves the articles pending, and the next open finishes
        them from their stored texts (``Ingestor.finish_pending``). An article whose text
        another article already has (another process stored it meanwhile: the catalog's
        unique content hash) is recorded as a copy of it instead.

        Returns:
            ``{id: canonical id}`` of the articles recorded as copies instead.
        """
        if not items:
            return {}
        with self.writing():
            put = self.catalog.put_articles(
                [row_of(it.article, it.text_hash, it.simhash, it.copies) for it in items],
                pending=True, merge_copies=True)
            dups = dict(put.duplicates)
            todo = self._with_outlets([it for it in items if it.article.id not in dups])
            self._write_chunks(todo)
            self.catalog.mark_indexed({it.article.id: len(it.chunks) for it in todo})
        for it in items:
            if it.article.id in dups:
                if self.catalog.get_article(it.article.id) is not None:
                    self.delete_article(it.article.id)  # its text is now another's: a copy
                self.add_copy(dups[it.article.id], it.article, it.text_hash, it.simhash)
        return dups

    def _with_outlets(self, items: list[ArticleWrite]) -> list[ArticleWrite]:
        """``items`` with the copies their rows hold now (another writer may have recorded
        one since they were planned), and their chunks' outlets to match."""
        rows = self.catalog.get_articles([it.article.id for it in items])
        out: list[ArticleWrite] = []
        for it in items:
            row = rows.get(it.article.id)
            copies = tuple(dict(c) for c in row.copies) if row is not None else it.copies
            if copies != it.copies and row is not None:
                sources, urls = outlets(record_of(row), copies)
                it = replace(it, copies=copies, sources=sources, urls=[u for u in urls if u])
            out.append(it)
        return out

    def _write_chunks(self, items: Sequence[ArticleWrite]) -> None:
        """Replace the chunks of ``items`` in Chroma, in a few large calls."""
        col = self._col(CHUNKS)
        aids = [it.article.id for it in items]
        for i in range(0, len(aids), IN_BATCH):
            col.delete(where={"article_id": {"$in": aids[i:i + IN_BATCH]}})
        ids: list[str] = []
        metas: list[dict[str, Any]] = []
        vecs = [it.vectors for it in items if len(it.chunks)]
        for it in items:
            ids += [c.id for c in it.chunks]
            metas += chunk_metas(it.article, it.chunks, it.hashes, it.sources, it.urls)
        if ids:
            self._upsert_chunks(ids, np.concatenate(vecs).astype(np.float32, copy=False), metas)


def open_store(settings: Settings | None = None, *, model: str | None = None, dim: int | None = None,
               backend: str | None = None, allow_model_change: bool = False) -> Store:
    """Open the store described by ``settings`` and check its schema.

    Args:
        settings: Where the store is (``home`` or ``chroma_url``); default from the environment.
        model: Embedding model identity (default: the configured model).
        dim: Its vector dimension (default: read from the model's config, no weights loaded).
        backend: The encoder backend recorded with the vectors.
        allow_model_change: Open even if the store was built with another model (``reindex``).

    Raises:
        ModelMismatch: the store was built with another model.
        StoreUnavailable: the Chroma server cannot be reached.
    """
    apply_privacy_defaults()  # before chromadb (and the encoder's runtime) load
    from vectorstore.embedding import Embedder

    s = settings or Settings.from_env()
    if model is None or dim is None or not backend:  # what the caller left out, from settings
        emb = Embedder.from_settings(s)
        model = model or emb.identity
        dim = dim or emb.dim
        backend = backend or emb.backend  # "auto" resolved
    store = Store(s, model, dim, backend, allow_model_change)
    store.check()
    return store
