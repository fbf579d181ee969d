"""Short, stable ids derived from text: chunk ids, cache file and index folder names."""

from __future__ import annotations

import hashlib


def short_hash(text: str, n: int = 16) -> str:
    """Return the first ``n`` hex digits of the sha1 of ``text``."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:n]
