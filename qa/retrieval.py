"""Hybrid retrieval: dense (Chroma) and lexical (BM25) results fused by reciprocal rank."""

from __future__ import annotations

import difflib
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from vectorstore.lexical import LexicalIndex
from vectorstore.store import Store
from vectorstore.types import Filters, Passage

RRF_K = 60

_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    """Threads for the parts of a search that can overlap (shared by every search)."""
    global _POOL
    if _POOL is None:
        with _POOL_LOCK:
            if _POOL is None:
                _POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="newsdesk-search")
    return _POOL


@dataclass(frozen=True)
class Candidate:
    """One fused search result before the final choice: the passage, its fused RRF score
    (recency boost included) and its 0-based rank in the fused order."""

    passage: Passage
    fused: float
    rank: int


Rerank = Callable[[str, list[Candidate], Filters], list[Candidate]]
"""``(query, candidates in fused order, filters) -> the same candidates, best first``."""


class HybridSearch:
    """Dense + BM25 search over a :class:`Store`, fused by reciprocal rank fusion.

    Args:
        store: The vector store.
        lexical: The BM25 index, kept in step with the store by the caller.
        embed_query: Turns a question into a unit vector.
        per_article: At most this many passages from one article (diversity).
        depth: How many candidates each retriever contributes, as a multiple of ``k``.
        rerank: Reorders the best ``pool`` fused candidates before the ``k`` are chosen
            (``None``: the fused order stands).
        pool: How many fused candidates ``rerank`` sees (at least ``k``).
    """

    def __init__(self, store: Store, lexical: LexicalIndex | None,
                 embed_query: Callable[[str], np.ndarray], per_article: int = 2,
                 depth: int = 4, rerank: Rerank | None = None, pool: int = 30) -> None:
        self.store = store
        self.lexical = lexical
        self.embed_query = embed_query
        self.per_article = per_article
        self.depth = depth
        self.rerank = rerank
        self.pool = pool

    def run(self, query: str, k: int = 5, filters: Filters | None = None,
            recency: float = 0.0, timings: dict[str, float] | None = None) -> list[Passage]:
        """Return up to ``k`` passages for ``query``, best first.

        ``Passage.score`` is the cosine similarity of the passage to the query; the order
        is the fused rank, or the reranker's when one is set. ``recency`` > 0 favours newer
        articles (for "latest" questions).
        """
        f = filters or Filters()
        n = max(k * self.depth, 20, self.pool if self.rerank is not None else 0)
        cands = self.candidates(query, n, f, recency, timings)
        if self.rerank is not None and cands:
            t = time.perf_counter()
            head = self.rerank(query, cands[:max(self.pool, k)], f)
            cands = head + cands[max(self.pool, k):]
            if timings is not None:
                timings["rerank"] = timings.get("rerank", 0.0) + (time.perf_counter() - t) * 1000
        return _diverse_top(cands, k, self.per_article)

    def candidates(self, query: str, n: int, filters: Filters, recency: float = 0.0,
                   timings: dict[str, float] | None = None) -> list[Candidate]:
        """Every fused candidate of the best ``n`` dense and ``n`` BM25 hits, best first."""
        bm25_ms = [0.0]
        # BM25 runs beside the query encoder and the dense search (both release the GIL).
        lex_job = _pool().submit(self._lexical, query, n, filters, bm25_ms)
        t0 = time.perf_counter()
        try:
            qv = self.embed_query(query)
            t1 = time.perf_counter()
            dense = self.store.search(qv, n, self.store.where(filters))
        finally:
            t2 = time.perf_counter()
            lex = lex_job.result()
        t3 = time.perf_counter()
        fused = rrf([[p.chunk_id for p in dense], [cid for cid, _ in lex]])
        by_id = {p.chunk_id: p for p in dense}
        self._add_missing(by_id, [cid for cid, _ in lex if cid not in by_id], qv)
        if recency > 0:
            _boost_recent(fused, by_id, recency)
        ranked = [c for c in sorted(fused, key=lambda c: fused[c], reverse=True) if c in by_id]
        out = [Candidate(by_id[c], fused[c], i) for i, c in enumerate(ranked)]
        t4 = time.perf_counter()
        if timings is not None:  # summed: a question may search more than once
            for key, ms in (("embed_query", (t1 - t0) * 1000), ("dense", (t2 - t1) * 1000),
                            ("bm25", bm25_ms[0]),  # in parallel with embed_query + dense
                            ("fuse", (t4 - t3) * 1000)):
                timings[key] = timings.get(key, 0.0) + ms
        return out

    def _lexical(self, query: str, n: int, f: Filters, ms: list[float]) -> list[tuple[str, float]]:
        """BM25 hits for ``query`` under ``f``; its time in milliseconds goes to ``ms[0]``."""
        t = time.perf_counter()
        try:
            if self.lexical is None or not len(self.lexical):
                return []
            return self.lexical.search(query, n, self.lexical.mask(f))
        finally:
            ms[0] = (time.perf_counter() - t) * 1000

    def _add_missing(self, by_id: dict[str, Passage], missing: list[str], qv: np.ndarray) -> None:
        """Fetch the BM25-only hits into ``by_id``, scored by cosine similarity to ``qv``."""
        if not missing:
            return
        vec_job = _pool().submit(self.store.vectors_for_ids, missing)
        try:
            extra = self.store.get_passages(missing)
        finally:
            vecs = vec_job.result()
        for p in extra:
            v = vecs.get(p.chunk_id)
            sim = float(np.dot(v, qv)) if v is not None else 0.0
            by_id[p.chunk_id] = replace(p, score=sim)


