"""Fixtures shared by the store, ingest and BM25 tests."""

from __future__ import annotations

import pytest

from vectorstore.chunking import Chunker
from vectorstore.embedding import Embedder, token_counter


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    """The real packaged model."""
    return Embedder().load()


@pytest.fixture(scope="module")
def chunker() -> Chunker:
    """Small chunks, so that short test articles make several."""
    return Chunker(60, 12, token_counter())
