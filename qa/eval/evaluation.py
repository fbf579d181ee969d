"""Evaluation: score a :class:`qa.NewsDesk` against a question set.

``evaluate(desk, cases)`` asks every question (follow-ups through ``desk.chat()``) and
returns an :class:`EvalReport`: retrieval hit@1/hit@k/MRR, answer accuracy and token F1,
citation precision/recall, abstention precision/recall, and latency. ``run_cli`` is the
``newsdesk eval`` command. The question-set format is documented in ``corpus/README.md``.

Metric definitions (each is computed only over the questions it applies to; a conversation
turn counts as one question):

* **hit@1 / hit@k / MRR**: over answerable questions with ``sources``. The rank is the
  1-based position of the first passage in ``Answer.passages`` (rank order) whose article
  matches a gold source (:class:`SourceMatcher`); hit@1 is rank 1, hit@k rank <= k, MRR the
  mean of 1/rank (0 when no retrieved passage matches).
* **accuracy**: over answerable questions with ``answers``: the answer did not abstain, has
  at most :data:`MAX_ANSWER_WORDS` words once ``[n]`` markers are stripped, and contains a
  gold alias (both SQuAD-normalised; the alias must match whole tokens).
* **f1**: over the same questions: SQuAD token F1 between the marker-stripped answer and
  each alias, best alias kept; an abstention scores 0.
* **citation_precision**: over answerable questions whose answer has citations: the share
  of its cited passages that contain a normalised gold alias or belong to a gold-source
  article, averaged over questions.
* **citation_recall**: over answerable questions with ``answers`` where some retrieved
  passage contains a normalised gold alias: the share whose citations include at least one
  passage containing a gold alias.
* **abstention_precision**: over answers that abstained (``Answer.abstained``): the share
  given to unanswerable questions. **abstention_recall**: over unanswerable questions: the
  share that abstained.
* **latency_p50_ms / latency_p95_ms**: wall-clock milliseconds per question; reported,
  never gated.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import json
import re
import string
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from qa.types import Answer, Citation
from vectorstore.errors import ConfigError, LoadError, NewsdeskError, StoreUnavailable
from vectorstore.types import Passage

__all__ = [
    "GATED_METRICS", "MAX_ANSWER_WORDS", "METRICS", "CaseResult", "EvalCase", "EvalReport",
    "EvalTurn", "QuestionSetError", "RealtimeQA", "SourceMatcher", "contains_answer",
    "evaluate", "load_cases", "load_realtimeqa", "normalize_answer", "normalize_url",
    "parse_cases", "run_cli", "score_answer", "strip_markers", "token_f1",
]

MAX_ANSWER_WORDS = 60

GATED_METRICS = ("hit_at_1", "hit_at_k", "mrr", "accuracy", "f1", "citation_precision",
                 "citation_recall", "abstention_precision", "abstention_recall")
"""Quality metrics, in report order; each has a ``--min-...`` threshold in ``newsdesk eval``."""

METRICS = (*GATED_METRICS, "latency_p50_ms", "latency_p95_ms")
"""Every metric in :attr:`EvalReport.metrics`."""

LABELS = {
    "hit_at_1": "hit@1", "hit_at_k": "hit@k", "mrr": "MRR", "accuracy": "accuracy",
    "f1": "token F1", "citation_precision": "citation precision",
    "citation_recall": "citation recall", "abstention_precision": "abstention precision",
    "abstention_recall": "abstention recall", "latency_p50_ms": "latency p50",
    "latency_p95_ms": "latency p95",
}


class QuestionSetError(LoadError):
    """A question set (or the realtimeqa folder) cannot be read."""


# --------------------------------------------------------------------------- the cases


@dataclass(frozen=True)
class EvalTurn:
    """One question to ask, with what counts as right.

    Attributes:
        question: The question as a user would type it.
        answers: Acceptable short answers (aliases); empty for unanswerable questions.
        sources: Gold articles: ids, URLs or file names (see :class:`SourceMatcher`).
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


