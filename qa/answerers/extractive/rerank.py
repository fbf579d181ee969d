"""Re-ranking the lexically best sentences by their embedding similarity to the question."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from qa.answerers.extractive.context import Sent
from qa.answerers.extractive.weights import Weights

Embed = Callable[[Sequence[str]], Any]
"""Texts -> an ``(n, dim)`` array of unit vectors (``Embedder.embed``)."""


class Similarity:
    """Cosine similarities to the question, with the vectors of recent texts kept.

    Args:
        embed: Texts -> unit vectors; ``None`` turns re-ranking off.
        weights: ``rerank``, ``tie``, ``sim_weight`` and ``embed_words`` are used.
    """

    def __init__(self, embed: Embed | None, weights: Weights) -> None:
        self.embed = embed
        self.weights = weights
        self._vectors: dict[str, np.ndarray] = {}

    def rerank(self, question: str, sents: list[Sent]) -> None:
        """Break near-ties among the lexically best sentences by their cosine similarity to
        the question (at most ``rerank`` of them, within ``tie`` of the best)."""
        if self.embed is None or not sents:
            return
        w = self.weights
        top = sorted(sents, key=lambda x: x.score, reverse=True)
        pool: dict[str, list[Sent]] = {}
        for s in top:
            if s.score < top[0].score - w.tie or len(pool) >= w.rerank and s.text.strip() not in pool:
                break
            pool.setdefault(s.text.strip(), []).append(s)
        sims = self.sims(question, list(pool))
        if not sims:
            return
        mean = sum(sims.values()) / len(sims)
        for text, group in pool.items():
            for s in group:
                s.sim = sims[text]
                s.score += w.sim_weight * (s.sim - mean)

    def ensure(self, question: str, s: Sent) -> None:
        """Give ``s`` its similarity to the question if it has none yet."""
        if s.sim is None and self.embed is not None:
            s.sim = self.sims(question, [s.text.strip()]).get(s.text.strip())

    def sims(self, question: str, texts: list[str]) -> dict[str, float]:
        """Cosine similarity of each text to the question ({} when embedding fails)."""
        assert self.embed is not None
        todo = [t for t in dict.fromkeys([question, *texts]) if t not in self._vectors]
        if todo:
            try:
                vecs = self.embed([" ".join(t.split()[:self.weights.embed_words]) for t in todo])
            except Exception:  # embedding is an aid: without it the lexical ranking stands
                return {}
            for t, v in zip(todo, vecs, strict=True):
                self._vectors[t] = np.asarray(v, dtype=np.float32)
            if len(self._vectors) > 4096:
                for k in list(self._vectors)[:1024]:
                    del self._vectors[k]
        q = self._vectors[question]
        return {t: float(np.dot(q, self._vectors[t])) for t in texts}
