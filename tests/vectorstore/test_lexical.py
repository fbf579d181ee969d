"""What is derived from the store and kept in step with it by its writes: the BM25 index
(bm25s's scores, built with numpy, updated in place when a few articles change) and the
SimHash list that near-duplicate detection reads."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from store_helpers import OTHER, PARAS, make, write

from vectorstore.lexical import LexicalIndex, _tokens
from vectorstore.store import open_store
from vectorstore.text.stemming import new_stemmer
from vectorstore.types import Filters

SENTENCES = [
    *PARAS, OTHER,
    "The football club sacked its manager after a run of seven defeats in the league.",
    "Shares in the mobile phone maker rose 4% after it reported record sales in Asia.",
    "The bridge over the river will have a cycle lane, the engineering office said.",
    "Power was restored to most homes by Monday; crews said the storm damage was severe.",
    "The council said the ferry timetable would not change before the spring.",
    "Asia sales of phones grew for the third quarter running, the maker said on Monday.",
]

Rows = list[tuple[list[str], list[str], list[dict[str, Any]]]]


def rows_of(articles: dict[str, list[str]], source: str = "wire") -> Rows:
    """One batch of rows: each article's chunks, with the metadata the store keeps."""
    ids, texts, metas = [], [], []
    for a, chunks in articles.items():
        for i, t in enumerate(chunks):
            ids.append(f"{a}#{i}")
            texts.append(t)
            metas.append({"article_id": a, "source": f"{source}-{a}", "day": 19000 + len(a) + i})
    return [(ids, texts, metas)]


def words(texts: list[str]) -> list[str]:
    """Queries made of each text's words (every word of the corpus gets asked about)."""
    return [" ".join(t.split()[i:i + 3]) for t in texts for i in range(0, len(t.split()), 5)]


def scores(idx: LexicalIndex, query: str, **mask: Any) -> dict[str, float]:
    m = idx.mask(Filters(**mask)) if mask else None
    return dict(idx.search(query, 1000, m))


def test_scores_are_those_of_bm25s_own_index(tmp_path: Path):
    import bm25s

    ids = [f"c{i}" for i in range(len(SENTENCES))]
    idx = LexicalIndex(tmp_path / "bm25")
    idx.build([(ids, SENTENCES, [{"article_id": i} for i in ids])], revision=1)
    ref = bm25s.BM25()
    ref.index(_tokens(SENTENCES, new_stemmer()), show_progress=False)
    checked = 0
    for q in words(SENTENCES):
        toks = _tokens([q], new_stemmer())[0]
        if not toks:
            continue
        want = ref.get_scores(toks)
        got = scores(idx, q)
        assert {i: s for i, s in zip(ids, want, strict=True) if s > 0}.keys() == got.keys()
        assert np.allclose([got[i] for i in got], [want[ids.index(i)] for i in got],
                           rtol=1e-5, atol=1e-6), q
        checked += 1
    assert checked > 20


def test_an_update_gives_exactly_the_index_a_rebuild_gives(tmp_path: Path):
    before = {"a": SENTENCES[0:3], "b": SENTENCES[3:5], "c": SENTENCES[5:7]}
    idx = LexicalIndex(tmp_path / "inc")
    idx.build(rows_of(before), revision=1)
    # b deleted, c rewritten (one chunk fewer, new words), d new
    changed = {"c": [SENTENCES[7] + " Zorblat tariffs were cut."], "d": SENTENCES[8:11]}
    assert idx.update({"b", "c", "d"}, rows_of(changed), revision=2)
    after = {"a": before["a"], **changed}
    full = LexicalIndex(tmp_path / "full")
    full.build(rows_of(after), revision=2)

    assert sorted(idx._ids) == sorted(full._ids) and len(idx) == len(full) == 6
    queries = words(SENTENCES) + ["zorblat tariffs"]
    for q in queries:
        assert scores(idx, q) == pytest.approx(scores(full, q)), q
    assert scores(idx, "zorblat") and "c#0" in scores(idx, "zorblat")
    assert not any(k.startswith("b#") for q in queries for k in scores(idx, q))
    # the filters follow the rows
    for mask in ({"sources": ("wire-d",)}, {"article_ids": ("a", "c")}):
        for q in ("bridge river", "power storm homes", "sales Asia phone"):
            assert scores(idx, q, **mask) == pytest.approx(scores(full, q, **mask)), (q, mask)

    # saved: a fresh process loads it, and updates again from the saved counts
    again = LexicalIndex(tmp_path / "inc")
    assert again.load() == 2
    assert again.update({"a"}, rows_of({}), revision=3)
    full.build(rows_of({k: v for k, v in after.items() if k != "a"}), revision=3)
    for q in queries:
        assert scores(again, q) == pytest.approx(scores(full, q)), q
    assert LexicalIndex(tmp_path / "inc").load() == 3


