"""Saved conversations and their turns (``Catalog.conversations``).

A conversation belongs to an owner: a user name, ``session:<id>`` for a browser without a
login, ``""`` for the Python API. Its turns are numbered from 0 and keep the question as
typed, the standalone question it was understood as, and the answer (``Answer.to_dict()``).
Its title is the first question, shortened, until it is renamed.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, select, update

from vectorstore.catalog.engine import reading, writing
from vectorstore.catalog.rows import DEFAULT_COLLECTION, now, utc
from vectorstore.catalog.tables import conversations, turns

TITLE_CHARS = 60
"""A title made from the first question is cut to this many characters."""


@dataclass(frozen=True)
class ConversationRow:
    """A saved conversation, without its turns.

    Attributes:
        id: Its id (32 hex digits).
        owner: A user name, ``session:<id>`` (a browser without login) or ``""`` (Python API).
        collection: The collection it was started on.
        title: Its title: the first question, shortened, until renamed (``""`` before one).
        created, updated: When it was started and when it last changed (aware, UTC).
        turns: How many turns it has.
    """

    id: str
    owner: str
    collection: str
    title: str
    created: datetime
    updated: datetime
    turns: int = 0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (times as ISO text)."""
        return {"id": self.id, "title": self.title, "owner": self.owner,
                "collection": self.collection, "created": self.created.isoformat(),
                "updated": self.updated.isoformat(), "turns": self.turns}


@dataclass(frozen=True)
class TurnRow:
    """One saved turn: ``question`` as typed, ``asked`` the standalone question it was
    understood as, ``answer`` the answer's ``Answer.to_dict()``."""

    conversation_id: str
    n: int
    question: str
    asked: str
    answer: dict[str, Any]
    at: datetime


def short_title(question: str, limit: int = TITLE_CHARS) -> str:
    """``question`` on one line, cut at a word to at most ``limit`` characters (with "…")."""
    text = re.sub(r"\s+", " ", question).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit - 1].rsplit(" ", 1)[0] if " " in text[:limit - 1] else text[:limit - 1]
    return cut.rstrip(" ,;:-") + "…"


def new_id() -> str:
    """A new conversation id: 32 random hex digits (unguessable)."""
    return uuid.uuid4().hex


def _row(m: Mapping[Any, Any], n_turns: int = 0) -> ConversationRow:
    return ConversationRow(id=m["id"], owner=m["owner"], collection=m["collection"],
                           title=m["title"], created=utc(m["created_at"]),
                           updated=utc(m["updated_at"]), turns=int(n_turns))


def _turn(m: Mapping[Any, Any]) -> TurnRow:
    return TurnRow(conversation_id=m["conversation_id"], n=int(m["n"]), question=m["question"],
                   asked=m["asked"], answer=dict(m["answer"] or {}), at=utc(m["at"]))


