"""Answer-side value types: citations, answers, and conversations."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from typing import Any, Protocol

from vectorstore.types import Passage

__all__ = ["Answer", "Asker", "Citation", "Conversation", "Draft", "Passage", "Turn",
           "TurnSaver"]


def passage_from_dict(d: Mapping[str, Any]) -> Passage:
    """The :class:`Passage` of ``Passage.to_dict()`` (a saved answer's passage)."""
    known = {f.name for f in fields(Passage)}
    kw: dict[str, Any] = {k: v for k, v in d.items() if k in known}
    kw["published"] = date.fromisoformat(d["published"]) if d.get("published") else None
    kw["sentences"] = tuple(tuple(s) for s in d.get("sentences") or ())
    kw["sources"], kw["urls"] = tuple(d.get("sources") or ()), tuple(d.get("urls") or ())
    return Passage(**kw)


@dataclass(frozen=True)
class Citation:
    """A numbered citation: ``[n]`` in the answer text points at ``passage``.

    ``quote`` is the ``(start, end)`` of the supporting span inside ``passage.text``; an
    empty span ``(0, 0)`` quotes the article's headline (``passage.title``).
    """

    n: int
    passage: Passage
    quote: tuple[int, int]

    @property
    def headline(self) -> bool:
        """The citation quotes the article's headline, not a span of its text (the empty
        span ``(0, 0)``; an LLM's citation of a passage with no text has it too, and then
        quotes the title, which is all such a passage has)."""
        return self.quote == (0, 0)

    @property
    def quote_text(self) -> str:
        """The supporting span itself (the headline for an empty span)."""
        if self.headline:
            return self.passage.title
        return self.passage.text[self.quote[0]:self.quote[1]]

    def to_dict(self) -> dict[str, Any]:
        """The one citation shape that leaves ``qa`` (the CLI's ``--json``, the web API, ``/v1``).

        ``{"n", "article_id", "title", "url", "source", "published", "quote", "quote_span",
        "page"}``: ``quote`` is the supporting text; ``quote_span`` its ``[start, end]``
        character offsets in the *article's* text (``passage.start`` plus :attr:`quote`; for
        a :attr:`headline` citation ``quote`` is the title and the span is empty, at the
        passage's start);
        ``page`` is the page the passage starts on for a PDF, ``None`` for articles without
        pages; ``published`` is ``YYYY-MM-DD`` or
        ``None``.
        """
        p = self.passage
        return {"n": self.n, "article_id": p.article_id, "title": p.title, "url": p.url,
                "source": p.source, "published": p.published.isoformat() if p.published else None,
                "quote": self.quote_text,
                "quote_span": [p.start + self.quote[0], p.start + self.quote[1]], "page": p.page}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], passages: Sequence[Passage] = ()) -> Citation:
        """The citation of :meth:`to_dict`: its passage is the one of ``passages`` (the
        answer's) that holds the quote, else a passage of the quote alone."""
        start, end = (int(x) for x in d.get("quote_span") or (0, len(d.get("quote") or "")))
        headline = start == end and bool(d.get("quote")) and d.get("quote") == d.get("title")
        for p in passages:
            if p.article_id == d.get("article_id") and (
                    p.start == start if headline else p.start <= start and end <= p.end):
                return cls(int(d["n"]), p, (0, 0) if headline else (start - p.start, end - p.start))
        day = d.get("published")
        p = Passage(text="" if headline else d.get("quote") or "",
                    article_id=d.get("article_id") or "",
                    title=d.get("title") or "", url=d.get("url") or "",
                    source=d.get("source") or "", published=date.fromisoformat(day) if day
                    else None, start=start, end=end, page=d.get("page"))
        return cls(int(d["n"]), p, (0, len(p.text)))


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

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Answer:
        """The answer of :meth:`to_dict` (a saved turn's), its citations' passages included."""
        passages = tuple(passage_from_dict(p) for p in d.get("passages") or ())
        return cls(question=d.get("question") or "",
                   standalone_question=d.get("standalone_question") or d.get("question") or "",
                   text=d.get("text") or "", passages=passages,
                   citations=tuple(Citation.from_dict(c, passages)
                                   for c in d.get("citations") or ()),
                   abstained=bool(d.get("abstained")),
                   unsupported=tuple(d.get("unsupported") or ()),
                   warnings=tuple(d.get("warnings") or ()),
                   timings=dict(d.get("timings") or {}))


@dataclass(frozen=True)
class Turn:
    """One question and its answer inside a conversation (``at``: when it was answered)."""

    question: str
    answer: Answer
    at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"question": self.question, "asked": self.answer.standalone_question,
                "at": self.at.isoformat() if self.at else None, "answer": self.answer.to_dict()}


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


