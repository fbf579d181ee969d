"""The store: chunks and their vectors in Chroma, articles in the catalog (see
:mod:`vectorstore.store.schema`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from vectorstore.collection_names import (
    DEFAULT_COLLECTION,
    check_collection_name,
    chunks_collection,
)
from vectorstore.config import Settings, apply_privacy_defaults
from vectorstore.errors import ConfigError, NotFound
from vectorstore.store.articles import ArticleStore
from vectorstore.store.base import IN_BATCH
from vectorstore.store.chunks import ChunkStore
from vectorstore.store.client import guard
from vectorstore.store.codec import chunk_metas, outlets, record_of, row_of
from vectorstore.store.schema import ArticleWrite


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
                [row_of(it.article, it.text_hash, it.simhash, it.copies, collection=self.collection)
                 for it in items],
                pending=True, merge_copies=True)
            dups = dict(put.duplicates)
            todo = self._with_outlets([it for it in items if it.article.id not in dups])
            self._write_chunks(todo)
            self.catalog.mark_indexed({it.article.id: len(it.chunks) for it in todo},
                                      self.collection)
        for it in items:
            if it.article.id in dups:
                if self.catalog.get_article(it.article.id, self.collection) is not None:
                    self.delete_article(it.article.id)  # its text is now another's: a copy
                self.add_copy(dups[it.article.id], it.article, it.text_hash, it.simhash)
        return dups

    def _with_outlets(self, items: list[ArticleWrite]) -> list[ArticleWrite]:
        """``items`` with the copies their rows hold now (another writer may have recorded
        one since they were planned), and their chunks' outlets to match."""
        rows = self.catalog.get_articles([it.article.id for it in items], self.collection)
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
        col = self._col(self.chunks_name)
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

    # -- collections ----------------------------------------------------------------------

    def collections(self) -> dict[str, int]:
        """Every collection of the catalog with its article count, by name."""
        return self.catalog.article_counts()

    @guard
    def create_collection(self, name: str) -> bool:
        """Make the collection ``name`` (its catalog row and Chroma collection); return
        whether it was new."""
        check_collection_name(name)
        with self.writing(ensure=False):
            new = self.catalog.get_collection(name) is None
            self.catalog.ensure_collection(name, embed_model=self.model, dim=self.dim)
            self._col(chunks_collection(name))
        return new

    @guard
    def delete_collection(self, name: str) -> int:
        """Delete collection ``name``: its vectors (its Chroma collection), then its catalog
        rows (each journalled); return the articles deleted. ``default`` cannot be deleted.

        Raises:
            NotFound: no such collection.
        """
        self._check_admin(name)
        with self.writing(ensure=False):
            self.connection.drop(chunks_collection(name))
            return self.catalog.delete_collection(name)

    @guard
    def rename_collection(self, old: str, new: str) -> int:
        """Rename collection ``old`` to ``new`` (catalog rows, then the Chroma collection),
        keeping its articles and vectors; return how many articles it holds."""
        self._check_admin(old)
        check_collection_name(new)
        if new == DEFAULT_COLLECTION:
            raise ConfigError("the default collection exists: rename to another name")
        with self.writing(ensure=False):
            n = self.catalog.rename_collection(old, new)
            self._col(chunks_collection(old)).modify(name=chunks_collection(new))
            self.connection.forget(chunks_collection(old))
        return n

    def _check_admin(self, name: str) -> None:
        check_collection_name(name)
        if name == DEFAULT_COLLECTION:
            raise ConfigError("the default collection cannot be deleted or renamed: "
                              "use `newsdesk reset` to empty it")
        if self.catalog.get_collection(name) is None:
            raise NotFound(f"no collection {name!r}: the collections are "
                           f"{', '.join(self.collections())}")


def open_store(settings: Settings | None = None, *, model: str | None = None, dim: int | None = None,
               backend: str | None = None, allow_model_change: bool = False,
               tolerate_damage: bool = False) -> Store:
    """Open the store described by ``settings`` and check its schema.

    Args:
        settings: Where the store is (``home`` or ``chroma_url``); default from the environment.
        model: Embedding model identity (default: the configured model).
        dim: Its vector dimension (default: read from the model's config, no weights loaded).
        backend: The encoder backend recorded with the vectors.
        allow_model_change: Open even if the store was built with another model (``reindex``).
        tolerate_damage: Open a damaged store anyway (``repair``, ``reset``; see
            :meth:`Store.check`).

    Raises:
        ModelMismatch: the store was built with another model.
        StoreDamaged: the store is damaged (``newsdesk doctor`` tells how).
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
    store.check(tolerate_damage=tolerate_damage)
    return store
