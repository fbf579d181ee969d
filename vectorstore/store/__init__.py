"""The Chroma vector store: the only package that imports ``chromadb``.

* :mod:`~vectorstore.store.schema`: the collections, the schema record, the record types.
* :mod:`~vectorstore.store.codec`: articles, chunks and passages to and from record metadata.
* :mod:`~vectorstore.store.client`: the Chroma client (embedded or server), retries, errors.
* :mod:`~vectorstore.store.journal`: the write journal and the saved SimHash list.
* :mod:`~vectorstore.store.base`, :mod:`~vectorstore.store.articles`,
  :mod:`~vectorstore.store.chunks`, :mod:`~vectorstore.store.store`: the :class:`Store`
  (connection and revisions, article records, chunk records, batched writes) and
  :func:`open_store`.
"""

from vectorstore.store.codec import day_number
from vectorstore.store.schema import (
    ARTICLES,
    CHUNKS,
    META,
    SCHEMA_VERSION,
    TEXTS,
    ArticleRecord,
    ArticleWrite,
    StoreInfo,
)
from vectorstore.store.store import Store, open_store

__all__ = [
    "ARTICLES", "CHUNKS", "META", "SCHEMA_VERSION", "TEXTS", "ArticleRecord", "ArticleWrite",
    "Store", "StoreInfo", "day_number", "open_store",
]
