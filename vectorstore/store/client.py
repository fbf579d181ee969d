"""The Chroma client: embedded (``PersistentClient``) or a server (``HttpClient``), opened on
first use, its collections cached, reopened after a connection failure.

With :mod:`vectorstore.store` the only code that imports ``chromadb``.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, Protocol, TypeVar
from urllib.parse import urlparse

from vectorstore.config import Settings, apply_privacy_defaults
from vectorstore.errors import NewsdeskError, StoreDamaged, StoreUnavailable
from vectorstore.store.health import (
    DB_FILE,
    classify,
    damaged_message,
    error_chain,
    file_problem,
)
from vectorstore.store.schema import CHUNKS, LEGACY_COLLECTIONS

P = ParamSpec("P")
R = TypeVar("R")

_TRANSIENT_TRIES = 4
_CONNECTION_ERRORS = frozenset({
    "ConnectError", "ConnectionError", "ConnectTimeout", "ReadTimeout", "RemoteProtocolError",
    "ConnectionRefusedError", "ReadError", "ConnectionResetError", "PoolTimeout", "WriteError"})


def store_location(settings: Settings) -> str:
    """Where the store is: the server URL, or the embedded store's folder."""
    return settings.chroma_url or str(Path(settings.home) / "chroma")


def unavailable_message(url: str, err: BaseException, embedded: bool = False) -> str:
    """The one-line :class:`StoreUnavailable` message, with the fix: a server's names the
    server, an embedded store's its folder (never a server)."""
    if embedded:
        return (f"the embedded vector store at {url} cannot be opened: {type(err).__name__}: "
                f"{err}. Check that the folder can be read and written, or run `newsdesk doctor`")
    return (f"vector store unavailable at {url}: {type(err).__name__}: {err}. "
            "Start it with `chroma run --host 127.0.0.1 --port PORT` or unset NEWSDESK_CHROMA_URL "
            "to use the embedded store")


def is_connection_error(e: BaseException) -> bool:
    """Whether ``e`` (or an error it came from) says the server cannot be reached."""
    names = {type(x).__name__ for x in error_chain(e)}
    text = " ".join(str(x) for x in error_chain(e)).lower()
    return bool(names & _CONNECTION_ERRORS) or "could not connect" in text \
        or "connection refused" in text


def is_transient(e: BaseException) -> bool:
    """A Chroma error that goes away when asked again (a segment still being flushed; an
    embedded reader whose index is out of step with another process's write)."""
    text = str(e).lower()
    # another process is writing the embedded store: its vector index and its records are
    # not in step for a moment ("Error finding id")
    return "nothing found on disk" in text or "error creating hnsw segment reader" in text \
        or "error finding id" in text


