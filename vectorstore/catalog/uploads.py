"""Upload records: each uploaded file's article id, original name and hash (``Catalog.uploads``).

An uploaded file becomes the article ``upload:<hash8>/<name>`` (see :mod:`qa.uploads`); its
record keeps the name the user gave it, the content hash, the size and who uploaded it, so
that every process sharing the catalog knows it (a copy of the file on disk is a cache at most).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, select

from vectorstore.catalog.engine import reading, writing
from vectorstore.catalog.rows import DEFAULT_COLLECTION, now, utc
from vectorstore.catalog.tables import uploads


@dataclass(frozen=True)
class UploadRow:
    """One uploaded file's record.

    Attributes:
        article_id: The article it became (``upload:<hash8>/<name>``); with ``collection``,
            its key.
        name: The file's original name (NFC, no path, no control characters).
        content_hash: SHA-256 of the file's bytes, in hex.
        size: Its size in bytes.
        uploaded_by: Who uploaded it (``""``: unknown, e.g. the Python API).
        created_at: When it was first recorded.
    """

    article_id: str
    name: str
    content_hash: str
    size: int = 0
    uploaded_by: str = ""
    collection: str = DEFAULT_COLLECTION
    created_at: datetime | None = None


def _row(m: Mapping[Any, Any]) -> UploadRow:
    return UploadRow(article_id=m["article_id"], name=m["name"], content_hash=m["content_hash"],
                     size=int(m["size"]), uploaded_by=m["uploaded_by"],
                     collection=m["collection"], created_at=utc(m["created_at"]))


class UploadCatalog:
    """Upload records in one catalog database (each call one transaction)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def put(self, row: UploadRow) -> bool:
        """Record ``row`` unless its article already has a record; return whether it is new.

        The same bytes under the same name make the same article id, so a second upload of
        them keeps the first record (and its uploader and time).
        """
        key = (uploads.c.collection == row.collection, uploads.c.article_id == row.article_id)
        with writing(self.engine) as conn:
            if conn.execute(select(uploads.c.article_id).where(*key)).first() is not None:
                return False
            conn.execute(uploads.insert().values(
                collection=row.collection, article_id=row.article_id, name=row.name,
                content_hash=row.content_hash, size=row.size, uploaded_by=row.uploaded_by,
                created_at=row.created_at or now()))
        return True

    def get(self, article_id: str, collection: str = DEFAULT_COLLECTION) -> UploadRow | None:
        """The record of the article ``article_id``, or ``None`` (not an upload)."""
        with reading(self.engine) as conn:
            m = conn.execute(select(uploads).where(
                uploads.c.collection == collection,
                uploads.c.article_id == article_id)).mappings().first()
        return None if m is None else _row(m)

    def list(self, collection: str | None = DEFAULT_COLLECTION) -> list[UploadRow]:
        """The records of ``collection`` (every collection's with ``None``), oldest first."""
        stmt = select(uploads).order_by(uploads.c.created_at, uploads.c.article_id)
        if collection is not None:
            stmt = stmt.where(uploads.c.collection == collection)
        with reading(self.engine) as conn:
            return [_row(m) for m in conn.execute(stmt).mappings()]

    def delete(self, article_id: str, collection: str = DEFAULT_COLLECTION) -> UploadRow | None:
        """Forget the record of ``article_id``; return it (``None``: there was none)."""
        key = (uploads.c.collection == collection, uploads.c.article_id == article_id)
        with writing(self.engine) as conn:
            m = conn.execute(select(uploads).where(*key)).mappings().first()
            if m is None:
                return None
            conn.execute(delete(uploads).where(*key))
        return _row(m)
