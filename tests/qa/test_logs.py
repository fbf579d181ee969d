"""One JSON log line per question (``newsdesk.questions``): timings, abstained, citations,
collection; the question's text only with ``NEWSDESK_LOG_QUESTIONS=1``."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pytest

from qa import NewsDesk, Settings
from qa.logs import QUESTION_LOG, enable_question_log, log

QUESTION = "Who attended the 2+2 talks?"


def _lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == QUESTION_LOG]


def test_one_line_per_question_with_its_timings_and_no_question_text(
        seed_desk: NewsDesk, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.INFO, logger=QUESTION_LOG)
    answer = seed_desk.ask(QUESTION)
    [line] = _lines(caplog)
    assert line["event"] == "question" and line["collection"] == "default"
    assert line["abstained"] is answer.abstained
    assert line["citations"] == len(answer.citations) > 0
    assert line["passages"] == len(answer.passages)
    assert line["timings_ms"] == {k: round(v, 1) for k, v in answer.timings.items()}
    assert {"rewrite", "answer", "total"} <= set(line["timings_ms"])
    text = caplog.records[-1].getMessage()
    assert "2+2" not in text and "attended" not in text and "question\":" not in text


def test_streaming_and_several_collections_log_once_each(seed_desk: NewsDesk,
                                                         caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.INFO, logger=QUESTION_LOG)
    pieces = list(seed_desk.stream(QUESTION))
    assert len(pieces) > 1
    seed_desk.ask(QUESTION, collections=["default"])
    lines = _lines(caplog)
    assert len(lines) == 2
    assert lines[0]["citations"] == len(pieces[-1].citations)
    assert lines[1]["collection"] == "default"


def test_the_question_is_logged_only_when_asked_for(seed_desk: NewsDesk,
                                                    caplog: pytest.LogCaptureFixture,
                                                    monkeypatch: pytest.MonkeyPatch):
    assert Settings.from_env({"NEWSDESK_LOG_QUESTIONS": "1"}).log_questions is True
    assert Settings.from_env({}).log_questions is False
    monkeypatch.setattr(seed_desk, "settings", seed_desk.settings.with_(log_questions=True))
    caplog.set_level(logging.INFO, logger=QUESTION_LOG)
    seed_desk.ask(QUESTION)
    [line] = _lines(caplog)
    assert line["question"] == QUESTION


def test_nothing_is_built_when_info_is_off(seed_desk: NewsDesk,
                                           caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.WARNING, logger=QUESTION_LOG)
    seed_desk.ask(QUESTION)
    assert _lines(caplog) == []


def test_the_entry_points_write_bare_json_lines(seed_desk: NewsDesk):
    stream = io.StringIO()
    saved = (log.level, log.propagate)
    handler = enable_question_log(stream)
    try:
        seed_desk.ask(QUESTION)
        seed_desk.ask("What did the council vote on?")
    finally:
        log.removeHandler(handler)
        log.setLevel(saved[0])
        log.propagate = saved[1]
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert all(json.loads(ln)["event"] == "question" for ln in lines)
