"""The catalog: articles, their texts, the write journal, collections and the schema record.

One SQL database beside the vector store (SQLite by default, PostgreSQL for a desk that
several machines share). Every write of articles and its journal entries is one
transaction; every process can follow the journal to learn what changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

import vectorstore.catalog.admin as admin
import vectorstore.catalog.articles as arts
import vectorstore.catalog.tables as tables
import vectorstore.catalog.transfer as transfer
from vectorstore.catalog.conversations import ConversationCatalog
from vectorstore.catalog.engine import describe, make_engine, reading, writing
from vectorstore.catalog.feeds import FeedCatalog
from vectorstore.catalog.migrate import current_revision, upgrade, version_number
from vectorstore.catalog.rows import (
    DEFAULT_COLLECTION,
    ArticleRow,
    CollectionInfo,
    JournalEntry,
    PutResult,
    SchemaRecord,
    Writer,
    journal_entry,
    unsigned64,
)
from vectorstore.catalog.tables import articles, journal
from vectorstore.catalog.uploads import UploadCatalog
from vectorstore.catalog.users import UserCatalog
from vectorstore.errors import NotFound


def open_catalog(url: str, *, process: str = "") -> Catalog:
    """Open the catalog at ``url``, migrating it to this code's version, with the default
    collection made.

    Args:
        url: ``sqlite:///path/catalog.db`` or ``postgresql+psycopg://user:pw@host/db``
            (``NEWSDESK_DATABASE_URL``; see ``Settings.catalog_url``).
        process: A label for the journal entries this process writes (``cli``, ``ui``, …).

    Raises:
        BadDatabaseUrl: ``url`` is not a SQLite or PostgreSQL URL.
        CatalogUnavailable: the database cannot be reached.
        CatalogTooNew: the catalog was written by a newer Newsdesk.
    """
    engine = make_engine(url)
    try:
        upgrade(engine, describe(engine))
        cat = Catalog(engine, writer=Writer.here(process))
        cat.ensure_collection(DEFAULT_COLLECTION)
    except BaseException:
        engine.dispose()
        raise
    return cat


class Catalog:
    """A catalog database (build with :func:`open_catalog`, which migrates it first).

    Safe to share between threads; each call is its own transaction.
    """

    def __init__(self, engine: Engine, *, writer: Writer | None = None) -> None:
        self.engine = engine
        self.writer = writer or Writer.here()

    @property
    def url(self) -> str:
        """The database's URL, password hidden."""
        return describe(self.engine)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return str(self.engine.dialect.name)

    @property
    def feeds(self) -> FeedCatalog:
        """The feeds followed, the items taken in, and leases (:mod:`vectorstore.catalog.feeds`)."""
        return FeedCatalog(self.engine)

    @property
    def conversations(self) -> ConversationCatalog:
        """Saved conversations and their turns (:mod:`vectorstore.catalog.conversations`)."""
        return ConversationCatalog(self.engine)

    @property
    def users(self) -> UserCatalog:
        """Users and failed sign-in attempts (:mod:`vectorstore.catalog.users`)."""
        return UserCatalog(self.engine)

    @property
    def uploads(self) -> UploadCatalog:
        """Upload records (:mod:`vectorstore.catalog.uploads`)."""
        return UploadCatalog(self.engine)

    def close(self) -> None:
        """Close the connections."""
        self.engine.dispose()

    def _writer(self, process: str | None) -> Writer:
        return self.writer if process is None else Writer(self.writer.pid, self.writer.host,
                                                          process)

    # -- writes ---------------------------------------------------------------------------

    def put_articles(self, rows: Iterable[ArticleRow], *, process: str | None = None,
                     pending: bool = False, merge_copies: bool = False) -> PutResult:
        """Store ``rows`` and journal each write, in one transaction.

        A row whose id is new is added; one whose id is stored is updated if it differs
        (``text=None`` keeps the stored text); one whose text another article of its
        collection already has (same content hash) is not stored but reported as a duplicate
        of that article. Added and text-changed articles are not ``indexed`` until
        :meth:`mark_indexed`; with ``pending``, no row stored (added, changed or unchanged) is
        until then: its vectors are about to be rewritten. With ``merge_copies``, a stored
        row keeps the copies it has that ``rows`` do not name (recorded by another writer).
        """
        rows = list(rows)
        with writing(self.engine) as conn:
            out = arts.put_rows(conn, rows, self._writer(process), merge_copies)
            if pending:
                refused = {i for i, _ in out.duplicates}
                arts.set_pending(conn, [(r.collection, r.id) for r in rows
                                        if r.id not in refused])
            return out

    def mark_pending(self, ids: Iterable[str], collection: str = DEFAULT_COLLECTION, *,
                     process: str | None = None) -> int:
        """Record that the vectors of these articles are to be written again (journalled as
        ``changed``); :meth:`pending` lists them until :meth:`mark_indexed`. Returns the head."""
        with writing(self.engine) as conn:
            keys = [(collection, i) for i in dict.fromkeys(ids)]
            done = arts.set_pending(conn, keys)
            return arts.add_journal(conn, [("changed", collection, a) for a in done],
                                    self._writer(process))

    def mark_indexed(self, counts: Mapping[str, int], collection: str = DEFAULT_COLLECTION, *,
                     process: str | None = None) -> int:
        """Record that the vectors of these articles (id → chunk count) are written.

        Journalled as ``changed``; returns the journal's head.
        """
        with writing(self.engine) as conn:
            return arts.mark_indexed(conn, collection, counts, self._writer(process))

    def delete_articles(self, ids: Iterable[str], collection: str = DEFAULT_COLLECTION, *,
                        process: str | None = None) -> tuple[str, ...]:
        """Delete these articles (unknown ids are ignored); return the ids deleted."""
        with writing(self.engine) as conn:
            return arts.delete_rows(conn, collection, ids, self._writer(process))

    def add_copy(self, article_id: str, copy: Mapping[str, str],
                 collection: str = DEFAULT_COLLECTION, *, process: str | None = None) -> ArticleRow:
        """Record ``copy`` (``id``, ``url``, ``source``, ``title``, ``path``) as a further
        source of ``article_id``, replacing a copy with the same id.

        Raises:
            NotFound: no such article.
        """
        with writing(self.engine) as conn:
            row = arts.get_row(conn, collection, article_id, with_text=False)
            if row is None:
                raise NotFound(f"no article {article_id!r}: see `newsdesk list` for the ids")
            copies = [c for c in row.copies if c.get("id") != copy.get("id")] + [dict(copy)]
            out = arts.set_copies(conn, collection, article_id, copies, self._writer(process))
        assert out is not None
        return out

    def remove_copy(self, article_id: str, copy_id: str, collection: str = DEFAULT_COLLECTION,
                    *, process: str | None = None) -> ArticleRow | None:
        """Forget the copy ``copy_id`` of ``article_id``; the row after, or ``None`` if none."""
        with writing(self.engine) as conn:
            row = arts.get_row(conn, collection, article_id, with_text=False)
            if row is None:
                return None
            copies = [c for c in row.copies if c.get("id") != copy_id]
            return arts.set_copies(conn, collection, article_id, copies, self._writer(process))

    # -- reads ----------------------------------------------------------------------------

    def get_article(self, article_id: str, collection: str = DEFAULT_COLLECTION, *,
                    with_text: bool = False) -> ArticleRow | None:
        """The row of ``article_id``, or ``None``."""
        with reading(self.engine) as conn:
            return arts.get_row(conn, collection, article_id, with_text)

    def get_articles(self, ids: Sequence[str], collection: str = DEFAULT_COLLECTION
                     ) -> dict[str, ArticleRow]:
        """The rows of those of ``ids`` that are stored (texts not read)."""
        with reading(self.engine) as conn:
            return {r.id: r for r in arts.rows_where(conn, collection, articles.c.id, ids)}

    def articles(self, collection: str = DEFAULT_COLLECTION, *,
                 with_text: bool = False) -> list[ArticleRow]:
        """Every article of ``collection``, by id."""
        cols = [c for c in articles.c if with_text or c.name != "text"]
        with reading(self.engine) as conn:
            got = conn.execute(select(*cols).where(articles.c.collection == collection)
                               .order_by(articles.c.id)).mappings().all()
        return [arts.article_row({**m, "text": m.get("text")}, with_text) for m in got]

    def count(self, collection: str = DEFAULT_COLLECTION) -> int:
        """How many articles ``collection`` holds."""
        with reading(self.engine) as conn:
            return int(conn.execute(select(func.count()).select_from(articles).where(
                articles.c.collection == collection)).scalar_one())

    def find_by_hashes(self, hashes: Sequence[str], collection: str = DEFAULT_COLLECTION
                       ) -> dict[str, ArticleRow]:
        """For each of ``hashes`` stored in ``collection``, the article with that text."""
        with reading(self.engine) as conn:
            rows = arts.rows_where(conn, collection, articles.c.content_hash, hashes)
        return {r.content_hash: r for r in rows}

    def article_text(self, article_id: str, collection: str = DEFAULT_COLLECTION) -> str:
        """The full text of an article.

        Raises:
            NotFound: no such article.
        """
        with reading(self.engine) as conn:
            got = conn.execute(select(articles.c.text).where(
                articles.c.collection == collection, articles.c.id == article_id)).first()
        if got is None:
            raise NotFound(f"no article {article_id!r}: see `newsdesk list` for the ids")
        return str(got[0])

    def simhashes(self, collection: str = DEFAULT_COLLECTION) -> dict[str, int]:
        """The SimHash of every article of ``collection`` (unsigned 64-bit)."""
        with reading(self.engine) as conn:
            got = conn.execute(select(articles.c.id, articles.c.simhash).where(
                articles.c.collection == collection))
            return {aid: unsigned64(s) for aid, s in got}

    def pending(self, collection: str = DEFAULT_COLLECTION) -> list[str]:
        """Ids of the articles whose vectors are not written (an ingest crashed or runs)."""
        with reading(self.engine) as conn:
            return list(conn.execute(select(articles.c.id).where(
                articles.c.collection == collection, articles.c.indexed.is_(False))
                .order_by(articles.c.id)).scalars())

    # -- the journal ----------------------------------------------------------------------

    def journal_head(self) -> int:
        """The number of the newest journal entry (0 when none)."""
        with reading(self.engine) as conn:
            return arts.journal_head(conn)

    def journal_since(self, seq: int, limit: int | None = None) -> list[JournalEntry]:
        """The journal entries after ``seq``, oldest first (at most ``limit``)."""
        stmt = select(journal).where(journal.c.seq > seq).order_by(journal.c.seq)
        if limit is not None:
            stmt = stmt.limit(limit)
        with reading(self.engine) as conn:
            return [journal_entry(m) for m in conn.execute(stmt).mappings()]

    # -- collections and the schema record ------------------------------------------------

    def ensure_collection(self, name: str, *, embed_model: str = "", dim: int = 0,
                          chunking: Mapping[str, Any] | None = None) -> CollectionInfo:
        """The collection ``name``, made with these settings if it does not exist."""
        with writing(self.engine) as conn:
            return admin.ensure_collection(conn, name, embed_model, dim, chunking)

    def get_collection(self, name: str) -> CollectionInfo | None:
        """The collection ``name``, or ``None``."""
        with reading(self.engine) as conn:
            return admin.get_collection(conn, name)

    def collections(self) -> list[CollectionInfo]:
        """Every collection, by name."""
        with reading(self.engine) as conn:
            return admin.all_collections(conn)

    def update_collection(self, name: str, **changes: Any) -> CollectionInfo:
        """Set a collection's ``embed_model``, ``dim`` or ``chunking``.

        Raises:
            NotFound: no such collection.
        """
        with writing(self.engine) as conn:
            if not admin.update_collection(conn, name, changes):
                raise NotFound(f"no collection {name!r}")
            info = admin.get_collection(conn, name)
        assert info is not None
        return info

    def delete_collection(self, name: str, *, process: str | None = None) -> int:
        """Delete a collection, its articles (each journalled), its feeds with their items and
        its upload records, in one transaction; return articles deleted."""
        with writing(self.engine) as conn:
            ids = conn.execute(select(articles.c.id).where(articles.c.collection == name)
                               ).scalars().all()
            gone = arts.delete_rows(conn, name, ids, self._writer(process))
            admin.delete_feeds(conn, name)
            conn.execute(tables.collections.delete().where(tables.collections.c.name == name))
        return len(gone)

    def rename_collection(self, old: str, new: str, *, process: str | None = None) -> int:
        """Rename collection ``old`` to ``new``, keeping its articles (journalled as removed
        from ``old`` and added to ``new``); return how many it holds.

        Raises:
            NotFound: no collection ``old``.
            ValueError: a collection ``new`` exists.
        """
        with writing(self.engine) as conn:
            if admin.get_collection(conn, old) is None:
                raise NotFound(f"no collection {old!r}: see `newsdesk collections list`")
            if admin.get_collection(conn, new) is not None:
                raise ValueError(f"a collection {new!r} exists: delete it or pick another name")
            ids = admin.rename_collection(conn, old, new)
            arts.add_journal(conn, [("removed", old, a) for a in ids]
                             + [("added", new, a) for a in ids], self._writer(process))
        return len(ids)

    def article_counts(self) -> dict[str, int]:
        """How many articles each collection holds, by name."""
        with reading(self.engine) as conn:
            return admin.article_counts(conn)

    def version(self) -> int:
        """The catalog's version (its Alembic revision's number)."""
        with reading(self.engine) as conn:
            return version_number(current_revision(conn))

    def schema(self) -> SchemaRecord:
        """The schema record: catalog version, embedding model, dimension and backend."""
        with reading(self.engine) as conn:
            return admin.schema_record(conn, version_number(current_revision(conn)))

    def set_schema(self, *, embed_model: str, dim: int, backend: str = "") -> SchemaRecord:
        """Record the embedding model (and its dimension and backend) the desk uses."""
        with writing(self.engine) as conn:
            admin.set_meta(conn, admin.SCHEMA_KEY,
                           {"embed_model": embed_model, "dim": int(dim), "backend": backend})
            return admin.schema_record(conn, version_number(current_revision(conn)))

    def get_meta(self, key: str, default: Any = None) -> Any:
        """The JSON value of meta record ``key`` (``default`` when unset)."""
        with reading(self.engine) as conn:
            value = admin.get_meta(conn, key)
        return default if value is None else value

    def set_meta(self, key: str, value: Any) -> None:
        """Set meta record ``key`` to a JSON value."""
        with writing(self.engine) as conn:
            admin.set_meta(conn, key, value)

    # -- moving a desk --------------------------------------------------------------------

    def export_jsonl(self, path: Path | str) -> int:
        """Write every collection and article (texts, no vectors) to ``path``; return articles."""
        return transfer.export_jsonl(self.engine, Path(path))

    def import_jsonl(self, path: Path | str, *, process: str | None = None) -> PutResult:
        """Read a file of :meth:`export_jsonl` into this catalog (articles not yet indexed)."""
        return transfer.import_jsonl(self.engine, Path(path), self._writer(process))
