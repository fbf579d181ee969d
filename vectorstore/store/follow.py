"""What a store keeps in memory of the catalog: the SimHash list and the copy index, read
whole once per process and then kept in step by following the catalog's journal."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from vectorstore.catalog import DEFAULT_COLLECTION, Catalog

FOLLOW_MAX = 20_000
"""Journal entries beyond which the view is read whole again (cheaper than one by one)."""


class CatalogView:
    """The SimHash of every article and the canonical article of every recorded copy.

    Args:
        catalog: Gives the store's catalog (opened on first use).
        lock: The store's lock.
        collection: The collection whose articles it holds.
    """

    def __init__(self, catalog: Callable[[], Catalog], lock: threading.RLock,
                 collection: str = DEFAULT_COLLECTION) -> None:
        self._catalog = catalog
        self.collection = collection
        self._lock = lock
        self.head = -1  # the journal number the view is true for; -1: not read
        self._sims: dict[str, int] = {}
        self._copy_of: dict[str, str] = {}  # copy id -> canonical id
        self._copies: dict[str, list[str]] = {}  # canonical id -> copy ids
        self.full_reads = 0

    def clear(self) -> None:
        """Forget everything: the next look reads the catalog whole."""
        with self._lock:
            self.head = -1

    def simhashes(self) -> dict[str, int]:
        """The SimHash of every article, as the catalog holds them now."""
        with self._lock:
            self._current()
            return dict(self._sims)

    def canonical_of(self, copy_id: str) -> str | None:
        """The article ``copy_id`` is a recorded copy of, or ``None``."""
        return self.canonicals([copy_id]).get(copy_id)

    def canonicals(self, copy_ids: Iterable[str]) -> dict[str, str]:
        """``{copy id: the article it is a recorded copy of}`` for those of ``copy_ids`` that are."""
        with self._lock:
            self._current()
            return {c: self._copy_of[c] for c in copy_ids if c in self._copy_of}

    def _current(self) -> None:
        cat = self._catalog()
        if self.head >= 0:
            entries = cat.journal_since(self.head, limit=FOLLOW_MAX + 1)
            if len(entries) <= FOLLOW_MAX:
                if entries:
                    ids = {e.article_id for e in entries if e.collection == self.collection}
                    self._apply(cat, ids)
                    self.head = entries[-1].seq
                return
        self.head = cat.journal_head()  # read first: rows read after it are at least as new
        self._sims, self._copy_of, self._copies = {}, {}, {}
        for row in cat.articles(self.collection):
            self._note(row.id, row.simhash, [str(c.get("id")) for c in row.copies if c.get("id")])
        self.full_reads += 1

    def _apply(self, cat: Catalog, ids: set[str]) -> None:
        rows = cat.get_articles(sorted(ids), self.collection)
        for aid in ids:
            self._sims.pop(aid, None)
            for cid in self._copies.pop(aid, []):
                if self._copy_of.get(cid) == aid:
                    del self._copy_of[cid]
            row = rows.get(aid)
            if row is not None:
                self._note(aid, row.simhash,
                           [str(c.get("id")) for c in row.copies if c.get("id")])

    def _note(self, aid: str, simhash: int, copy_ids: list[str]) -> None:
        self._sims[aid] = simhash
        if copy_ids:
            self._copies[aid] = copy_ids
            for cid in copy_ids:
                self._copy_of[cid] = aid
