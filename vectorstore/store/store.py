"""The store: chunks, articles and their vectors in Chroma (see :mod:`vectorstore.store.schema`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from vectorstore.config import Settings, apply_privacy_defaults
from vectorstore.store.articles import ArticleStore
from vectorstore.store.base import BATCH, IN_BATCH
from vectorstore.store.chunks import ChunkStore
from vectorstore.store.client import guard
from vectorstore.store.codec import article_meta, chunk_metas
from vectorstore.store.schema import ARTICLES, CHUNKS, ArticleWrite


class Store(ArticleStore, ChunkStore):
    """Chunks, articles and their vectors in Chroma, embedded or on a server.

    Build with :func:`open_store`. Methods raise :class:`StoreUnavailable` when a
    Chroma server cannot be reached; the next call reconnects.
    """

    @guard
    def write_articles(self, items: Sequence[ArticleWrite]) -> None:
        """Store many articles at once: for each, its chunks replace the old ones, then its record.

        The same result as :meth:`replace_chunks` then :meth:`put_article` for every item,
        in a few large Chroma calls and one revision bump (per-article calls cost far more).
        """
        if not items:
            return
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
        # Bump before the records: a crash after the records must not leave the BM25 index
        # believing it is current (a crash before them leaves no record: the next run redoes it).
        self._bump(aids)
        arts = self._col(ARTICLES)
        for i in range(0, len(items), BATCH):
            part = items[i:i + BATCH]
            self._put_texts([it.article for it in part])
            arts.upsert(ids=[it.article.id for it in part], embeddings=[[1.0]] * len(part),
                        documents=[""] * len(part),
                        metadatas=[article_meta(it.article, it.text_hash, it.simhash,
                                                      len(it.chunks), it.copies, "") for it in part])
            for it in part:
                self._simhashes.note(it.article.id, it.simhash)


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
