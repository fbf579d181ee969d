"""Tests for qa.eval.cases: the question-set reader and the bundled question set."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from qa.eval import QuestionSetError, SourceMatcher, load_cases, parse_cases
from tests.qa.eval.eval_builders import QUESTIONS, SEED_DIR, SEED_NAME, passage, write_jsonl

# --------------------------------------------------------------------------- question sets


def test_load_cases_single_and_conversation(tmp_path: Path) -> None:
    f = write_jsonl(tmp_path / "q.jsonl", [
        {"id": "a", "question": "Where?", "answers": ["Moscow"], "sources": ["x.txt"],
         "unanswerable": False, "as_of": "2019-09-30"},
        {"id": "b", "question": "Who won?", "answers": [], "unanswerable": True},
        {"id": "c", "as_of": "2019/09/10", "turns": [
            {"question": "Who?", "answers": "Parly", "sources": ["x.txt"]},
            {"question": "And she said?", "answers": ["hello"], "as_of": "2019-09-11"}]},
    ])
    (tmp_path / "q.jsonl").write_text((tmp_path / "q.jsonl").read_text() + "\n\n")
    cases = load_cases(f)
    assert [c.id for c in cases] == ["a", "b", "c"]
    assert cases[0].turns[0].as_of == date(2019, 9, 30) and not cases[0].conversation
    assert cases[1].turns[0].unanswerable and cases[1].turns[0].answers == ()
    assert cases[2].conversation and len(cases[2].turns) == 2
    assert cases[2].turns[0].answers == ("Parly",) and cases[2].turns[0].as_of == date(2019, 9, 10)
    assert cases[2].turns[1].as_of == date(2019, 9, 11)
    assert parse_cases([cases[2].to_dict()])[0] == cases[2]


@pytest.mark.parametrize("record, message", [
    ({"id": "x", "question": "Q?", "answers": ["a"], "unanswerable": True}, "has answers"),
    ({"id": "x", "question": "Q?"}, "nothing to score"),
    ({"id": "x", "answers": ["a"]}, "no \"question\""),
    ({"id": "x", "question": "Q?", "answers": [1]}, "list of strings"),
    ({"id": "x", "question": "Q?", "answers": ["a"], "as_of": "last week"}, "not a date"),
    ({"id": "x", "turns": []}, "non-empty list"),
    ("just text", "not a JSON object"),
])
def test_bad_cases_are_named_with_the_fix(record: object, message: str) -> None:
    with pytest.raises(QuestionSetError, match=message):
        parse_cases([record])  # type: ignore[list-item]


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(QuestionSetError, match="not found"):
        load_cases(tmp_path / "missing.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "question": "Q?", "answers": ["x"]}\n{oops\n')
    with pytest.raises(QuestionSetError, match=r"bad.jsonl:2: invalid JSON"):
        load_cases(bad)
    dup = write_jsonl(tmp_path / "dup.jsonl", [{"id": "a", "question": "Q?", "answers": ["x"]}] * 2)
    with pytest.raises(QuestionSetError, match="used twice"):
        load_cases(dup)


def test_bundled_question_set_is_well_formed() -> None:
    cases = load_cases(QUESTIONS)
    singles = [c for c in cases if not c.conversation]
    convs = [c for c in cases if c.conversation]
    assert len(cases) >= 40
    assert sum(c.turns[0].unanswerable for c in singles) >= 8
    assert len(convs) >= 5 and all(len(c.turns) >= 2 for c in convs)
    seed_text = (SEED_DIR / SEED_NAME).read_text(encoding="utf-8")
    seed = passage(seed_text, f"file:articles/{SEED_NAME}")
    for c in cases:
        for t in c.turns:
            if t.unanswerable:
                assert not t.answers and not t.sources, c.id
            else:
                assert t.answers and SourceMatcher().matches(seed, t.sources), c.id
                assert all(len(a.split()) <= 8 for a in t.answers), c.id  # short aliases
                # paraphrased: no question is a verbatim 8-word run of the article
                words = t.question.rstrip("?").split()
                runs = {" ".join(words[i:i + 8]) for i in range(max(len(words) - 7, 0))}
                assert not any(r in seed_text for r in runs), c.id
