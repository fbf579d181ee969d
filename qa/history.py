"""Saved conversations: start, resume, list, rename, delete and export them.

Every conversation :meth:`qa.NewsDesk.chat` starts is saved in the catalog
(:mod:`vectorstore.catalog.conversations`), each turn as it is answered, so that any process
on the same desk can resume it by id: its turns come back as they were (answers, citations
and passages), and follow-up questions are understood against them. A conversation belongs
to an owner: ``""`` for the Python API and the CLI, a user name or ``session:<id>`` in the
web UI. Exports: :meth:`qa.types.Conversation.to_markdown` (each answer with its sources) and
:meth:`qa.types.Conversation.to_dict` (citations in the one shape of ``Citation.to_dict()``).
"""

from __future__ import annotations

import json
from typing import Protocol

from qa.types import Answer, Asker, Conversation, Turn
from vectorstore.catalog.conversations import ConversationCatalog, ConversationRow, new_id
from vectorstore.errors import NotFound
from vectorstore.store import Store

__all__ = ["CatalogSaver", "ChatDesk", "ConversationRow", "chat", "conversations", "delete", "load",
           "rename", "to_json"]


class ChatDesk(Asker, Protocol):
    """What saved conversations need of :class:`qa.NewsDesk` (no import of it: no circle)."""

    store: Store


class CatalogSaver:
    """Saves each turn of a conversation in the catalog (the conversation's row is made
    with its first turn: a chat nobody asked anything in is not listed)."""

    def __init__(self, catalog: ConversationCatalog, collection: str) -> None:
        self.catalog = catalog
        self.collection = collection

    def save(self, conversation: Conversation, turn: Turn) -> None:
        """Save ``turn`` as the conversation's next one; keep its title and times in step."""
        row = self.catalog.add_turn(conversation.id, turn.question,
                                    turn.answer.standalone_question, turn.answer.to_dict(),
                                    at=turn.at, owner=conversation.owner,
                                    collection=self.collection)
        conversation.title, conversation.updated = row.title, row.updated
        conversation.created = conversation.created or row.created


def _catalog(desk: ChatDesk) -> ConversationCatalog:
    return desk.store.catalog.conversations


def chat(desk: ChatDesk, conversation_id: str | None = None, *, owner: str | None = None,
         save: bool = True) -> Conversation:
    """A new conversation on ``desk`` (of ``owner``, ``""`` by default), or the saved one
    ``conversation_id`` resumed (of ``owner`` unless ``None``: any).

    Args:
        desk: The desk that answers.
        conversation_id: A saved conversation's id (``None`` or blank: start one).
        owner: Whose it is; checked when resuming unless ``None``.
        save: Save each turn in the catalog (``False``: kept in memory only).

    Raises:
        NotFound: no saved conversation ``conversation_id`` (of ``owner``).
    """
    saver = CatalogSaver(_catalog(desk), desk.store.collection) if save else None
    if conversation_id and conversation_id.strip():
        conv = load(desk, conversation_id.strip(), owner)
        conv.saver = saver
        return conv
    return Conversation(desk=desk, id=new_id(), owner=owner or "", saver=saver)


def load(desk: ChatDesk, conversation_id: str, owner: str | None = None) -> Conversation:
    """The saved conversation ``conversation_id`` with its turns, answered by ``desk`` (not
    saving new turns: :func:`chat` resumes it saving).

    Raises:
        NotFound: no such conversation (of ``owner``, unless ``None``).
    """
    catalog = _catalog(desk)
    row = catalog.get(conversation_id, owner)
    if row is None:
        raise NotFound(f"no saved conversation {conversation_id!r}"
                       f"{'' if owner is None else f' of {owner!r}'}: "
                       "`newsdesk history list` shows them")
    turns = [Turn(t.question, Answer.from_dict({**t.answer, "question": t.question,
                                                "standalone_question": t.asked}), t.at)
             for t in catalog.turns(row.id)]
    return Conversation(desk=desk, turns=turns, id=row.id, title=row.title, owner=row.owner,
                        created=row.created, updated=row.updated)


def conversations(desk: ChatDesk, owner: str | None = "") -> list[ConversationRow]:
    """The saved conversations of ``owner`` (everyone's with ``None``), most recently
    changed first: ``.id``, ``.title``, ``.updated``, ``.turns`` (how many), ``.created``."""
    return _catalog(desk).listing(owner)


def rename(desk: ChatDesk, conversation_id: str, title: str, owner: str | None = None
           ) -> ConversationRow:
    """Rename a saved conversation (a blank title: its first question again).

    Raises:
        NotFound: no such conversation (of ``owner``, unless ``None``).
    """
    row = _catalog(desk).rename(conversation_id, title, owner)
    if row is None:
        raise NotFound(f"no saved conversation {conversation_id!r} to rename")
    return row


def delete(desk: ChatDesk, conversation_id: str, owner: str | None = None) -> None:
    """Delete a saved conversation and its turns.

    Raises:
        NotFound: no such conversation (of ``owner``, unless ``None``).
    """
    if not _catalog(desk).delete(conversation_id, owner):
        raise NotFound(f"no saved conversation {conversation_id!r} to delete")


def to_json(conv: Conversation) -> str:
    """The conversation as JSON text (:meth:`qa.types.Conversation.to_dict`)."""
    return json.dumps(conv.to_dict(), indent=2, ensure_ascii=False)
