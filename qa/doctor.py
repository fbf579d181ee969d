"""The health of a desk's store (``newsdesk doctor``), and opening a damaged one to fix it.

:func:`diagnose` checks, without changing anything or embedding a word: the catalog, Chroma's
database, the schema record, free disk space, the vector index (a sample of stored vectors searched for), the
saved BM25 index, and that the counts agree (the catalog's chunks = Chroma's = BM25's). Each
problem names its fix: ``repair`` (rebuild the vectors from the catalog's texts), ``reindex``
(re-embed with the configured model), ``reset`` (start empty).
:func:`open_for_repair` opens a desk on a store however damaged, for ``repair`` and ``reset``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vectorstore.config import Settings
from vectorstore.errors import ModelMismatch, NewsdeskError, StoreDamaged
from vectorstore.store.health import (
    Finding,
    chroma_file,
    database_check,
    index_check,
    space_check,
)

if TYPE_CHECKING:
    from qa.desk import NewsDesk
    from vectorstore.store import Store

__all__ = ["Finding", "Diagnosis", "diagnose", "open_for_repair"]

COMMANDS = {"repair": "newsdesk repair", "reindex": "newsdesk reindex",
            "reset": "newsdesk reset --yes"}
"""The command line of each fix a finding can name."""


@dataclass(frozen=True)
class Diagnosis:
    """Every check's finding; ``ok`` when all passed."""

    location: str
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        """Whether every check passed."""
        return all(f.ok for f in self.findings)

    @property
    def fixes(self) -> list[str]:
        """The fixes the failed checks name, first first, each once."""
        return list(dict.fromkeys(f.fix for f in self.findings if not f.ok and f.fix))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: ``ok``, ``store``, ``checks`` (name, ok, detail, fix, command)."""
        return {"ok": self.ok, "store": self.location, "fixes": self.fixes, "checks": [
            {"name": f.name, "ok": f.ok, "detail": f.detail, "fix": f.fix or None,
             "command": COMMANDS.get(f.fix)} for f in self.findings]}


def _settings(settings: Settings | None, home: str | Path | None, chroma_url: str | None,
              collection: str | None) -> Settings:
    s = settings or Settings.from_env()
    return s.with_(home=Path(home) if home is not None else None, chroma_url=chroma_url,
                   collection=collection)


def _store(s: Settings) -> Store:
    """The store, not yet checked (nothing of it opened)."""
    from vectorstore.embedding import Embedder
    from vectorstore.store import Store

    emb = Embedder.from_settings(s)
    return Store(s, emb.identity, emb.dim, emb.backend, allow_model_change=True)


def diagnose(settings: Settings | None = None, *, home: str | Path | None = None,
             chroma_url: str | None = None, collection: str | None = None) -> Diagnosis:
    """Check the store of ``settings`` (or the environment) and its collection; change nothing."""
    s = _settings(settings, home, chroma_url, collection)
    store = _store(s)
    findings: list[Finding] = []
    catalog_chunks = _catalog_check(store, findings)
    if catalog_chunks is None:  # without a catalog nothing else can be told
        return Diagnosis(store.location, tuple(findings))
    findings.append(_schema_check(store))
    findings.append(space_check(s))
    indexed = store.indexed_articles()
    db = database_check(s, indexed)
    findings.append(db)
    chroma_n: int | None = None
    absent = not s.chroma_url and not chroma_file(s).exists()
    if not db.ok:
        findings.append(Finding("vector index", False, "not checked: Chroma's database is "
                                                       "damaged", "repair"))
    elif absent:
        findings.append(Finding("vector index", True, "no vectors yet"))
        chroma_n = 0
    else:
        index, chroma_n = index_check(store, catalog_chunks)
        findings.append(index)
    bm25_n = _bm25_check(store, s, findings)
    findings.append(_count_check(catalog_chunks, chroma_n, bm25_n))
    return Diagnosis(store.location, tuple(findings))


def _catalog_check(store: Store, findings: list[Finding]) -> int | None:
    """The catalog: opened, its articles counted; returns the chunks its collection holds
    (``None`` when it cannot be read)."""
    try:
        recs = store.articles()
        pending = store.pending()
        counts = store.catalog.article_counts()
    except NewsdeskError as e:
        findings.append(Finding("catalog", False, str(e), "reset"))
        return None
    except Exception as e:  # a garbled database file, a broken row
        findings.append(Finding("catalog", False, f"cannot be read: {type(e).__name__}: {e}",
                                "reset"))
        return None
    note = f"; {len(pending)} not embedded yet (the next command finishes them)" if pending else ""
    findings.append(Finding("catalog", True, f"{store.catalog.url}: {len(recs)} articles in "
                                             f"{store.collection!r} ({len(counts)} collections)"
                                             f"{note}"))
    return sum(r.n_chunks for r in recs if r.id not in set(pending))


def _schema_check(store: Store) -> Finding:
    """The schema record: readable, present when there are articles, the configured model."""
    try:
        sch = store.schema()
    except StoreDamaged as e:
        return Finding("schema record", False, f"broken: {e.__cause__ or e}", "repair")
    if not sch.embed_model:
        if store.indexed_articles():
            return Finding("schema record", False, "missing while the catalog holds articles",
                           "repair")
        return Finding("schema record", True, "none yet (an empty store)")
    if (sch.embed_model, sch.dim) != (store.model, store.dim):
        err = ModelMismatch(f"vectors made with {sch.embed_model!r} ({sch.dim}-d), "
                            f"{store.model!r} ({store.dim}-d) configured")
        return Finding("schema record", False, str(err), "reindex")
    return Finding("schema record", True, f"{sch.embed_model} ({sch.dim}-d, {sch.backend})")


def _bm25_check(store: Store, s: Settings, findings: list[Finding]) -> int | None:
    """The saved BM25 index; returns its chunk count when it is at the store's revision."""
    from vectorstore.lexical import LexicalIndex

    lex = LexicalIndex.for_store(s.home, store.location, store.collection)
    try:
        rev = lex.load()
        head = store.revision()
    except Exception as e:
        findings.append(Finding("bm25 index", False, f"cannot be read: {type(e).__name__}: {e}",
                                "reindex"))
        return None
    if rev < 0:
        findings.append(Finding("bm25 index", True, "not saved yet: built on the next question"))
        return None
    if rev != head:
        findings.append(Finding("bm25 index", True, f"saved at revision {rev}, the store is at "
                                                    f"{head}: brought up to date on the next "
                                                    "question"))
        return None
    findings.append(Finding("bm25 index", True, f"{len(lex)} chunks at revision {rev}"))
    return len(lex)


