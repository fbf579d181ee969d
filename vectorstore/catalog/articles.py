"""Article rows and their journal entries, read and written on a connection.

The writes run inside :func:`vectorstore.catalog.engine.writing` (one writer at a time), so
each decision here (new, changed, duplicate) holds until the commit; the unique content hash
is still what guarantees that a text is stored once per collection.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from vectorstore.catalog.rows import (
    ArticleRow,
    PutResult,
    Writer,
    article_row,
    article_values,
    now,
)
from vectorstore.catalog.tables import articles, collections, journal
from vectorstore.errors import NotFound

IN_BATCH = 500
"""Ids per ``IN (...)`` clause (SQLite allows 32k parameters; PostgreSQL 65k)."""
_COMPARED = ("title", "url", "source", "published", "content_hash", "simhash", "copies",
             "origin_kind", "origin", "pages", "page_starts", "n_chunks", "text")


def _insert(conn: Connection) -> Any:
    """The dialect's INSERT (with ``on_conflict_do_nothing``)."""
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(articles)


def put_rows(conn: Connection, rows: Sequence[ArticleRow], writer: Writer,
             merge_copies: bool = False) -> PutResult:
    """Insert or update ``rows`` and journal each write; see ``Catalog.put_articles``."""
    _check_collections(conn, {r.collection for r in rows})
    stamp = now()
    values = [{**article_values(r), "indexed": False, "created_at": stamp, "updated_at": stamp}
              for r in rows]
    inserted: set[tuple[str, str]] = set()
    if values:
        stmt = _insert(conn).on_conflict_do_nothing().returning(articles.c.collection,
                                                                 articles.c.id)
        inserted = {(c, i) for c, i in conn.execute(stmt, values)}
    added: list[tuple[str, str]] = []
    changed: list[tuple[str, str]] = []
    unchanged: list[str] = []
    duplicates: list[tuple[str, str]] = []
    for row in rows:
        key = (row.collection, row.id)
        if key in inserted:
            inserted.discard(key)  # a second row with the same id is compared to this one
            added.append(key)
            continue
        outcome, holder = _put_existing(conn, row, stamp, merge_copies)
        if outcome == "changed":
            changed.append(key)
        elif outcome == "unchanged":
            unchanged.append(row.id)
        else:
            duplicates.append((row.id, holder))
    changed = list(dict.fromkeys(k for k in changed if k not in added))
    head = add_journal(conn, [("added", c, i) for c, i in added]
                       + [("changed", c, i) for c, i in changed], writer)
    return PutResult(added=tuple(i for _, i in added), changed=tuple(i for _, i in changed),
                     unchanged=tuple(unchanged), duplicates=tuple(duplicates), head=head)


def _check_collections(conn: Connection, names: set[str]) -> None:
    """Raise :class:`NotFound` for a collection in ``names`` that does not exist."""
    if not names:
        return
    known = set(conn.execute(select(collections.c.name).where(
        collections.c.name.in_(sorted(names)))).scalars())
    for name in sorted(names - known):
        raise NotFound(f"no collection {name!r}: make it first (Catalog.ensure_collection)")


def _put_existing(conn: Connection, row: ArticleRow, stamp: Any,
                  merge_copies: bool = False) -> tuple[str, str]:
    """Update ``row``'s stored article if it differs: ``("changed"|"unchanged"|"duplicate", holder)``."""
    where = and_(articles.c.collection == row.collection, articles.c.id == row.id)
    old = conn.execute(select(articles).where(where)).mappings().first()
    holder = hash_holder(conn, row.collection, row.content_hash)
    if old is None:
        return "duplicate", holder or ""
    new = article_values(row)
    if merge_copies:  # copies recorded meanwhile (by another writer) are kept
        mine = {c.get("id") for c in new["copies"]}
        new["copies"] = [c for c in old["copies"] or () if c.get("id") not in mine] \
            + new["copies"]
    if row.text is None:
        new["text"] = old["text"]
    if all(old[k] == new[k] for k in _COMPARED):
        return "unchanged", ""
    if holder and holder != row.id:
        return "duplicate", holder
    same_text = old["content_hash"] == new["content_hash"] and old["text"] == new["text"]
    try:
        with conn.begin_nested():
            conn.execute(update(articles).where(where).values(
                **new, indexed=bool(old["indexed"]) and same_text, updated_at=stamp))
    except IntegrityError:  # another writer took the hash (only without the write lock)
        return "duplicate", hash_holder(conn, row.collection, row.content_hash) or ""
    return "changed", ""


