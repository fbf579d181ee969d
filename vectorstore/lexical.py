"""BM25 over chunk texts, saved beside the store and kept in step with the store's revision
(the catalog's journal: every process applies just the articles another one changed).

The index keeps each chunk's term counts beside the BM25 scores, so a change to a few
articles is applied by dropping their chunks' rows and adding the new ones, then
re-scoring from the counts with numpy: no other chunk is read back from the store or
tokenized again. Scores are exactly those of ``bm25s`` (method ``lucene``, k1 1.5, b 0.75).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import threading
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from vectorstore.collection_names import DEFAULT_COLLECTION
from vectorstore.ids import short_hash
from vectorstore.store.codec import day_number
from vectorstore.text.stemming import new_stemmer, shared_stemmer
from vectorstore.types import Filters

log = logging.getLogger(__name__)

_FORMAT = 2  # 2 adds the term counts (counts/*.npy) that incremental updates start from
_READABLE = frozenset({1, 2})  # format 1 still searches; its first update is a full build
_PRETOKENIZED_MAX = 100_000
K1, B = 1.5, 0.75  # bm25s's defaults
_COUNT_FILES = ("indptr", "terms", "counts")

# Stemmed tokens of chunk texts tokenized ahead of an index build (ingest does it while
# the encoder runs), by sha1 of the text; a build takes what it finds and clears them.
_PRETOKENIZED: dict[bytes, list[str]] = {}
_PRE_LOCK = threading.Lock()


def _key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8")).digest()


def _tokens(texts: Sequence[str], stem: Any) -> list[list[str]]:
    """Stemmed, stop-word-free BM25 tokens of each text (strings interned: shared vocabulary)."""
    import bm25s

    if not texts:
        return []
    out = bm25s.tokenize(list(texts), stopwords="en", stemmer=stem, return_ids=False,
                         show_progress=False)
    return [[sys.intern(t) for t in toks] for toks in out]


def pretokenize(texts: Sequence[str]) -> None:
    """Tokenize chunk texts now, so that the next :meth:`LexicalIndex.build` skips them.

    Called by ingest from its writer thread, where the work hides behind the encoder.
    """
    stem = shared_stemmer()
    keys = [_key(t) for t in texts]
    with _PRE_LOCK:
        room = _PRETOKENIZED_MAX - len(_PRETOKENIZED)
        todo = [i for i, k in enumerate(keys) if k not in _PRETOKENIZED][:max(room, 0)]
    toks = _tokens([texts[i] for i in todo], stem)
    with _PRE_LOCK:
        for i, t in zip(todo, toks, strict=True):
            _PRETOKENIZED[keys[i]] = t


class TermCounts:
    """Each chunk's distinct terms and their counts, as CSR rows (chunk i: ``indptr[i]:indptr[i+1]``)."""

    def __init__(self, indptr: np.ndarray, terms: np.ndarray, counts: np.ndarray) -> None:
        self.indptr, self.terms, self.counts = indptr, terms, counts

    @classmethod
    def of(cls, docs: Sequence[Sequence[str]], vocab: dict[str, int]) -> TermCounts:
        """Count the tokens of each doc, adding unseen tokens to ``vocab``."""
        lens = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
        flat = np.fromiter((vocab.setdefault(t, len(vocab)) for d in docs for t in d),
                           dtype=np.int64, count=int(lens.sum()))
        doc = np.repeat(np.arange(len(docs), dtype=np.int64), lens)
        width = max(len(vocab), 1)  # one key per (doc, term) pair
        keys, counts = np.unique(doc * width + flat, return_counts=True)
        indptr = np.zeros(len(docs) + 1, dtype=np.int64)
        np.cumsum(np.bincount(keys // width, minlength=len(docs)), out=indptr[1:])
        return cls(indptr, (keys % width).astype(np.int32), counts.astype(np.int32))

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def take(self, keep: np.ndarray) -> TermCounts:
        """The rows where ``keep`` is true, in order."""
        per_row = np.diff(self.indptr)
        sel = np.repeat(keep, per_row)
        indptr = np.zeros(int(keep.sum()) + 1, dtype=np.int64)
        np.cumsum(per_row[keep], out=indptr[1:])
        return TermCounts(indptr, np.asarray(self.terms[sel]), np.asarray(self.counts[sel]))

    def concat(self, other: TermCounts) -> TermCounts:
        """These rows, then ``other``'s."""
        return TermCounts(np.concatenate([self.indptr, other.indptr[1:] + self.indptr[-1]]),
                          np.concatenate([self.terms, other.terms]),
                          np.concatenate([self.counts, other.counts]))

    def bm25(self, n_terms: int) -> dict[str, Any]:
        """The BM25 score matrix in ``bm25s``'s layout (CSC: one column of chunks per term)."""
        n = len(self)
        per_row = np.diff(self.indptr)
        rows = np.repeat(np.arange(n, dtype=np.int32), per_row)
        tf = self.counts.astype(np.float64)
        doc_len = np.bincount(rows, weights=tf, minlength=n) if n else np.zeros(0)
        avg = float(doc_len.mean()) if n else 1.0
        df = np.bincount(self.terms, minlength=n_terms).astype(np.float64)
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
        norm = K1 * ((1 - B) + B * doc_len / (avg or 1.0))
        score = (idf[self.terms] * (tf / (norm[rows] + tf))).astype(np.float32)
        from scipy.sparse import csr_matrix  # CSR -> CSC is a linear-time C transpose

        csc = csr_matrix((score, self.terms, self.indptr), shape=(n, n_terms)).tocsc()
        return {"data": csc.data, "indices": csc.indices, "indptr": csc.indptr, "num_docs": n}


class ChunkSource(Protocol):
    """What :meth:`LexicalIndex.sync` reads from a store (``vectorstore.store.Store``)."""

    def revision(self) -> int: ...  # noqa: D102
    def count_chunks(self) -> int: ...  # noqa: D102
    def changed_articles(self, since: int, until: int) -> set[str] | None: ...  # noqa: D102
    def chunks_of(self, article_ids: Collection[str]) -> Iterable[  # noqa: D102
        tuple[list[str], list[str], list[dict[str, Any]]]]: ...
    def iter_chunks(self) -> Iterable[  # noqa: D102
        tuple[list[str], list[str], list[dict[str, Any]]]]: ...


def _under_way(store: Any, rev: int) -> bool:
    """Whether another write is under way (articles whose vectors are not written yet) or
    came since ``rev``: the journal then names its articles again, and the next sync
    applies them."""
    pending = getattr(store, "pending", None)
    return (bool(pending()) if callable(pending) else False) or store.revision() != rev


def _collect(rows: Iterable[tuple[list[str], list[str], list[dict[str, Any]]]]
             ) -> tuple[list[str], list[str], list[int], list[str], list[str]]:
    """Ids, texts, days, sources and article ids of ``(ids, texts, metadatas)`` batches."""
    ids: list[str] = []
    texts: list[str] = []
    days: list[int] = []
    srcs: list[str] = []
    arts: list[str] = []
    for b_ids, b_texts, b_metas in rows:
        ids += b_ids
        texts += b_texts
        for m in b_metas:
            days.append(int(m.get("day", -1)) if m.get("day") is not None else -1)
            srcs.append(str(m.get("source", "")))
            arts.append(str(m.get("article_id", "")))
    return ids, texts, days, srcs, arts


def _bm25_of(counts: TermCounts, vocab: dict[str, int]) -> Any:
    """A ``bm25s.BM25`` searching ``counts`` (built with numpy, not bm25s's per-chunk loop)."""
    import bm25s

    bm = bm25s.BM25(k1=K1, b=B)
    bm.scores = counts.bm25(len(vocab))
    bm.vocab_dict = dict(vocab)
    bm.unique_token_ids_set = set(vocab.values())
    bm.nonoccurrence_array = None
    return bm


def index_folder(home: Path, location: str, collection: str = DEFAULT_COLLECTION) -> Path:
    """The folder of the BM25 index of ``collection`` of the store at ``location``: the
    default collection's is the folder stores always had, another's is named after both."""
    key = location if collection == DEFAULT_COLLECTION else f"{location}#{collection}"
    return Path(home) / "bm25" / short_hash(key)


class LexicalIndex:
    """A BM25 (bm25s) index over every chunk, with per-chunk date/source/article for filters.

    Args:
        folder: Where the index is saved; one sub-folder per store location.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.revision = -1
        self.full_rebuilds = 0
        self._bm25: Any = None
        self._ids: list[str] = []
        self._days = np.zeros(0, dtype=np.int32)
        self._source_codes = np.zeros(0, dtype=np.int32)
        self._article_codes = np.zeros(0, dtype=np.int32)
        self._sources: dict[str, int] = {}
        self._articles: dict[str, int] = {}
        self._lock = threading.RLock()
        self._stem: Any = None

    @classmethod
    def for_store(cls, home: Path, location: str,
                  collection: str = DEFAULT_COLLECTION) -> LexicalIndex:
        """The index of ``collection`` of the store at ``location`` (a path or server URL)."""
        return cls(index_folder(home, location, collection))

    def __len__(self) -> int:
        return len(self._ids)

    def sources(self) -> list[str]:
        """The outlet names of the indexed chunks (what a source filter can match)."""
        return list(self._sources)

    # -- building --------------------------------------------------------------------------

    def build(self, rows: Iterable[tuple[list[str], list[str], list[dict[str, Any]]]],
              revision: int) -> None:
        """Index ``(ids, texts, metadatas)`` batches and save the result for ``revision``."""
        ids, texts, days, srcs, arts = _collect(rows)
        with self._lock:
            vocab: dict[str, int] = {}
            counts = TermCounts.of(self._tokenize(texts), vocab)
            self._install(ids, np.asarray(days, dtype=np.int32), srcs, arts, counts, vocab,
                          revision)

    def update(self, articles: Collection[str],
               rows: Iterable[tuple[list[str], list[str], list[dict[str, Any]]]],
               revision: int) -> bool:
        """Replace the chunks of ``articles`` by ``rows`` (their chunks now) and save for ``revision``.

        Only the new chunks are tokenized; the rest are re-scored from their saved term
        counts. Returns ``False``, changing nothing, when there are no counts to start from
        (an index saved by an older version): rebuild it then.
        """
        ids, texts, days, srcs, arts = _collect(rows)
        with self._lock:
            counts = self._saved_counts()
            if counts is None:
                return False
            vocab = dict(self._bm25.vocab_dict) if self._bm25 is not None else {}
            keep = ~np.isin(self._article_codes,
                            [self._articles[a] for a in articles if a in self._articles])
            src_names, art_names = list(self._sources), list(self._articles)
            added = TermCounts.of(self._tokenize(texts), vocab)
            self._install(
                [self._ids[i] for i in np.flatnonzero(keep)] + ids,
                np.concatenate([self._days[keep], np.asarray(days, dtype=np.int32)]),
                [src_names[c] for c in self._source_codes[keep]] + srcs,
                [art_names[c] for c in self._article_codes[keep]] + arts,
                counts.take(keep).concat(added), vocab, revision)
        return True

    def sync(self, store: ChunkSource, revision: int | None = None) -> None:
        """Bring the index to the store's revision (``revision``, or read it now).

        When the store can tell which articles changed since the index's revision (its
        journal, which every process writes), only their chunks are read and re-indexed;
        otherwise (a gap it cannot follow), or when the chunk count then disagrees while no
        write is under way, the index is rebuilt from every chunk: counted in
        :attr:`full_rebuilds`, and logged.
        """
        rev = store.revision() if revision is None else revision
        with self._lock:
            if self.revision == rev:
                return
            why = self._follow(store, rev)
            if why is None:
                return
            if self.revision >= 0:  # (a first build, with no index to update, is no rebuild)
                log.info("full BM25 rebuild at revision %d: %s", rev, why)
                self.full_rebuilds += 1
            self.build(store.iter_chunks(), rev)

    def _follow(self, store: ChunkSource, rev: int, tries: int = 3) -> str | None:
        """Apply the articles changed up to ``rev``; ``None`` when done, else why it cannot be.

        Another process sharing the index folder may save a newer index meanwhile (this one's
        term counts are then gone from disk): that one is loaded and followed on from.
        """
        why = "no index yet"
        for _ in range(tries):
            if self.revision < 0:
                return why
            if self._saved_counts() is None and self._adopt(store, rev) and self.revision >= rev:
                return None
            changed = store.changed_articles(self.revision, rev)
            if changed is None:
                return f"the store cannot say what changed since revision {self.revision}"
            if self.update(changed, store.chunks_of(changed), rev):
                if len(self) == store.count_chunks() or _under_way(store, rev):
                    return None  # (a write under way journals its articles again when done)
                return "its chunk count disagrees with the store's"
            why = f"no term counts saved for revision {self.revision}"
        return why

    def _adopt(self, store: ChunkSource, rev: int) -> bool:
        """Load the index another process saved here since this one was (it has no counts
        for this one's revision to update from), when the store's journal joins the two."""
        try:
            saved = int((self.folder / "counts" / "revision").read_text())
        except (OSError, ValueError):
            return False
        if saved == self.revision or store.changed_articles(min(saved, rev),
                                                            max(saved, rev)) is None:
            return False
        return self.load() >= 0

    def _tokenize(self, texts: Sequence[str]) -> list[list[str]]:
        """BM25 tokens of ``texts``: what ingest tokenized already, the rest now."""
        if not texts:
            return []
        if self._stem is None:
            self._stem = new_stemmer()
        keys = [_key(t) for t in texts]
        with _PRE_LOCK:
            ready = [_PRETOKENIZED.get(k) for k in keys]
            _PRETOKENIZED.clear()
        todo = [i for i, r in enumerate(ready) if r is None]
        for i, toks in zip(todo, _tokens([texts[i] for i in todo], self._stem), strict=True):
            ready[i] = toks
        return [r or [] for r in ready]

    def _install(self, ids: list[str], days: np.ndarray, srcs: list[str], arts: list[str],
                 counts: TermCounts, vocab: dict[str, int], revision: int) -> None:
        # No term at all (only stop words, or no chunk): nothing to search.
        self._bm25 = _bm25_of(counts, vocab) if vocab and len(counts.terms) else None
        self._ids = ids
        self._days = days
        self._sources = {s: i for i, s in enumerate(dict.fromkeys(srcs))}
        self._articles = {a: i for i, a in enumerate(dict.fromkeys(arts))}
        self._source_codes = np.asarray([self._sources[s] for s in srcs], dtype=np.int32)
        self._article_codes = np.asarray([self._articles[a] for a in arts], dtype=np.int32)
        self.revision = revision
        self._save(counts)

    def _saved_counts(self) -> TermCounts | None:
        """The term counts saved with this revision (memory-mapped), or ``None``."""
        folder = self.folder / "counts"
        try:
            if int((folder / "revision").read_text()) != self.revision:
                return None  # another process saved a newer index since this one loaded
            arrays = [np.load(folder / f"{n}.npy", mmap_mode="r") for n in _COUNT_FILES]
        except (OSError, ValueError):
            return None
        counts = TermCounts(*arrays)
        return counts if len(counts) == len(self._ids) else None

    def _save(self, counts: TermCounts) -> None:
        tmp = self.folder.with_name(f"{self.folder.name}.{os.getpid()}.tmp")  # (one per process)
        try:
            self._write(tmp, counts)
        except OSError as e:  # a full disk: the index in memory is current; saved next time
            shutil.rmtree(tmp, ignore_errors=True)
            log.warning("the BM25 index was not saved (%s): it is saved again after the next "
                        "change", e)
            return
        old = self.folder.with_name(f"{self.folder.name}.{os.getpid()}.old")
        shutil.rmtree(old, ignore_errors=True)
        try:
            if self.folder.exists():
                self.folder.rename(old)
            tmp.rename(self.folder)
        except OSError:  # another process sharing the folder saved at the same moment: keep its
            shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)

    def _write(self, tmp: Path, counts: TermCounts) -> None:
        """Write the index's files into the folder ``tmp``."""
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True, exist_ok=True)
        if self._bm25 is not None:
            self._bm25.save(str(tmp / "bm25"), show_progress=False)
        np.savez(tmp / "fields.npz", days=self._days, sources=self._source_codes,
                 articles=self._article_codes)
        (tmp / "counts").mkdir()
        for name, arr in zip(_COUNT_FILES, (counts.indptr, counts.terms, counts.counts),
                             strict=True):
            np.save(tmp / "counts" / f"{name}.npy", arr)
        (tmp / "counts" / "revision").write_text(str(self.revision))
        (tmp / "meta.json").write_text(json.dumps({
            "format": _FORMAT, "revision": self.revision, "ids": self._ids,
            "sources": list(self._sources), "articles": list(self._articles)}))

    def load(self) -> int:
        """Load the saved index; return its revision, or -1 when there is none usable."""
        import bm25s

        meta_file = self.folder / "meta.json"
        try:
            meta = json.loads(meta_file.read_text())
            if meta.get("format") not in _READABLE:
                return -1
            fields = np.load(self.folder / "fields.npz")
            bm = None
            if meta["ids"] and (self.folder / "bm25").exists():
                # Memory-mapped: loading is instant at any size, and a query reads only the
                # postings of its terms (the files are replaced, never changed, on save).
                bm = bm25s.BM25.load(str(self.folder / "bm25"), show_progress=False, mmap=True)
        except (OSError, ValueError, KeyError):
            return -1
        with self._lock:
            self._bm25 = bm
            self._ids = list(meta["ids"])
            self._days = fields["days"]
            self._source_codes = fields["sources"]
            self._article_codes = fields["articles"]
            self._sources = {s: i for i, s in enumerate(meta["sources"])}
            self._articles = {a: i for i, a in enumerate(meta["articles"])}
            self.revision = int(meta["revision"])
        return self.revision

    # -- searching -------------------------------------------------------------------------

    def mask(self, filters: Filters | None) -> np.ndarray | None:
        """A 0/1 weight per chunk for ``filters``, or ``None`` when nothing is filtered."""
        f = filters or Filters()
        if f.empty:
            return None
        m = np.ones(len(self._ids), dtype=bool)
        if f.since:
            m &= self._days >= day_number(f.since)
        if f.until:
            m &= (self._days <= day_number(f.until)) & (self._days >= 0)
        if f.sources:
            codes = [self._sources[s] for s in f.sources if s in self._sources]
            m &= np.isin(self._source_codes, codes)
        if f.article_ids is not None:
            codes = [self._articles[a] for a in f.article_ids if a in self._articles]
            m &= np.isin(self._article_codes, codes)
        return m.astype(np.float32)

    def search(self, query: str, k: int, weight_mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The ``k`` best chunks for ``query`` as ``(chunk_id, score)``, best first; score > 0 only."""
        import bm25s

        with self._lock:
            if self._bm25 is None or not self._ids or k <= 0:
                return []
            if self._stem is None:
                self._stem = new_stemmer()
            toks = bm25s.tokenize([query], stopwords="en", stemmer=self._stem,
                                  return_ids=False, show_progress=False)[0]
            if not toks:
                return []
            scores = self._bm25.get_scores(toks, weight_mask=weight_mask)
            kk = min(k, len(self._ids))
            top = np.argpartition(-scores, kk - 1)[:kk]
            top = top[np.argsort(-scores[top])]
            return [(self._ids[i], float(scores[i])) for i in top if scores[i] > 0]
