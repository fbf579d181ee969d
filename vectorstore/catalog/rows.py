"""What the catalog returns and takes: frozen rows, and their conversion to and from tables."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from vectorstore.collection_names import DEFAULT_COLLECTION

JOURNAL_KINDS = ("added", "changed", "removed")
ORIGIN_KINDS = ("", "file", "upload", "url", "feed")
_U64 = 1 << 64


def signed64(value: int) -> int:
    """An unsigned 64-bit SimHash as the signed number a BIGINT column holds."""
    value &= _U64 - 1
    return value - _U64 if value >= 1 << 63 else value


def unsigned64(value: int) -> int:
    """The unsigned 64-bit SimHash of a stored signed number."""
    return value & (_U64 - 1)


def utc(value: datetime) -> datetime:
    """``value`` as an aware UTC time (SQLite gives them back naive)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class ArticleRow:
    """One article of the catalog.

    Attributes:
        id: The article's id (a URL, ``file:<name>``, …), unique within its collection.
        content_hash: Hash of the normalised text; unique within a collection.
        simhash: 64-bit SimHash, unsigned.
        copies: Other outlets that carried it (``{"id", "url", "source", "title", "path"}``).
        origin_kind: ``file``, ``upload``, ``url``, ``feed`` or ``""``; ``origin`` is the path,
            the upload's original name, the URL or the feed.
        pages: Page count of a paged document (PDF); ``page_starts``: where each page
            begins in ``text`` (``Article.page_starts``; ``()`` without pages).
        n_chunks: Chunks stored in the vector store; ``indexed``: its vectors are written.
        text: The full text; ``None`` where a listing did not read it.
    """

    id: str
    content_hash: str
    title: str = ""
    url: str = ""
    source: str = ""
    published: date | None = None
    simhash: int = 0
    copies: tuple[Mapping[str, str], ...] = ()
    origin_kind: str = ""
    origin: str = ""
    pages: int | None = None
    page_starts: tuple[int, ...] = ()
    n_chunks: int = 0
    indexed: bool = False
    text: str | None = None
    collection: str = DEFAULT_COLLECTION
    created_at: datetime | None = field(default=None, compare=False)
    updated_at: datetime | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO text)."""
        return {
            "id": self.id, "collection": self.collection, "title": self.title, "url": self.url,
            "source": self.source,
            "published": self.published.isoformat() if self.published else None,
            "content_hash": self.content_hash, "simhash": f"{self.simhash:016x}",
            "copies": [dict(c) for c in self.copies], "origin_kind": self.origin_kind,
            "origin": self.origin, "pages": self.pages,
            "page_starts": list(self.page_starts), "n_chunks": self.n_chunks,
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ArticleRow:
        """The row of a :meth:`to_dict` dict (``indexed`` false: its vectors are not written)."""
        pub = d.get("published")
        return cls(
            id=str(d["id"]), content_hash=str(d["content_hash"]), title=str(d.get("title", "")),
            url=str(d.get("url", "")), source=str(d.get("source", "")),
            published=date.fromisoformat(pub) if pub else None,
            simhash=int(str(d.get("simhash") or "0"), 16),
            copies=tuple(dict(c) for c in d.get("copies") or ()),
            origin_kind=str(d.get("origin_kind", "")), origin=str(d.get("origin", "")),
            pages=d.get("pages"), page_starts=tuple(int(p) for p in d.get("page_starts") or ()),
            n_chunks=int(d.get("n_chunks") or 0),
            text=d.get("text"), collection=str(d.get("collection") or DEFAULT_COLLECTION))


def article_values(row: ArticleRow) -> dict[str, Any]:
    """The column values written for ``row`` (timestamps and ``indexed`` aside)."""
    if row.origin_kind not in ORIGIN_KINDS:
        raise ValueError(f"origin_kind {row.origin_kind!r}: use one of {ORIGIN_KINDS}")
    return {
        "collection": row.collection, "id": row.id, "title": row.title, "url": row.url,
        "source": row.source, "published": row.published, "content_hash": row.content_hash,
        "simhash": signed64(row.simhash), "copies": [dict(c) for c in row.copies],
        "origin_kind": row.origin_kind, "origin": row.origin, "pages": row.pages,
        "page_starts": [int(p) for p in row.page_starts], "n_chunks": row.n_chunks, "text": row.text or "",
    }


def article_row(m: Mapping[Any, Any], with_text: bool = True) -> ArticleRow:
    """The :class:`ArticleRow` of a result row's mapping."""
    return ArticleRow(
        id=m["id"], content_hash=m["content_hash"], title=m["title"], url=m["url"],
        source=m["source"], published=m["published"], simhash=unsigned64(m["simhash"]),
        copies=tuple(m["copies"] or ()), origin_kind=m["origin_kind"], origin=m["origin"],
        pages=m["pages"], page_starts=tuple(int(p) for p in m["page_starts"] or ()),
        n_chunks=m["n_chunks"], indexed=bool(m["indexed"]),
        text=m["text"] if with_text else None, collection=m["collection"],
        created_at=utc(m["created_at"]), updated_at=utc(m["updated_at"]))


@dataclass(frozen=True)
class JournalEntry:
    """One write of the journal: article ``article_id`` of ``collection`` was ``kind``."""

    seq: int
    kind: str
    collection: str
    article_id: str
    pid: int
    host: str
    process: str
    at: datetime


def journal_entry(m: Mapping[Any, Any]) -> JournalEntry:
    """The :class:`JournalEntry` of a result row's mapping."""
    return JournalEntry(seq=int(m["seq"]), kind=m["kind"], collection=m["collection"],
                        article_id=m["article_id"], pid=m["pid"], host=m["host"],
                        process=m["process"], at=utc(m["at"]))


@dataclass(frozen=True)
class Writer:
    """Who writes: the journal names it (process id, host, and a label such as ``cli``)."""

    pid: int
    host: str
    process: str = ""

    @classmethod
    def here(cls, process: str = "") -> Writer:
        """This process."""
        return cls(os.getpid(), socket.gethostname(), process)


@dataclass(frozen=True)
class PutResult:
    """What :meth:`Catalog.put_articles` did with each row.

    Attributes:
        added: Ids stored new. ``changed``: ids whose stored row was updated.
        unchanged: Ids already stored exactly so (nothing written).
        duplicates: ``(id, id of the stored article with that content hash)`` for rows not
            stored because another article of the collection has their text.
        head: The journal's last number after the write.
    """

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    duplicates: tuple[tuple[str, str], ...] = ()
    head: int = 0


@dataclass(frozen=True)
class CollectionInfo:
    """A collection: its name, when it was made, its embedding model and chunk settings."""

    name: str
    created_at: datetime
    embed_model: str = ""
    dim: int = 0
    chunking: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SchemaRecord:
    """The catalog's schema record: its version and the embedding model the desk uses."""

    catalog_version: int
    embed_model: str = ""
    dim: int = 0
    backend: str = ""