def _count_check(catalog: int, chroma: int | None, bm25: int | None) -> Finding:
    """The catalog's chunks = Chroma's = BM25's (those that could be counted)."""
    told = {"catalog": catalog, "chroma": chroma, "bm25": bm25}
    known = {k: v for k, v in told.items() if v is not None}
    text = ", ".join(f"{k} {v}" for k, v in known.items())
    if len(set(known.values())) > 1:
        return Finding("counts", False, f"chunks disagree: {text}", "repair")
    return Finding("counts", True, f"chunks: {text}")


def open_for_repair(settings: Settings | None = None, *, home: str | Path | None = None,
                    chroma_url: str | None = None, collection: str | None = None,
                    allow_model_change: bool = False) -> NewsDesk:
    """A desk on the store, opened even when it is damaged (for ``repair`` and ``reset``):
    a broken schema record reads as the configured model's, nothing is finished or embedded.

    Raises:
        ModelMismatch: the store was built with another model (unless ``allow_model_change``).
        StoreUnavailable: the Chroma server or the catalog cannot be reached.
    """
    from qa.desk import NewsDesk
    from vectorstore.embedding import Embedder
    from vectorstore.store import open_store

    s = _settings(settings, home, chroma_url, collection)
    emb = Embedder.from_settings(s)
    store = open_store(s, model=emb.identity, dim=emb.dim, backend=emb.backend,
                       allow_model_change=allow_model_change, tolerate_damage=True)
    return NewsDesk(s, store, emb)


def store_location(settings: Settings | None = None, *, home: str | Path | None = None,
                   chroma_url: str | None = None) -> str:
    """Where the store of these settings is (a server URL or the embedded folder)."""
    from vectorstore.store.client import store_location as location

    return location(_settings(settings, home, chroma_url, None))


def open_for_reset(settings: Settings | None = None, *, home: str | Path | None = None,
                   chroma_url: str | None = None, collection: str | None = None
                   ) -> tuple[NewsDesk, str]:
    """A desk to reset, opened however damaged the store is; with a note of what was set aside.

    A SQLite catalog that cannot be read as a database is moved aside (``catalog.db.damaged``,
    for an attempt at recovery), and the embedded vectors and BM25 index that went with it are
    deleted: the store starts empty. Another catalog (PostgreSQL) is never touched.
    """
    from vectorstore.catalog.errors import CatalogUnavailable

    s = _settings(settings, home, chroma_url, collection)
    try:
        return open_for_repair(s, allow_model_change=True), ""
    except (CatalogUnavailable, StoreDamaged):
        aside = _set_catalog_aside(s)
        if aside is None:
            raise
    note = (f"the catalog could not be read: moved to {aside}; the vectors and BM25 index that "
            "went with it were deleted")
    return open_for_repair(s, allow_model_change=True), note


def _set_catalog_aside(s: Settings) -> Path | None:
    """Move an unreadable SQLite catalog file aside (and delete the embedded files that
    belonged to it); ``None`` when the catalog is not such a file."""
    import shutil

    from vectorstore.store.health import SQLITE_MAGIC

    url = s.catalog_url
    if not url.startswith("sqlite:///"):
        return None
    path = Path(url.removeprefix("sqlite:///"))
    if not path.is_file():
        return None
    with path.open("rb") as f:
        readable = f.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    if readable and path.stat().st_size and _sqlite_ok(path):
        return None
    aside = path.with_name(path.name + ".damaged")
    path.replace(aside)
    for extra in ("-wal", "-shm", "-journal"):
        path.with_name(path.name + extra).unlink(missing_ok=True)
    if not s.chroma_url:
        shutil.rmtree(Path(s.home) / "chroma", ignore_errors=True)
    shutil.rmtree(Path(s.home) / "bm25", ignore_errors=True)
    return aside


def _sqlite_ok(path: Path) -> bool:
    import sqlite3

    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return bool(con.execute("PRAGMA quick_check(1)").fetchone()[0] == "ok")
        finally:
            con.close()
    except sqlite3.Error:
        return False
