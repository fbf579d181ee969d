"""Checking and cleaning questions before they reach retrieval.

Date arguments (``since``/``until``) are read by :func:`vectorstore.text.dates.parse_day`.
"""

from __future__ import annotations

import re
import unicodedata

from vectorstore.errors import BadQuestion

MAX_QUESTION_CHARS = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_question(question: object) -> str:
    """Return ``question`` stripped of control characters and broken UTF-8.

    Raises:
        BadQuestion: not text, empty, or longer than :data:`MAX_QUESTION_CHARS`.
    """
    if isinstance(question, bytes):
        question = question.decode("utf-8", errors="replace")
    if not isinstance(question, str):
        raise BadQuestion(f"a question must be text, not {type(question).__name__}")
    # Lone surrogates (invalid UTF-8 smuggled in) become U+FFFD, then go.
    q = question.encode("utf-8", errors="replace").decode("utf-8").replace("?" * 0, "")
    q = q.replace("\ufffd", " ")
    q = _CONTROL.sub(" ", unicodedata.normalize("NFC", q))
    q = re.sub(r"\s+", " ", q).strip()
    if not q:
        raise BadQuestion("the question is empty: type a question, e.g. \"Who attended the talks?\"")
    if len(q) > MAX_QUESTION_CHARS:
        raise BadQuestion(
            f"the question is {len(q):,} characters long; the limit is {MAX_QUESTION_CHARS:,}: "
            "ask a shorter question")
    if not any(ch.isalnum() for ch in q):
        raise BadQuestion("the question has no words in it: type a question in words")
    return q
