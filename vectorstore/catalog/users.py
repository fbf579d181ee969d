"""The users who may sign in and the failed sign-in attempts per address (``Catalog.users``)."""

from __future__ import annotations

from sqlalchemy import Engine


class UserCatalog:
    """The users who may sign in and the failed sign-in attempts per address (``Catalog.users``)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
