"""Article records: listing, looking up, writing and deleting articles and their copies.

The records live in the catalog (:mod:`vectorstore.catalog`); a duplicate is an entry in
its canonical article's ``copies``, listed as a record of its own with ``dup_of`` set.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from vectorstore.errors import NotFound
from vectorstore.store.base import StoreBase
from vectorstore.store.client import guard
from vectorstore.store.codec import copy_entry, copy_record, outlets, record_of, row_of
from vectorstore.store.schema import ArticleRecord
from vectorstore.types import Article


class ArticleStore(StoreBase):
    """The article records of a store (see :class:`vectorstore.store.Store`)."""

    def get_article(self, article_id: str) -> ArticleRecord | None:
        """The record of ``article_id`` (a duplicate's too), or ``None``."""
        row = self.catalog.get_article(article_id, self.collection)
        if row is not None:
            return record_of(row)
        return self._copy(article_id)

    def _copy(self, copy_id: str) -> ArticleRecord | None:
        """The record of the recorded copy ``copy_id``, or ``None``."""
        canonical = self.view.canonical_of(copy_id)
        row = self.catalog.get_article(canonical, self.collection) if canonical else None
        if row is None:
            return None
        rec = record_of(row)
        for c in rec.copies:
            if c.get("id") == copy_id:
                return copy_record(rec, c)
        return None

    def article_text(self, article_id: str) -> str:
        """The full text of a stored article."""
        return self.catalog.article_text(article_id, self.collection)

    def articles(self, include_duplicates: bool = False) -> list[ArticleRecord]:
        """Every stored article, newest first (duplicates only if asked)."""
        out: list[ArticleRecord] = []
        for row in self.catalog.articles(self.collection):
            rec = record_of(row)
            out.append(rec)
            if include_duplicates:
                out += [copy_record(rec, c) for c in rec.copies if c.get("id")]
        out.sort(key=lambda r: (r.published or date.min, r.title), reverse=True)
        return out

    def get_articles(self, article_ids: Sequence[str]) -> dict[str, ArticleRecord]:
        """The records of those ``article_ids`` that exist (one call, for ingest batches)."""
        out = {aid: record_of(r) for aid, r in self.catalog.get_articles(article_ids, self.collection).items()}
        copies = self.view.canonicals(a for a in article_ids if a not in out)
        if copies:
            holders = self.catalog.get_articles(sorted(set(copies.values())),
                                               self.collection)
            for cid, aid in copies.items():
                rec = record_of(holders[aid]) if aid in holders else None
                entry = next((c for c in rec.copies if c.get("id") == cid), None) if rec else None
                if rec is not None and entry is not None:
                    out[cid] = copy_record(rec, entry)
        return out

    def find_by_hashes(self, text_hashes: Sequence[str]) -> dict[str, ArticleRecord]:
        """For each of ``text_hashes`` stored, the canonical article with it."""
        return {h: record_of(r) for h, r in self.catalog.find_by_hashes(text_hashes, self.collection).items()}

    def find_by_hash(self, text_hash: str) -> ArticleRecord | None:
        """The canonical article whose normalised text hash is ``text_hash``."""
        return self.find_by_hashes([text_hash]).get(text_hash)

    def put_article(self, article: Article, *, text_hash: str, simhash: int, n_chunks: int,
                    copies: Sequence[dict[str, str]] = (), dup_of: str = "") -> None:
        """Write the article record (a duplicate's: as a copy of ``dup_of``).

        Without chunks (``n_chunks`` 0) the article is left pending: ``Ingestor.finish_pending``
        chunks and embeds it from its stored text.
        """
        if dup_of:
            self.add_copy(dup_of, article, text_hash, simhash)
            return
        with self.writing():
            self.catalog.put_articles([row_of(article, text_hash, simhash, copies, n_chunks,
                                             self.collection)],
                                      pending=n_chunks <= 0)
            if n_chunks > 0:
                self.catalog.mark_indexed({article.id: n_chunks}, self.collection)

    @guard
    def add_copy(self, canonical_id: str, copy: Article, text_hash: str, simhash: int) -> None:
        """Record ``copy`` as a further source of ``canonical_id`` (no chunks, no vectors).

        The chunks' list of outlets is updated first, then the catalog (journalled): a crash
        between the two leaves no record of the copy, so the next ingest records it again.
        """
        with self.writing():
            row = self.catalog.get_article(canonical_id, self.collection)
            if row is None:
                raise NotFound(f"no article {canonical_id!r}")
            rec = record_of(row)
            entry = copy_entry(copy, text_hash, simhash)
            copies = [c for c in rec.copies if c.get("id") != copy.id] + [entry]
            self._set_outlets(rec, copies)
            self.catalog.add_copy(canonical_id, entry, self.collection)

    def _set_outlets(self, rec: ArticleRecord, copies: Sequence[dict[str, str]]) -> None:
        """Keep the chunks' list of outlets in step, so that passages show every source."""
        sources, urls = outlets(rec, copies)
        col = self._col(self.chunks_name)
        got = col.get(where={"article_id": rec.id}, include=["metadatas"])
        if got["ids"]:
            metas = [{**m, "sources": json.dumps(sources), "urls": json.dumps(urls)}
                     for m in got["metadatas"]]
            col.update(ids=got["ids"], metadatas=metas)

    @guard
    def delete_article(self, article_id: str) -> int:
        """Delete an article, its chunks and its recorded copies; return chunks removed.

        The article is marked pending, then its chunks go, then its row: a crash part-way
        leaves it pending, and the next open embeds it again (the delete is rolled back).

        Raises:
            NotFound: no such article.
        """
        with self.writing():
            rec = self.get_article(article_id)
            if rec is None:
                raise NotFound(f"no article {article_id!r}: see `newsdesk list` for the ids")
            if rec.dup_of:
                self.catalog.remove_copy(rec.dup_of, article_id, self.collection)
                return 0
            self.catalog.mark_pending([article_id], self.collection)
            col = self._col(self.chunks_name)
            n = len(col.get(where={"article_id": article_id}, include=[])["ids"])
            col.delete(where={"article_id": article_id})
            self.catalog.delete_articles([article_id], self.collection)
            return n

    # -- SimHash list ---------------------------------------------------------------------

    def simhashes(self) -> dict[str, int]:
        """SimHash of every canonical article, for near-duplicate detection.

        Read whole once per process; after that kept in step by following the catalog's
        journal, so that a write (by any process) costs a read of the articles it names.
        """
        return self.view.simhashes()

    def save_simhashes(self) -> None:
        """Kept for callers of the previous store: the catalog holds the list now."""
