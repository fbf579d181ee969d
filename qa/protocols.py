"""The typed parts that :class:`qa.NewsDesk` is built from.

Each is a :class:`typing.Protocol`: the desk depends on what a part does, not on which
class does it, so an answerer, an embedder or a search can be swapped (in tests too).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Protocol

import numpy as np

from qa.types import Asker, Draft, Turn
from vectorstore.types import Filters, Passage

__all__ = ["Answerer", "Asker", "Embedder", "Rewriter", "Searcher"]


class Answerer(Protocol):
    """Turns a question and retrieved passages into a cited :class:`Draft`."""

    def run(self, question: str, passages: Sequence[Passage], *,
            as_of: date | None = None) -> Draft: ...

    def stream(self, question: str, passages: Sequence[Passage], *,
               as_of: date | None = None) -> Iterator[str | Draft]: ...


class Embedder(Protocol):
    """Turns texts into unit vectors (the desk's view of :class:`vectorstore.embedding.Embedder`)."""

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class Searcher(Protocol):
    """Finds the passages for a query (:class:`qa.retrieval.HybridSearch`)."""

    def run(self, query: str, k: int = 5, filters: Filters | None = None,
            recency: float = 0.0, timings: dict[str, float] | None = None) -> list[Passage]: ...


class Rewriter(Protocol):
    """Turns a follow-up question into a standalone one, using earlier turns."""

    def run(self, question: str, history: Sequence[Turn]) -> str: ...
