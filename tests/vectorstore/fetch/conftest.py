"""Fixtures of the fetching tests: a local news site, and a client allowed to reach it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from vectorstore.config import Settings
from vectorstore.fetch import Fetcher


@pytest.fixture
def local() -> Settings:
    """Settings that let the client reach 127.0.0.1 (its own test server), quickly."""
    return Settings(allow_private_urls=True, fetch_rate=1000.0, max_file_mb=1)


@pytest.fixture
def fetcher(local: Settings) -> Iterator[Fetcher]:
    """The real client, with short timeouts and back-off so failures are quick."""
    with Fetcher(local, timeout=2.0, total_timeout=10.0, backoff=0.05) as f:
        yield f
