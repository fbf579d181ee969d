"""Feeds: the feeds each collection follows, the items taken in, and leases (the watcher's).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``feeds``, ``feed_items`` and ``leases`` (a snapshot of ``tables.py``)."""
    op.create_table(
        "feeds",
        sa.Column("collection", sa.String(200), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("every_s", sa.Integer, nullable=False),
        sa.Column("keep_days", sa.Integer, nullable=True),
        sa.Column("etag", sa.Text, nullable=False),
        sa.Column("last_modified", sa.Text, nullable=False),
        sa.Column("last_fetch", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("items_seen", sa.Integer, nullable=False),
        sa.Column("articles_added", sa.Integer, nullable=False),
        sa.Column("next_fetch", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("collection", "url", name="pk_feeds"),
    )
    op.create_table(
        "feed_items",
        sa.Column("collection", sa.String(200), nullable=False),
        sa.Column("feed_url", sa.String(2000), nullable=False),
        sa.Column("item_id", sa.String(2000), nullable=False),
        sa.Column("article_id", sa.String(2000), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("collection", "feed_url", "item_id", name="pk_feed_items"),
    )
    op.create_index("ix_feed_items_collection_article_id", "feed_items",
                    ["collection", "article_id"])
    op.create_table(
        "leases",
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("holder", sa.String(300), nullable=False),
        sa.Column("expires", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_leases"),
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_table("leases")
    op.drop_index("ix_feed_items_collection_article_id", table_name="feed_items")
    op.drop_table("feed_items")
    op.drop_table("feeds")
