"""The core of the store: its Chroma connection, its catalog, the schema record, revisions and
the write lock.

The revision is the catalog's journal head (plus a fixed offset for a store migrated from
before the catalog, so that a BM25 index saved then stays current): every process sees
every other's writes in it, and :meth:`StoreBase.changed_articles` reads the journal.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vectorstore.catalog import Catalog, SchemaRecord, open_catalog
from vectorstore.catalog.errors import CatalogUnavailable
from vectorstore.collection_names import chunks_collection
from vectorstore.config import Settings
from vectorstore.errors import ModelMismatch, StoreDamaged
from vectorstore.store.client import Connection, guard
from vectorstore.store.follow import CatalogView
from vectorstore.store.health import (
    catalog_damaged_message,
    chroma_file,
    damaged_message,
    is_damage,
)
from vectorstore.store.legacy import MIGRATED, REVISION_BASE, migrate_legacy
from vectorstore.store.schema import CHUNKS, SCHEMA_VERSION, StoreInfo

log = logging.getLogger(__name__)

BATCH = 2000
"""Records in one Chroma call."""
IN_BATCH = 500
"""Values in one ``$in`` filter."""
Rows = Iterator[tuple[list[str], list[str], list[dict[str, Any]]]]
"""``(ids, texts, metadatas)`` batches of chunk records."""
JOURNAL_FOLLOW_MAX = 20_000
"""Journal entries beyond which :meth:`StoreBase.changed_articles` gives up (a rebuild is cheaper)."""
FOLLOW_BATCH = 1000
"""Journal entries read per look; more means another writer (the client is reopened)."""


class StoreBase:
    """The connection, catalog, schema and revision of a store (see :class:`vectorstore.store.Store`)."""

    def __init__(self, settings: Settings, model: str, dim: int, backend: str = "torch",
                 allow_model_change: bool = False) -> None:
        self.settings = settings
        self.model = model
        self.dim = dim
        self.backend = backend
        self.allow_model_change = allow_model_change
        self.collection = settings.collection
        self.chunks_name = chunks_collection(self.collection)
        self._lock = threading.RLock()
        self.connection = Connection(settings, self._lock, self.indexed_articles)
        self.location = self.connection.location
        self._info: StoreInfo | None = None
        self._catalog: Catalog | None = None
        self._base = 0
        self._head = -1  # the journal head this process has followed to
        self._me = (os.getpid(), socket.gethostname())
        self.reopens = 0
        self.view = CatalogView(lambda: self.catalog, self._lock, self.collection)
        self._file_lock: Any = None

    @property
    def catalog(self) -> Catalog:
        """The catalog database (opened, and migrated to this code's version, on first use)."""
        if self._catalog is None:
            with self._lock:
                if self._catalog is None:
                    try:
                        self._catalog = open_catalog(self.settings.catalog_url,
                                                     process="newsdesk")
                    except CatalogUnavailable as e:
                        if is_damage(e):  # a garbled file, not a lost server
                            raise StoreDamaged(catalog_damaged_message(
                                self.settings.catalog_url, e)) from e
                        raise
        return self._catalog

    def _col(self, name: str) -> Any:
        """The Chroma collection ``name`` (connecting first when needed)."""
        return self.connection.collection(name)

    # -- schema ---------------------------------------------------------------------------

    @guard
    def check(self, tolerate_damage: bool = False) -> StoreInfo:
        """Read (or, in a new store, write) the schema record and check the model.

        A store written before the catalog is copied into it first (no re-embedding).

        Args:
            tolerate_damage: Open a damaged store anyway (for ``repair`` and ``reset``): a
                broken or missing schema record reads as the configured model's.

        Raises:
            ModelMismatch: the store was built with another model; run ``newsdesk reindex``.
            StoreDamaged: the schema record is broken or missing while the catalog holds
                articles, or the catalog lost its articles while Chroma holds vectors.
            StoreUnavailable: the Chroma server (or the catalog database) cannot be reached.
        """
        try:
            sch = self._opened_schema()
        except StoreDamaged:
            if not tolerate_damage:
                raise
            sch = SchemaRecord(catalog_version=0, embed_model=self.model, dim=self.dim,
                               backend=self.backend)
        self._base = int(self.catalog.get_meta(REVISION_BASE, 0))
        info = StoreInfo(SCHEMA_VERSION, sch.embed_model, sch.dim, sch.backend or "torch",
                         self.revision())
        if (info.model, info.dim) != (self.model, self.dim) and not self.allow_model_change:
            raise ModelMismatch(
                f"the store at {self.location} was built with embedding model {info.model!r} "
                f"({info.dim}-d) but {self.model!r} ({self.dim}-d) is configured: run "
                f"`newsdesk reindex` to re-embed every article with it, or set "
                f"NEWSDESK_EMBED_MODEL={info.model}")
        self._info = info
        return info

    def _opened_schema(self) -> SchemaRecord:
        """The schema record, written in a new store (after copying a legacy one in)."""
        sch = self.schema()
        if not sch.embed_model or not self.catalog.get_meta(MIGRATED):
            if self.catalog.get_meta(MIGRATED) and self.indexed_articles():
                raise StoreDamaged(damaged_message(
                    self.location, "the schema record is missing from the catalog, which "
                                   "holds articles"))
            with self.writing(ensure=False):  # (once per store: readers never wait)
                migrate_legacy(self)
                sch = self.schema()
                if not sch.embed_model:
                    sch = self.catalog.set_schema(embed_model=self.model, dim=self.dim,
                                                  backend=self.backend)
        self._check_not_lost()
        return sch

    def schema(self) -> SchemaRecord:
        """The catalog's schema record.

        Raises:
            StoreDamaged: the record cannot be read (a garbled value).
        """
        try:
            return self.catalog.schema()
        except (ValueError, TypeError, AttributeError) as e:
            raise StoreDamaged(damaged_message(
                self.location, f"the schema record in the catalog is broken ({e})")) from e

    def indexed_articles(self) -> int:
        """How many articles, in every collection, the catalog holds as having vectors."""
        counts = self.catalog.article_counts()
        return sum(counts.values()) - sum(len(self.catalog.pending(c)) for c in counts)

    def _check_not_lost(self) -> None:
        """An embedded Chroma holding chunks beside a catalog with no article at all: the
        catalog was lost or emptied (its texts are gone; ``reset`` starts afresh)."""
        db = chroma_file(self.settings)
        if self.settings.chroma_url or not db.is_file() or db.stat().st_size == 0 \
                or any(self.catalog.article_counts().values()):
            return
        if not self.connection.has(CHUNKS):
            return
        n = int(self._col(CHUNKS).count())
        # (read again: another process may have written both since; its rows come first)
        if n and not any(self.catalog.article_counts().values()):
            raise StoreDamaged(damaged_message(
                self.location, f"the catalog holds no articles while Chroma holds {n} chunks "
                               "(the catalog was emptied or replaced)"))

    def info(self) -> StoreInfo:
        """The schema record as stored now (revision included)."""
        sch = self.schema()
        if not sch.embed_model:
            return self.check()
        return StoreInfo(SCHEMA_VERSION, sch.embed_model, sch.dim, sch.backend or "torch",
                         self.revision())

    # -- revisions and the journal ----------------------------------------------------------

    def revision(self) -> int:
        """A number that changes whenever any process adds, changes or deletes an article.

        Following the journal here also reopens an embedded Chroma client after another
        process wrote, so that dense search sees its vectors.
        """
        return self._base + self.follow()

    def journal_seq(self) -> int:
        """The catalog journal's head as this process last followed it."""
        return self.follow()

    def follow(self) -> int:
        """Read the journal entries after the last one seen; return the head.

        When one was written by another process and Chroma is embedded, its client is
        reopened: an embedded client does not see another process's new vectors in queries.
        """
        with self._lock:
            if self._head < 0:  # the first look: nothing to follow yet
                self._head = self.catalog.journal_head()
                return self._head
            entries = self.catalog.journal_since(self._head, limit=FOLLOW_BATCH)
            if not entries:
                return self._head
            foreign = len(entries) == FOLLOW_BATCH or any(
                (e.pid, e.host) != self._me for e in entries)
            self._head = (self.catalog.journal_head() if len(entries) == FOLLOW_BATCH
                          else entries[-1].seq)
            if foreign and not self.settings.chroma_url:
                self.connection.reopen()
                self.reopens += 1
            return self._head

    def changed_articles(self, since: int, until: int) -> set[str] | None:
        """The articles added, changed or removed from revision ``since`` to ``until`` (by
        any process), read from the catalog's journal.

        ``None`` when that cannot be told: ``since`` is not a revision of this catalog, or
        so many entries came since that reading everything is cheaper.
        """
        lo, hi = since - self._base, until - self._base
        if lo < 0 or hi < lo:
            return None
        if hi == lo:
            return set()
        entries = self.catalog.journal_since(lo, limit=JOURNAL_FOLLOW_MAX + 1)
        if len(entries) > JOURNAL_FOLLOW_MAX:
            return None
        if hi > (entries[-1].seq if entries else lo):
            return None  # a head this catalog never had (another catalog's index)
        return {e.article_id for e in entries if e.seq <= hi and e.collection == self.collection}

    @contextlib.contextmanager
    def writing(self, ensure: bool = True) -> Iterator[None]:
        """Hold the store's write lock: one writer at a time across the processes that share
        an embedded store (a ``filelock`` in ``NEWSDESK_HOME``); readers never take it.

        The journal is followed first, so that this process writes to Chroma as it is now;
        with ``ensure``, the store's collection is made in the catalog when it does not exist
        (a first write into a new collection creates it).
        """
        with self._lock:
            if self._file_lock is None and not self.settings.chroma_url:
                from filelock import FileLock

                home = Path(self.settings.home)
                home.mkdir(parents=True, exist_ok=True)
                self._file_lock = FileLock(str(home / "write.lock"))
            lock = self._file_lock
        with lock if lock is not None else contextlib.nullcontext():
            self.follow()
            if ensure and self.catalog.get_collection(self.collection) is None:
                self.catalog.ensure_collection(self.collection, embed_model=self.model,
                                               dim=self.dim)
            yield

    # -- maintenance ----------------------------------------------------------------------

    @guard
    def drop_chunks(self) -> None:
        """Delete every chunk and vector of this collection, keeping the articles (for
        ``reindex`` and ``repair``): every article is marked pending first, then re-embedded by
        the caller from its text. With another model (``reindex``), or an embedded store that
        must be made anew, every collection's chunks go (the others are re-embedded when
        their desks open: the model is the store's)."""
        with self.writing():
            try:
                sch: SchemaRecord | None = self.schema()
            except StoreDamaged:  # a broken schema record: every collection is re-embedded
                sch = None
            every = sch is None or (sch.embed_model, sch.dim) != (self.model, self.dim)
            self._drop_pending(list(self.catalog.article_counts()) if every
                               else [self.collection])
            try:
                for name in list(self.catalog.article_counts()) if every else [self.collection]:
                    self.connection.drop(chunks_collection(name))
            except Exception:
                if self.settings.chroma_url:
                    raise
                log.warning("the embedded store at %s cannot be opened: made anew", self.location)
                self._drop_pending(list(self.catalog.article_counts()))
                self.connection.wipe()
            self.catalog.set_schema(embed_model=self.model, dim=self.dim, backend=self.backend)

    def _drop_pending(self, names: list[str]) -> None:
        """Mark every article of these collections pending (its vectors about to go)."""
        for name in names:
            self.catalog.mark_pending([r.id for r in self.catalog.articles(name)], name)

    @guard
    def reset(self) -> None:
        """Delete everything in the store (a crash part-way leaves every article pending)."""
        from vectorstore.store.schema import COLLECTIONS

        with self.writing():
            ids = [r.id for r in self.catalog.articles(self.collection)]
            self.catalog.mark_pending(ids, self.collection)
            try:
                self.connection.drop(*(COLLECTIONS if self.chunks_name == CHUNKS
                                       else (self.chunks_name,)))
            except Exception:
                if self.settings.chroma_url:
                    raise
                log.warning("the embedded store at %s cannot be opened: made anew", self.location)
                self._drop_pending(list(self.catalog.article_counts()))  # their vectors go too
                self.connection.wipe()
            self.catalog.delete_articles(ids, self.collection)
            self.catalog.set_schema(embed_model=self.model, dim=self.dim, backend=self.backend)
            self.view.clear()

    def pending(self) -> list[str]:
        """Articles whose vectors are not written: an ingest crashed (or runs) between its
        catalog write and its vectors. ``Ingestor.finish_pending`` completes them."""
        return self.catalog.pending(self.collection)