def hash_holder(conn: Connection, collection: str, content_hash: str) -> str | None:
    """The id of the article of ``collection`` whose content hash is ``content_hash``."""
    return conn.execute(select(articles.c.id).where(
        articles.c.collection == collection,
        articles.c.content_hash == content_hash)).scalar_one_or_none()


def add_journal(conn: Connection, entries: Sequence[tuple[str, str, str]], writer: Writer) -> int:
    """Journal ``(kind, collection, article id)`` entries in order; return the journal's head."""
    if entries:
        stamp = now()
        conn.execute(insert(journal), [
            {"kind": k, "collection": c, "article_id": a, "pid": writer.pid, "host": writer.host,
             "process": writer.process, "at": stamp} for k, c, a in entries])
    return journal_head(conn)


def journal_head(conn: Connection) -> int:
    """The number of the newest journal entry (0 when there is none)."""
    return int(conn.execute(select(func.coalesce(func.max(journal.c.seq), 0))).scalar_one())


def delete_rows(conn: Connection, collection: str, ids: Iterable[str],
                writer: Writer) -> tuple[str, ...]:
    """Delete those of ``ids`` that are stored, journal them; return the ids deleted."""
    gone: list[str] = []
    wanted = list(dict.fromkeys(ids))
    for i in range(0, len(wanted), IN_BATCH):
        part = wanted[i:i + IN_BATCH]
        where = and_(articles.c.collection == collection, articles.c.id.in_(part))
        found = set(conn.execute(select(articles.c.id).where(where)).scalars())
        conn.execute(articles.delete().where(where))
        gone += [a for a in part if a in found]
    add_journal(conn, [("removed", collection, a) for a in gone], writer)
    return tuple(gone)


def mark_indexed(conn: Connection, collection: str, counts: Mapping[str, int],
                 writer: Writer) -> int:
    """Record that the vectors of ``counts``' articles are written (and their chunk counts).

    Each is journalled as ``changed``, so that a process following the journal reads the
    article's chunks now that they exist. Returns the journal's head.
    """
    done: list[str] = []
    for aid, n in counts.items():
        res = conn.execute(update(articles).where(
            articles.c.collection == collection, articles.c.id == aid).values(
            indexed=True, n_chunks=int(n), updated_at=now()))
        if res.rowcount:
            done.append(aid)
    return add_journal(conn, [("changed", collection, a) for a in done], writer)


def set_pending(conn: Connection, keys: Sequence[tuple[str, str]]) -> list[str]:
    """Mark the articles ``(collection, id)`` not indexed; return the ids found."""
    done: list[str] = []
    for c, aid in keys:
        res = conn.execute(update(articles).where(
            articles.c.collection == c, articles.c.id == aid).values(indexed=False))
        if res.rowcount:
            done.append(aid)
    return done


def set_copies(conn: Connection, collection: str, article_id: str,
               copies: Sequence[Mapping[str, str]], writer: Writer) -> ArticleRow | None:
    """Replace the recorded copies of an article (journalled as ``changed``)."""
    where = and_(articles.c.collection == collection, articles.c.id == article_id)
    res = conn.execute(update(articles).where(where).values(
        copies=[dict(c) for c in copies], updated_at=now()))
    if not res.rowcount:
        return None
    add_journal(conn, [("changed", collection, article_id)], writer)
    return get_row(conn, collection, article_id, with_text=False)


def _columns(with_text: bool) -> list[Any]:
    """The article columns a read selects (the text only if asked)."""
    return [c for c in articles.c if with_text or c.name != "text"]


def get_row(conn: Connection, collection: str, article_id: str,
            with_text: bool = True) -> ArticleRow | None:
    """The stored row of ``article_id``, or ``None``."""
    m = conn.execute(select(*_columns(with_text)).where(
        articles.c.collection == collection, articles.c.id == article_id)).mappings().first()
    return None if m is None else article_row({**m, "text": m.get("text")}, with_text)


def rows_where(conn: Connection, collection: str, column: Any, values: Sequence[str],
               with_text: bool = False) -> list[ArticleRow]:
    """The rows of ``collection`` whose ``column`` is one of ``values``, in batches."""
    out: list[ArticleRow] = []
    wanted = list(dict.fromkeys(values))
    for i in range(0, len(wanted), IN_BATCH):
        got = conn.execute(select(*_columns(with_text)).where(
            articles.c.collection == collection, column.in_(wanted[i:i + IN_BATCH]))).mappings()
        out += [article_row({**m, "text": m.get("text")}, with_text) for m in got]
    return out
