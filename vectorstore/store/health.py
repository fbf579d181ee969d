"""Telling a damaged store from an empty one, and a full disk from a lost server.

An embedded Chroma database that is missing or empty while the catalog holds indexed
articles, one that is not a SQLite file, and Chroma errors that say its files are broken
(a malformed database, an unreadable vector index) become :class:`StoreDamaged`, whose
message names ``newsdesk doctor``, ``newsdesk repair`` and ``newsdesk reset``; nothing is
re-embedded unasked. A write that fails for want of space becomes :class:`DiskFull`.
The read-only checks ``newsdesk doctor`` runs on the Chroma side are here too
(:func:`database_check`, :func:`index_check`).
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vectorstore.config import Settings
from vectorstore.errors import DiskFull, NewsdeskError, StoreDamaged

DB_FILE = "chroma.sqlite3"
SQLITE_MAGIC = b"SQLite format 3\x00"
FIXES = ("run `newsdesk doctor` to see what is wrong, then `newsdesk repair` to rebuild the "
         "vectors from the catalog's texts, or `newsdesk reset --yes` to start empty")
_DAMAGE = ("database disk image is malformed", "file is not a database", "file is encrypted",
           "malformed", "no such table", "error getting embedding", "error loading hnsw",
           "error creating hnsw segment reader", "error constructing hnsw")
"""Words of a Chroma (or SQLite) error about broken files, lower case."""
_INDEX = ("hnsw", "error getting embedding")
_FULL = ("database or disk is full", "no space left on device", "disk is full", "disk full")
LOW_SPACE = 16 * 2**20
"""Free bytes under which a failed write of an embedded store is taken for a full disk
(Chroma's own error may not say so: "Failed to apply logs to the metadata segment")."""


def chroma_file(settings: Settings) -> Path:
    """The embedded Chroma database file of the store at ``settings.home``."""
    return Path(settings.home) / "chroma" / DB_FILE


def damaged_message(location: str, why: str) -> str:
    """The one-line :class:`StoreDamaged` message: what is broken, and the three commands."""
    return f"the store at {location} is damaged: {why}. Nothing was changed: {FIXES}"


def catalog_damaged_message(url: str, e: BaseException) -> str:
    """The one-line :class:`StoreDamaged` message of a catalog that cannot be read."""
    return (f"the catalog at {url} is damaged: {_first_line(e)}. Nothing was changed: run "
            "`newsdesk doctor` to see what is wrong; restore the catalog from a backup "
            "(`newsdesk repair` then remakes the vectors), or run `newsdesk reset --yes` to "
            "start empty (the damaged file is kept aside)")


def file_problem(path: Path, indexed: int | Callable[[], int]) -> str | None:
    """Why the embedded database at ``path`` cannot be the store the catalog describes
    (``indexed``: the articles the catalog holds as having vectors, or how to count them
    when needed); ``None`` when it can.

    Missing or empty is fine for a store that has no vectors yet; a file that is not SQLite
    never is. Nothing is written.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        size = -1
    except OSError as e:
        return f"{path.name} cannot be read ({e.strerror or e})"
    if size <= 0:
        if callable(indexed):
            indexed = indexed()
        if not indexed:
            return None
        state = "missing" if size < 0 else "empty (0 bytes)"
        return f"Chroma's database {path.name} is {state} while the catalog holds {indexed} indexed articles"
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_MAGIC))
    except OSError as e:
        return f"{path.name} cannot be read ({e.strerror or e})"
    if head != SQLITE_MAGIC:
        return f"Chroma's database {path.name} is not a SQLite database (garbled)"
    return None


def error_chain(e: BaseException | None) -> Iterator[BaseException]:
    """``e`` and the errors it came from (causes and contexts), at most ten."""
    seen = 0
    while e is not None and seen < 10:
        yield e
        e = e.__cause__ or e.__context__
        seen += 1


def is_disk_full(e: BaseException) -> bool:
    """Whether ``e`` (or an error it came from) says the disk is full."""
    for x in error_chain(e):
        if isinstance(x, OSError) and x.errno == errno.ENOSPC:
            return True
        if any(w in str(x).lower() for w in _FULL):
            return True
    return False


def is_damage(e: BaseException) -> bool:
    """Whether ``e`` (or an error it came from) says the store's files are broken."""
    return any(w in str(x).lower() for x in error_chain(e) for w in _DAMAGE)


def disk_full_message(location: str, e: BaseException) -> str:
    """The one-line :class:`DiskFull` message (the ingest adds how many articles it stored)."""
    return (f"disk full: the store at {location} cannot be written ({type(e).__name__}: "
            f"{_first_line(e)}). Free some space on that disk and run the command again; "
            "what was stored before stays")


def low_space(folder: Path) -> bool:
    """Whether the disk holding ``folder`` (or its nearest existing parent) is all but full."""
    for p in (folder, *folder.parents):
        if p.exists():
            try:
                return shutil.disk_usage(p).free < LOW_SPACE
            except OSError:
                return False
    return False


def classify(e: BaseException, location: str, folder: Path | None = None) -> NewsdeskError | None:
    """The :class:`DiskFull` or :class:`StoreDamaged` that a Chroma error means, or ``None``.

    ``folder``: an embedded store's folder; any failure there while its disk is all but full
    is taken for a full disk.
    """
    if is_disk_full(e) or (folder is not None and not isinstance(e, NewsdeskError)
                           and low_space(folder)):
        return DiskFull(disk_full_message(location, e))
    if is_damage(e):
        what = ("its vector index cannot be read (`newsdesk reindex` also rebuilds it)"
                if any(w in str(e).lower() for w in _INDEX) else "its database cannot be read")
        return StoreDamaged(damaged_message(location, f"{what}: {type(e).__name__}: "
                                                      f"{_first_line(e)}"))
    return None


def _first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return text[0][:300] if text else ""


# -- the checks of `newsdesk doctor` (read-only) ----------------------------------------------


@dataclass(frozen=True)
class Finding:
    """The result of one check: ``ok``, what was found, and the command that fixes it."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


def database_check(settings: Settings, indexed: int) -> Finding:
    """Chroma's database: present when vectors are expected, SQLite, and passing SQLite's
    ``quick_check`` (read-only; a server store is checked by :func:`index_check`)."""
    if settings.chroma_url:
        return Finding("chroma database", True, f"a Chroma server at {settings.chroma_url}")
    path = chroma_file(settings)
    why = file_problem(path, indexed)
    if why is None and path.exists() and path.stat().st_size > 0:
        why = _quick_check(path)
    if why:
        return Finding("chroma database", False, why, "repair")
    state = "absent (no vectors yet)" if not path.exists() else "readable"
    return Finding("chroma database", True, f"{path} {state}")


def _quick_check(path: Path) -> str | None:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            rows = con.execute("PRAGMA quick_check(5)").fetchall()
        finally:
            con.close()
    except sqlite3.Error as e:
        return f"{path.name} cannot be read by SQLite: {e}"
    bad = [str(r[0]) for r in rows if r and r[0] != "ok"]
    return f"{path.name} fails SQLite's check: {'; '.join(bad)[:300]}" if bad else None


def index_check(store: Any, expected: int) -> tuple[Finding, int | None]:
    """The vector index of ``store``'s collection: counted, a sample of vectors read back and
    searched for (each must find itself). Returns the finding and the chunk count (``None``
    when it cannot be counted)."""
    try:
        col = store.connection.collection(store.chunks_name)
        n = int(col.count())
        for offset in sorted({0, n // 2, max(n - 2, 0)} if n else set()):
            got = col.get(offset=offset, limit=2, include=["embeddings"])  # start, middle, end
            vecs = [list(map(float, v)) for v in got["embeddings"]]
            res = col.query(query_embeddings=vecs, n_results=min(10, n), include=[])
            lost = [i for i, hits in zip(got["ids"], res["ids"], strict=True) if i not in hits]
            if lost:
                return Finding("vector index", False,
                               f"a search for the stored vector of {lost[0]} does not find it",
                               "reindex"), n
    except NewsdeskError as e:
        return Finding("vector index", False, str(e), _fix_of(e)), None
    except Exception as e:  # Chroma's own errors: the files behind the index, a full disk
        known = classify(e, store.location, store.connection.folder)
        fix = _fix_of(known) if isinstance(known, DiskFull) else \
            "reindex" if isinstance(known, StoreDamaged) else _fix_of(e)
        return Finding("vector index", False, f"{type(e).__name__}: {_first_line(e)}", fix), None
    if expected and not n:
        return Finding("vector index", False,
                       f"no vectors while the catalog holds {expected} chunks", "repair"), n
    return Finding("vector index", True, f"{n} vectors; each one sampled is found by a search"), n


def space_check(settings: Settings) -> Finding:
    """Free space on the disk of an embedded store (Chroma cannot even read on a full one)."""
    if settings.chroma_url:
        return Finding("disk space", True, "the vectors are on the Chroma server")
    folder = Path(settings.home)
    if low_space(folder):
        return Finding("disk space", False, f"under {LOW_SPACE // 2**20} MB free on the disk "
                                            f"of {folder}", "free disk space")
    return Finding("disk space", True, f"at least {LOW_SPACE // 2**20} MB free")


def _fix_of(e: BaseException) -> str:
    if isinstance(e, DiskFull) or is_disk_full(e):
        return "free disk space"
    if isinstance(e, StoreDamaged) or is_damage(e):
        return "repair"
    return "start the Chroma server" if "chroma run" in str(e) else "repair"
