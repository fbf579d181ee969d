"""The catalog migrates an empty database to head, reopens unchanged, and refuses a newer one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from catalog_helpers import row
from sqlalchemy import create_engine, inspect, text

from vectorstore.catalog import Catalog, CatalogTooNew, open_catalog, parse_url
from vectorstore.catalog.migrate import alembic_config, head, version_number
from vectorstore.catalog.tables import metadata


def test_an_empty_database_is_migrated_to_head(cat: Catalog) -> None:
    assert cat.version() == version_number(head()) == 4
    tables = set(inspect(cat.engine).get_table_names())
    assert {"articles", "journal", "collections", "meta", "feeds", "feed_items", "leases", "uploads",
            "users", "conversations", "turns", "login_attempts",
            "alembic_version"} <= tables
    assert [c.name for c in cat.collections()] == ["default"]
    assert cat.journal_head() == 0 and cat.count() == 0


def test_the_migrated_schema_is_exactly_tables_py(cat: Catalog) -> None:
    with cat.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diffs == []


def test_articles_stored_before_page_offsets_get_none(catalog_url: str) -> None:
    if catalog_url.startswith("sqlite:///"):
        Path(catalog_url.removeprefix("sqlite:///")).parent.mkdir(parents=True)
    engine = create_engine(parse_url(catalog_url))
    with engine.begin() as conn:  # a catalog of revision 0002 holding one article
        command.upgrade(alembic_config(conn), "0002")
        conn.execute(text("INSERT INTO collections (name, created_at, embed_model, dim, "
                          "chunking) VALUES ('default', :t, '', 0, '{}')"), {"t": row(1).published})
        conn.execute(text(
            "INSERT INTO articles (collection, id, title, url, source, content_hash, simhash, "
            "copies, origin_kind, origin, pages, n_chunks, indexed, text, created_at, "
            "updated_at) VALUES ('default', 'old', '', '', '', 'h', 0, '[]', '', '', NULL, 0, "
            ":f, 'Old text.', :t, :t)"), {"f": False, "t": row(1).published})
    engine.dispose()
    cat = open_catalog(catalog_url)
    got = cat.get_article("old", with_text=True)
    assert cat.version() == 4 and got is not None
    assert got.page_starts == () and got.text == "Old text."
    cat.put_articles([row(3)])  # and new rows keep theirs
    assert cat.get_article(row(3).id).page_starts == (0, 40, 80)  # type: ignore[union-attr]
    cat.close()


def test_reopening_changes_nothing(open_cat: Callable[..., Catalog]) -> None:
    first = open_cat()
    first.put_articles([row(1), row(2)])
    created = first.get_collection("default")
    again = open_cat()
    assert again.version() == 4
    assert again.count() == 2 and again.journal_head() == 2
    assert again.collections() == [created]


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path: Path) -> None:
    cat = open_catalog(f"sqlite:///{tmp_path / 'catalog.db'}")
    with cat.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert int(conn.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0) >= 1000
    cat.close()


def test_a_catalog_newer_than_the_code_is_refused_and_left_alone(
        catalog_url: str, open_cat: Callable[..., Catalog]) -> None:
    open_cat().put_articles([row(1)])
    engine = create_engine(parse_url(catalog_url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    with pytest.raises(CatalogTooNew) as err:
        open_catalog(catalog_url)
    msg = str(err.value)
    assert "0099" in msg and "upgrade Newsdesk" in msg and "NEWSDESK_DATABASE_URL" in msg
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0099"
        assert conn.execute(text("SELECT count(*) FROM articles")).scalar() == 1
    engine.dispose()


def test_journal_numbers_come_from_autoincrement_or_an_identity(cat: Catalog) -> None:
    with cat.engine.connect() as conn:
        if cat.dialect == "sqlite":
            ddl = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'journal'")).scalar()
            assert "AUTOINCREMENT" in str(ddl).upper()
        else:
            seq = conn.execute(text("SELECT pg_get_serial_sequence('journal', 'seq')")).scalar()
            assert seq and "journal_seq" in seq
