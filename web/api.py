"""The ``gradio_client`` endpoints: ``/ask``, ``/chat``, ``/ingest``, ``/list``, ``/delete``.

Their inputs and outputs are documented in the README (and served at ``/?view=api``, from
the docstrings below). Each takes an optional last ``collection`` (blank: the server's);
a raw ``/call`` may leave it out (:class:`web.layout.ApiBlocks` fills it in). Errors reach
the caller as ``gr.Error`` with a readable message.
"""


import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import gradio as gr

from qa import Answer, Conversation, NewsDesk, NewsdeskError, NotFound
from qa.collection_ops import open_collection
from web.api_types import AnswerJSON, ArticleJSON, ChatAnswerJSON, DeletedJSON, IngestJSON
from web.history import owner_of
from web.uploads import ingest_uploads

log = logging.getLogger("newsdesk.ui")

API_OWNER = "api"
"""The owner of the conversations ``/chat`` saves when the UI has no login."""

T = TypeVar("T")
API_NAMES = ("ask", "chat", "list", "delete", "ingest")
"""The endpoints, each with an optional trailing ``collection``."""


def answer_json(answer: Answer, conversation: Conversation | None = None) -> dict[str, Any]:
    """The JSON an API caller gets for ``answer`` (plus ``conversation_id`` and ``turn`` in a chat)."""
    out: dict[str, Any] = {
        "text": answer.text,
        "citations": [c.to_dict() for c in answer.citations],
        "abstained": answer.abstained,
        "question": answer.question,
        "standalone_question": answer.standalone_question,
        "unsupported": list(answer.unsupported),
        "warnings": list(answer.warnings),
    }
    if conversation is not None:
        out["conversation_id"] = conversation.id
        out["turn"] = len(conversation.turns)
    return out


def article_json(a: Any) -> dict[str, Any]:
    """The JSON ``/list`` gives for one stored article (a record of ``NewsDesk.articles()``)."""
    return {"id": a.id, "title": a.title, "url": a.url, "source": a.source,
            "sources": list(a.sources),
            "published": a.published.isoformat() if a.published else None,
            "n_chunks": a.n_chunks, "copies": len(a.copies)}


def api_call(fn: Callable[[], T]) -> T:
    """Run ``fn``; our errors become a readable ``gr.Error``, others a logged one-liner."""
    try:
        return fn()
    except NewsdeskError as e:
        raise gr.Error(str(e), print_exception=False) from None
    except gr.Error:
        raise
    except Exception as e:
        log.exception("API call failed")
        raise gr.Error(f"unexpected {type(e).__name__}: see the server log for details",
                       print_exception=False) from None


class Api:
    """The endpoint functions over one :class:`NewsDesk` (registered by :mod:`web.layout`).

    Args:
        desk: The desk to serve.
        uploads: Where ``/ingest`` stores the uploaded files.
        max_file_mb: The per-file upload limit.
    """

    def __init__(self, desk: NewsDesk, uploads: Path, max_file_mb: int) -> None:
        self.desk = desk
        self.uploads = uploads
        self.max_file_mb = max_file_mb

    def _conversation(self, conversation_id: str, owner: str) -> Conversation:
        """A new saved conversation of ``owner``, or the saved one ``conversation_id`` (of
        ``owner``) resumed from the catalog: any process serving this desk can go on with it."""
        cid = (conversation_id or "").strip()
        try:
            return self.desk.chat(conversation_id=cid or None, owner=owner)
        except NotFound:
            raise gr.Error(f"conversation {cid!r} is unknown or has expired: pass an empty "
                           "conversation_id to start a new one", print_exception=False) from None

    def _collections(self, collection: str | None) -> list[str] | None:
        """``[collection]``, or ``None`` (the server's collection) when blank."""
        name = (collection or "").strip()
        return [name] if name else None

    def api_ask(self, question: str, collection: str = "") -> AnswerJSON:
        """Answer one question from the articles, in a fresh conversation.

        Args:
            question: The question.
            collection: The collection to ask (``""``: the server's).

        Returns:
            ``{"text", "citations": [{"n", "article_id", "title", "url", "source",
            "published", "quote", "quote_span", "page"}], "abstained", "question",
            "standalone_question", "unsupported", "warnings"}`` (a citation is
            ``Citation.to_dict()``: ``quote_span`` is the quote's offsets in the article,
            empty when the quote is the article's headline).
        """
        return cast(AnswerJSON, api_call(lambda: answer_json(
            self.desk.ask(question, collections=self._collections(collection)))))

    def api_chat(self, question: str, conversation_id: str = "", collection: str = "",
                 request: gr.Request | None = None) -> ChatAnswerJSON:
        """Ask within a conversation, so that follow-up questions are understood.

        Args:
            question: The question.
            conversation_id: ``""`` to start a conversation, else the id a previous call returned.
            collection: The collection to ask (``""``: the server's).

        Returns:
            What ``/ask`` returns, plus ``conversation_id`` to pass next time and ``turn``
            (1 for the first question of the conversation). The conversation is saved: the
            signed-in user's (``api`` without a login), resumable by its id after a restart.
        """
        conv = api_call(lambda: self._conversation(conversation_id, API_OWNER if request is None
                                                   else owner_of(request) or API_OWNER))
        names = self._collections(collection)
        return cast(ChatAnswerJSON, api_call(lambda: answer_json(
            conv.ask(question, collections=names), conv)))

    def api_list(self, collection: str = "") -> list[ArticleJSON]:
        """List the stored articles of a collection (``""``: the server's), newest first.

        Returns:
            ``[{"id", "title", "url", "source", "sources", "published", "n_chunks", "copies"}]``.
        """
        return cast(list[ArticleJSON],
                    api_call(lambda: [article_json(a) for a in
                                      open_collection(self.desk, collection).articles()]))

    def api_delete(self, article_id: str, collection: str = "") -> DeletedJSON:
        """Delete an article (its id from ``/list``) and its chunks from a collection
        (``""``: the server's).

        Returns:
            ``{"deleted": article_id, "chunks": number of chunks removed}``.
        """
        aid = (article_id or "").strip()
        return api_call(lambda: DeletedJSON(
            deleted=aid, chunks=open_collection(self.desk, collection).delete(aid)))

    def api_ingest(self, files: list[str] | None, collection: str | None = "",
                   request: gr.Request | None = None) -> IngestJSON:
        """Add uploaded article files (.txt .md .html .json .jsonl) to a collection (``""``:
        the server's; a new name creates it). Each keeps its original name and becomes the
        article ``upload:<hash8>/<name>``.

        Returns:
            ``{"summary", "added", "updated", "unchanged", "duplicates", "failed", "chunks",
            "issues": [{"file", "reason", "kind"}], "article_ids", "files"}`` (``files``: the
            names kept). (``file``, not ``path``: gradio_client would try to download a dict
            with a ``path`` key.)
        """
        user = str(getattr(request, "username", None) or "")
        return cast(IngestJSON, api_call(
            lambda: ingest_uploads(open_collection(self.desk, collection, create=True), files,
                                   self.uploads, self.max_file_mb, uploaded_by=user)[0]))
