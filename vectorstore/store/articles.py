"""Article records: listing, looking up, writing and deleting articles and their copies."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from vectorstore.errors import NotFound
from vectorstore.store.base import BATCH, IN_BATCH, StoreBase
from vectorstore.store.client import guard
from vectorstore.store.codec import article_meta, article_record, meta_simhash, outlets
from vectorstore.store.schema import ARTICLES, CHUNKS, TEXTS, ArticleRecord
from vectorstore.types import Article


class ArticleStore(StoreBase):
    """The article records of a store (see :class:`vectorstore.store.Store`)."""

    @guard
    def get_article(self, article_id: str) -> ArticleRecord | None:
        """The record of ``article_id``, or ``None``."""
        got = self._col(ARTICLES).get(ids=[article_id], include=["metadatas"])
        if not got["ids"]:
            return None
        return article_record(got["ids"][0], got["metadatas"][0])

    @guard
    def article_text(self, article_id: str) -> str:
        """The full text of a stored article."""
        got = self._col(TEXTS).get(ids=[article_id], include=["metadatas"])
        if got["ids"]:
            return str(got["metadatas"][0].get("text") or "")
        got = self._col(ARTICLES).get(ids=[article_id], include=["documents"])  # older stores
        if not got["ids"]:
            raise NotFound(f"no article {article_id!r}: see `newsdesk list` for the ids")
        return str(got["documents"][0] or "")

    def _every_article(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """``(id, metadata)`` of every article record, duplicates included, in batches."""
        col = self._col(ARTICLES)
        offset = 0
        while True:
            got = col.get(include=["metadatas"], limit=BATCH, offset=offset)
            yield from zip(got["ids"], got["metadatas"], strict=True)
            if len(got["ids"]) < BATCH:
                break
            offset += BATCH

    @guard
    def articles(self, include_duplicates: bool = False) -> list[ArticleRecord]:
        """Every stored article, newest first (duplicates only if asked)."""
        out: list[ArticleRecord] = []
        for aid, m in self._every_article():
            rec = article_record(aid, m)
            if include_duplicates or not rec.dup_of:
                out.append(rec)
        out.sort(key=lambda r: (r.published or date.min, r.title), reverse=True)
        return out

    @guard
    def get_articles(self, article_ids: Sequence[str]) -> dict[str, ArticleRecord]:
        """The records of those ``article_ids`` that exist (one call, for ingest batches)."""
        out: dict[str, ArticleRecord] = {}
        ids = list(dict.fromkeys(article_ids))
        for i in range(0, len(ids), BATCH):
            got = self._col(ARTICLES).get(ids=ids[i:i + BATCH], include=["metadatas"])
            for aid, m in zip(got["ids"], got["metadatas"], strict=True):
                out[aid] = article_record(aid, m)
        return out

    @guard
    def find_by_hashes(self, text_hashes: Sequence[str]) -> dict[str, ArticleRecord]:
        """For each of ``text_hashes`` stored, a canonical article with it (see :meth:`find_by_hash`)."""
        out: dict[str, ArticleRecord] = {}
        hashes = list(dict.fromkeys(text_hashes))
        for i in range(0, len(hashes), IN_BATCH):
            got = self._col(ARTICLES).get(where={"hash": {"$in": hashes[i:i + IN_BATCH]}},
                                          include=["metadatas"])
            for aid, m in zip(got["ids"], got["metadatas"], strict=True):
                rec = article_record(aid, m)
                if not rec.dup_of:
                    out.setdefault(rec.hash, rec)
        return out

    @guard
    def find_by_hash(self, text_hash: str) -> ArticleRecord | None:
        """A canonical article whose normalised text hash is ``text_hash``."""
        got = self._col(ARTICLES).get(where={"hash": text_hash}, include=["metadatas"], limit=5)
        for aid, m in zip(got["ids"], got["metadatas"], strict=True):
            rec = article_record(aid, m)
            if not rec.dup_of:
                return rec
        return None

    def put_article(self, article: Article, *, text_hash: str, simhash: int, n_chunks: int,
                    copies: Sequence[dict[str, str]] = (), dup_of: str = "") -> None:
        """Write the article record: the last step of ingesting an article."""
        self._put_article(article, text_hash, simhash, n_chunks, copies, dup_of)

    @guard
    def _put_article(self, article: Article, text_hash: str, simhash: int, n_chunks: int,
                     copies: Sequence[dict[str, str]], dup_of: str) -> None:
        if dup_of:
            self._col(TEXTS).delete(ids=[article.id])
        else:
            self._put_texts([article])
        self._col(ARTICLES).upsert(ids=[article.id], embeddings=[[1.0]], documents=[""],
                                   metadatas=[article_meta(article, text_hash, simhash,
                                                                 n_chunks, copies, dup_of)])
        self._simhashes.note(article.id, None if dup_of else simhash)

    def _rewrite_copies(self, rec: ArticleRecord, copies: Sequence[dict[str, str]]) -> None:
        """Write ``rec`` again with ``copies`` as its recorded copies."""
        art = Article(id=rec.id, text=self.article_text(rec.id), title=rec.title, url=rec.url,
                      source=rec.source, published=rec.published, path=rec.path)
        self._put_article(art, rec.hash, rec.simhash, rec.n_chunks, copies, "")

    @guard
    def add_copy(self, canonical_id: str, copy: Article, text_hash: str, simhash: int) -> None:
        """Record ``copy`` as a further source of ``canonical_id`` (no chunks, no vectors)."""
        rec = self.get_article(canonical_id)
        if rec is None:
            raise NotFound(f"no article {canonical_id!r}")
        entry = {"id": copy.id, "url": copy.url, "source": copy.source, "title": copy.title,
                 "path": copy.path}
        copies = [c for c in rec.copies if c.get("id") != copy.id] + [entry]
        self._rewrite_copies(rec, copies)
        # Keep the chunks' list of outlets in step, so that passages show every source.
        sources, urls = outlets(rec, copies)
        col = self._col(CHUNKS)
        got = col.get(where={"article_id": rec.id}, include=["metadatas"])
        if got["ids"]:
            metas = [{**m, "sources": json.dumps(sources), "urls": json.dumps(urls)}
                     for m in got["metadatas"]]
            col.update(ids=got["ids"], metadatas=metas)
        # Last, the copy's own record (re-ingesting the copy is then recognised at once): a
        # crash before it leaves no record, so the next ingest records the copy again.
        self._put_article(copy, text_hash, simhash, 0, (), canonical_id)

    @guard
    def delete_article(self, article_id: str) -> int:
        """Delete an article, its chunks and its recorded copies; return chunks removed.

        Raises:
            NotFound: no such article.
        """
        rec = self.get_article(article_id)
        if rec is None:
            raise NotFound(f"no article {article_id!r}: see `newsdesk list` for the ids")
        if rec.dup_of:
            canonical = self.get_article(rec.dup_of)
            self._col(ARTICLES).delete(ids=[article_id])
            self._simhashes.note(article_id, None)
            if canonical is not None:
                self._rewrite_copies(canonical, [c for c in canonical.copies
                                                 if c.get("id") != article_id])
            self._bump()
            return 0
        col = self._col(CHUNKS)
        n = len(col.get(where={"article_id": article_id}, include=[])["ids"])
        col.delete(where={"article_id": article_id})
        dup_ids = [c["id"] for c in rec.copies if c.get("id")]
        self._col(ARTICLES).delete(ids=[article_id, *dup_ids])
        for aid in (article_id, *dup_ids):
            self._simhashes.note(aid, None)
        self._col(TEXTS).delete(ids=[article_id])
        self._bump([article_id])
        return n

    # -- SimHash list ---------------------------------------------------------------------

    @guard
    def simhashes(self) -> dict[str, int]:
        """SimHash of every canonical article, for near-duplicate detection.

        Read once per process; after that, while every write came through this object (see
        :meth:`changed_articles`), from memory: an ingest into a large store then costs
        nothing per stored article.
        """
        rev = self.revision()
        known = self._simhashes.current(rev)
        if known is not None:
            return known
        out = {aid: meta_simhash(m) for aid, m in self._every_article()
               if not m.get("dup_of")}
        self._simhashes.set(out, rev)
        self.save_simhashes()
        return out

    def save_simhashes(self) -> None:
        """Save the in-memory SimHash list for the next process, if it is current.

        Called after a full read and by ``NewsDesk`` after each ingest or delete: the next
        process then starts from the file instead of reading every record, as long as no
        write happened since (the file names the revision it is true for).
        """
        self._simhashes.save(self.revision())

