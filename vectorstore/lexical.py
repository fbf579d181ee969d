"""BM25 over chunk texts, saved beside the store and rebuilt when the store's revision moves."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import threading
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from vectorstore.hashing import short_hash

_FORMAT = 1
_PRETOKENIZED_MAX = 100_000

# Stemmed tokens of chunk texts tokenized ahead of an index build (ingest does it while
# the encoder runs), by sha1 of the text; a build takes what it finds and clears them.
_PRETOKENIZED: dict[bytes, list[str]] = {}
_PRE_LOCK = threading.Lock()
_STEM_LOCAL = threading.local()


def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


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
    stem = getattr(_STEM_LOCAL, "stem", None)
    if stem is None:
        stem = _STEM_LOCAL.stem = _stemmer()
    keys = [_key(t) for t in texts]
    with _PRE_LOCK:
        room = _PRETOKENIZED_MAX - len(_PRETOKENIZED)
        todo = [i for i, k in enumerate(keys) if k not in _PRETOKENIZED][:max(room, 0)]
    toks = _tokens([texts[i] for i in todo], stem)
    with _PRE_LOCK:
        for i, t in zip(todo, toks, strict=True):
            _PRETOKENIZED[keys[i]] = t


class LexicalIndex:
    """A BM25 (bm25s) index over every chunk, with per-chunk date/source/article for filters.

    Args:
        folder: Where the index is saved; one sub-folder per store location.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.revision = -1
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
    def for_store(cls, home: Path, location: str) -> LexicalIndex:
        """The index folder for the store at ``location`` (a path or server URL)."""
        return cls(Path(home) / "bm25" / short_hash(location))

    def __len__(self) -> int:
        return len(self._ids)

    # -- building --------------------------------------------------------------------------

    def build(self, rows: Iterable[tuple[list[str], list[str], list[dict[str, Any]]]],
              revision: int) -> None:
        """Index ``(ids, texts, metadatas)`` batches and save the result for ``revision``."""
        import bm25s

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
        with self._lock:
            if ids:
                if self._stem is None:
                    self._stem = _stemmer()
                keys = [_key(t) for t in texts]
                with _PRE_LOCK:  # what ingest tokenized already; the rest now
                    ready = [_PRETOKENIZED.get(k) for k in keys]
                    _PRETOKENIZED.clear()
                todo = [i for i, r in enumerate(ready) if r is None]
                for i, toks in zip(todo, _tokens([texts[i] for i in todo], self._stem),
                                   strict=True):
                    ready[i] = toks
                tokens = [r or [] for r in ready]
                # only stop words: nothing to index
                bm = bm25s.BM25() if any(tokens) else None
                if bm is not None:
                    bm.index(tokens, show_progress=False)
            else:
                bm = None
            self._bm25 = bm
            self._ids = ids
            self._days = np.asarray(days, dtype=np.int32)
            self._sources = {s: i for i, s in enumerate(dict.fromkeys(srcs))}
            self._articles = {a: i for i, a in enumerate(dict.fromkeys(arts))}
            self._source_codes = np.asarray([self._sources[s] for s in srcs], dtype=np.int32)
            self._article_codes = np.asarray([self._articles[a] for a in arts], dtype=np.int32)
            self.revision = revision
            self._save()

    def _save(self) -> None:
        tmp = self.folder.with_name(self.folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True, exist_ok=True)
        if self._bm25 is not None:
            self._bm25.save(str(tmp / "bm25"), show_progress=False)
        np.savez(tmp / "fields.npz", days=self._days, sources=self._source_codes,
                 articles=self._article_codes)
        (tmp / "meta.json").write_text(json.dumps({
            "format": _FORMAT, "revision": self.revision, "ids": self._ids,
            "sources": list(self._sources), "articles": list(self._articles)}))
        old = self.folder.with_name(self.folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.folder.exists():
            self.folder.rename(old)
        tmp.rename(self.folder)
        shutil.rmtree(old, ignore_errors=True)

    def load(self) -> int:
        """Load the saved index; return its revision, or -1 when there is none usable."""
        import bm25s

        meta_file = self.folder / "meta.json"
        try:
            meta = json.loads(meta_file.read_text())
            if meta.get("format") != _FORMAT:
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

    def mask(self, since: date | None = None, until: date | None = None,
             sources: Sequence[str] | None = None,
             article_ids: Sequence[str] | None = None) -> np.ndarray | None:
        """A 0/1 weight per chunk for the filters, or ``None`` when nothing is filtered."""
        from vectorstore.store import day_number

        if not (since or until or sources or article_ids is not None):
            return None
        m = np.ones(len(self._ids), dtype=bool)
        if since:
            m &= self._days >= day_number(since)
        if until:
            m &= (self._days <= day_number(until)) & (self._days >= 0)
        if sources:
            codes = [self._sources[s] for s in sources if s in self._sources]
            m &= np.isin(self._source_codes, codes)
        if article_ids is not None:
            codes = [self._articles[a] for a in article_ids if a in self._articles]
            m &= np.isin(self._article_codes, codes)
        return m.astype(np.float32)

    def search(self, query: str, k: int, weight_mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The ``k`` best chunks for ``query`` as ``(chunk_id, score)``, best first; score > 0 only."""
        import bm25s

        with self._lock:
            if self._bm25 is None or not self._ids or k <= 0:
                return []
            if self._stem is None:
                self._stem = _stemmer()
            toks = bm25s.tokenize([query], stopwords="en", stemmer=self._stem,
                                  return_ids=False, show_progress=False)[0]
            if not toks:
                return []
            scores = self._bm25.get_scores(toks, weight_mask=weight_mask)
            kk = min(k, len(self._ids))
            top = np.argpartition(-scores, kk - 1)[:kk]
            top = top[np.argsort(-scores[top])]
            return [(self._ids[i], float(scores[i])) for i in top if scores[i] > 0]
