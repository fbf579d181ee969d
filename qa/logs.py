"""One structured log line per question: JSON on the ``newsdesk.questions`` logger.

Each answered question gives one ``INFO`` record whose message is a JSON object: ``event``
(``"question"``), the collection(s) asked, ``abstained``, the number of citations and of
passages, the warnings' count, and the timings of :attr:`qa.types.Answer.timings`
(milliseconds, rounded to 0.1). The question's text is left out unless
``NEWSDESK_LOG_QUESTIONS=1`` (:attr:`Settings.log_questions`): questions may name people.

The line is built only when the logger would write it (``isEnabledFor``), so a process
that does not log ``INFO`` pays nothing.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from typing import Any

from qa.types import Answer
from vectorstore.config import Settings

__all__ = ["QUESTION_LOG", "enable_question_log", "log_answer", "question_record"]

log = logging.getLogger("newsdesk.questions")
QUESTION_LOG = log.name
"""The logger's name (configure it to send the lines elsewhere)."""


def question_record(answer: Answer, collections: Sequence[str], *,
                    with_question: bool = False) -> dict[str, Any]:
    """The fields of ``answer``'s log line (the question's text only when ``with_question``)."""
    record: dict[str, Any] = {
        "event": "question",
        "collection": collections[0] if len(collections) == 1 else list(collections),
        "abstained": answer.abstained,
        "citations": len(answer.citations),
        "passages": len(answer.passages),
        "warnings": len(answer.warnings),
        "timings_ms": {k: round(v, 1) for k, v in answer.timings.items()},
        "pid": os.getpid(),
    }
    if with_question:
        record["question"] = answer.question
        if answer.standalone_question != answer.question:
            record["standalone_question"] = answer.standalone_question
    return record


def log_answer(settings: Settings, collections: Sequence[str], answer: Answer) -> Answer:
    """Log ``answer``'s one line (see the module; its question's text only with
    ``settings.log_questions``) and return ``answer`` unchanged."""
    if log.isEnabledFor(logging.INFO):
        record = question_record(answer, collections, with_question=settings.log_questions)
        log.info(json.dumps(record, ensure_ascii=False, sort_keys=True))
    return answer


def enable_question_log(stream: Any = None) -> logging.Handler:
    """Write the question lines as bare JSON (one per line) on ``stream`` (default: stderr),
    apart from the process's other logging; return the handler (the entry points call this)."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    return handler
