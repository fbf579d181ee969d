"""The store and ingest, on the real model, against embedded Chroma and a `chroma run` server."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest
from store_helpers import OTHER, PARAS, make, write

from vectorstore.config import Settings
from vectorstore.errors import ModelMismatch, NotFound
from vectorstore.lexical import LexicalIndex
from vectorstore.store import open_store
from vectorstore.store.chunks import matches
from vectorstore.types import Filters


def test_ingest_is_idempotent_and_metadata_is_exact(store_settings, embedder, chunker, tmp_path):
    store, ing = make(store_settings, embedder, chunker)
    f = write(tmp_path / "docs" / "bridge.txt", "\n\n".join(PARAS))
    first = ing.run([f])
    assert (first.added, first.unchanged, first.failed) == (1, 0, 0)
    assert first.chunks >= 2 and store.count_chunks() == first.chunks
    rev = store.revision()

    again = ing.run([tmp_path / "docs"])
    assert (again.added, again.updated, again.unchanged, again.chunks, again.embedded) == (0, 0, 1, 0, 0)
    assert store.revision() == rev and store.count_chunks() == first.chunks

    rec = store.get_article("file:docs/bridge.txt")
    assert rec is not None and rec.published == date(2024, 3, 5) and rec.n_chunks == first.chunks
    text = store.article_text(rec.id)
    passages = store.get_passages(store.chunk_ids_of(rec.id))
    assert {p.article_id for p in passages} == {rec.id}
    for p in passages:
        assert text[p.start:p.end] == p.text
        assert p.published == date(2024, 3, 5) and p.title == rec.title
        for s, e in p.sentences:
            assert p.text[s:e].strip() == p.text[s:e] and e > s
    covered = set()
    for p in passages:
        covered.update(range(p.start, p.end))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


def test_changed_article_replaces_its_chunks_and_reuses_vectors(store_settings, embedder, chunker, tmp_path):
    store, ing = make(store_settings, embedder, chunker)
    f = write(tmp_path / "a" / "bridge.txt", "\n\n".join(PARAS))
    ing.run([f])
    old_texts = {p.text for p in store.get_passages(store.chunk_ids_of("file:a/bridge.txt"))}

    write(f, "\n\n".join([*PARAS[:2], "The council later cancelled the bridge after a court ruling."]))
    rep = ing.run([f])
    assert (rep.added, rep.updated) == (0, 1)
    assert rep.reused >= 1, "the unchanged first chunk must not be embedded again"
    new = store.get_passages(store.chunk_ids_of("file:a/bridge.txt"))
    assert any("court ruling" in p.text for p in new)
    assert not any("old ferry" in p.text for p in new)
    assert store.count_chunks() == len(new)
    assert old_texts != {p.text for p in new}


def test_delete_removes_article_and_chunks(store_settings, embedder, chunker, tmp_path):
    store, ing = make(store_settings, embedder, chunker)
    ing.run([write(tmp_path / "x" / "bridge.txt", "\n\n".join(PARAS)),
             write(tmp_path / "x" / "storm.txt", OTHER)])
    n_storm = len(store.chunk_ids_of("file:x/storm.txt"))
    before = store.count_chunks()
    removed = store.delete_article("file:x/bridge.txt")
    assert removed > 0 and store.count_chunks() == before - removed == n_storm
    assert store.get_article("file:x/bridge.txt") is None
    assert [a.id for a in store.articles()] == ["file:x/storm.txt"]
    with pytest.raises(NotFound, match="newsdesk list"):
        store.delete_article("file:x/bridge.txt")


def test_exact_and_near_duplicates_are_kept_once_with_their_sources(store_settings, embedder, chunker, tmp_path):
    store, ing = make(store_settings, embedder, chunker)
    body = "\n\n".join(PARAS)
    d = tmp_path / "wire"
    d.mkdir()
    def record(name: str, **fields: str) -> None:
        (d / name).write_text(json.dumps(fields), encoding="utf-8")

    record("a.json", url="https://one.example/bridge", source="One Daily", date="2024-03-05",
           title="Bridge vote", text=body)
    # exact copy, other outlet, other whitespace
    record("b.json", url="https://two.example/b", source="Two Times", date="2024-03-05",
           title="Council backs bridge", text=body.replace("\n\n", "\n"))
    # near copy: a dateline and a footer added by a third outlet
    record("c.json", url="https://three.example/c", source="Three Post", date="2024-03-06",
           title="Bridge approved",
           text="DUNMORE (Wire) - " + body + "\n\nReporting by Wire staff; editing by J. Doe.")
    record("d.json", url="https://four.example/storm", source="Four News", date="2024-03-04",
           title="Storm", text=OTHER)
    rep = ing.run([d])
    assert (rep.added, rep.duplicates, rep.failed) == (2, 2, 0), rep.issues
    arts = store.articles()
    assert sorted(a.id for a in arts) == ["https://four.example/storm", "https://one.example/bridge"]
    canon = store.get_article("https://one.example/bridge")
    assert canon is not None
    assert set(canon.sources) == {"One Daily", "Two Times", "Three Post"}
    p = store.get_passages(store.chunk_ids_of(canon.id))[0]
    assert set(p.sources) == {"One Daily", "Two Times", "Three Post"}
    assert "https://three.example/c" in p.urls
    # re-ingesting the copies changes nothing
    again = ing.run([d])
    assert (again.added, again.duplicates, again.unchanged) == (0, 2, 2)
    assert len(store.chunk_ids_of(canon.id)) == canon.n_chunks


def test_search_filters_by_date_and_source(store_settings, embedder, chunker, tmp_path):
    store, ing = make(store_settings, embedder, chunker)
    ing.run([write(tmp_path / "f" / "bridge.txt", "\n\n".join(PARAS), "date 2024-03-05 "),
             write(tmp_path / "f" / "storm.txt", OTHER, "date 2024-04-01 ")])
    q = embedder.embed_query("power outage after the storm")
    assert store.search(q, 1)[0].article_id == "file:f/storm.txt"
    only_march = store.search(q, 5, store.where(Filters(until=date(2024, 3, 31))))
    assert only_march and {p.article_id for p in only_march} == {"file:f/bridge.txt"}
    assert store.search(q, 5, store.where(Filters(since=date(2024, 5, 1)))) == []


def test_a_filtered_search_gives_what_chromas_filtered_query_gives(embedder, chunker, tmp_path):
    # 24 one-chunk articles, one a day: k=2 under a wide filter is served by the unfiltered
    # over-fetch, under a one-day filter by Chroma's own filtered query; both as Chroma's
    s = Settings.from_env({"NEWSDESK_HOME": str(tmp_path / "h")})
    store, ing = make(s, embedder, chunker)
    topics = ["bridge vote", "storm damage", "school budget", "harbour fire"]
    files = [write(tmp_path / "f" / f"a{i:02d}.txt",
                   f"Report {i} on the {topics[i % 4]} in the town of Arl, day {i}.",
                   f"date 2024-03-{i + 1:02d} ") for i in range(24)]
    assert ing.run(files).added == 24
    q = embedder.embed_query("storm damage in Arl")
    for f in (Filters(until=date(2024, 3, 20)), Filters(since=date(2024, 3, 5)),
              Filters(since=date(2024, 3, 10), until=date(2024, 3, 10)),
              Filters(sources=("nowhere",))):
        where = store.where(f)
        assert where is not None
        ours = [p.chunk_id for p in store.search(q, 2, where)]
        chromas = [p.chunk_id for p, _ in store._nearest(q, 2, where)[0]]
        assert ours == chromas, f
    assert len(store.search(q, 2, store.where(Filters(until=date(2024, 3, 20))))) == 2
    assert store.search(q, 2, store.where(Filters(sources=("nowhere",)))) == []
    assert store.search(q, 2, store.where(Filters(article_ids=()))) == []  # keeps nothing


@pytest.mark.parametrize(("where", "meta", "expected"), [
    ({"day": {"$gte": 5}}, {"day": 5}, True),
    ({"day": {"$gte": 5}}, {"day": 4}, False),
    ({"day": {"$lte": 5}}, {"day": 6}, False),
    ({"$and": [{"day": {"$gte": 2}}, {"day": {"$lte": 3}}]}, {"day": 3}, True),
    ({"$and": [{"day": {"$gte": 2}}, {"day": {"$lte": 3}}]}, {"day": 4}, False),
    ({"source": {"$in": ["A", "B"]}}, {"source": "B"}, True),
    ({"source": {"$in": ["A", "B"]}}, {"source": "C"}, False),
    ({"day": {"$gte": 1}}, {}, False),  # no such field: not kept (as Chroma)
])
def test_filter_matching_decides_as_chroma(where, meta, expected):
    assert matches(where, meta) is expected


def test_other_model_is_refused_until_reindex(tmp_path, embedder, chunker):
    s = Settings.from_env({"NEWSDESK_HOME": str(tmp_path / "h")})
    store, ing = make(s, embedder, chunker)
    ing.run([write(tmp_path / "r" / "bridge.txt", "\n\n".join(PARAS))])
    with pytest.raises(ModelMismatch, match="newsdesk reindex"):
        open_store(s, model="some-other-model", dim=768)
    # nothing stored was lost by the refusal
    assert store.count_chunks() > 0 and len(store.articles()) == 1


def test_reindex_rebuilds_chunks_from_stored_articles(tmp_path):
    from qa.desk import NewsDesk

    home = tmp_path / "h"
    desk = NewsDesk.open(home=home)
    desk.ingest([write(tmp_path / "r" / "bridge.txt", "\n\n".join(PARAS)),
                 write(tmp_path / "r" / "storm.txt", OTHER)])
    before = desk.stats()
    rep = desk.reindex()
    after = desk.stats()
    assert rep.added + rep.updated == 2 and after["articles"] == before["articles"] == 2
    assert after["chunks"] == before["chunks"] and after["revision"] > before["revision"]
    assert desk.ask("How many homes lost power?").passages[0].article_id == "file:r/storm.txt"


def test_lexical_index_follows_the_store(tmp_path, embedder, chunker):
    s = Settings.from_env({"NEWSDESK_HOME": str(tmp_path / "h")})
    store, ing = make(s, embedder, chunker)
    ing.run([write(tmp_path / "l" / "bridge.txt", "\n\n".join(PARAS))])
    lex = LexicalIndex.for_store(s.home, store.location)
    assert lex.load() == store.revision()
    hits = lex.search("ferry", 3)
    assert hits and all(cid in store.chunk_ids_of("file:l/bridge.txt") for cid, _ in hits)
    assert lex.search("zzzunknownword", 3) == []
    mask = lex.mask(Filters(since=date(2030, 1, 1)))
    assert mask is not None and not np.any(mask)


def test_texts_live_in_metadata_and_older_stores_still_read(store_settings, embedder, chunker,
                                                            tmp_path):
    """New writes keep texts out of Chroma's documents (no full-text index to pay for on every
    write); a store written before, with its chunk texts in documents, reads the same (the
    article texts live in the catalog: see test_legacy for stores from before it)."""
    from vectorstore.store import CHUNKS

    store, ing = make(store_settings, embedder, chunker)
    f = write(tmp_path / "docs" / "bridge.txt", "\n\n".join(PARAS))
    ing.run([f])
    aid = "file:docs/bridge.txt"
    text = store.article_text(aid)
    ids = store.chunk_ids_of(aid)
    before = {p.chunk_id: p.text for p in store.get_passages(ids)}
    assert len(before) == len(ids) >= 2 and all(before.values())
    chunks = store._col(CHUNKS).get(ids=ids, include=["documents", "metadatas", "embeddings"])
    assert not any(chunks["documents"])
    assert [m["text"] for m in chunks["metadatas"]] == [before[i] for i in chunks["ids"]]

    # Rewrite the records as the older layout had them: texts in documents only.
    old_metas = [{k: v for k, v in m.items() if k != "text"} for m in chunks["metadatas"]]
    store._col(CHUNKS).upsert(ids=chunks["ids"], embeddings=chunks["embeddings"],
                              documents=[before[i] for i in chunks["ids"]], metadatas=old_metas)

    assert store.article_text(aid) == text
    assert {p.chunk_id: p.text for p in store.get_passages(ids)} == before
    listed = {i: t for bids, texts, _ in store.iter_chunks() for i, t in zip(bids, texts, strict=True)}
    assert listed == before
    hit = store.search(embedder.embed_query(PARAS[1]), 1)[0]
    assert hit.text == before[hit.chunk_id]
    # Deleting the article removes its text too.
    store.delete_article(aid)
    with pytest.raises(NotFound):
        store.article_text(aid)
