"""Answer-side value types: citations, answers, and conversations."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from vectorstore.types import Passage

__all__ = ["Answer", "Asker", "Citation", "Conversation", "Draft", "Passage", "Turn"]


@dataclass(frozen=True)
class Citation:
    """A numbered citation: ``[n]`` in the answer text points at ``passage``.

    ``quote`` is the ``(start, end)`` of the supporting span inside ``passage.text``.
    """

    n: int
    passage: Passage
    quote: tuple[int, int]

    @property
    def quote_text(self) -> str:
        """The supporting span itself."""
        return self.passage.text[self.quote[0]:self.quote[1]]

    def to_dict(self) -> dict[str, Any]:
        """The one citation shape that leaves ``qa`` (the CLI's ``--json``, the web API, ``/v1``).

        ``{"n", "article_id", "title", "url", "source", "published", "quote", "quote_span",
        "page"}``: ``quote`` is the supporting text; ``quote_span`` its ``[start, end]``
        character offsets in the *article's* text (``passage.start`` plus :attr:`quote`);
        ``page`` is the page the passage starts on for a PDF, ``None`` for articles without
        pages; ``published`` is ``YYYY-MM-DD`` or
        ``None``.
        """
        p = self.passage
        return {"n": self.n, "article_id": p.article_id, "title": p.title, "url": p.url,
                "source": p.source, "published": p.published.isoformat() if p.published else None,
                "quote": self.quote_text,
                "quote_span": [p.start + self.quote[0], p.start + self.quote[1]], "page": p.page}


@dataclass(frozen=True)
class Answer:
    """What :meth:`qa.NewsDesk.ask` returns.

    Attributes:
        question: As asked.
        standalone_question: The question rewritten to stand alone (follow-ups), used for retrieval.
        text: The answer with inline ``[n]`` markers (or the abstention message).
        citations: One per ``[n]`` used in ``text``.
        passages: Every retrieved passage, in rank order.
        abstained: True when the articles do not answer the question.
        unsupported: Answer sentences that failed the support check.
        warnings: Readable notes (dropped citation numbers, backend fallbacks, ...).
        timings: Milliseconds per stage.
    """

    question: str
    standalone_question: str
    text: str
    citations: tuple[Citation, ...] = ()
    passages: tuple[Passage, ...] = ()
    abstained: bool = False
    unsupported: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "question": self.question, "standalone_question": self.standalone_question,
            "text": self.text, "citations": [c.to_dict() for c in self.citations],
            "passages": [p.to_dict() for p in self.passages], "abstained": self.abstained,
            "unsupported": list(self.unsupported), "warnings": list(self.warnings),
            "timings": {k: round(v, 2) for k, v in self.timings.items()},
        }


@dataclass(frozen=True)
class Turn:
    """One question and its answer inside a conversation."""

    question: str
    answer: Answer

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"question": self.question, "answer": self.answer.to_dict()}


class Asker(Protocol):
    """What a :class:`Conversation` needs of the desk: ask with a history."""

    def ask(self, question: str, *, k: int | None = None, since: date | str | None = None,
            until: date | str | None = None, sources: Sequence[str] | None = None,
            history: Sequence[Turn] | None = None, today: date | str | None = None
            ) -> Answer: ...

    def stream(self, question: str, *, k: int | None = None, since: date | str | None = None,
               until: date | str | None = None, sources: Sequence[str] | None = None,
               history: Sequence[Turn] | None = None, today: date | str | None = None
               ) -> Iterator[str | Answer]: ...


@dataclass
class Conversation:
    """A chat: the turns so far, and the desk that answers the next one.

    Use :meth:`qa.NewsDesk.chat` to start one.
    """

    desk: Asker | None = field(repr=False, default=None)
    turns: list[Turn] = field(default_factory=list)
    id: str = ""

    def ask(self, question: str, **kwargs: Any) -> Answer:
        """Ask a follow-up: the question is rewritten from the earlier turns before retrieval.

        ``kwargs`` go to the desk's ``ask`` as they are (``k``, ``since``, ``until``,
        ``sources``, ``today``).
        """
        answer = self._desk().ask(question, history=list(self.turns), **kwargs)
        self.turns.append(Turn(question, answer))
        return answer

    def stream(self, question: str, **kwargs: Any) -> Iterator[str | Answer]:
        """Like :meth:`ask`, yielding text pieces and then the finished :class:`Answer`."""
        for piece in self._desk().stream(question, history=list(self.turns), **kwargs):
            if isinstance(piece, Answer):
                self.turns.append(Turn(question, piece))
            yield piece

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"id": self.id, "turns": [t.to_dict() for t in self.turns]}

    def _desk(self) -> Asker:
        if self.desk is None:
            raise RuntimeError("this conversation has no desk: start one with NewsDesk.chat()")
        return self.desk


@dataclass(frozen=True)
class Draft:
    """What an answerer produces before the desk wraps it into an :class:`Answer`."""

    text: str
    citations: tuple[Citation, ...] = ()
    abstained: bool = False
    unsupported: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    score: float = 0.0
