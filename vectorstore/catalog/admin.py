"""Collections and the meta records (the schema record among them), on a connection."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from vectorstore.catalog.rows import CollectionInfo, SchemaRecord, now, utc
from vectorstore.catalog.tables import articles, collections, feed_items, feeds, meta, uploads

SCHEMA_KEY = "schema"


def _insert(conn: Connection, table: Any) -> Any:
    """The dialect's INSERT (with ``on_conflict_do_nothing``/``on_conflict_do_update``)."""
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


def collection_info(m: Mapping[Any, Any]) -> CollectionInfo:
    """The :class:`CollectionInfo` of a result row's mapping."""
    return CollectionInfo(name=m["name"], created_at=utc(m["created_at"]),
                          embed_model=m["embed_model"], dim=m["dim"],
                          chunking=dict(m["chunking"] or {}))


def get_collection(conn: Connection, name: str) -> CollectionInfo | None:
    """The collection ``name``, or ``None``."""
    m = conn.execute(select(collections).where(collections.c.name == name)).mappings().first()
    return None if m is None else collection_info(m)


def ensure_collection(conn: Connection, name: str, embed_model: str = "", dim: int = 0,
                      chunking: Mapping[str, Any] | None = None) -> CollectionInfo:
    """The collection ``name``, made with these settings if it does not exist."""
    if not name.strip() or len(name) > 200:
        raise ValueError(f"collection name {name!r}: use 1 to 200 characters")
    conn.execute(_insert(conn, collections).on_conflict_do_nothing(), {
        "name": name, "created_at": now(), "embed_model": embed_model, "dim": int(dim),
        "chunking": dict(chunking or {})})
    info = get_collection(conn, name)
    assert info is not None
    return info


def update_collection(conn: Connection, name: str, changes: Mapping[str, Any]) -> bool:
    """Set ``embed_model``, ``dim`` and/or ``chunking`` of a collection; false if none such."""
    allowed = {"embed_model", "dim", "chunking"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise TypeError(f"a collection has no setting {unknown[0]!r}: use {sorted(allowed)}")
    if not changes:
        return get_collection(conn, name) is not None
    res = conn.execute(update(collections).where(collections.c.name == name).values(**changes))
    return bool(res.rowcount)


def all_collections(conn: Connection) -> list[CollectionInfo]:
    """Every collection, by name."""
    got = conn.execute(select(collections).order_by(collections.c.name)).mappings()
    return [collection_info(m) for m in got]


def rename_collection(conn: Connection, old: str, new: str) -> list[str]:
    """Move collection ``old`` (its row, articles, feeds and upload records) to the name
    ``new``; return its article ids. The new row is made first, then the rows moved, then
    the old row deleted (the articles' foreign key holds throughout)."""
    m = conn.execute(select(collections).where(collections.c.name == old)).mappings().one()
    conn.execute(insert(collections), {**dict(m), "name": new})
    ids = list(conn.execute(select(articles.c.id).where(articles.c.collection == old)).scalars())
    conn.execute(update(articles).where(articles.c.collection == old).values(collection=new))
    for table in (feeds, feed_items, uploads):
        conn.execute(update(table).where(table.c.collection == old).values(collection=new))
    conn.execute(collections.delete().where(collections.c.name == old))
    return ids


def delete_feeds(conn: Connection, name: str) -> int:
    """Delete the feeds of collection ``name``, the items taken from them and its upload
    records (leases are not a collection's); return the feeds deleted."""
    conn.execute(feed_items.delete().where(feed_items.c.collection == name))
    conn.execute(uploads.delete().where(uploads.c.collection == name))
    return int(conn.execute(feeds.delete().where(feeds.c.collection == name)).rowcount or 0)


def article_counts(conn: Connection) -> dict[str, int]:
    """How many articles each collection holds (every collection named, empty ones 0)."""
    got: dict[str, int] = dict(conn.execute(select(articles.c.collection, func.count())
                            .group_by(articles.c.collection)).tuples().all())
    return {c.name: int(got.get(c.name, 0)) for c in all_collections(conn)}


def get_meta(conn: Connection, key: str) -> Any:
    """The value of meta record ``key``, or ``None``."""
    return conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar_one_or_none()


def set_meta(conn: Connection, key: str, value: Any) -> None:
    """Set meta record ``key`` to the JSON value ``value``."""
    stmt = _insert(conn, meta).values(key=key, value=value)
    conn.execute(stmt.on_conflict_do_update(index_elements=[meta.c.key],
                                            set_={"value": stmt.excluded.value}))


def schema_record(conn: Connection, version: int) -> SchemaRecord:
    """The schema record (catalog ``version`` and the embedding model recorded)."""
    d = get_meta(conn, SCHEMA_KEY) or {}
    return SchemaRecord(catalog_version=version, embed_model=str(d.get("embed_model", "")),
                        dim=int(d.get("dim", 0)), backend=str(d.get("backend", "")))
