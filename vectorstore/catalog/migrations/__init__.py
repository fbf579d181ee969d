"""Alembic revisions of the catalog (run by :mod:`vectorstore.catalog.migrate`, no alembic.ini)."""