class ConversationCatalog:
    """Saved conversations and their turns in one catalog database (each call one
    transaction). ``owner=None`` in a lookup means any owner."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(self, owner: str = "", title: str = "", collection: str = DEFAULT_COLLECTION,
               id: str | None = None, at: datetime | None = None) -> ConversationRow:
        """Start a conversation (``id``: a new one when not given) and return it."""
        with writing(self.engine) as conn:
            return self._create(conn, id or new_id(), owner, title, collection, at or now())

    def _create(self, conn: Connection, cid: str, owner: str, title: str, collection: str,
                at: datetime) -> ConversationRow:
        conn.execute(conversations.insert().values(
            id=cid, owner=owner, collection=collection, title=short_title(title, 500),
            created_at=at, updated_at=at))
        return ConversationRow(cid, owner, collection, short_title(title, 500), at, at)

    def add_turn(self, conversation_id: str, question: str, asked: str,
                 answer: Mapping[str, Any], *, at: datetime | None = None, owner: str = "",
                 collection: str = DEFAULT_COLLECTION) -> ConversationRow:
        """Save the next turn of ``conversation_id``, creating the conversation (of ``owner``,
        on ``collection``) when it is not saved yet; an untitled conversation takes the
        question, shortened, as its title. Returns the conversation as it is now."""
        at = at or now()
        with writing(self.engine) as conn:
            m = conn.execute(select(conversations).where(
                conversations.c.id == conversation_id)).mappings().first()
            row = _row(m) if m is not None else \
                self._create(conn, conversation_id, owner, "", collection, at)
            n = conn.execute(select(func.count()).select_from(turns).where(
                turns.c.conversation_id == conversation_id)).scalar_one()
            conn.execute(turns.insert().values(conversation_id=conversation_id, n=int(n),
                                               question=question, asked=asked,
                                               answer=dict(answer), at=at))
            title = row.title or short_title(question)
            conn.execute(update(conversations).where(conversations.c.id == conversation_id)
                         .values(title=title, updated_at=at))
        return ConversationRow(row.id, row.owner, row.collection, title, row.created, at,
                               int(n) + 1)

    def listing(self, owner: str | None = "") -> list[ConversationRow]:
        """The conversations of ``owner`` (every owner's with ``None``), most recently
        changed first, each with its number of turns."""
        counts = select(turns.c.conversation_id, func.count().label("n")) \
            .group_by(turns.c.conversation_id).subquery()
        stmt = select(conversations, func.coalesce(counts.c.n, 0).label("n_turns")) \
            .outerjoin(counts, counts.c.conversation_id == conversations.c.id) \
            .order_by(conversations.c.updated_at.desc(), conversations.c.created_at.desc(),
                      conversations.c.id)
        if owner is not None:
            stmt = stmt.where(conversations.c.owner == owner)
        with reading(self.engine) as conn:
            return [_row(m, m["n_turns"]) for m in conn.execute(stmt).mappings()]

    def get(self, conversation_id: str, owner: str | None = None) -> ConversationRow | None:
        """The conversation ``conversation_id`` (of ``owner``, unless ``None``), or ``None``."""
        with reading(self.engine) as conn:
            return self._get(conn, conversation_id, owner)

    def _get(self, conn: Connection, conversation_id: str, owner: str | None
             ) -> ConversationRow | None:
        stmt = select(conversations).where(conversations.c.id == conversation_id)
        if owner is not None:
            stmt = stmt.where(conversations.c.owner == owner)
        m = conn.execute(stmt).mappings().first()
        if m is None:
            return None
        n = conn.execute(select(func.count()).select_from(turns).where(
            turns.c.conversation_id == conversation_id)).scalar_one()
        return _row(m, n)

    def turns(self, conversation_id: str) -> list[TurnRow]:
        """The turns of ``conversation_id``, in order (``[]`` for an unknown one)."""
        with reading(self.engine) as conn:
            rows = conn.execute(select(turns).where(turns.c.conversation_id == conversation_id)
                                .order_by(turns.c.n)).mappings()
            return [_turn(m) for m in rows]

    def rename(self, conversation_id: str, title: str, owner: str | None = None
               ) -> ConversationRow | None:
        """Give the conversation a new title (blank: its first question again); ``None``
        when there is no such conversation (of ``owner``)."""
        with writing(self.engine) as conn:
            row = self._get(conn, conversation_id, owner)
            if row is None:
                return None
            new = short_title(title, 500)
            if not new:
                first = conn.execute(select(turns.c.question).where(
                    turns.c.conversation_id == conversation_id, turns.c.n == 0)).scalar()
                new = short_title(first or "")
            conn.execute(update(conversations).where(conversations.c.id == conversation_id)
                         .values(title=new))
        return ConversationRow(row.id, row.owner, row.collection, new, row.created, row.updated,
                               row.turns)

    def delete(self, conversation_id: str, owner: str | None = None) -> bool:
        """Delete the conversation and its turns; ``False`` when there is no such
        conversation (of ``owner``)."""
        with writing(self.engine) as conn:
            if self._get(conn, conversation_id, owner) is None:
                return False
            conn.execute(delete(turns).where(turns.c.conversation_id == conversation_id))
            conn.execute(delete(conversations).where(conversations.c.id == conversation_id))
        return True
