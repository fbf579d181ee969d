"""Question sets: the newsdesk JSONL format (documented in ``corpus/README.md``).

A case is one question, or a conversation of several turns; :func:`load_cases` reads a
file, :func:`parse_cases` already-parsed records.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from vectorstore.errors import LoadError
from vectorstore.text.dates import iso_day

__all__ = ["EvalCase", "EvalTurn", "QuestionSetError", "load_cases", "parse_cases",
           "read_day", "str_list"]


class QuestionSetError(LoadError):
    """A question set (or the realtimeqa folder) cannot be read."""


@dataclass(frozen=True)
class EvalTurn:
    """One question to ask, with what counts as right.

    Attributes:
        question: The question as a user would type it.
        answers: Acceptable short answers (aliases); empty for unanswerable questions.
        sources: Gold articles: ids, URLs or file names (see
            :class:`qa.eval.sources.SourceMatcher`).
        unanswerable: True when the articles do not answer it (the desk should abstain).
        as_of: Passed to ``ask`` as ``until``: only articles published on or before it.
    """

    question: str
    answers: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    unanswerable: bool = False
    as_of: date | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"question": self.question, "answers": list(self.answers),
                "sources": list(self.sources), "unanswerable": self.unanswerable,
                "as_of": self.as_of.isoformat() if self.as_of else None}


@dataclass(frozen=True)
class EvalCase:
    """A question-set record: one question, or a conversation of several turns.

    Later turns of a conversation are follow-ups, asked through ``desk.chat()``.
    """

    id: str
    turns: tuple[EvalTurn, ...]
    conversation: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict in the question-set format."""
        if not self.conversation:
            return {"id": self.id, **self.turns[0].to_dict()}
        return {"id": self.id, "turns": [t.to_dict() for t in self.turns]}


def str_list(value: Any, name: str, where: str) -> tuple[str, ...]:
    """A string or list of strings as a tuple of stripped, non-empty strings.

    Raises:
        QuestionSetError: ``value`` is something else; ``where`` and ``name`` say where.
    """
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise QuestionSetError(f"{where}: {name!r} must be a list of strings, e.g. "
                               f"[\"September 9\", \"Sept. 9\"]")
    return tuple(v.strip() for v in value if v.strip())


def read_day(value: Any, where: str) -> date | None:
    """A question-set date (``YYYY-MM-DD`` or ``YYYY/MM/DD``); ``None`` when absent.

    Raises:
        QuestionSetError: ``value`` is not such a date.
    """
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return iso_day(value)
    except ValueError:
        raise QuestionSetError(f"{where}: as_of={value!r} is not a date: use YYYY-MM-DD, "
                               "e.g. \"2019-09-30\"") from None


def _turn(rec: Mapping[str, Any], where: str, as_of: date | None) -> EvalTurn:
    q = rec.get("question")
    if not isinstance(q, str) or not q.strip():
        raise QuestionSetError(f"{where}: no \"question\" text: give each case a question "
                               "(or a \"turns\" list for a conversation)")
    answers = str_list(rec.get("answers"), "answers", where)
    sources = str_list(rec.get("sources"), "sources", where)
    unans = rec.get("unanswerable", False)
    if not isinstance(unans, bool):
        raise QuestionSetError(f"{where}: \"unanswerable\" must be true or false")
    if unans and answers:
        raise QuestionSetError(f"{where}: an unanswerable question has answers: set "
                               "\"answers\": [] or \"unanswerable\": false")
    if not unans and not answers and not sources:
        raise QuestionSetError(f"{where}: nothing to score: give \"answers\" (aliases), "
                               "\"sources\", or \"unanswerable\": true")
    own = read_day(rec.get("as_of"), where)
    return EvalTurn(q.strip(), answers, sources, unans, own or as_of)


def _conversation(cid: str, turns_raw: Any, label: str, as_of: date | None) -> EvalCase:
    if not isinstance(turns_raw, list) or not turns_raw:
        raise QuestionSetError(f"{label}: \"turns\" must be a non-empty list of "
                               "{\"question\", \"answers\", ...} objects")
    turns = []
    for i, t in enumerate(turns_raw, start=1):
        if not isinstance(t, Mapping):
            raise QuestionSetError(f"{label} turn {i}: not a JSON object")
        turns.append(_turn(t, f"{label} turn {i}", as_of))
    return EvalCase(cid, tuple(turns), conversation=True)


def parse_cases(records: Iterable[Mapping[str, Any]], where: str = "cases") -> list[EvalCase]:
    """Turn question-set records (parsed JSON objects) into :class:`EvalCase` objects.

    Raises:
        QuestionSetError: a record is malformed; the message names it and the fix.
    """
    out: list[EvalCase] = []
    seen: set[str] = set()
    for n, rec in enumerate(records, start=1):
        label = f"{where}: case {n}"
        if not isinstance(rec, Mapping):
            raise QuestionSetError(f"{label}: not a JSON object: write one case per line")
        cid = str(rec.get("id") or f"case-{n}")
        label = f"{where}: case {cid!r}"
        if cid in seen:
            raise QuestionSetError(f"{label}: the id is used twice: give each case its own id")
        seen.add(cid)
        as_of = read_day(rec.get("as_of"), label)
        turns_raw = rec.get("turns")
        if turns_raw is not None:
            out.append(_conversation(cid, turns_raw, label, as_of))
        else:
            out.append(EvalCase(cid, (_turn(rec, label, as_of),)))
    return out


def load_cases(path: str | Path) -> list[EvalCase]:
    """Read a question set: JSONL, one case per line (blank lines ignored).

    Raises:
        QuestionSetError: missing file, invalid JSON or a malformed case.
    """
    p = Path(path)
    if not p.is_file():
        raise QuestionSetError(f"question set {p} not found: check the path "
                               "(for the realtimeqa folder add --format realtimeqa)")
    records: list[Any] = []
    for lineno, line in enumerate(p.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except ValueError as e:
            raise QuestionSetError(f"{p.name}:{lineno}: invalid JSON ({e}): write one JSON "
                                   "object per line") from None
    if not records:
        raise QuestionSetError(f"{p} holds no cases: write one JSON object per line")
    return parse_cases(records, p.name)
