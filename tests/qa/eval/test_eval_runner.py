"""Tests for qa.eval.runner: evaluate() on a real desk (real model, real Chroma)."""

from __future__ import annotations

import pytest

from qa.eval import EvalCase, QuestionSetError, evaluate, load_cases, parse_cases
from tests.qa.eval.eval_builders import SEED_NAME, turn

# --------------------------------------------------------------------------- end to end


@pytest.mark.slow
def test_evaluate_api_on_seed_desk(seed_desk: object) -> None:
    records = [
        {"id": "one", "question": "In which city did the ministers meet?", "answers": ["Moscow"],
         "sources": [SEED_NAME]},
        {"id": "conv", "turns": [
            {"question": "Who is the French defence minister?", "answers": ["Parly"],
             "sources": [SEED_NAME]},
            {"question": "Which agency did she talk to?", "answers": ["TASS"]}]},
        {"id": "early", "question": "Who met in Moscow?", "unanswerable": True,
         "as_of": "2019-01-01"},
    ]
    r = evaluate(seed_desk, records, k=3)  # question-set records are parsed by evaluate
    assert [c.id for c in r.cases] == ["one", "conv#1", "conv#2", "early"]
    assert r.cases[0].rank == 1  # the only article in the store
    assert all(len(c.passages) <= 3 for c in r.cases)
    assert r.cases[3].passages == []  # as_of before the article: nothing retrievable
    assert r.support["hit_at_1"] == 2 and r.support["accuracy"] == 3
    assert r.support["abstention_recall"] == 1
    assert all(c.latency_ms > 0 for c in r.cases)
    with pytest.raises(QuestionSetError, match="not a mix"):
        evaluate(seed_desk, [records[0], parse_cases(records)[1]])


def test_cases_type_is_exported() -> None:
    import qa

    assert qa.evaluate is evaluate and qa.load_cases is load_cases
    assert isinstance(EvalCase("a", (turn(["x"]),)), EvalCase)