def _str_list(value: Any, name: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise QuestionSetError(f"{where}: {name!r} must be a list of strings, e.g. "
                               f"[\"September 9\", \"Sept. 9\"]")
    return tuple(v.strip() for v in value if v.strip())


def _day(value: Any, where: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip().replace("/", "-")[:10])
    except ValueError:
        raise QuestionSetError(f"{where}: as_of={value!r} is not a date: use YYYY-MM-DD, "
                               "e.g. \"2019-09-30\"") from None


def _turn(rec: Mapping[str, Any], where: str, as_of: date | None) -> EvalTurn:
    q = rec.get("question")
    if not isinstance(q, str) or not q.strip():
        raise QuestionSetError(f"{where}: no \"question\" text: give each case a question "
                               "(or a \"turns\" list for a conversation)")
    answers = _str_list(rec.get("answers"), "answers", where)
    sources = _str_list(rec.get("sources"), "sources", where)
    unans = rec.get("unanswerable", False)
    if not isinstance(unans, bool):
        raise QuestionSetError(f"{where}: \"unanswerable\" must be true or false")
    if unans and answers:
        raise QuestionSetError(f"{where}: an unanswerable question has answers: set "
                               "\"answers\": [] or \"unanswerable\": false")
    if not unans and not answers and not sources:
        raise QuestionSetError(f"{where}: nothing to score: give \"answers\" (aliases), "
                               "\"sources\", or \"unanswerable\": true")
    own = _day(rec.get("as_of"), where)
    return EvalTurn(q.strip(), answers, sources, unans, own or as_of)


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
        as_of = _day(rec.get("as_of"), label)
        turns_raw = rec.get("turns")
        if turns_raw is not None:
            if not isinstance(turns_raw, list) or not turns_raw:
                raise QuestionSetError(f"{label}: \"turns\" must be a non-empty list of "
                                       "{\"question\", \"answers\", ...} objects")
            turns = []
            for i, t in enumerate(turns_raw, start=1):
                if not isinstance(t, Mapping):
                    raise QuestionSetError(f"{label} turn {i}: not a JSON object")
                turns.append(_turn(t, f"{label} turn {i}", as_of))
            out.append(EvalCase(cid, tuple(turns), conversation=True))
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


# --------------------------------------------------------------------------- text scoring

_MARKER = re.compile(r"\s*\[\d+(?:\s*[,;–-]\s*\d+)*\]")
_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = frozenset(string.punctuation)


def strip_markers(text: str) -> str:
    """Remove ``[n]`` citation markers (also ``[1, 2]`` and ``[1-3]``) from an answer."""
    return " ".join(_MARKER.sub("", text).split())


def normalize_answer(text: str) -> str:
    """SQuAD normalisation: lower case, drop punctuation and a/an/the, collapse whitespace.

    Unicode punctuation (curly quotes, dashes) is dropped too.
    """
    t = unicodedata.normalize("NFKC", text).lower()
    t = "".join(ch for ch in t if ch not in _PUNCT and not unicodedata.category(ch).startswith("P"))
    t = _ARTICLES.sub(" ", t)
    return " ".join(t.split())


def contains_answer(text: str, aliases: Iterable[str]) -> bool:
    """True when a normalised alias occurs in normalised ``text`` as whole tokens."""
    hay = f" {normalize_answer(text)} "
    for a in aliases:
        na = normalize_answer(a)
        if na and f" {na} " in hay:
            return True
    return False


def token_f1(prediction: str, aliases: Iterable[str]) -> float:
    """SQuAD token F1 of ``prediction`` against each alias; the best one."""
    pred = normalize_answer(prediction).split()
    best = 0.0
    for a in aliases:
        gold = normalize_answer(a).split()
        if not pred or not gold:
            best = max(best, float(pred == gold))
            continue
        same = sum((Counter(pred) & Counter(gold)).values())
        if same == 0:
            continue
        p, r = same / len(pred), same / len(gold)
        best = max(best, 2 * p * r / (p + r))
    return best


# --------------------------------------------------------------------------- sources


def normalize_url(url: str) -> str:
    """A comparable form of a URL: no fragment (``#:~:text=...``), no trailing
    ``/index.html`` or ``/``, lower-case scheme and host."""
    u = url.strip()
    parts = urlsplit(u)
    path = parts.path
    for tail in ("/index.html", "/index.htm"):
        if path.lower().endswith(tail):
            path = path[: -len(tail)]
    path = path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def _is_url(s: str) -> bool:
    return s.startswith(("http://", "https://"))


def _key(s: str) -> str:
    s = s.strip()
    return normalize_url(s) if _is_url(s) else s


def _file_keys(path: str) -> set[str]:
    if not path:
        return set()
    p = PurePath(path)
    keys = {path, p.name}
    if p.parent.name:
        keys.add(f"{p.parent.name}/{p.name}")
    return keys


def _id_keys(article_id: str) -> set[str]:
    keys = {_key(article_id)} if article_id else set()
    if article_id.startswith("file:"):
        keys |= _file_keys(article_id[len("file:"):])
    return keys


class SourceMatcher:
    """Decides whether a retrieved passage belongs to a gold source.

    A gold source matches an article by its id, its URL (fragments, ``/index.html`` and a
    trailing ``/`` ignored), its file name (the basename of ``ArticleRecord.path`` or the
    tail of a ``file:`` id, with or without the parent folder), or any of these for a
    duplicate copy recorded for it (``ArticleRecord.copies``, ``Passage.urls``).

    Args:
        records: The store's article records (``desk.articles()``), for file paths and
            copies; without them only what the passage itself carries is used.
    """

    def __init__(self, records: Iterable[Any] = ()) -> None:
        self._keys: dict[str, set[str]] = {}
        for r in records:
            keys = _id_keys(r.id) | _file_keys(getattr(r, "path", "") or "")
            if getattr(r, "url", ""):
                keys.add(normalize_url(r.url))
            for c in getattr(r, "copies", ()) or ():
                keys |= _id_keys(str(c.get("id") or ""))
                keys |= _file_keys(str(c.get("path") or ""))
                if c.get("url"):
                    keys.add(normalize_url(str(c["url"])))
            self._keys[r.id] = keys

    @classmethod
    def from_desk(cls, desk: Any) -> SourceMatcher:
        """A matcher over every article (and its copies) in ``desk``'s store."""
        return cls(desk.articles())

    def keys(self, passage: Passage) -> set[str]:
        """Every name the passage's article goes by."""
        keys = set(self._keys.get(passage.article_id, ())) | _id_keys(passage.article_id)
        keys |= {normalize_url(u) for u in (passage.url, *passage.urls) if u}
        return keys

    def matches(self, passage: Passage, sources: Iterable[str]) -> bool:
        """True when ``passage`` comes from one of ``sources``."""
        gold = {_key(s) for s in sources if s.strip()}
        return bool(gold and gold & self.keys(passage))


# --------------------------------------------------------------------------- one question


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
    clean = strip_markers(answer.text)
    answerable = not turn.unanswerable
    gold_flags = [bool(turn.sources) and m.matches(p, turn.sources) for p in answer.passages]
    good_cites = [(answerable and contains_answer(c.passage.text, turn.answers))
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
        hit = contains_answer(clean, turn.answers)
        r.correct = (not answer.abstained) and r.words <= MAX_ANSWER_WORDS and hit
        r.f1 = 0.0 if answer.abstained else token_f1(clean, turn.answers)
        r.answer_retrieved = any(contains_answer(p.text, turn.answers) for p in answer.passages)
        if r.answer_retrieved:
            r.answer_cited = any(contains_answer(c.passage.text, turn.answers)
                                 for c in answer.citations)
        if answer.abstained:
            r.problems.append("abstained on an answerable question")
        elif not hit:
            r.problems.append("gold answer not in the answer")
        elif r.words > MAX_ANSWER_WORDS:
            r.problems.append(f"answer too long ({r.words} words > {MAX_ANSWER_WORDS})")
        if r.answer_cited is False:
            r.problems.append("no citation holds the answer (a retrieved passage does)")
    if answerable and answer.citations:
        r.citation_precision = sum(good_cites) / len(good_cites)
        if r.citation_precision < 1:
            r.problems.append(f"{len(good_cites) - sum(good_cites)} of {len(good_cites)} "
                              "citations do not support the answer")
    if turn.unanswerable and not answer.abstained:
        r.problems.append("answered an unanswerable question")
    return r


# --------------------------------------------------------------------------- the report


def _mean(xs: Sequence[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100) with linear interpolation; ``None`` when empty."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def compute_metrics(results: Sequence[CaseResult], k: int = 5
                    ) -> tuple[dict[str, float | None], dict[str, int]]:
    """Aggregate per-question results into metrics and the number of questions behind each.

    A metric with no question it applies to is ``None``.
    """
    ret = [r for r in results if r.rank is not None]
    ans = [r for r in results if r.correct is not None]
    cp = [r for r in results if r.citation_precision is not None]
    cr = [r for r in results if r.answer_cited is not None]
    abst = [r for r in results if r.abstained]
    unans = [r for r in results if r.unanswerable]
    lat = [r.latency_ms for r in results]
    metrics: dict[str, float | None] = {
        "hit_at_1": _mean([float(r.rank == 1) for r in ret]),
        "hit_at_k": _mean([float(0 < (r.rank or 0) <= k) for r in ret]),
        "mrr": _mean([1.0 / r.rank if r.rank else 0.0 for r in ret]),
        "accuracy": _mean([float(bool(r.correct)) for r in ans]),
        "f1": _mean([r.f1 or 0.0 for r in ans]),
        "citation_precision": _mean([r.citation_precision or 0.0 for r in cp]),
        "citation_recall": _mean([float(bool(r.answer_cited)) for r in cr]),
        "abstention_precision": _mean([float(r.unanswerable) for r in abst]),
        "abstention_recall": _mean([float(r.abstained) for r in unans]),
        "latency_p50_ms": percentile(lat, 50),
        "latency_p95_ms": percentile(lat, 95),
    }
    support = {"hit_at_1": len(ret), "hit_at_k": len(ret), "mrr": len(ret),
               "accuracy": len(ans), "f1": len(ans), "citation_precision": len(cp),
               "citation_recall": len(cr), "abstention_precision": len(abst),
               "abstention_recall": len(unans), "latency_p50_ms": len(lat),
               "latency_p95_ms": len(lat)}
    return metrics, support


@dataclass
class EvalReport:
    """The outcome of :func:`evaluate`.

    Attributes:
        cases: One :class:`CaseResult` per question asked (conversation turns included).
        k: The hit@k cut-off (passages retrieved per question).
        meta: Where the questions and articles came from, the answerer, the run time.
        metrics: Metric name → value (``None`` where no question applies); see the module
            docstring for the definitions.
        support: Metric name → how many questions it was computed over.
    """

    cases: list[CaseResult]
    k: int = 5
    meta: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, float | None] = field(init=False)
    support: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.metrics, self.support = compute_metrics(self.cases, self.k)

    def failures(self) -> list[CaseResult]:
        """The questions where something went wrong, in question-set order."""
        return [r for r in self.cases if r.failed]

    def check(self, thresholds: Mapping[str, float | None]) -> list[str]:
        """Return one line per metric below its threshold (``None`` thresholds are ignored).

        A metric that applies to no question fails any threshold set for it.
        """
        out = []
        for name, lo in thresholds.items():
            if lo is None:
                continue
            if name not in self.metrics:
                raise ConfigError(f"unknown metric {name!r}: use one of {', '.join(METRICS)}")
            v = self.metrics[name]
            flag = "--min-" + name.replace("_", "-")
            if v is None:
                out.append(f"{name} could not be measured (no question it applies to) "
                           f"but {flag} {lo:g} is set")
            elif v < lo:
                out.append(f"{name} {v:.3f} is below {flag} {lo:g}")
        return out

    def counts(self) -> dict[str, int]:
        """How many cases, questions, answerable and unanswerable questions, failures."""
        return {"cases": len({r.case_id for r in self.cases}), "questions": len(self.cases),
                "answerable": sum(not r.unanswerable for r in self.cases),
                "unanswerable": sum(r.unanswerable for r in self.cases),
                "conversation_turns": sum(r.turn is not None for r in self.cases),
                "failures": len(self.failures())}

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict: metrics, support, counts, meta and every case."""
        return {"metrics": {k: (round(v, 4) if v is not None else None)
                            for k, v in self.metrics.items()},
                "support": dict(self.support), "counts": self.counts(), "k": self.k,
                "meta": dict(self.meta), "cases": [r.to_dict() for r in self.cases],
                "failures": [r.id for r in self.failures()]}

    def metrics_table(self) -> str:
        """The metrics as a plain-text table."""
        lines = [f"{'metric':22} {'value':>9}  over"]
        for name in METRICS:
            v, n = self.metrics[name], self.support[name]
            label = LABELS[name].replace("@k", f"@{self.k}")
            if v is None:
                val = "n/a"
            elif name.startswith("latency"):
                val = f"{v:.0f} ms"
            else:
                val = f"{v:.3f}"
            lines.append(f"{label:22} {val:>9}  {n} questions")
        return "\n".join(lines)

    def failures_table(self, width: int = 60) -> str:
        """The failing questions as a plain-text table (question and answer shortened)."""
        fails = self.failures()
        if not fails:
            return f"no failures ({len(self.cases)} questions)"
        lines = [f"failures: {len(fails)} of {len(self.cases)} questions",
                 f"{'id':14} {'problem':44} question  →  answer"]
        for r in fails:
            ans = _short(strip_markers(r.answer_text), width)
            lines.append(f"{_short(r.id, 14):14} {_short('; '.join(r.problems), 44):44} "
                         f"{_short(r.question, width)}  →  {ans}")
        return "\n".join(lines)


def _short(s: str, n: int) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


# --------------------------------------------------------------------------- running


Progress = Callable[[int, int, str], None]


def evaluate(desk: Any, cases: Sequence[EvalCase | Mapping[str, Any]], *, k: int = 5,
             progress: Progress | None = None, meta: Mapping[str, Any] | None = None
             ) -> EvalReport:
    """Ask every question of ``cases`` on ``desk`` and score the answers.

    Single questions go through ``desk.ask``; conversation turns through one
    ``desk.chat()`` per case, so follow-ups see the earlier turns. ``as_of`` is passed as
    ``until``. A question that raises a :class:`NewsdeskError` is recorded as a failure
    (an unreachable store stops the run).

    Args:
        desk: A :class:`qa.NewsDesk` holding the articles.
        cases: From :func:`load_cases`, :func:`parse_cases` or :func:`load_realtimeqa`, or
            question-set records (dicts as in the JSONL file), parsed here.
        k: Passages retrieved per question, and the hit@k cut-off.
        progress: Called as ``progress(done, total, question)`` after each question.
        meta: Extra facts recorded in :attr:`EvalReport.meta`.
    """
    parsed = [c for c in cases if isinstance(c, EvalCase)]
    if len(parsed) != len(cases):
        if parsed:
            raise QuestionSetError("evaluate() takes EvalCase objects or question-set records "
                                   "(dicts), not a mix: parse them with parse_cases()")
        parsed = parse_cases(cases)  # type: ignore[arg-type]  # it names any non-record
    matcher = SourceMatcher.from_desk(desk)
    total = sum(len(c.turns) for c in parsed)
    results: list[CaseResult] = []
    t_start = time.perf_counter()
    for case in parsed:
        conv = desk.chat() if case.conversation else None
        for i, turn in enumerate(case.turns):
            t0 = time.perf_counter()
            error = ""
            try:
                if conv is not None:
                    answer = conv.ask(turn.question, k=k, until=turn.as_of)
                else:
                    answer = desk.ask(turn.question, k=k, until=turn.as_of)
            except StoreUnavailable:
                raise
            except NewsdeskError as e:
                error = str(e)
                answer = Answer(question=turn.question, standalone_question=turn.question,
                                text="")
            ms = (time.perf_counter() - t0) * 1000
            results.append(score_answer(turn, answer, matcher=matcher, k=k, latency_ms=ms,
                                        case_id=case.id,
                                        turn_index=i if case.conversation else None,
                                        error=error))
            if progress:
                progress(len(results), total, turn.question)
    info = {"seconds": round(time.perf_counter() - t_start, 2), **(meta or {})}
    with contextlib.suppress(Exception):
        info.setdefault("llm", desk.settings.llm)
        info.setdefault("answerer", type(desk.answerer).__name__)
        info.setdefault("embed_model", desk.settings.embed_model)
    return EvalReport(results, k=k, meta=info)


# --------------------------------------------------------------------------- realtimeqa


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


def load_realtimeqa(folder: str | Path, *, limit: int | None = None,
                    window_days: int | None = None) -> RealtimeQA:
    """Read a realtimeqa folder (``questions.jsonl`` and ``articles.jsonl``).

    Each question becomes a case: ``answers`` are its aliases, ``gold_urls`` (with
    ``#:~:text=`` fragments stripped) its sources, its ``date`` its ``as_of``.

    Args:
        folder: The folder holding both files.
        limit: Keep only the first ``limit`` questions.
        window_days: Keep only articles published in the ``window_days`` days up to and
            including some kept question's date (default: every article).

    Raises:
        QuestionSetError: a file is missing or malformed.
    """
    root = Path(folder)
    qp, ap = root / "questions.jsonl", root / "articles.jsonl"
    for p in (qp, ap):
        if not p.is_file():
            raise QuestionSetError(f"{p} not found: point the eval at a realtimeqa folder "
                                   "holding questions.jsonl and articles.jsonl")
    cases: list[EvalCase] = []
    days: list[date] = []
    for lineno, q in _jsonl(qp):
        if limit is not None and len(cases) >= limit:
            break
        where = f"{qp.name}:{lineno}"
        if not isinstance(q, dict) or not isinstance(q.get("question"), str):
            raise QuestionSetError(f"{where}: not a realtimeqa question (no \"question\")")
        day = _day(q.get("date"), where)
        answers = _str_list(q.get("answers"), "answers", where)
        sources = tuple(u.split("#:~:text=")[0] for u in
                        _str_list(q.get("gold_urls"), "gold_urls", where))
        turn = EvalTurn(q["question"].strip(), answers, sources, not answers and not sources,
                        day)
        cases.append(EvalCase(str(q.get("id") or f"rtqa-{lineno}"), (turn,)))
        if day:
            days.append(day)
    articles: list[dict[str, Any]] = []
    for lineno, a in _jsonl(ap):
        if not isinstance(a, dict):
            raise QuestionSetError(f"{ap.name}:{lineno}: not an article object")
        if window_days is not None:
            try:
                pub = _day(a.get("date"), f"{ap.name}:{lineno}")
            except QuestionSetError:
                pub = None
            if pub is None or not any(d - timedelta(days=window_days) <= pub <= d
                                      for d in days):
                continue
        articles.append(a)
    return RealtimeQA(cases, articles, window_days)


# --------------------------------------------------------------------------- the command


def _store_home(cache: str | None, spec: Mapping[str, Any]) -> tuple[Path, Any]:
    """The folder for the eval's store: a cache sub-folder keyed by ``spec``, or a temp dir."""
    if cache:
        key = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()
        home = Path(cache).expanduser() / f"store-{key[:12]}"
        home.mkdir(parents=True, exist_ok=True)
        (home / "spec.json").write_text(json.dumps(spec, indent=2, default=str) + "\n")
        return home, None
    tmp = tempfile.TemporaryDirectory(prefix="newsdesk-eval-", ignore_cleanup_errors=True)
    return Path(tmp.name), tmp


def _fresh_desk(home: Path, args: argparse.Namespace) -> Any:
    from qa.desk import NewsDesk
    from vectorstore.config import Settings

    s = dataclasses.replace(Settings.from_env(), home=home, chroma_url="")
    return NewsDesk.open(settings=s, llm=getattr(args, "llm", None))


def _ingest(desk: Any, paths: Sequence[str | Path]) -> None:
    from tqdm import tqdm

    bar: list[Any] = []

    def update(done: int, total: int, label: str) -> None:
        if not bar:
            bar.append(tqdm(total=total, unit="article", file=sys.stderr, leave=False,
                            disable=None, desc="ingest"))
        bar[0].total = total
        bar[0].update(done - bar[0].n)

    try:
        rep = desk.ingest(list(paths), progress=update)
    finally:
        if bar:
            bar[0].close()
    failed = [i for i in rep.issues if i.kind != "skipped"]
    for issue in failed[:10]:
        print(f"{issue.kind}: {issue.path}: {issue.reason}", file=sys.stderr)
    print(f"ingest: {rep.summary()}", file=sys.stderr)


def _print_progress() -> tuple[Progress, Callable[[], None]]:
    from tqdm import tqdm

    bar: list[Any] = []

    def update(done: int, total: int, label: str) -> None:
        if not bar:
            bar.append(tqdm(total=total, unit="question", file=sys.stderr, leave=False,
                            disable=None, desc="eval"))
        bar[0].update(done - bar[0].n)

    def close() -> None:
        if bar:
            bar[0].close()

    return update, close


def run_cli(args: argparse.Namespace) -> int:
    """``newsdesk eval``: score the desk on a question set; 1 when a ``--min-*`` fails.

    Without ``--corpus`` (newsdesk format) the configured store is used; with it, or with
    ``--format realtimeqa``, articles go into a fresh temporary store (or a reusable one
    under ``--store-cache``).
    """
    from qa.eval.report import write_html

    k = int(args.k)
    limit = args.limit
    window = getattr(args, "window_days", None)
    cache = getattr(args, "store_cache", None)
    tmp: Any = None
    meta: dict[str, Any] = {"questions": str(args.questions), "format": args.format, "k": k}
    try:
        if args.format == "realtimeqa":
            data = load_realtimeqa(args.questions, limit=limit, window_days=window)
            cases = data.cases
            spec = {"format": "realtimeqa", "folder": str(Path(args.questions).resolve()),
                    "limit": limit, "window_days": window, "n_articles": len(data.articles)}
            home, tmp = _store_home(cache, {**spec, **_model_spec()})
            desk = _fresh_desk(home, args)
            path = data.write_articles(home / "realtimeqa-articles.jsonl")
            print(f"realtimeqa: {len(cases)} questions, {len(data.articles)} articles"
                  + (f" (published within {window} days before a question)" if window is not None
                     else ""), file=sys.stderr)
            _ingest(desk, [path])
            meta.update(spec)
        else:
            cases = load_cases(args.questions)
            if limit is not None:
                cases = cases[:limit]
            if args.corpus:
                spec = {"format": "newsdesk",
                        "corpus": sorted(str(Path(c).resolve()) for c in args.corpus)}
                home, tmp = _store_home(cache, {**spec, **_model_spec()})
                desk = _fresh_desk(home, args)
                _ingest(desk, args.corpus)
                meta["corpus"] = list(args.corpus)
            else:
                from qa.cli.main import _desk

                desk = _desk(args)
                meta["store"] = desk.store.location
        if desk.is_empty():
            raise QuestionSetError("the store is empty: pass --corpus PATH (articles to ingest "
                                   "into a fresh store) or ingest articles first")
        update, close = _print_progress()
        try:
            report = evaluate(desk, cases, k=k, progress=update, meta=meta)
        finally:
            close()
        print(report.metrics_table())
        print()
        print(report.failures_table())
        if args.json_out:
            Path(args.json_out).parent.mkdir(parents=True, exist_ok=True)
            Path(args.json_out).write_text(json.dumps(report.to_dict(), indent=2,
                                                      ensure_ascii=False) + "\n")
            print(f"\nwrote {args.json_out}", file=sys.stderr)
        thresholds = {m: getattr(args, f"min_{m}", None) for m in GATED_METRICS}
        below = report.check(thresholds)
        if args.report:
            write_html(report, args.report, thresholds=thresholds, below=below)
            print(f"wrote {args.report}", file=sys.stderr)
        if below:
            for line in below:
                print(f"FAIL: {line}", file=sys.stderr)
            return 1
        if any(v is not None for v in thresholds.values()):
            print("quality gate passed", file=sys.stderr)
        return 0
    finally:
        if tmp is not None:
            tmp.cleanup()


def _model_spec() -> dict[str, Any]:
    from vectorstore.config import Settings

    s = Settings.from_env()
    return {"embed_model": s.embed_model, "chunk_tokens": s.chunk_tokens,
            "chunk_overlap": s.chunk_overlap}
