"""The realtimeqa-dev question set: ``questions.jsonl`` and ``articles.jsonl`` in a folder.

Each question becomes a case asked "as of" its date; the articles can be narrowed to those
published in a window of days before some question. The questions fall into two fixed halves
by id (:func:`half_of`): the ``tune`` half, which rules may be tuned on, and the ``held-back``
half, which the quality gate scores and nobody tunes on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from qa.eval.cases import EvalCase, EvalTurn, QuestionSetError, read_day, str_list

__all__ = ["HALVES", "RealtimeQA", "half_of", "load_realtimeqa"]

HALVES = ("tune", "held-back")
"""The two halves of a realtimeqa question set, by :func:`half_of`."""


def half_of(question_id: str) -> str:
    """The half a question belongs to, fixed by its id alone: ``"tune"`` when the first byte
    of the id's SHA-256 is even, else ``"held-back"`` (no random draw: the same id is always
    in the same half, whatever else the file holds)."""
    return HALVES[hashlib.sha256(question_id.encode("utf-8")).digest()[0] % 2]


@dataclass(frozen=True)
class RealtimeQA:
    """The realtimeqa question set as cases, and the article records to ingest for it."""

    cases: list[EvalCase]
    articles: list[dict[str, Any]]
    window_days: int | None = None

    def write_articles(self, path: str | Path) -> Path:
        """Write the selected article records as JSONL (the format ``ingest`` reads)."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        with p.open("w", encoding="utf-8") as f:
            for a in self.articles:
                f.write(json.dumps(a, ensure_ascii=False) + "\n")
        return p


def _jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, start=1):
            if line.strip():
                try:
                    yield lineno, json.loads(line)
                except ValueError as e:
                    raise QuestionSetError(f"{path.name}:{lineno}: invalid JSON ({e})") from None


def _read_questions(qp: Path, limit: int | None, half: str | None = None) -> list[EvalCase]:
    cases: list[EvalCase] = []
    for lineno, q in _jsonl(qp):
        if limit is not None and len(cases) >= limit:
            break
        where = f"{qp.name}:{lineno}"
        if not isinstance(q, dict) or not isinstance(q.get("question"), str):
            raise QuestionSetError(f"{where}: not a realtimeqa question (no \"question\")")
        case_id = str(q.get("id") or f"rtqa-{lineno}")
        if half is not None and half_of(case_id) != half:
            continue
        day = read_day(q.get("date"), where)
        answers = str_list(q.get("answers"), "answers", where)
        sources = tuple(u.split("#:~:text=")[0] for u in
                        str_list(q.get("gold_urls"), "gold_urls", where))
        turn = EvalTurn(q["question"].strip(), answers, sources, not answers and not sources,
                        day)
        cases.append(EvalCase(case_id, (turn,)))
    return cases


def _read_articles(ap: Path, days: list[date], window_days: int | None
                   ) -> list[dict[str, Any]]:
    articles: list[dict[str, Any]] = []
    for lineno, a in _jsonl(ap):
        if not isinstance(a, dict):
            raise QuestionSetError(f"{ap.name}:{lineno}: not an article object")
        if window_days is not None:
            try:
                pub = read_day(a.get("date"), f"{ap.name}:{lineno}")
            except QuestionSetError:
                pub = None
            if pub is None or not any(d - timedelta(days=window_days) <= pub <= d
                                      for d in days):
                continue
        articles.append(a)
    return articles


def load_realtimeqa(folder: str | Path, *, limit: int | None = None,
                    window_days: int | None = None, half: str | None = None) -> RealtimeQA:
    """Read a realtimeqa folder (``questions.jsonl`` and ``articles.jsonl``).

    Each question becomes a case: ``answers`` are its aliases, ``gold_urls`` (with
    ``#:~:text=`` fragments stripped) its sources, its ``date`` its ``as_of``.

    Args:
        folder: The folder holding both files.
        limit: Keep only the first ``limit`` questions (of the half, with ``half``).
        window_days: Keep only articles published in the ``window_days`` days up to and
            including some kept question's date (default: every article).
        half: ``"tune"`` or ``"held-back"``: only the questions of that half
            (:func:`half_of`; default: every question).

    Raises:
        QuestionSetError: a file is missing or malformed, or ``half`` is not a half.
    """
    if half is not None and half not in HALVES:
        raise QuestionSetError(f"half={half!r}: use one of {', '.join(HALVES)}")
    root = Path(folder)
    qp, ap = root / "questions.jsonl", root / "articles.jsonl"
    for p in (qp, ap):
        if not p.is_file():
            raise QuestionSetError(f"{p} not found: point the eval at a realtimeqa folder "
                                   "holding questions.jsonl and articles.jsonl")
    cases = _read_questions(qp, limit, half)
    days = [c.turns[0].as_of for c in cases if c.turns[0].as_of]
    return RealtimeQA(cases, _read_articles(ap, days, window_days), window_days)