class FusedSearch:
    """Several searches (one per collection) whose results are fused by reciprocal rank.

    Each search returns its best ``k``; a passage found by more than one (the same chunk in
    two collections) counts once, with its fused score summed.
    """

    def __init__(self, searchers: Sequence[Any]) -> None:
        self.searchers = list(searchers)

    def run(self, query: str, k: int = 5, filters: Filters | None = None,
            recency: float = 0.0, timings: dict[str, float] | None = None) -> list[Passage]:
        """Return up to ``k`` passages for ``query`` over every search, best first."""
        found = [s.run(query, k, filters, recency, timings) for s in self.searchers]
        fused = rrf([[p.chunk_id for p in ps] for ps in found])
        by_id: dict[str, Passage] = {}
        for ps in found:
            for p in ps:
                by_id.setdefault(p.chunk_id, p)
        return [by_id[c] for c in sorted(fused, key=lambda c: fused[c], reverse=True)][:k]


def rrf(rankings: Sequence[Sequence[str]]) -> dict[str, float]:
    """Reciprocal rank fusion: each id's summed ``1 / (RRF_K + rank)`` over ``rankings``."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, cid in enumerate(ranking):
            fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
    return fused


def _boost_recent(fused: dict[str, float], by_id: dict[str, Passage], recency: float) -> None:
    """Raise fused scores in proportion to how recent each candidate's article is."""
    days = [p.published.toordinal() for p in by_id.values() if p.published]
    if not days:
        return
    newest, oldest = max(days), min(days)
    span = max(newest - oldest, 1)
    for cid, cand in by_id.items():
        if cid in fused and cand.published:
            fused[cid] += recency * (cand.published.toordinal() - oldest) / span / RRF_K


def _diverse_top(ranked: Sequence[Candidate], k: int, per_article: int) -> list[Passage]:
    """The best ``k`` of ``ranked``, at most ``per_article`` from one article; when that
    leaves fewer than ``k``, filled up with the capped ones in rank order."""
    out: list[Passage] = []
    per: dict[str, int] = {}
    for c in ranked:
        hit = c.passage
        if per.get(hit.article_id, 0) >= per_article:
            continue
        per[hit.article_id] = per.get(hit.article_id, 0) + 1
        out.append(hit)
        if len(out) >= k:
            break
    if len(out) < k:  # fill with capped passages rather than return too few
        have = {p.chunk_id for p in out}
        for c in ranked:
            if len(out) >= k:
                break
            if c.passage.chunk_id not in have:
                out.append(c.passage)
    return out


def passage_to_document(p: Passage) -> Document:
    """A LangChain ``Document`` for ``p`` (metadata carries every field)."""
    meta = p.to_dict()
    meta.pop("text")
    return Document(page_content=p.text, metadata=meta)


class NewsRetriever(BaseRetriever):
    """LangChain retriever over Newsdesk's hybrid search.

    Use it in any LangChain chain; ``Document.metadata`` carries the passage fields.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    search: Any
    k: int = 5
    filters: Filters = Filters()

    def _get_relevant_documents(self, query: str, *,
                                run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [passage_to_document(p) for p in self.search.run(query, self.k, self.filters)]

    def passages(self, query: str) -> Sequence[Passage]:
        """The passages themselves, without the ``Document`` wrapping."""
        return self.search.run(query, self.k, self.filters)


def source_notes(lexical: LexicalIndex, requested: Sequence[str] | None) -> tuple[str, ...]:
    """A note for each source filter that names no stored outlet, with the close matches
    among the stored ones ("CNN" → ``www.cnn.com``): such a filter matches nothing. Nothing
    is said while ``lexical`` holds no chunk (not read yet, or an empty store)."""
    if not requested or not len(lexical):
        return ()
    stored = lexical.sources()
    lowered = {s.lower(): s for s in stored}
    notes: list[str] = []
    for name in requested:
        if name in stored:
            continue
        key = name.strip().lower()
        close = [s for low, s in lowered.items() if key and (key in low or low in key)]
        close += [lowered[m] for m in difflib.get_close_matches(key, list(lowered), 3, 0.6)]
        close = list(dict.fromkeys(close))[:3]
        hint = (f"did you mean {' or '.join(repr(c) for c in close)}?" if close
                else f"stored sources include {', '.join(repr(s) for s in sorted(stored)[:5])}"
                if stored else "no article has a source")
        notes.append(f"no stored article is from the source {name!r} (sources must match "
                     f"exactly): {hint}")
    return tuple(notes)
