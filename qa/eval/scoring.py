"""Scoring one answer: :func:`score_answer` turns a question and its answer into a
:class:`CaseResult` (see :mod:`qa.eval.metrics` for what each field feeds)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from qa.citations import strip_markers
from qa.eval.cases import EvalTurn
from qa.eval.metrics import (
    MAX_ANSWER_WORDS,
    contains_answer,
    passage_supports,
    token_f1,
)
from qa.eval.sources import SourceMatcher
from qa.types import Answer, Citation
from vectorstore.types import Passage

__all__ = ["CaseResult", "score_answer"]


@dataclass
class CaseResult:
    """How one question (a single case, or one turn of a conversation) was answered.

    Fields that do not apply to the question are ``None`` (e.g. ``rank`` without sources,
    ``correct`` for an unanswerable question).
    """

    id: str
    case_id: str
    turn: int | None
    question: str
    standalone_question: str
    answers: tuple[str, ...]
    sources: tuple[str, ...]
    unanswerable: bool
    as_of: date | None
    answer_text: str
    abstained: bool
    words: int
    citations: list[dict[str, Any]]
    passages: list[dict[str, Any]]
    rank: int | None = None
    correct: bool | None = None
    f1: float | None = None
    citation_precision: float | None = None
    answer_retrieved: bool | None = None
    answer_cited: bool | None = None
    latency_ms: float = 0.0
    error: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True when anything about this question went wrong."""
        return bool(self.problems)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        d = dataclasses.asdict(self)
        d["answers"], d["sources"] = list(self.answers), list(self.sources)
        d["as_of"] = self.as_of.isoformat() if self.as_of else None
        d["latency_ms"] = round(self.latency_ms, 2)
        d["failed"] = self.failed
        return d


def _citation_dict(c: Citation, good: bool) -> dict[str, Any]:
    p = c.passage
    return {"n": c.n, "article_id": p.article_id, "title": p.title, "url": p.url,
            "published": p.published.isoformat() if p.published else None,
            "quote": c.quote_text, "supports": good}


def _passage_dict(p: Passage, gold: bool) -> dict[str, Any]:
    return {"article_id": p.article_id, "title": p.title, "url": p.url,
            "score": round(p.score, 4), "gold": gold}


def _score_answers(r: CaseResult, turn: EvalTurn, answer: Answer, clean: str) -> None:
    """Accuracy, F1 and citation recall of an answerable question with gold answers."""
    hit = contains_answer(clean, turn.answers)
    r.correct = (not answer.abstained) and r.words <= MAX_ANSWER_WORDS and hit
    r.f1 = 0.0 if answer.abstained else token_f1(clean, turn.answers)
    r.answer_retrieved = any(passage_supports(p.text, turn.answers) for p in answer.passages)
    if r.answer_retrieved:
        r.answer_cited = any(passage_supports(_quoted_text(c), turn.answers)
                             for c in answer.citations)
    if answer.abstained:
        r.problems.append("abstained on an answerable question")
    elif not hit:
        r.problems.append("gold answer not in the answer")
    elif r.words > MAX_ANSWER_WORDS:
        r.problems.append(f"answer too long ({r.words} words > {MAX_ANSWER_WORDS})")
    if r.answer_cited is False:
        r.problems.append("no citation holds the answer (a retrieved passage does)")


def _quoted_text(c: Citation) -> str:
    """What a citation can support an answer with: its passage, and the headline it quotes."""
    return f"{c.passage.title}\n{c.passage.text}" if c.headline else c.passage.text


def score_answer(turn: EvalTurn, answer: Answer, *, matcher: SourceMatcher | None = None,
                 k: int = 5, latency_ms: float = 0.0, case_id: str = "",
                 turn_index: int | None = None, error: str = "") -> CaseResult:
    """Score one answer against its question's gold answers and sources.

    Args:
        turn: The question and what counts as right.
        answer: What the desk answered.
        matcher: Source matching (default: from the passages alone).
        k: Cut-off for hit@k.
        latency_ms: How long the answer took.
        case_id: The case's id; ``turn_index`` (0-based) for conversation turns.
        error: Set when asking failed; the answer is then an empty stand-in.
    """
    m = matcher or SourceMatcher()
    clean = strip_markers(answer.text, tidy=False)
    answerable = not turn.unanswerable
    gold_flags = [bool(turn.sources) and m.matches(p, turn.sources) for p in answer.passages]
    good_cites = [(answerable and passage_supports(_quoted_text(c), turn.answers))
                  or (answerable and bool(turn.sources) and m.matches(c.passage, turn.sources))
                  for c in answer.citations]
    r = CaseResult(
        id=case_id if turn_index is None else f"{case_id}#{turn_index + 1}",
        case_id=case_id, turn=None if turn_index is None else turn_index + 1,
        question=turn.question, standalone_question=answer.standalone_question,
        answers=turn.answers, sources=turn.sources, unanswerable=turn.unanswerable,
        as_of=turn.as_of, answer_text=answer.text, abstained=answer.abstained,
        words=len(clean.split()),
        citations=[_citation_dict(c, g) for c, g in zip(answer.citations, good_cites, strict=True)],
        passages=[_passage_dict(p, g) for p, g in zip(answer.passages, gold_flags, strict=True)],
        latency_ms=latency_ms, error=error)
    if error:
        r.problems.append(f"error: {error}")
    if answerable and turn.sources:
        r.rank = next((i + 1 for i, g in enumerate(gold_flags) if g), 0)
        if r.rank == 0 or r.rank > k:
            r.problems.append(f"no gold source in the top {k}")
    if answerable and turn.answers:
        _score_answers(r, turn, answer, clean)
    if answerable and answer.citations:
        r.citation_precision = sum(good_cites) / len(good_cites)
        if r.citation_precision < 1:
            r.problems.append(f"{len(good_cites) - sum(good_cites)} of {len(good_cites)} "
                              "citations do not support the answer")
    if turn.unanswerable and not answer.abstained:
        r.problems.append("answered an unanswerable question")
    return r