class TurnSaver(Protocol):
    """Where a :class:`Conversation` saves each turn (:class:`qa.history.CatalogSaver`)."""

    def save(self, conversation: Conversation, turn: Turn) -> None: ...


@dataclass
class Conversation:
    """A chat: the turns so far, and the desk that answers the next one.

    Use :meth:`qa.NewsDesk.chat` to start one (saved in the catalog, every turn as it is
    answered) or resume one by its ``id``.
    """

    desk: Asker | None = field(repr=False, default=None)
    turns: list[Turn] = field(default_factory=list)
    id: str = ""
    title: str = ""
    owner: str = ""
    created: datetime | None = None
    updated: datetime | None = None
    saver: TurnSaver | None = field(repr=False, default=None)

    def ask(self, question: str, **kwargs: Any) -> Answer:
        """Ask a follow-up: the question is rewritten from the earlier turns before retrieval.

        ``kwargs`` go to the desk's ``ask`` as they are (``k``, ``since``, ``until``,
        ``sources``, ``today``).
        """
        answer = self._desk().ask(question, history=list(self.turns), **kwargs)
        self._add(Turn(question, answer, datetime.now(UTC)))
        return answer

    def stream(self, question: str, **kwargs: Any) -> Iterator[str | Answer]:
        """Like :meth:`ask`, yielding text pieces and then the finished :class:`Answer`."""
        for piece in self._desk().stream(question, history=list(self.turns), **kwargs):
            if isinstance(piece, Answer):
                self._add(Turn(question, piece, datetime.now(UTC)))
            yield piece

    def _add(self, turn: Turn) -> None:
        self.turns.append(turn)
        if self.saver is not None:
            self.saver.save(self, turn)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict: the conversation and each turn's ``Answer.to_dict()``
        (citations in the one shape of :meth:`Citation.to_dict`)."""
        def iso(t: datetime | None) -> str | None:
            return t.isoformat() if t else None

        return {"id": self.id, "title": self.title, "owner": self.owner,
                "created": iso(self.created), "updated": iso(self.updated),
                "turns": [t.to_dict() for t in self.turns]}

    def to_markdown(self) -> str:
        """The conversation as Markdown: a heading per question, the answer with its ``[n]``
        markers, then its sources (title linked to its URL, outlet, date, the quoted sentence)."""
        stamp = self.created.strftime("%Y-%m-%d %H:%M UTC") if self.created else ""
        n = len(self.turns)
        lines = [f"# {self.title or 'Conversation'}", "",
                 f"Conversation `{self.id}`, {n} turn{'' if n == 1 else 's'}"
                 f"{', started ' + stamp if stamp else ''}.", ""]
        for i, turn in enumerate(self.turns, 1):
            lines += _turn_markdown(i, turn)
        return "\n".join(lines).rstrip() + "\n"

    def _desk(self) -> Asker:
        if self.desk is None:
            raise RuntimeError("this conversation has no desk: start one with NewsDesk.chat()")
        return self.desk


def _md(text: str) -> str:
    """``text`` safe inside a Markdown link's label."""
    return text.replace("[", "\\[").replace("]", "\\]").replace("\n", " ")


def _turn_markdown(i: int, turn: Turn) -> list[str]:
    a = turn.answer
    out = [f"## {i}. {turn.question.strip()}", ""]
    if a.standalone_question and a.standalone_question != turn.question:
        out += [f"*Understood as: {a.standalone_question}*", ""]
    out += [a.text.strip(), ""]
    out += [f"> Left out, no support in the sources: {s}" for s in a.unsupported]
    out += [f"> Note: {w}" for w in dict.fromkeys(a.warnings)]
    if a.unsupported or a.warnings:
        out.append("")
    if a.citations:
        out += ["**Sources**", ""]
        for c in a.citations:
            p = c.passage
            label = _md(p.title or p.article_id)
            where = ", ".join(x for x in (p.source, p.published.isoformat()
                                          if p.published else "") if x)
            head = f"[{label}]({p.url})" if p.url else label
            out.append(f"{c.n}. {head}{' — ' + where if where else ''}")
            quote = " ".join(c.quote_text.split())
            if quote:
                out.append(f"   > {quote}")
        out.append("")
    return out


@dataclass(frozen=True)
class Draft:
    """What an answerer produces before the desk wraps it into an :class:`Answer`."""

    text: str
    citations: tuple[Citation, ...] = ()
    abstained: bool = False
    unsupported: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    score: float = 0.0
