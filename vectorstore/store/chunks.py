"""Chunk records: their vectors (the embedding cache), writes, reads and nearest-neighbour search."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import numpy as np

from vectorstore.store.base import BATCH, IN_BATCH, Rows, StoreBase
from vectorstore.store.client import guard
from vectorstore.store.codec import chunk_metas, day_number, passage, record_text
from vectorstore.types import Article, Chunk, Filters, Passage

#: A filtered search first reads this many times ``k`` unfiltered hits (see ``search``).
OVERFETCH = 4


def matches(where: dict[str, Any], meta: dict[str, Any]) -> bool:
    """Whether a record's metadata passes a filter of :meth:`ChunkStore.where`'s shape
    (``$and`` of ``{field: {$gte|$lte|$eq|$in: value}}``), as Chroma would decide."""
    if "$and" in where:
        return all(matches(w, meta) for w in where["$and"])
    for field, cond in where.items():
        v = meta.get(field)
        for op, want in cond.items():
            if v is None:
                return False
            if op == "$gte" and not v >= want or op == "$lte" and not v <= want or \
                    op == "$eq" and v != want or op == "$in" and v not in want:
                return False
            if op not in {"$gte", "$lte", "$eq", "$in"}:
                raise ValueError(f"unsupported filter operator {op}")
    return True


def _nothing_in(where: dict[str, Any]) -> bool:
    """A filter that keeps nothing: ``{field: {"$in": []}}`` (alone or in an ``$and``)."""
    parts = where.get("$and", [where])
    return any(cond.get("$in") == [] for part in parts for cond in part.values()
               if isinstance(cond, dict))


class ChunkStore(StoreBase):
    """The chunk records of a store (see :class:`vectorstore.store.Store`)."""

    @guard
    def vectors_for_hashes(self, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors of chunks whose text hash is in ``hashes`` (the embedding cache)."""
        out: dict[str, np.ndarray] = {}
        uniq = list(dict.fromkeys(hashes))
        col = self._col(self.chunks_name)
        for i in range(0, len(uniq), IN_BATCH):
            part = uniq[i:i + IN_BATCH]
            got = col.get(where={"hash": {"$in": part}}, include=["metadatas", "embeddings"])
            embs = got.get("embeddings")
            if embs is None:
                continue
            for m, e in zip(got["metadatas"], embs, strict=True):
                out.setdefault(str(m["hash"]), np.asarray(e, dtype=np.float32))
        return out

    def _upsert_chunks(self, ids: list[str], vectors: np.ndarray,
                       metas: list[dict[str, Any]]) -> None:
        """Write chunk records in batches (texts in the metadata, no documents)."""
        col = self._col(self.chunks_name)
        for i in range(0, len(ids), BATCH):
            col.upsert(ids=ids[i:i + BATCH], embeddings=vectors[i:i + BATCH],
                       documents=[""] * len(ids[i:i + BATCH]), metadatas=metas[i:i + BATCH])

    def replace_chunks(self, article: Article, chunks: Sequence[Chunk], vectors: np.ndarray,
                       hashes: Sequence[str], sources: Sequence[str] = (),
                       urls: Sequence[str] = ()) -> None:
        """Delete the article's old chunks and write ``chunks`` with their ``vectors``."""
        self._replace_chunks(article, chunks, vectors, hashes, sources, urls)

    @guard
    def _replace_chunks(self, article: Article, chunks: Sequence[Chunk], vectors: np.ndarray,
                        hashes: Sequence[str], sources: Sequence[str],
                        urls: Sequence[str]) -> None:
        with self.writing():
            self.catalog.mark_pending([article.id], self.collection)
            self._col(self.chunks_name).delete(where={"article_id": article.id})
            if chunks:
                self._upsert_chunks([c.id for c in chunks], vectors,
                                    chunk_metas(article, chunks, hashes, sources, urls))
            self.catalog.mark_indexed({article.id: len(chunks)}, self.collection)

    @guard
    def count_chunks(self) -> int:
        """Number of chunks stored."""
        return int(self._col(self.chunks_name).count())

    @guard
    def chunk_ids_of(self, article_id: str) -> list[str]:
        """Ids of the chunks stored for ``article_id``."""
        return list(self._col(self.chunks_name).get(where={"article_id": article_id}, include=[])["ids"])

    @guard
    def iter_chunks(self, batch: int = 5000) -> Rows:
        """Yield ``(ids, texts, metadatas)`` batches over every chunk (for the BM25 index)."""
        col = self._col(self.chunks_name)
        offset = 0
        while True:
            got = col.get(include=["documents", "metadatas"], limit=batch, offset=offset)
            if not got["ids"]:
                break
            metas = list(got["metadatas"])
            yield list(got["ids"]), [record_text(d, m) for d, m in
                                     zip(got["documents"], metas, strict=True)], metas
            if len(got["ids"]) < batch:
                break
            offset += batch

    @guard
    def chunks_of(self, article_ids: Collection[str]) -> Rows:
        """Yield ``(ids, texts, metadatas)`` batches over the chunks of ``article_ids``."""
        col = self._col(self.chunks_name)
        aids = sorted(article_ids)
        for i in range(0, len(aids), IN_BATCH):
            got = col.get(where={"article_id": {"$in": aids[i:i + IN_BATCH]}},
                          include=["documents", "metadatas"])
            if got["ids"]:
                metas = list(got["metadatas"])
                yield list(got["ids"]), [record_text(d, m) for d, m in
                                         zip(got["documents"], metas, strict=True)], metas

    # -- search ---------------------------------------------------------------------------

    @staticmethod
    def where(filters: Filters | None) -> dict[str, Any] | None:
        """The Chroma filter for ``filters`` (a date range, outlets, article ids)."""
        f = filters or Filters()
        parts: list[dict[str, Any]] = []
        if f.since:
            parts.append({"day": {"$gte": day_number(f.since)}})
        if f.until:
            parts.append({"day": {"$lte": day_number(f.until)}})
        if f.sources:
            parts.append({"source": {"$in": list(f.sources)}})
        if f.article_ids is not None:
            parts.append({"article_id": {"$in": list(f.article_ids)}})
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else {"$and": parts}

    @guard
    def search(self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None) -> list[Passage]:
        """The ``k`` chunks nearest to ``vector`` (cosine), best first, as passages.

        With a filter, the ``OVERFETCH`` x ``k`` nearest chunks of all are read first and
        filtered here: when ``k`` of them pass (or the store holds no more), they are the
        answer, as Chroma's filtered search would give, at the cost of an unfiltered one
        (on 26,941 chunks of real news a date-filtered query took 45-63 ms at the median
        against 3-6 ms unfiltered: ``bench/README.md``, ``ask()`` latency on real news).
        Otherwise Chroma filters.
        """
        if k <= 0 or where is not None and _nothing_in(where):
            return []  # "article_id in ()": Chroma refuses an empty list
        if where is not None:
            n = k * OVERFETCH
            hits, seen = self._nearest(vector, n, None)
            kept = [p for p, m in hits if matches(where, m)]
            if len(kept) >= k or seen < n:
                return kept[:k]
        return [p for p, _ in self._nearest(vector, k, where)[0]]

    def _nearest(self, vector: np.ndarray, k: int, where: dict[str, Any] | None
                 ) -> tuple[list[tuple[Passage, dict[str, Any]]], int]:
        """Chroma's ``k`` nearest chunks under ``where``, with their metadata; and how many
        hits Chroma gave (fewer than ``k``: the store holds no more)."""
        col = self._col(self.chunks_name)
        res = col.query(query_embeddings=[np.asarray(vector, dtype=np.float32)], n_results=k,
                        where=where, include=["documents", "metadatas", "distances"])
        ids, docs = res["ids"][0], res["documents"][0]
        metas, dists = res["metadatas"][0], res["distances"][0]
        # a hit whose record is gone was replaced or deleted by another process meanwhile
        return [(passage(i, d, m, 1.0 - float(dist)), dict(m))
                for i, d, m, dist in zip(ids, docs, metas, dists, strict=True)
                if m is not None], len(ids)

    @guard
    def get_passages(self, ids: Sequence[str], scores: Sequence[float] | None = None,
                     where: dict[str, Any] | None = None) -> list[Passage]:
        """Passages for chunk ``ids`` in the given order (missing ids are skipped)."""
        if not ids:
            return []
        got = self._col(self.chunks_name).get(ids=list(ids), where=where, include=["documents", "metadatas"])
        by_id = {i: (d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"],
                                               strict=True)}
        out = []
        for n, cid in enumerate(ids):
            if cid in by_id:
                d, m = by_id[cid]
                out.append(passage(cid, d, m, float(scores[n]) if scores else 0.0))
        return out

    @guard
    def vectors_for_ids(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors of the chunks ``ids``."""
        if not ids:
            return {}
        got = self._col(self.chunks_name).get(ids=list(ids), include=["embeddings"])
        embs = got.get("embeddings")
        if embs is None:
            return {}
        return {i: np.asarray(e, dtype=np.float32) for i, e in zip(got["ids"], embs, strict=True)}

