"""Bad URLs and unreachable databases give one-line errors that name the fix."""

from __future__ import annotations

import socket
import sqlite3
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest
from catalog_helpers import row

import vectorstore.catalog.engine as engine_mod
from vectorstore.catalog import BadDatabaseUrl, CatalogUnavailable, open_catalog, parse_url
from vectorstore.config import Settings
from vectorstore.errors import ConfigError


@pytest.mark.parametrize("url", ["mysql://u:secret@db/newsdesk", "not a url at all",
                                 "sqlite://", "sqlite:///:memory:",
                                 "postgresql+psycopg2://u:secret@h/db"])
def test_a_bad_url_names_the_variable_and_the_right_forms(url: str) -> None:
    with pytest.raises(BadDatabaseUrl) as err:
        open_catalog(url)
    msg = str(err.value)
    assert "NEWSDESK_DATABASE_URL" in msg and "postgresql+psycopg://" in msg
    assert "secret" not in msg and "\n" not in msg
    assert isinstance(err.value, ConfigError)


def test_postgresql_urls_use_psycopg_3() -> None:
    assert parse_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert parse_url("postgres://u@h/db").drivername == "postgresql+psycopg"


def test_an_unreachable_postgresql_says_so(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(CatalogUnavailable) as err:
        open_catalog(f"postgresql://newsdesk:secret@127.0.0.1:{port}/newsdesk")
    msg = str(err.value)
    assert f"127.0.0.1:{port}" in msg and "Start the database" in msg
    assert "NEWSDESK_DATABASE_URL" in msg and "secret" not in msg


def test_an_unwritable_sqlite_folder_says_so(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(CatalogUnavailable, match="NEWSDESK_HOME"):
        open_catalog(f"sqlite:///{blocker / 'sub' / 'catalog.db'}")


def test_settings_default_the_catalog_to_the_home(tmp_path: Path) -> None:
    s = Settings.from_env({"NEWSDESK_HOME": str(tmp_path)})
    assert s.catalog_url == f"sqlite:///{tmp_path}/catalog.db"
    assert s.with_(home=tmp_path / "b").catalog_url == f"sqlite:///{tmp_path}/b/catalog.db"
    pg = "postgresql+psycopg://u:pw@db:5432/newsdesk"
    assert Settings.from_env({"NEWSDESK_DATABASE_URL": pg}).catalog_url == pg


def test_settings_refuse_another_database() -> None:
    with pytest.raises(ConfigError) as err:
        Settings.from_env({"NEWSDESK_DATABASE_URL": "mysql://u:secret@db/x"})
    assert "NEWSDESK_DATABASE_URL" in str(err.value) and "secret" not in str(err.value)



def test_a_writer_holding_the_catalog_too_long_is_named(
        catalog_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_mod, "BUSY_TIMEOUT_S", 1)
    cat = open_catalog(catalog_url)
    if cat.dialect == "sqlite":
        blocker: Any = sqlite3.connect(catalog_url.removeprefix("sqlite:///"))
        blocker.execute("BEGIN IMMEDIATE")
    else:
        blocker = psycopg.connect(catalog_url.replace("+psycopg", ""), autocommit=True)
        blocker.execute("SELECT pg_advisory_lock(%s)", (engine_mod.WRITE_LOCK_KEY,))
    start = time.monotonic()
    with pytest.raises(CatalogUnavailable) as err:
        cat.put_articles([row(1)])
    assert time.monotonic() - start < 20
    assert "holds it" in str(err.value) and "NEWSDESK_DATABASE_URL" in str(err.value)
    assert cat.get_article(row(1).id) is None and cat.journal_head() == 0  # readers still read
    blocker.close()
    assert cat.put_articles([row(1)]).added == (row(1).id,)  # and writing works again
    cat.close()
