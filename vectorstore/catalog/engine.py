"""The catalog's database connection: URL checks, SQLite's settings, and write transactions.

SQLite runs in WAL mode (readers never wait for the writer) with foreign keys on and a busy
timeout; its write transactions start with ``BEGIN IMMEDIATE``, so that two writers queue
instead of failing. On PostgreSQL each write transaction first takes one advisory lock, so
that writers commit in the order of their journal numbers: a process that has read the
journal up to ``seq`` never later finds a smaller number committed.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from vectorstore.catalog.errors import BadDatabaseUrl, CatalogUnavailable

ENV = "NEWSDESK_DATABASE_URL"
EXAMPLES = "sqlite:////path/to/catalog.db or postgresql+psycopg://user:password@host:5432/newsdesk"
BUSY_TIMEOUT_S = 30
WRITE_LOCK_KEY = 0x4E455753  # "NEWS": the advisory lock of catalog writes on PostgreSQL
_IMMEDIATE = "newsdesk_immediate"


def default_url(home: Path) -> str:
    """The default catalog: ``catalog.db`` in the data folder ``home``."""
    return f"sqlite:///{Path(home) / 'catalog.db'}"


def parse_url(url: str) -> URL:
    """The SQLAlchemy URL of ``url``; ``postgresql://`` means psycopg 3.

    Raises:
        BadDatabaseUrl: not a SQLite or PostgreSQL URL (the message shows the right forms).
    """
    try:
        parsed = make_url(url.strip())
    except (ArgumentError, ValueError):
        raise BadDatabaseUrl(f"{ENV}={url!r} is not a database URL: use {EXAMPLES}") from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend in {"postgres", "postgresql"} and driver in {"", "psycopg"}:
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and driver in {"", "pysqlite"}:
        if parsed.database in {None, "", ":memory:"}:
            raise BadDatabaseUrl(f"{ENV}={url!r} names no file: the catalog must persist; "
                                 f"use {EXAMPLES}")
        return parsed
    shown = parsed.render_as_string(hide_password=True)
    raise BadDatabaseUrl(f"{ENV}={shown!r}: the catalog runs on SQLite or PostgreSQL "
                         f"(psycopg 3): use {EXAMPLES}")


def describe(engine: Engine) -> str:
    """The engine's URL, password hidden, for messages."""
    return engine.url.render_as_string(hide_password=True)


def make_engine(url: str) -> Engine:
    """An engine for ``url`` (see :func:`parse_url`); connects lazily."""
    parsed = parse_url(url)
    try:
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(parsed)
        return create_engine(parsed, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    except (ArgumentError, NoSuchModuleError) as e:
        raise BadDatabaseUrl(f"{ENV}: {e}; use {EXAMPLES}") from None


def _sqlite_engine(url: URL) -> Engine:
    """A SQLite engine: WAL, foreign keys, busy timeout, ``BEGIN IMMEDIATE`` for writes."""
    path = Path(str(url.database)).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CatalogUnavailable(f"cannot make the folder of the catalog {path}: {e}; set "
                                 f"NEWSDESK_HOME or {ENV} to a writable place") from None
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" event below starts transactions
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        _wal(cur)
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_IMMEDIATE)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _wal(cur: Any) -> None:
    """Put the database in WAL mode (once per file), waiting while another process does so.

    Switching a journal mode answers "database is locked" at once, without the busy timeout,
    while another connection is switching it or creating the file.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            if str(cur.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction: one writer at a time, committed on leaving, rolled back on error."""
    with connected(engine) as conn:
        conn = conn.execution_options(**{_IMMEDIATE: True})
        with conn.begin():
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{BUSY_TIMEOUT_S}s'")
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK_KEY})
            yield conn


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A read transaction (never waits for a writer)."""
    with connected(engine) as conn, conn.begin():
        yield conn


@contextmanager
def connected(engine: Engine) -> Iterator[Connection]:
    """A connection, with a failure to connect turned into :class:`CatalogUnavailable`."""
    try:
        conn = engine.connect()
    except DBAPIError as e:
        fix = ("Check the file and its folder (permissions, free space)"
               if engine.dialect.name == "sqlite" else
               "Start the database (or check host, port, user and password)")
        raise CatalogUnavailable(f"cannot open the catalog database {describe(engine)}: "
                                 f"{_first_line(e)}. {fix}, or fix {ENV}") from None
    with conn:
        try:
            yield conn
        except OperationalError as e:  # the server went away, the disk is full, a lock timed out
            raise CatalogUnavailable(
                f"the catalog database {describe(engine)} failed: {_first_line(e)}. Check that "
                f"it runs and has room (or that no process holds it for over "
                f"{BUSY_TIMEOUT_S} s), or fix {ENV}") from e


def _first_line(e: DBAPIError) -> str:
    """The driver's message, first line only."""
    return str(e.orig).strip().splitlines()[0] if str(e.orig).strip() else type(e.orig).__name__
