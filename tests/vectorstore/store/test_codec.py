"""The store's memory of its own writes (vectorstore.store.journal) and its record codec."""

from __future__ import annotations

import json
import threading
from datetime import date

from vectorstore.store.codec import article_meta, article_record, chunk_metas, day_number, passage
from vectorstore.store.journal import Journal, SimHashList
from vectorstore.types import Article, Chunk


def test_the_journal_knows_what_changed_only_along_its_own_writes():
    j = Journal(maxlen=3)
    j.record(0, 5, ["a"])
    j.record(5, 9, ["b", "c"])
    j.record(9, 12)
    assert j.changed(0, 12) == {"a", "b", "c"} and j.changed(5, 9) == {"b", "c"}
    assert j.changed(9, 9) == set() and j.changed(9, 12) == set()
    assert j.changed(1, 12) is None  # a revision no write of this journal started from
    j.record(12, 20, ["d"])  # the oldest write falls out
    assert j.changed(0, 20) is None and j.changed(5, 20) == {"b", "c", "d"}


def test_the_simhash_list_is_saved_for_its_revision_and_kept_in_step(tmp_path):
    f = tmp_path / "cache" / "simhash.json"
    j = Journal()
    lst = SimHashList(f, j, threading.RLock())
    assert lst.current(0) is None
    lst.set({"a": 1, "b": 2}, 7)
    lst.save(7)
    assert json.loads(f.read_text()) == {"revision": 7, "ids": ["a", "b"], "simhashes": [1, 2]}
    lst.note("c", 3)
    lst.note("a", None)
    j.record(7, 8, ["c"])
    assert lst.current(8) == {"b": 2, "c": 3}
    assert lst.current(99) is None  # a write this store did not make
    fresh = SimHashList(f, Journal(), threading.RLock())
    assert fresh.current(7) == {"a": 1, "b": 2} and SimHashList(f, j, threading.RLock()).current(8) is None
    lst.clear()
    assert lst.current(8) is None


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
