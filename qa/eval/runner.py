"""Running an evaluation: :func:`evaluate` asks every question on a desk and scores it."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from qa.eval.cases import EvalCase, QuestionSetError, parse_cases
from qa.eval.results import EvalReport
from qa.eval.scoring import CaseResult, score_answer
from qa.eval.sources import SourceMatcher
from qa.types import Answer, Conversation
from vectorstore.errors import NewsdeskError, StoreUnavailable
from vectorstore.ingest import Progress

__all__ = ["Progress", "evaluate"]


def _parsed(cases: Sequence[EvalCase | Mapping[str, Any]]) -> list[EvalCase]:
    parsed = [c for c in cases if isinstance(c, EvalCase)]
    if len(parsed) != len(cases):
        if parsed:
            raise QuestionSetError("evaluate() takes EvalCase objects or question-set records "
                                   "(dicts), not a mix: parse them with parse_cases()")
        parsed = parse_cases(cases)  # type: ignore[arg-type]  # it names any non-record
    return parsed


def _ask_case(desk: Any, case: EvalCase, k: int, matcher: SourceMatcher,
              today: date | None = None, as_of: bool = True) -> Iterator[CaseResult]:
    """Ask each turn of ``case`` (as of its date unless ``as_of`` is false) and yield its
    scored result."""
    conv = Conversation(desk=desk) if case.conversation else None  # not saved
    extra = {"today": today} if today is not None else {}
    for i, turn in enumerate(case.turns):
        t0 = time.perf_counter()
        error = ""
        until = turn.as_of if as_of else None
        try:
            if conv is not None:
                answer = conv.ask(turn.question, k=k, until=until, **extra)
            else:
                answer = desk.ask(turn.question, k=k, until=until, **extra)
        except StoreUnavailable:
            raise
        except NewsdeskError as e:
            error = str(e)
            answer = Answer(question=turn.question, standalone_question=turn.question, text="")
        ms = (time.perf_counter() - t0) * 1000
        yield score_answer(turn, answer, matcher=matcher, k=k, latency_ms=ms, case_id=case.id,
                           turn_index=i if case.conversation else None, error=error)


def evaluate(desk: Any, cases: Sequence[EvalCase | Mapping[str, Any]], *, k: int = 5,
             progress: Progress | None = None, meta: Mapping[str, Any] | None = None,
             today: date | None = None, as_of: bool = True) -> EvalReport:
    """Ask every question of ``cases`` on ``desk`` and score the answers.

    Single questions go through ``desk.ask``; conversation turns through one
    ``desk.chat()`` per case, so follow-ups see the earlier turns. ``as_of`` is passed as
    ``until``; ``today`` (when given) as ``today``, the day relative dates in a question
    without ``as_of`` are read against, so that a run does not depend on the day it is made
    on. With ``as_of=False`` every question is asked with no date at all (no ``until``), as a
    user asks: the questions' dates are not used. A question that raises a
    :class:`NewsdeskError` is recorded as a failure (an unreachable store stops the run).

    Args:
        desk: A :class:`qa.NewsDesk` holding the articles.
        cases: From :func:`qa.eval.load_cases`, :func:`qa.eval.parse_cases` or
            :func:`qa.eval.load_realtimeqa`, or question-set records (dicts as in the JSONL
            file), parsed here.
        k: Passages retrieved per question, and the hit@k cut-off.
        progress: Called as ``progress(done, total, question)`` after each question.
        meta: Extra facts recorded in :attr:`EvalReport.meta`.
        today: The reference day for relative dates (default: the real today).
        as_of: Pass each question's ``as_of`` as ``until`` (``False``: ask with no date).
    """
    parsed = _parsed(cases)
    matcher = SourceMatcher.from_desk(desk)
    total = sum(len(c.turns) for c in parsed)
    results: list[CaseResult] = []
    t_start = time.perf_counter()
    for case in parsed:
        for result in _ask_case(desk, case, k, matcher, today, as_of):
            results.append(result)
            if progress:
                progress(len(results), total, result.question)
    info = {"seconds": round(time.perf_counter() - t_start, 2), **(meta or {})}
    if today is not None:
        info.setdefault("today", today.isoformat())
    if not as_of:
        info.setdefault("as_of", False)
    with contextlib.suppress(Exception):
        info.setdefault("llm", desk.settings.llm)
        info.setdefault("answerer", type(desk.answerer).__name__)
        info.setdefault("embed_model", desk.settings.embed_model)
    return EvalReport(results, k=k, meta=info)
