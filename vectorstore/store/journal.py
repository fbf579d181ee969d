"""What a store remembers of its own writes: the write journal and the SimHash list.

The journal lets the BM25 index apply just the articles a write changed; the SimHash
list (every canonical article's fingerprint, for near-duplicate detection) is kept in
step by the store's own writes and saved for the next process, valid while the journal
shows no other writer since the revision it is true for.
"""

from __future__ import annotations

import collections
import json
import os
import threading
from collections.abc import Iterable
from pathlib import Path

JOURNAL_MAX = 10_000


class Journal:
    """``(revision before, revision after, articles whose chunks changed)`` for each write
    made through one store object, newest last (the oldest dropped past ``maxlen``)."""

    def __init__(self, maxlen: int = JOURNAL_MAX) -> None:
        self._steps: collections.deque[tuple[int, int, frozenset[str]]] = \
            collections.deque(maxlen=maxlen)
        self._lock = threading.Lock()

    def record(self, before: int, after: int, touched: Iterable[str] = ()) -> None:
        """Note a write that moved the store from revision ``before`` to ``after``."""
        with self._lock:
            self._steps.append((before, after, frozenset(touched)))

    def changed(self, since: int, until: int) -> set[str] | None:
        """The articles whose chunks changed from revision ``since`` to ``until``.

        ``None`` when that is not known here: some write in between was made by another
        process (or the journal no longer reaches back to ``since``).
        """
        with self._lock:
            after = {before: (new, touched) for before, new, touched in self._steps}
        out: set[str] = set()
        rev = since
        while rev != until:
            step = after.get(rev)
            if step is None:
                return None
            rev = step[0]
            out |= step[1]
        return out


class SimHashList:
    """The SimHash of every canonical article as of one revision: in memory, and in ``file``.

    Args:
        file: Where the list is saved for the next process.
        journal: The store's write journal (tells whether the list is still current).
        lock: The store's lock.
    """

    def __init__(self, file: Path, journal: Journal, lock: threading.RLock) -> None:
        self.file = file
        self._journal = journal
        self._lock = lock
        self._cache: dict[str, int] | None = None
        self._rev = -1

    def clear(self) -> None:
        """Forget the list (the store was emptied)."""
        with self._lock:
            self._cache = None

    def note(self, article_id: str, simhash: int | None) -> None:
        """Keep the list in step with a record written (``None``: not canonical now)."""
        with self._lock:
            if self._cache is not None:
                if simhash is None:
                    self._cache.pop(article_id, None)
                else:
                    self._cache[article_id] = simhash

    def current(self, revision: int) -> dict[str, int] | None:
        """A copy of the list when it is known true at ``revision`` (from memory, else the file)."""
        with self._lock:
            if self._cache is not None and self._journal.changed(self._rev, revision) is not None:
                self._rev = revision
                return dict(self._cache)
            if self._cache is None:
                saved = self._read(revision)
                if saved is not None:
                    self._cache, self._rev = saved, revision
                    return dict(saved)
        return None

    def set(self, simhashes: dict[str, int], revision: int) -> None:
        """Take ``simhashes``, read from every record at ``revision``."""
        with self._lock:
            self._cache, self._rev = dict(simhashes), revision

    def _read(self, revision: int) -> dict[str, int] | None:
        """The list saved for ``revision`` by a process before, or ``None``."""
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            if data.get("revision") != revision:
                return None  # written before a later write (or by another store's writes)
            return dict(zip(data["ids"], data["simhashes"], strict=True))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, revision: int) -> None:
        """Save the list for the next process, if it is current at ``revision``."""
        with self._lock:
            if self._cache is None or self._journal.changed(self._rev, revision) is None:
                return
            ids = list(self._cache)
            data = {"revision": revision, "ids": ids, "simhashes": [self._cache[i] for i in ids]}
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.file.with_name(f"{self.file.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data), encoding="utf-8")
            os.replace(tmp, self.file)
        except OSError:  # a read-only home: every process reads the records instead
            pass
