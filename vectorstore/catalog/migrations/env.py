"""Alembic's environment for the catalog: migrates the connection it is given, online only."""

from __future__ import annotations

from alembic import context

from vectorstore.catalog.tables import metadata


def run() -> None:
    """Run the revisions on ``config.attributes["connection"]`` (see ``migrate.upgrade``)."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("the catalog migrates through vectorstore.catalog.migrate only")
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


run()
