"""Fixtures of the catalog tests: every test runs on SQLite and on a real PostgreSQL (the
throwaway cluster of ``pg_server`` in tests/conftest.py; each test gets a database of its
own; without PostgreSQL the PostgreSQL cases skip)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import PgServer
from vectorstore.catalog import Catalog, open_catalog

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(params=BACKENDS)
def catalog_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new, empty catalog database: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'home' / 'catalog.db'}"
    server: PgServer = request.getfixturevalue("pg_server")
    return server.new_database()


@pytest.fixture
def other_url(request: pytest.FixtureRequest, catalog_url: str, tmp_path: Path) -> str:
    """A second empty catalog database on the same backend as ``catalog_url``."""
    if catalog_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'other' / 'catalog.db'}"
    server: PgServer = request.getfixturevalue("pg_server")
    return server.new_database()


@pytest.fixture
def open_cat(catalog_url: str) -> Iterator[Callable[..., Catalog]]:
    """Open the test's catalog (as often as a test likes); every one is closed at the end."""
    opened: list[Catalog] = []

    def opener(**kw: str) -> Catalog:
        cat = open_catalog(catalog_url, **kw)
        opened.append(cat)
        return cat

    yield opener
    for cat in opened:
        cat.close()


@pytest.fixture
def cat(open_cat: Callable[..., Catalog]) -> Catalog:
    """The test's catalog, opened (migrated to head)."""
    return open_cat()
