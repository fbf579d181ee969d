"""Stores written before the catalog: their article records, texts, schema record and
revision (in Chroma) are copied into the catalog on first open, without re-embedding.

The old collections are left as they were (the previous release can still open the
store); the catalog's meta key ``chroma_migrated`` says the copy is done.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator
from typing import Any, Protocol

from vectorstore.catalog import ArticleRow, Catalog
from vectorstore.errors import ModelMismatch
from vectorstore.store.client import Connection
from vectorstore.store.codec import article_record, copy_entry, row_of
from vectorstore.store.schema import ARTICLES, CHUNKS, META, SCHEMA_VERSION, TEXTS, ArticleRecord
from vectorstore.types import Article

log = logging.getLogger(__name__)

MIGRATED = "chroma_migrated"
REVISION_BASE = "revision_base"
"""Catalog meta key: the offset of the revision over the journal head (a migrated store's)."""
_BATCH = 2000


class _Store(Protocol):
    @property
    def catalog(self) -> Catalog: ...  # noqa: D102

    connection: Connection
    location: str


def migrate_legacy(store: _Store) -> bool:
    """Copy a pre-catalog store's records into the catalog, once; return whether it did.

    Raises:
        ModelMismatch: the old schema record is newer than this Newsdesk.
    """
    cat = store.catalog
    if cat.get_meta(MIGRATED):
        return False
    conn = store.connection
    if not conn.has(META):
        cat.set_meta(MIGRATED, True)
        return False
    schema = _schema(conn.collection(META))
    if int(schema.get("schema_version", 0)) > SCHEMA_VERSION:
        raise ModelMismatch(
            f"the store at {store.location} has schema version {schema['schema_version']}, "
            f"newer than this Newsdesk ({SCHEMA_VERSION}): upgrade Newsdesk")
    rows, counts = _rows(conn) if conn.has(ARTICLES) else ([], {})
    put = cat.put_articles(rows)
    for dup, holder in put.duplicates:  # two records of one text: keep one, the other a copy
        conn.collection(CHUNKS).delete(where={"article_id": dup})
        counts.pop(dup, None)
        row = next(r for r in rows if r.id == dup)
        art = Article(id=row.id, text="", title=row.title, url=row.url, source=row.source,
                      published=row.published, path=row.origin)
        cat.add_copy(holder, copy_entry(art, row.content_hash, row.simhash))
    cat.mark_indexed({aid: n for aid, n in counts.items() if n > 0})
    if schema.get("model"):
        cat.set_schema(embed_model=str(schema["model"]), dim=int(schema.get("dim", 0)),
                       backend=str(schema.get("backend", "torch")))
    cat.set_meta(REVISION_BASE, int(schema.get("revision", 0)) - cat.journal_head())
    cat.set_meta(MIGRATED, True)
    log.info("copied %d articles of %s into the catalog %s", len(rows), store.location, cat.url)
    return True


def _schema(meta_col: Any) -> dict[str, Any]:
    got = meta_col.get(ids=["schema"], include=["metadatas"])
    return dict(got["metadatas"][0]) if got["ids"] else {}


def _records(col: Any) -> Iterator[tuple[str, dict[str, Any], str]]:
    """``(id, metadata, document)`` of every record of ``col``, in batches."""
    offset = 0
    while True:
        got = col.get(include=["metadatas", "documents"], limit=_BATCH, offset=offset)
        yield from zip(got["ids"], got["metadatas"], got["documents"] or [""] * len(got["ids"]),
                       strict=True)
        if len(got["ids"]) < _BATCH:
            break
        offset += _BATCH


def _rows(conn: Any) -> tuple[list[ArticleRow], dict[str, int]]:
    """The catalog rows of the old article records, and the chunk count of each."""
    canon: list[ArticleRecord] = []
    docs: dict[str, str] = {}
    dups: dict[str, list[ArticleRecord]] = defaultdict(list)
    for aid, m, doc in _records(conn.collection(ARTICLES)):
        rec = article_record(aid, m)
        if rec.dup_of:
            dups[rec.dup_of].append(rec)
        else:
            canon.append(rec)
            docs[aid] = doc or ""
    texts = {aid: str(m.get("text") or "") for aid, m, _ in _records(conn.collection(TEXTS))} \
        if conn.has(TEXTS) else {}
    rows: list[ArticleRow] = []
    for rec in canon:
        extra = {d.id: d for d in dups.get(rec.id, [])}
        copies = [{**c, **_dup_fields(extra.get(str(c.get("id", ""))))} for c in rec.copies]
        art = Article(id=rec.id, text=texts.get(rec.id) or docs.get(rec.id, ""), title=rec.title,
                      url=rec.url, source=rec.source, published=rec.published, path=rec.path)
        rows.append(row_of(art, rec.hash, rec.simhash, copies))
    return rows, {rec.id: rec.n_chunks for rec in canon}


def _dup_fields(rec: ArticleRecord | None) -> dict[str, str]:
    """The hash, SimHash and date a duplicate's own record held."""
    if rec is None:
        return {}
    return {"hash": rec.hash, "simhash": f"{rec.simhash:016x}",
            "published": rec.published.isoformat() if rec.published else ""}
