"""Content hashes and near-duplicate fingerprints."""

from __future__ import annotations

import hashlib
import re

_WORD = re.compile(r"\w+", re.UNICODE)


def content_hash(text: str) -> str:
    """Return the sha256 hex digest of ``text`` (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def short_hash(text: str, n: int = 16) -> str:
    """Return the first ``n`` hex digits of the sha1 of ``text``."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:n]


def normalise_for_dup(text: str) -> list[str]:
    """Lower-cased word tokens, the basis of duplicate detection."""
    return [w.lower() for w in _WORD.findall(text)]


def shingles(text: str, n: int = 5) -> set[int]:
    """Hashes of word ``n``-grams of ``text`` (the whole text if shorter)."""
    words = normalise_for_dup(text)
    if len(words) < n:
        return {hash(" ".join(words))} if words else set()
    return {hash(" ".join(words[i : i + n])) for i in range(len(words) - n + 1)}


def simhash(text: str, n: int = 3) -> int:
    """64-bit SimHash over word ``n``-grams; near-identical texts differ in few bits."""
    words = normalise_for_dup(text)
    grams = [" ".join(words[i : i + n]) for i in range(max(1, len(words) - n + 1))]
    acc = [0] * 64
    for g in grams:
        h = int.from_bytes(hashlib.blake2b(g.encode("utf-8"), digest_size=8).digest(), "big")
        for b in range(64):
            acc[b] += 1 if (h >> b) & 1 else -1
    out = 0
    for b in range(64):
        if acc[b] > 0:
            out |= 1 << b
    return out


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two 64-bit fingerprints."""
    return (a ^ b).bit_count()
