"""The core of the store: its Chroma connection, schema record, revisions and write journal."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from vectorstore.config import Settings
from vectorstore.errors import ModelMismatch
from vectorstore.ids import short_hash
from vectorstore.store.client import Connection, guard
from vectorstore.store.journal import Journal, SimHashList
from vectorstore.store.schema import (
    CHUNKS,
    COLLECTIONS,
    META,
    SCHEMA_VERSION,
    TEXTS,
    StoreInfo,
    next_revision,
)
from vectorstore.types import Article

BATCH = 2000
"""Records in one Chroma call."""
IN_BATCH = 500
"""Values in one ``$in`` filter."""
Rows = Iterator[tuple[list[str], list[str], list[dict[str, Any]]]]
"""``(ids, texts, metadatas)`` batches of chunk records."""


class StoreBase:
    """The connection, schema and revision of a store (see :class:`vectorstore.store.Store`)."""

    def __init__(self, settings: Settings, model: str, dim: int, backend: str = "torch",
                 allow_model_change: bool = False) -> None:
        self.settings = settings
        self.model = model
        self.dim = dim
        self.backend = backend
        self.allow_model_change = allow_model_change
        self._lock = threading.RLock()
        self.connection = Connection(settings, self._lock)
        self.location = self.connection.location
        self._info: StoreInfo | None = None
        self._journal = Journal()
        self._simhashes = SimHashList(
            Path(settings.home) / "cache" / f"simhash-{short_hash(self.location)}.json",
            self._journal, self._lock)

    def _col(self, name: str) -> Any:
        """The Chroma collection ``name`` (connecting first when needed)."""
        return self.connection.collection(name)

    # -- schema ---------------------------------------------------------------------------

    @guard
    def check(self) -> StoreInfo:
        """Read (or, in an empty store, write) the schema record and check the model.

        Raises:
            ModelMismatch: the store was built with another model; run ``newsdesk reindex``.
            StoreUnavailable: the Chroma server cannot be reached.
        """
        got = self._col(META).get(ids=["schema"], include=["metadatas"])
        if not got["ids"]:
            info = StoreInfo(SCHEMA_VERSION, self.model, self.dim, self.backend, 0)
            self._write_info(info)
            return info
        m = got["metadatas"][0]
        info = StoreInfo(int(m.get("schema_version", 0)), str(m.get("model", "")),
                         int(m.get("dim", 0)), str(m.get("backend", "torch")),
                         int(m.get("revision", 0)))
        if info.schema_version > SCHEMA_VERSION:
            raise ModelMismatch(
                f"the store at {self.location} has schema version {info.schema_version}, newer than "
                f"this Newsdesk ({SCHEMA_VERSION}): upgrade Newsdesk")
        if (info.model, info.dim) != (self.model, self.dim) and not self.allow_model_change:
            raise ModelMismatch(
                f"the store at {self.location} was built with embedding model {info.model!r} "
                f"({info.dim}-d) but {self.model!r} ({self.dim}-d) is configured: run "
                f"`newsdesk reindex` to re-embed every article with it, or set "
                f"NEWSDESK_EMBED_MODEL={info.model}")
        self._info = info
        return info

    def _write_info(self, info: StoreInfo) -> None:
        self._col(META).upsert(ids=["schema"], embeddings=[[1.0]], metadatas=[{
            "schema_version": info.schema_version, "model": info.model, "dim": info.dim,
            "backend": info.backend, "revision": info.revision}])
        self._info = info

    @guard
    def info(self) -> StoreInfo:
        """The schema record as stored now (revision included)."""
        got = self._col(META).get(ids=["schema"], include=["metadatas"])
        if not got["ids"]:
            return self.check()
        m = got["metadatas"][0]
        return StoreInfo(int(m["schema_version"]), str(m["model"]), int(m["dim"]),
                         str(m.get("backend", "torch")), int(m.get("revision", 0)))

    def revision(self) -> int:
        """A number that changes whenever chunks are added, replaced or deleted."""
        return self.info().revision

    def _bump(self, touched: Iterable[str] = ()) -> None:
        """Move to a new revision; ``touched``: the articles whose chunks this write changed."""
        with self._lock:
            cur = self.info()
            new = next_revision(cur.revision)
            self._write_info(StoreInfo(cur.schema_version, cur.model, cur.dim, cur.backend, new))
            self._journal.record(cur.revision, new, touched)

    def changed_articles(self, since: int, until: int) -> set[str] | None:
        """The articles whose chunks changed from revision ``since`` to ``until``.

        ``None`` when that is not known here: some write in between was made by another
        process (or this object's journal no longer reaches back to ``since``).
        """
        return self._journal.changed(since, until)

    def _put_texts(self, articles: Sequence[Article]) -> None:
        self._col(TEXTS).upsert(ids=[a.id for a in articles], embeddings=[[1.0]] * len(articles),
                                documents=[""] * len(articles),
                                metadatas=[{"text": a.text} for a in articles])

    # -- maintenance ----------------------------------------------------------------------

    @guard
    def drop_chunks(self) -> None:
        """Delete every chunk and vector, keeping the articles (for ``reindex``)."""
        with self._lock:
            self.connection.drop(CHUNKS)
            cur = self.info()
            self._write_info(StoreInfo(SCHEMA_VERSION, self.model, self.dim, self.backend,
                                       next_revision(cur.revision)))

    @guard
    def reset(self) -> None:
        """Delete everything in the store."""
        with self._lock:
            self.connection.drop(*COLLECTIONS)
            self._simhashes.clear()
            self.check()