def test_an_index_saved_without_term_counts_is_rebuilt_not_updated(tmp_path: Path):
    idx = LexicalIndex(tmp_path / "bm25")
    idx.build(rows_of({"a": SENTENCES[:2]}), revision=1)
    shutil.rmtree(tmp_path / "bm25" / "counts")  # as an index saved by the version before
    old = LexicalIndex(tmp_path / "bm25")
    assert old.load() == 1 and scores(old, "bridge")
    assert not old.update({"b"}, rows_of({"b": SENTENCES[5:6]}), revision=2)
    assert old.revision == 1 and "b#0" not in scores(old, "football manager")


class Spy:
    """Counts calls to a store's methods, passing them through unchanged."""

    def __init__(self, obj: Any, *names: str) -> None:
        self.calls: dict[str, list[tuple[Any, ...]]] = {n: [] for n in names}
        for n in names:
            real = getattr(obj, n)

            def wrapped(*a: Any, _real: Any = real, _n: str = n, **kw: Any) -> Any:
                self.calls[_n].append(a)
                return _real(*a, **kw)

            setattr(obj, n, wrapped)


def test_bm25_follows_writes_reading_only_the_changed_articles(store_settings, embedder, chunker,
                                                                tmp_path):
    store, ing = make(store_settings, embedder, chunker)
    d = tmp_path / "docs"
    ing.run([write(d / "bridge.txt", "\n\n".join(PARAS)), write(d / "storm.txt", OTHER)])
    lex = ing.lexical
    assert lex is not None and lex.revision == store.revision()
    spy = Spy(store, "iter_chunks", "chunks_of")

    ing.run([write(d / "club.txt", SENTENCES[4] + " The Zorblat stadium was sold."),
             write(d / "storm.txt", OTHER.replace("Sunday", "Monday") + " Quintax pylons fell.")])
    assert spy.calls["iter_chunks"] == []
    assert [set(c[0]) for c in spy.calls["chunks_of"]] == [{"file:docs/club.txt",
                                                             "file:docs/storm.txt"}]
    full = LexicalIndex(tmp_path / "full")
    full.build(store.iter_chunks(), store.revision())
    assert lex.revision == store.revision() and sorted(lex._ids) == sorted(full._ids)
    for q in words(PARAS + [OTHER]) + ["zorblat stadium", "quintax pylons"]:
        assert scores(lex, q) == pytest.approx(scores(full, q)), q
    assert set(scores(lex, "quintax pylons")) <= set(store.chunk_ids_of("file:docs/storm.txt"))

    store.delete_article("file:docs/club.txt")
    lex.sync(store)
    assert scores(lex, "zorblat stadium") == {}
    assert len(spy.calls["iter_chunks"]) == 1  # only the one for `full` above

    # A write by another store object (as another process would) is read from the catalog's
    # journal too: only its article is read again, no rebuild.
    other, other_ing = make(store_settings, embedder, chunker)
    other_ing.lexical = None
    other_ing.run([write(d / "fair.txt", "The Borvex fair drew 900 guests to Lyon.")])
    assert store.changed_articles(lex.revision, store.revision()) == {"file:docs/fair.txt"}
    lex.sync(store)
    assert len(spy.calls["iter_chunks"]) == 1 and lex.full_rebuilds == 0
    assert set(scores(lex, "borvex fair")) <= set(store.chunk_ids_of("file:docs/fair.txt"))
    assert scores(lex, "borvex fair") and len(lex) == store.count_chunks()
    # A revision this catalog never had (an index of another catalog): a full rebuild, counted.
    assert store.changed_articles(lex.revision, lex.revision + 5) is None
    shutil.rmtree(lex.folder)  # (no saved index to follow on from either)
    lex.revision += 10**6
    lex.sync(store)
    assert len(spy.calls["iter_chunks"]) == 2 and lex.full_rebuilds == 1


