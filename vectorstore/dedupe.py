"""Duplicate detection: content hashes, SimHash fingerprints and word shingles.

An exact copy has the same :func:`normalised_hash`; a near copy has a :func:`simhash`
within a few bits (found among many with :class:`SimHashes`) and word shingles that
mostly overlap (:func:`resembles`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

import numpy as np

_WORD = re.compile(r"\w+", re.UNICODE)
_BIT_WEIGHTS = np.uint64(1) << np.arange(64, dtype=np.uint64)

NEAR_DUP_BITS = 8
"""Largest Hamming distance between the SimHashes of near copies."""
NEAR_DUP_JACCARD = 0.7
"""Smallest share of word 5-grams two near copies have in common."""


def content_hash(text: str) -> str:
    """Return the sha256 hex digest of ``text`` (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalise_for_dup(text: str) -> list[str]:
    """Lower-cased word tokens, the basis of duplicate detection."""
    return [w.lower() for w in _WORD.findall(text)]


def normalised_hash(text: str) -> str:
    """Hash of the article's words, lower-cased: equal for the same story in other whitespace."""
    return content_hash(" ".join(normalise_for_dup(text)))


def shingles(text: str, n: int = 5) -> set[int]:
    """Hashes of word ``n``-grams of ``text`` (the whole text if shorter)."""
    words = normalise_for_dup(text)
    if len(words) < n:
        return {hash(" ".join(words))} if words else set()
    return {hash(" ".join(words[i : i + n])) for i in range(len(words) - n + 1)}


def resembles(mine: set[int], theirs: set[int], threshold: float = NEAR_DUP_JACCARD) -> bool:
    """Whether two shingle sets overlap by at least ``threshold`` (Jaccard); never when one is empty."""
    return bool(mine and theirs) and len(mine & theirs) / len(mine | theirs) >= threshold


def simhash(text: str, n: int = 3) -> int:
    """64-bit SimHash over word ``n``-grams; near-identical texts differ in few bits.

    Each gram's 8-byte blake2b digest (big-endian) votes on the 64 bits; a bit is set
    when more grams have it set than not. The votes are counted in numpy.
    """
    words = normalise_for_dup(text)
    grams = [" ".join(words[i: i + n]) for i in range(max(1, len(words) - n + 1))]
    digests = b"".join(hashlib.blake2b(g.encode("utf-8"), digest_size=8).digest() for g in grams)
    bits = np.unpackbits(np.frombuffer(digests, dtype=np.uint8).reshape(len(grams), 8), axis=1)
    ones = bits.sum(axis=0, dtype=np.int64)[::-1]  # column j of a big-endian digest is bit 63-j
    mask = (2 * ones - len(grams)) > 0
    return int(_BIT_WEIGHTS[mask].sum(dtype=np.uint64)) if mask.any() else 0


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