class Connection:
    """One Chroma client for a store, made on first use and remade after a failure.

    Args:
        settings: ``chroma_url`` (a server) or ``home`` (the embedded store's folder).
        lock: Guards the client and the collection cache (shared with the store).
        indexed: How many articles the catalog holds as having vectors: an embedded
            database that is missing or empty while there are some is damaged, not empty.
    """

    def __init__(self, settings: Settings, lock: threading.RLock,
                 indexed: Callable[[], int] | None = None) -> None:
        self.settings = settings
        self.location = store_location(settings)
        self.folder = None if settings.chroma_url else Path(settings.home) / "chroma"
        self.lock = lock
        self.indexed = indexed
        self._client: Any = None
        self._cols: dict[str, Any] = {}

    def reset(self) -> None:
        """Forget the client: the next call connects again."""
        self._client = None
        self._cols = {}

    def reopen(self) -> None:
        """Open the embedded client afresh: another process wrote, and an embedded client's
        queries do not see another process's vectors until its system is made again
        (chromadb caches one per path; only this path's is dropped, as
        ``SharedSystemClient.clear_system_cache()`` would drop every path's)."""
        with self.lock:
            if self._client is not None and not self.settings.chroma_url:
                _forget_system(str(getattr(self._client, "_identifier", "")))
            self.reset()

    def wipe(self) -> None:
        """Delete the embedded store's folder (a damaged store that cannot be opened)."""
        import shutil

        with self.lock:
            self.reopen()
            path = Path(self.settings.home) / "chroma"
            _forget_system(str(path))  # (a client that failed to open is cached all the same)
            shutil.rmtree(path, ignore_errors=True)

    def has(self, name: str) -> bool:
        """Whether the collection ``name`` exists (without creating it)."""
        with self.lock:
            self.collection(CHUNKS)  # connects
            got = self._client.list_collections()
            return name in {getattr(c, "name", c) for c in got}

    def _connect(self) -> Any:
        apply_privacy_defaults()  # before chromadb loads: telemetry off
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        cs = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
        if self.settings.chroma_url:
            u = urlparse(self.settings.chroma_url)
            return chromadb.HttpClient(host=u.hostname or "127.0.0.1",
                                       port=u.port or (443 if u.scheme == "https" else 8000),
                                       ssl=u.scheme == "https", settings=cs)
        path = Path(self.settings.home) / "chroma"
        why = file_problem(path / DB_FILE, self.indexed or 0)
        if why:  # before Chroma makes a new, empty database in its place
            raise StoreDamaged(damaged_message(self.location, why))
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=cs)

    def collection(self, name: str) -> Any:
        """The Chroma collection ``name``, created when missing.

        Raises:
            StoreUnavailable: the client cannot be made (no server there).
        """
        with self.lock:
            if self._client is None:
                try:
                    self._client = self._connect()
                except NewsdeskError:
                    raise
                except Exception as e:
                    self._client = None
                    if self.folder is not None:  # else its broken system is reused
                        _forget_system(str(self.folder))
                    raise self.error(e) from e
            col = self._cols.get(name)
            if col is None:
                cfg = ({"hnsw": {"space": "cosine", "ef_search": 100}}
                       if name not in LEGACY_COLLECTIONS else None)
                try:
                    col = self._client.get_or_create_collection(
                        name, embedding_function=None, configuration=cfg)
                except Exception as e:
                    known = classify(e, self.location, self.folder)
                    if known is None:
                        raise
                    raise known from e
                self._cols[name] = col
            return col

    def error(self, e: BaseException) -> NewsdeskError:
        """What a failure to reach or open the store means: a full disk, damaged files, or
        (otherwise) an unavailable store, worded for a server or an embedded folder."""
        return classify(e, self.location, self.folder) or StoreUnavailable(
            unavailable_message(self.location, e, embedded=not self.settings.chroma_url))

    def forget(self, name: str) -> None:
        """Drop the cached handle of collection ``name`` (renamed or deleted)."""
        with self.lock:
            self._cols.pop(name, None)

    def drop(self, *names: str) -> None:
        """Delete the collections ``names``, in order (already gone is fine; a lost server is not)."""
        with self.lock:
            self.collection(CHUNKS)  # connects
            for name in names:
                try:
                    self._client.delete_collection(name)
                except Exception as e:
                    if is_connection_error(e):
                        raise
                self._cols.pop(name, None)


def _forget_system(ident: str) -> None:
    """Drop chromadb's cached system of one embedded path (it keeps one per path, even one
    whose opening failed)."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_system.pop(ident, None)
    SharedSystemClient._identifier_to_refcount.pop(ident, None)


class _Connected(Protocol):
    connection: Connection


def guard(fn: Callable[P, R]) -> Callable[P, R]:
    """Retry transient Chroma errors; turn connection failures into :class:`StoreUnavailable`.

    Wraps methods of an object with a ``connection`` (a :class:`Connection`), which is
    reset on a connection failure so that the next call reconnects.
    """

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        owner: _Connected = args[0]  # type: ignore[assignment]
        for attempt in range(_TRANSIENT_TRIES):
            try:
                return fn(*args, **kwargs)
            except NewsdeskError:
                raise
            except Exception as e:
                if is_transient(e) and attempt + 1 < _TRANSIENT_TRIES:
                    # a stale embedded client (another process wrote: its index files or
                    # records moved on): open it afresh; a server client just reconnects
                    owner.connection.reopen()
                    time.sleep(0.2 * (attempt + 1))
                    continue
                if is_connection_error(e):
                    owner.connection.reset()
                    raise owner.connection.error(e) from e
                known = classify(e, owner.connection.location, owner.connection.folder)
                if known is not None:
                    raise known from e
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    return wrapper
