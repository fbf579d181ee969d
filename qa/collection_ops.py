"""Collections of a desk: listing, making, deleting and renaming them, and asking several at
once (each collection searched on its own, the results fused by rank).

A collection is a named archive in the same Chroma and catalog as the others
(:mod:`vectorstore.collection_names`); a :class:`~qa.desk.NewsDesk` reads and writes one,
``desk.store.collection``, and opens the others it asks as siblings sharing its model.
"""

from __future__ import annotations

import shutil
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, cast

from qa.protocols import Searcher
from qa.retrieval import FusedSearch
from vectorstore.collection_names import DEFAULT_COLLECTION, check_collection_name
from vectorstore.config import Settings
from vectorstore.errors import NotFound
from vectorstore.lexical import LexicalIndex, index_folder
from vectorstore.store import Store

__all__ = ["DEFAULT_COLLECTION", "CollectionSummary", "create", "delete", "open_collection", "rename",
           "searcher_for", "sibling", "summaries"]



class Desk(Protocol):
    """What these functions use of a :class:`qa.desk.NewsDesk` (which imports them)."""

    settings: Settings
    store: Store
    embedder: Any
    lexical: LexicalIndex

    def search(self) -> Searcher: ...  # noqa: D102

    def is_empty(self) -> bool: ...  # noqa: D102


D = TypeVar("D", bound=Desk)
_SIBLINGS: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


@dataclass(frozen=True)
class CollectionSummary:
    """A collection: its name and how many articles it holds."""

    name: str
    articles: int

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict."""
        return {"name": self.name, "articles": self.articles}


def summaries(desk: Desk) -> list[CollectionSummary]:
    """Every collection of the desk's catalog, by name, with its article count."""
    return [CollectionSummary(n, c) for n, c in sorted(desk.store.collections().items())]


def require(desk: Desk, names: Sequence[str]) -> None:
    """Raise unless every one of ``names`` exists.

    Raises:
        NotFound: one does not (the message names the collections there are).
    """
    known = desk.store.collections()
    for name in names:
        check_collection_name(name)
        if name not in known:
            raise NotFound(f"no collection {name!r}: the collections are {', '.join(known)} "
                           "(ingesting into a new one creates it)")


def sibling(desk: D, name: str) -> D:
    """The desk of collection ``name`` beside ``desk`` (same store, model and settings);
    ``desk`` itself for its own collection. Opened once per desk and kept."""
    if name == desk.store.collection:
        return desk
    with _LOCK:
        known = _SIBLINGS.setdefault(desk, {})
        if name not in known:
            s = desk.settings.with_(collection=name)
            st = desk.store
            store = Store(s, st.model, st.dim, st.backend, st.allow_model_change)
            store.check()
            known[name] = cast(Any, type(desk))(s, store, desk.embedder)
        return cast(D, known[name])


def open_collection(desk: D, name: str | None, *, create: bool = False) -> D:
    """The desk of collection ``name`` beside ``desk`` (blank: ``desk`` itself), sharing its
    model. It must exist unless ``create`` (then it is empty until its first ingest makes it).

    Raises:
        ConfigError: ``name`` is not a valid collection name.
        NotFound: no such collection and ``create`` is false.
    """
    name = (name or "").strip()
    if not name or name == desk.store.collection:
        return desk
    check_collection_name(name)
    if not create and name != DEFAULT_COLLECTION:
        require(desk, [name])
    return sibling(desk, name)


def searcher_for(desk: Desk, names: Sequence[str] | None) -> tuple[Searcher, bool]:
    """The search over ``names`` (default: the desk's own collection), BM25 brought up to
    date, and whether they hold nothing.

    Raises:
        NotFound: a collection that does not exist.
    """
    wanted = list(dict.fromkeys(names or [desk.store.collection]))
    if wanted != [DEFAULT_COLLECTION]:
        require(desk, wanted)
    desks = [sibling(desk, n) for n in wanted]
    searchers = [d.search() for d in desks]
    empty = all(len(d.lexical) == 0 and d.is_empty() for d in desks)
    return (searchers[0] if len(searchers) == 1 else FusedSearch(searchers)), empty


def create(desk: Desk, name: str) -> bool:
    """Make collection ``name``; return whether it was new."""
    return desk.store.create_collection(name)


def delete(desk: Desk, name: str) -> int:
    """Delete collection ``name``: its vectors, catalog rows and BM25 index (nothing else);
    return the articles deleted.

    Raises:
        NotFound: no such collection.
        ConfigError: ``name`` is ``default`` (it cannot be deleted).
    """
    n = desk.store.delete_collection(name)
    _forget(desk, name)
    return n


def rename(desk: Desk, old: str, new: str) -> int:
    """Rename collection ``old`` to ``new``, keeping its articles and vectors; return how
    many articles it holds (its BM25 index is rebuilt under the new name on first use)."""
    n = desk.store.rename_collection(old, new)
    _forget(desk, old)
    return n


def _forget(desk: Desk, name: str) -> None:
    """Drop the sibling desk and the BM25 index folder of a deleted or renamed collection."""
    with _LOCK:
        _SIBLINGS.get(desk, {}).pop(name, None)
    shutil.rmtree(index_folder(desk.settings.home, desk.store.location, name),
                  ignore_errors=True)
