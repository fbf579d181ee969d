"""The first catalog: collections, articles, the journal and the meta records.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create the four tables (a snapshot of ``tables.py`` as of this revision)."""
    op.create_table(
        "collections",
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("embed_model", sa.String(500), nullable=False),
        sa.Column("dim", sa.Integer, nullable=False),
        sa.Column("chunking", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_collections"),
    )
    op.create_table(
        "articles",
        sa.Column("collection", sa.String(200), nullable=False),
        sa.Column("id", sa.String(2000), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("published", sa.Date, nullable=True),
        sa.Column("content_hash", sa.String(128), nullable=False),
        sa.Column("simhash", sa.BigInteger, nullable=False),
        sa.Column("copies", sa.JSON, nullable=False),
        sa.Column("origin_kind", sa.String(20), nullable=False),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("pages", sa.Integer, nullable=True),
        sa.Column("n_chunks", sa.Integer, nullable=False),
        sa.Column("indexed", sa.Boolean, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("collection", "id", name="pk_articles"),
        sa.ForeignKeyConstraint(["collection"], ["collections.name"],
                                name="fk_articles_collection_collections"),
        sa.UniqueConstraint("collection", "content_hash",
                            name="uq_articles_collection_content_hash"),
    )
    op.create_table(
        "journal",
        sa.Column("seq", _SEQ, sa.Identity(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("collection", sa.String(200), nullable=False),
        sa.Column("article_id", sa.String(2000), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("process", sa.String(100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_journal"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_journal_collection_article_id", "journal", ["collection", "article_id"])
    op.create_table(
        "meta",
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("value", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_meta"),
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_table("meta")
    op.drop_index("ix_journal_collection_article_id", table_name="journal")
    op.drop_table("journal")
    op.drop_table("articles")
    op.drop_table("collections")
