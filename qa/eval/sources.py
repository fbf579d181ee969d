"""Gold sources: does a retrieved passage come from one of a question's gold articles?"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from vectorstore.types import Passage

__all__ = ["SourceMatcher", "normalize_url"]


def normalize_url(url: str) -> str:
    """A comparable form of a URL: no fragment (``#:~:text=...``), no trailing
    ``/index.html`` or ``/``, lower-case scheme and host."""
    u = url.strip()
    parts = urlsplit(u)
    path = parts.path
    for tail in ("/index.html", "/index.htm"):
        if path.lower().endswith(tail):
            path = path[: -len(tail)]
    path = path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def _is_url(s: str) -> bool:
    return s.startswith(("http://", "https://"))


def _key(s: str) -> str:
    s = s.strip()
    return normalize_url(s) if _is_url(s) else s


def _file_keys(path: str) -> set[str]:
    if not path:
        return set()
    p = PurePath(path)
    keys = {path, p.name}
    if p.parent.name:
        keys.add(f"{p.parent.name}/{p.name}")
    return keys


def _id_keys(article_id: str) -> set[str]:
    keys = {_key(article_id)} if article_id else set()
    if article_id.startswith("file:"):
        keys |= _file_keys(article_id[len("file:"):])
    return keys


class SourceMatcher:
    """Decides whether a retrieved passage belongs to a gold source.

    A gold source matches an article by its id, its URL (fragments, ``/index.html`` and a
    trailing ``/`` ignored), its file name (the basename of ``ArticleRecord.path`` or the
    tail of a ``file:`` id, with or without the parent folder), or any of these for a
    duplicate copy recorded for it (``ArticleRecord.copies``, ``Passage.urls``).

    Args:
        records: The store's article records (``desk.articles()``), for file paths and
            copies; without them only what the passage itself carries is used.
    """

    def __init__(self, records: Iterable[Any] = ()) -> None:
        self._keys: dict[str, set[str]] = {}
        for r in records:
            keys = _id_keys(r.id) | _file_keys(getattr(r, "path", "") or "")
            if getattr(r, "url", ""):
                keys.add(normalize_url(r.url))
            for c in getattr(r, "copies", ()) or ():
                keys |= _id_keys(str(c.get("id") or ""))
                keys |= _file_keys(str(c.get("path") or ""))
                if c.get("url"):
                    keys.add(normalize_url(str(c["url"])))
            self._keys[r.id] = keys

    @classmethod
    def from_desk(cls, desk: Any) -> SourceMatcher:
        """A matcher over every article (and its copies) in ``desk``'s store."""
        return cls(desk.articles())

    def keys(self, passage: Passage) -> set[str]:
        """Every name the passage's article goes by."""
        keys = set(self._keys.get(passage.article_id, ())) | _id_keys(passage.article_id)
        keys |= {normalize_url(u) for u in (passage.url, *passage.urls) if u}
        return keys

    def matches(self, passage: Passage, sources: Iterable[str]) -> bool:
        """True when ``passage`` comes from one of ``sources``."""
        gold = {_key(s) for s in sources if s.strip()}
        return bool(gold and gold & self.keys(passage))
