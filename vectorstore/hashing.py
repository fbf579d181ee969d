"""Content hashes and near-duplicate fingerprints."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

import numpy as np

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


class SimHashes:
    """SimHash fingerprints by article id, searched by Hamming distance in one numpy pass.

    Keeps insertion order (a fingerprint set again keeps its place), like the dict it
    replaces, so the first near match found is the same; a look-up over a large store's
    articles is a vector XOR and popcount instead of a Python loop.
    """

    def __init__(self, items: Mapping[str, int] | None = None) -> None:
        items = items or {}
        self._ids = list(items)
        self._pos = {a: i for i, a in enumerate(self._ids)}
        self._vals = np.zeros(max(16, 2 * len(items)), dtype=np.uint64)
        self._vals[:len(items)] = np.fromiter(items.values(), dtype=np.uint64, count=len(items))

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._pos

    def __setitem__(self, article_id: str, fingerprint: int) -> None:
        i = self._pos.get(article_id)
        if i is None:
            i = self._pos[article_id] = len(self._ids)
            self._ids.append(article_id)
            if i >= len(self._vals):
                self._vals = np.concatenate([self._vals, np.zeros_like(self._vals)])
        self._vals[i] = fingerprint

    def near(self, fingerprint: int, bits: int) -> list[str]:
        """Ids whose fingerprint differs from ``fingerprint`` in at most ``bits`` bits, in order."""
        d = np.bitwise_count(self._vals[:len(self._ids)] ^ np.uint64(fingerprint))
        return [self._ids[i] for i in np.flatnonzero(d <= bits)]
