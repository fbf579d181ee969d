"""``evaluate(..., as_of=False)`` and ``newsdesk eval --no-as-of``: every question asked with
no date, as a user would, relative dates read against a fixed ``today``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from qa.cli import main
from qa.eval import evaluate
from qa.types import Answer
from tests.qa.eval.eval_builders import QUESTIONS, fake_realtimeqa


class RecordingDesk:
    """A stand-in desk that records how each question was asked, and abstains."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def articles(self) -> list[Any]:
        return []

    def chat(self) -> RecordingDesk:
        return self

    def ask(self, question: str, **kw: Any) -> Answer:
        self.calls.append({"question": question, **kw})
        return Answer(question=question, standalone_question=question, text="", abstained=True)


RECORDS = [
    {"id": "dated", "question": "Who won this week?", "answers": ["A"], "as_of": "2022-06-16"},
    {"id": "conv", "turns": [
        {"question": "Who won this week?", "answers": ["A"], "as_of": "2022-06-16"},
        {"question": "Where?", "answers": ["B"], "as_of": "2022-06-16"}]},
]


def test_as_of_false_asks_without_the_date() -> None:
    desk = RecordingDesk()
    r = evaluate(desk, RECORDS, today=date(2022, 12, 31), as_of=False)
    assert len(desk.calls) == 3
    assert all(c["until"] is None and c["today"] == date(2022, 12, 31) for c in desk.calls)
    assert r.meta["as_of"] is False and r.meta["today"] == "2022-12-31"


def test_as_of_is_passed_by_default() -> None:
    desk = RecordingDesk()
    r = evaluate(desk, RECORDS)
    assert all(c["until"] == date(2022, 6, 16) and "today" not in c for c in desk.calls)
    assert "as_of" not in r.meta


def test_no_as_of_needs_today(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(QUESTIONS), "--no-as-of"]) == 2
    err = capsys.readouterr().err
    assert "--no-as-of" in err and "--today" in err


@pytest.mark.slow
def test_no_as_of_on_realtimeqa(tmp_path: Path) -> None:
    """Asked with no date, the question is answered from every article (no window, no
    until); both halves share that one store."""
    folder = fake_realtimeqa(tmp_path / "rtqa")
    out = tmp_path / "nodate.json"
    cache = tmp_path / "cache"
    assert main(["eval", str(folder), "--format", "realtimeqa", "--half", "held-back",
                 "--no-as-of", "--today", "2022-12-31", "--store-cache", str(cache),
                 "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["meta"]["as_of"] is False and data["meta"]["today"] == "2022-12-31"
    assert data["meta"]["half"] == "held-back"
    case = data["cases"][0]
    assert case["rank"] == 1 and not case["abstained"]
    assert main(["eval", str(folder), "--format", "realtimeqa", "--half", "tune",
                 "--store-cache", str(cache)]) == 0
    assert len(list(cache.glob("store-*"))) == 1  # no window: one store for both halves
