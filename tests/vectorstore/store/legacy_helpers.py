"""A minimal writer of the store layout from before the catalog (release of commit 3434074):
article records, full texts and the schema record with its revision all in Chroma."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from vectorstore.chunking import Chunker
from vectorstore.config import Settings
from vectorstore.dedupe import content_hash, normalised_hash, simhash
from vectorstore.embedding import Embedder
from vectorstore.lexical import LexicalIndex
from vectorstore.store.client import Connection
from vectorstore.store.codec import article_meta, chunk_metas
from vectorstore.store.schema import ARTICLES, CHUNKS, META, TEXTS
from vectorstore.types import Article

OLD_REVISION = 1_732_000_000_123_456  # the old revisions were the clock in microseconds


@dataclass(frozen=True)
class OldStore:
    """What the old writer stored: the canonical article, its duplicate, chunk ids."""

    article: Article
    copy: Article
    chunk_ids: tuple[str, ...]


def write_old_store(settings: Settings, embedder: Embedder, chunker: Chunker,
                    article: Article) -> OldStore:
    """Write ``article`` and an exact copy of it from another outlet as the old code did,
    with a BM25 index saved at the old revision (as the old desk left it)."""
    conn = Connection(settings, threading.RLock())
    chunks = chunker.run(article)
    hashes = [content_hash(c.text) for c in chunks]
    vecs = embedder.embed([c.text for c in chunks])
    conn.collection(CHUNKS).upsert(ids=[c.id for c in chunks], embeddings=vecs,
                                   documents=[""] * len(chunks),
                                   metadatas=chunk_metas(article, chunks, hashes, [], []))
    copy = Article(id=article.id + "-copy", text=article.text, title=article.title,
                   url="https://copy.example/a", source="Copy Wire", published=article.published,
                   path="copy.txt")
    th, sh = normalised_hash(article.text), simhash(article.text)
    entry = {"id": copy.id, "url": copy.url, "source": copy.source, "title": copy.title,
             "path": copy.path}
    conn.collection(ARTICLES).upsert(
        ids=[article.id, copy.id], embeddings=[[1.0], [1.0]], documents=["", ""],
        metadatas=[article_meta(article, th, sh, len(chunks), [entry], ""),
                   article_meta(copy, th, sh, 0, [], article.id)])
    conn.collection(TEXTS).upsert(ids=[article.id], embeddings=[[1.0]], documents=[""],
                                  metadatas=[{"text": article.text}])
    conn.collection(META).upsert(ids=["schema"], embeddings=[[1.0]], metadatas=[{
        "schema_version": 1, "model": embedder.identity, "dim": embedder.dim,
        "backend": embedder.backend, "revision": OLD_REVISION}])
    lex = LexicalIndex.for_store(settings.home, conn.location)
    lex.build([([c.id for c in chunks], [c.text for c in chunks],
                chunk_metas(article, chunks, hashes, [], []))], OLD_REVISION)
    return OldStore(article, copy, tuple(c.id for c in chunks))
