"""The vector store: the only package that imports ``chromadb``.

Chroma holds the vectors, chunk texts and the chunk metadata that filters need; articles,
their full texts and copies, the schema record and the write journal live in the catalog
(:mod:`vectorstore.catalog`).

* :mod:`~vectorstore.store.schema`: the chunk collection, the record types.
* :mod:`~vectorstore.store.codec`: chunks and passages to and from record metadata; catalog
  rows to and from article records.
* :mod:`~vectorstore.store.client`: the Chroma client (embedded or server), retries, errors.
* :mod:`~vectorstore.store.follow`: the SimHash list and copy index, following the journal.
* :mod:`~vectorstore.store.legacy`: stores from before the catalog, copied into it.
* :mod:`~vectorstore.store.base`, :mod:`~vectorstore.store.articles`,
  :mod:`~vectorstore.store.chunks`, :mod:`~vectorstore.store.store`: the :class:`Store`
  (connection, catalog and revisions, article records, chunk records, batched writes) and
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