def test_near_duplicate_detection_reads_the_article_list_once_per_process(
        store_settings, embedder, chunker, tmp_path):
    store, ing = make(store_settings, embedder, chunker)
    d = tmp_path / "docs"
    ing.run([write(d / "bridge.txt", "\n\n".join(PARAS)), write(d / "storm.txt", OTHER)])

    def from_catalog() -> dict[str, int]:  # a fresh Store: read whole from the catalog
        return open_store(store_settings, model=embedder.identity, dim=embedder.dim).simhashes()

    reads = store.view.full_reads  # (the first ingest read the list already)
    assert reads == 1 and store.simhashes() == from_catalog()
    # writes through this store: an update, a new article, a near copy, a deletion
    rep = ing.run([write(d / "storm.txt", OTHER + " Crews worked in the rain."),
                   write(d / "club.txt", SENTENCES[4]),
                   write(d / "bridge-copy.txt", "DUNMORE (Wire) - " + "\n\n".join(PARAS))])
    assert (rep.added, rep.updated, rep.duplicates) == (1, 1, 1), rep.issues
    assert store.simhashes() == from_catalog()
    store.delete_article("file:docs/club.txt")
    assert store.simhashes() == from_catalog() and store.view.full_reads == 1
    assert "file:docs/club.txt" not in store.simhashes()
    # a near copy is still found from the list in memory
    again = ing.run([write(d / "bridge-copy2.txt", "\n\n".join(PARAS) + "\n\nEditing by J. Doe.")])
    assert again.duplicates == 1 and store.view.full_reads == 1

    # another process writes: this store follows the journal, reading just that article
    other, other_ing = make(store_settings, embedder, chunker)
    other_ing.run([write(d / "fair.txt", "The Borvex fair drew 900 guests to Lyon.")])
    assert "file:docs/fair.txt" in store.simhashes() and store.view.full_reads == 1
    assert store.simhashes() == from_catalog()
    # ... and its copies: a copy recorded there is known here
    other_ing.run([write(d / "fair-copy.txt", "The Borvex fair drew 900 guests to Lyon!")])
    rec = store.get_article("file:docs/fair-copy.txt")
    assert rec is not None and rec.dup_of == "file:docs/fair.txt"
    assert store.view.full_reads == 1


def test_the_bm25s_state_we_fill_is_all_that_bm25s_index_sets():
    """``_bm25_of`` fills a ``bm25s.BM25`` without calling its ``index()``: the attributes it
    sets must be exactly the ones ``index()`` sets, with the same shapes, so that a bm25s
    release that changes its internal state fails here (the pin in pyproject.toml is <0.4)."""
    import bm25s

    from vectorstore.lexical import TermCounts, _bm25_of

    docs = _tokens(SENTENCES, new_stemmer())
    indexed = bm25s.BM25()
    indexed.index(docs, show_progress=False)
    fresh = set(vars(bm25s.BM25()))
    set_by_index = set(vars(indexed)) - fresh
    assert set_by_index == {"scores", "vocab_dict", "unique_token_ids_set", "nonoccurrence_array"}

    vocab = dict(indexed.vocab_dict)
    ours = _bm25_of(TermCounts.of(docs, vocab), vocab)
    assert set(vars(ours)) - fresh == set_by_index
    assert set(ours.scores) == set(indexed.scores)  # data, indices, indptr, num_docs
    assert ours.scores["num_docs"] == indexed.scores["num_docs"]
    assert ours.vocab_dict == indexed.vocab_dict
    assert ours.unique_token_ids_set == indexed.unique_token_ids_set
