"""A store made before the catalog opens without re-embedding: its records, texts, schema and
revision are copied into the catalog on first open (embedded and on a Chroma server)."""

from __future__ import annotations

import numpy as np
from legacy_helpers import OLD_REVISION, write_old_store

from qa import NewsDesk
from tests.conftest import SEED_DIR
from vectorstore.embedding import Embedder
from vectorstore.loading import load_paths
from vectorstore.store import CHUNKS
from vectorstore.types import Article


def _bundled() -> Article:
    arts = [a for a in load_paths([SEED_DIR]) if isinstance(a, Article)]
    assert arts, "the bundled article is missing"
    return arts[0]


def test_an_old_store_opens_without_reembedding(store_settings, embedder, chunker, monkeypatch,
                                               tmp_path, request):
    # a catalog not made yet (the server fixture opened one to empty the server)
    store_settings = store_settings.with_(home=tmp_path / "old-home")
    if store_settings.database_url:
        store_settings = store_settings.with_(
            database_url=request.getfixturevalue("pg_server").new_database())
    old = write_old_store(store_settings, embedder, chunker, _bundled())
    calls: list[int] = []
    real = Embedder.embed

    def counting(self: Embedder, texts, **kw):  # type: ignore[no-untyped-def]
        calls.append(len(texts))
        return real(self, texts, **kw)

    monkeypatch.setattr(Embedder, "embed", counting)
    desk = NewsDesk.open(settings=store_settings)
    store = desk.store
    assert calls == [] and store.pending() == []
    assert store.revision() == OLD_REVISION  # the BM25 index saved then is current
    recs = {r.id: r for r in store.articles(include_duplicates=True)}
    art, copy = recs[old.article.id], recs[old.copy.id]
    assert art.n_chunks == len(old.chunk_ids)
    assert art.sources == tuple(s for s in (old.article.source, "Copy Wire") if s)
    assert (copy.dup_of, copy.url, copy.path, copy.n_chunks) == (art.id, old.copy.url, "copy.txt", 0)
    assert store.article_text(art.id) == old.article.text
    assert store.catalog.schema().embed_model == embedder.identity
    got = store._col(CHUNKS).get(ids=list(old.chunk_ids), include=["embeddings"])
    assert len(got["ids"]) == len(old.chunk_ids)

    stats = desk.stats()
    assert (stats["articles"], stats["duplicates"]) == (1, 1)
    assert stats["chunks"] == stats["bm25_chunks"] == len(old.chunk_ids)
    assert stats["full_rebuilds"] == 0, "the BM25 index saved by the old store was rebuilt"
    answer = desk.ask(f"What does the article say about {old.article.title.split()[0]}?")
    assert answer.passages and answer.passages[0].article_id == art.id

    # Opening again copies nothing twice; re-ingesting the article changes nothing.
    again = NewsDesk.open(settings=store_settings)
    assert len(again.store.articles(include_duplicates=True)) == 2
    vecs = again.store.vectors_for_ids(list(old.chunk_ids))
    assert all(np.isfinite(v).all() for v in vecs.values()) and len(vecs) == len(old.chunk_ids)
