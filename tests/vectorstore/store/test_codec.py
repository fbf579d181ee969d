"""The store's record codec: Chroma metadata and catalog rows to and from store records."""

from __future__ import annotations

from datetime import date

from vectorstore.store.codec import (
    article_meta,
    article_record,
    chunk_metas,
    copy_entry,
    copy_record,
    day_number,
    passage,
    record_of,
    row_of,
)
from vectorstore.types import Article, Chunk


def test_records_read_back_as_they_were_written():
    art = Article(id="https://x/a", text="Bridge opens. Crowds cheer.", title="Bridge", url="https://x/a",
                  source="Wire", published=date(2024, 3, 5), path="/d/a.txt")
    rec = article_record(art.id, article_meta(art, "h", 0xABC, 1, [{"id": "c", "source": "Post"}], ""))
    assert (rec.title, rec.published, rec.hash, rec.simhash, rec.n_chunks) == ("Bridge", art.published, "h", 0xABC, 1)
    assert rec.sources == ("Wire", "Post") and rec.dup_of == ""
    chunk = Chunk(art.id, 0, art.text, 0, len(art.text), 6, ((0, 13), (14, 27)))
    meta = chunk_metas(art, [chunk], ["ch"], ["Wire", "Post"], [])[0]
    assert meta["day"] == day_number(date(2024, 3, 5)) == 19787
    p = passage(chunk.id, None, meta, 0.5)
    assert (p.text, p.sentences, p.sources, p.urls) == (art.text, ((0, 13), (14, 27)), ("Wire", "Post"), ("https://x/a",))
    assert p.published == art.published and p.chunk_id == chunk.id and p.score == 0.5


def test_catalog_rows_read_back_as_records_and_copies_as_records_of_their_own():
    art = Article(id="a", text="Bridge opens.", title="Bridge", url="https://x/a", source="Wire",
                  published=date(2024, 3, 5), path="/d/a.txt")
    copy = Article(id="c", text="Bridge opens!", title="Bridge!", url="https://y/c",
                   source="Post", published=date(2024, 3, 6), path="/d/c.txt")
    row = row_of(art, "h", 0xABC, [copy_entry(copy, "hc", 0xABD)])
    assert (row.origin_kind, row.origin, row.text, row.indexed) == ("file", "/d/a.txt", art.text, False)
    rec = record_of(row)
    assert rec.n_chunks == 0  # pending: its vectors are not written
    assert record_of(row.__class__(**{**row.__dict__, "indexed": True, "n_chunks": 3})).n_chunks == 3
    assert (rec.path, rec.hash, rec.simhash, rec.sources) == ("/d/a.txt", "h", 0xABC, ("Wire", "Post"))
    assert rec.to_dict()["copies"] == [{"id": "c", "url": "https://y/c", "source": "Post",
                                        "title": "Bridge!", "path": "/d/c.txt"}]
    dup = copy_record(rec, rec.copies[0])
    assert (dup.id, dup.dup_of, dup.hash, dup.simhash, dup.published, dup.n_chunks) == (
        "c", "a", "hc", 0xABD, date(2024, 3, 6), 0)
