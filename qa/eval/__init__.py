"""Evaluation: score a :class:`qa.NewsDesk` against a question set.

``evaluate(desk, cases)`` asks every question (follow-ups through ``desk.chat()``) and
returns an :class:`EvalReport`: retrieval hit@1/hit@k/MRR, answer accuracy and token F1,
citation precision/recall, abstention precision/recall, and latency (definitions in
:mod:`qa.eval.metrics`). The question-set format is documented in ``corpus/README.md``.

Modules: ``cases`` (question sets), ``realtimeqa`` (the realtimeqa-dev folder), ``sources``
(gold-source matching), ``metrics`` (names, answer-text scoring), ``scoring`` (one answer),
``results`` (:class:`EvalReport`), ``runner`` (:func:`evaluate`), ``report`` (HTML). The
``newsdesk eval`` command is :mod:`qa.cli.eval_command`.
"""

from qa.eval.cases import EvalCase, EvalTurn, QuestionSetError, load_cases, parse_cases
from qa.eval.metrics import (
    GATED_METRICS,
    LABELS,
    MAX_ANSWER_WORDS,
    METRICS,
    contains_answer,
    normalize_answer,
    passage_supports,
    percentile,
    place_forms,
    token_f1,
)
from qa.eval.quizset import HALVES, RealtimeQA, half_of, load_realtimeqa
from qa.eval.report import render_html, write_html
from qa.eval.results import EvalReport, compute_metrics
from qa.eval.runner import Progress, evaluate
from qa.eval.scoring import CaseResult, score_answer
from qa.eval.sources import SourceMatcher, normalize_url

__all__ = [
    "GATED_METRICS", "HALVES", "LABELS", "MAX_ANSWER_WORDS", "METRICS", "CaseResult",
    "EvalCase", "EvalReport", "EvalTurn", "Progress", "QuestionSetError", "RealtimeQA",
    "SourceMatcher", "compute_metrics", "contains_answer", "evaluate", "half_of", "load_cases",
    "load_realtimeqa", "normalize_answer", "normalize_url", "parse_cases", "passage_supports",
    "percentile", "place_forms", "render_html", "score_answer", "token_f1",
    "write_html",
]
