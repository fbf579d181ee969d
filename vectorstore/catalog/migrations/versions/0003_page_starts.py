"""Page offsets: ``articles.page_starts``, where each page of a paged document (PDF) begins.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``articles.page_starts`` (a JSON list of character offsets; ``[]`` for the rows
    already stored, which have no pages)."""
    op.add_column("articles", sa.Column("page_starts", sa.JSON, nullable=False,
                                        server_default=sa.text("'[]'")))


def downgrade() -> None:
    """Drop it."""
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("page_starts")
