"""The typed shapes the ``gradio_client`` endpoints return, so that ``/?view=api`` and
``/gradio_api/info`` describe every field (Gradio reads the return type hints)."""

from __future__ import annotations

from typing import TypedDict


class CitationJSON(TypedDict):
    """One citation: ``Citation.to_dict()``, the one shape that leaves ``qa``."""

    n: int
    article_id: str
    title: str
    url: str
    source: str
    published: str | None
    quote: str
    quote_span: list[int]
    page: int | None


class AnswerJSON(TypedDict):
    """What ``/ask`` returns."""

    text: str
    citations: list[CitationJSON]
    abstained: bool
    question: str
    standalone_question: str
    unsupported: list[str]
    warnings: list[str]


class ChatAnswerJSON(AnswerJSON):
    """What ``/chat`` returns: an answer, and where it sits in its conversation."""

    conversation_id: str
    turn: int


class ArticleJSON(TypedDict):
    """One stored article, as ``/list`` gives it."""

    id: str
    title: str
    url: str
    source: str
    sources: list[str]
    published: str | None
    n_chunks: int
    copies: int


class DeletedJSON(TypedDict):
    """What ``/delete`` returns."""

    deleted: str
    chunks: int


class IngestIssueJSON(TypedDict):
    """A file ``/ingest`` could not use, and why."""

    file: str
    reason: str
    kind: str


class IngestJSON(TypedDict):
    """What ``/ingest`` returns."""

    summary: str
    added: int
    updated: int
    unchanged: int
    duplicates: int
    failed: int
    chunks: int
    issues: list[IngestIssueJSON]
    article_ids: list[str]
    files: list[str]
