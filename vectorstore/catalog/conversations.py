"""Saved conversations and their turns (``Catalog.conversations``)."""

from __future__ import annotations

from sqlalchemy import Engine


class ConversationCatalog:
    """Saved conversations and their turns (``Catalog.conversations``)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
