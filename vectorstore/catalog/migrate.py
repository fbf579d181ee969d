"""Bring a catalog to the code's revision (Alembic, run in code: no alembic.ini).

Opening a catalog upgrades it to head, inside one write transaction (so two processes
opening a new catalog at once create it once). A catalog at a revision this code does not
know was written by a newer Newsdesk: it is left alone and :class:`CatalogTooNew` names the fix.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine

from vectorstore.catalog.engine import writing
from vectorstore.catalog.errors import CatalogTooNew

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for the catalog's revisions, bound to ``connection``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    """The newest revision this code knows."""
    return str(ScriptDirectory.from_config(alembic_config()).get_current_head())


def version_number(revision: str | None) -> int:
    """The catalog version of a revision id (``"0001"`` → 1; none → 0)."""
    return int(revision) if revision and revision.isdigit() else 0



def current_revision(conn: Connection) -> str | None:
    """The revision the catalog is at, or ``None`` for an empty database."""
    return MigrationContext.configure(conn).get_current_revision()


def check_known(revision: str | None, where: str) -> None:
    """Raise :class:`CatalogTooNew` when this code does not know ``revision``."""
    if revision is None:
        return
    try:
        ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    except CommandError:
        raise CatalogTooNew(
            f"the catalog {where} is at version {revision}, newer than this Newsdesk knows "
            f"(up to {head()}): upgrade Newsdesk (pip install -U newsdesk), or point "
            "NEWSDESK_DATABASE_URL at another catalog") from None


def upgrade(engine: Engine, where: str) -> int:
    """Migrate the catalog of ``engine`` to head; return its version after."""
    with writing(engine) as conn:
        rev = current_revision(conn)
        check_known(rev, where)
        if rev != head():
            command.upgrade(alembic_config(conn), "head")
            rev = current_revision(conn)
    return version_number(rev)
