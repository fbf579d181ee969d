"""Tests for qa.eval.scoring and qa.eval.results: each metric on hand-built answers, thresholds
and the JSON dict.

Answers here are built from our own value types (Answer, Citation, Passage), not mocks.
No test asserts answer quality: the answerer changes; bench/quality_gate.sh gates that.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from qa.eval import MAX_ANSWER_WORDS, METRICS
from qa.types import Answer, Citation
from tests.qa.eval.eval_builders import GOLD, OTHER, answer, passage, report_of, turn
from vectorstore.errors import NewsdeskError

# --------------------------------------------------------------------------- accuracy and F1


def test_accuracy_passes_for_short_answer_with_alias() -> None:
    r = report_of((turn(["Moscow"]), answer("The talks were in Moscow [1].")))
    assert r.metrics["accuracy"] == 1.0
    assert r.cases[0].correct and not r.cases[0].failed


def test_accuracy_fails_for_alias_buried_in_61_words() -> None:
    filler = " ".join(["word"] * (MAX_ANSWER_WORDS - 1))
    at_limit = answer(f"Moscow {filler} [1]")  # 60 words once the marker is stripped
    too_long = answer(f"Moscow {filler} more [1]")  # 61 words
    r = report_of((turn(["Moscow"]), at_limit), (turn(["Moscow"]), too_long))
    assert [c.words for c in r.cases] == [60, 61]
    assert [c.correct for c in r.cases] == [True, False]
    assert r.metrics["accuracy"] == 0.5
    assert "too long" in r.cases[1].problems[0]


def test_accuracy_and_f1_fail_for_wrong_or_abstained_answer() -> None:
    r = report_of((turn(["Moscow"]), answer("They met in Paris.")),
                  (turn(["Moscow"]), answer("Moscow", abstained=True)))
    assert r.metrics["accuracy"] == 0.0
    assert r.metrics["f1"] == 0.0  # an abstention scores 0 even if its text matched
    assert r.cases[1].problems == ["abstained on an answerable question"]


def test_f1_metric_is_mean_over_answerable_only() -> None:
    r = report_of((turn(["Florence Parly"]), answer("Parly [1]")),
                  (turn(["Paris"]), answer("Paris")),
                  (turn(unanswerable=True), answer("Something else")))
    assert r.metrics["f1"] == pytest.approx((2 / 3 + 1) / 2)
    assert r.support["f1"] == r.support["accuracy"] == 2


def test_marker_numbers_are_not_answers() -> None:
    r = report_of((turn(["1"]), answer("Nobody knows [1].")))
    assert r.metrics["accuracy"] == 0.0


# --------------------------------------------------------------------------- retrieval


def test_hit_at_1_when_gold_first_and_zero_when_absent() -> None:
    gold, other = passage("x", GOLD), passage("y", OTHER)
    r = report_of((turn(["x"], ["gold.txt"]), answer("x", [gold, other])),
                  (turn(["x"], ["gold.txt"]), answer("x", [other, other])))
    assert [c.rank for c in r.cases] == [1, 0]
    assert r.metrics["hit_at_1"] == 0.5
    assert r.metrics["hit_at_k"] == 0.5
    assert r.metrics["mrr"] == 0.5
    assert "no gold source in the top 5" in r.cases[1].problems


def test_rank_three_gives_mrr_third_and_respects_k() -> None:
    ps = [passage("a", OTHER, n=1), passage("b", OTHER, n=2), passage("c", GOLD)]
    t = turn(["c"], [GOLD])
    r5 = report_of((t, answer("c", ps)), k=5)
    assert (r5.metrics["hit_at_1"], r5.metrics["hit_at_k"]) == (0.0, 1.0)
    assert r5.metrics["mrr"] == pytest.approx(1 / 3)
    r2 = report_of((t, answer("c", ps)), k=2)
    assert r2.metrics["hit_at_k"] == 0.0


def test_retrieval_metrics_only_over_answerable_cases_with_sources() -> None:
    r = report_of((turn(["x"]), answer("x", [passage("x")])),  # no sources
                  (turn(unanswerable=True), answer("no", [passage("x")], abstained=True)))
    assert r.support["hit_at_1"] == 0
    assert r.metrics["hit_at_1"] is None and r.metrics["mrr"] is None


# --------------------------------------------------------------------------- citations


def test_citation_precision_zero_when_cited_passage_lacks_answer() -> None:
    ps = [passage("They met in Paris.", OTHER), passage("The talks were in Moscow.", GOLD)]
    r = report_of((turn(["Moscow"], ["gold.txt"]), answer("Moscow [1]", ps, cited=[0])))
    assert r.metrics["citation_precision"] == 0.0
    assert r.cases[0].citations[0]["supports"] is False


def test_citation_precision_counts_alias_or_gold_source_as_support() -> None:
    with_alias = passage("The talks were in Moscow.", OTHER)
    gold_without_alias = passage("The ministers met.", GOLD)
    neither = passage("Unrelated text.", OTHER, n=2)
    ps = [with_alias, gold_without_alias, neither]
    r = report_of((turn(["Moscow"], ["gold.txt"]), answer("Moscow [1][2][3]", ps, [0, 1, 2])),
                  (turn(["Moscow"], ["gold.txt"]), answer("Moscow [1]", ps, [0])))
    assert [c.citation_precision for c in r.cases] == [pytest.approx(2 / 3), 1.0]
    assert r.metrics["citation_precision"] == pytest.approx((2 / 3 + 1) / 2)


def test_a_headline_citation_supports_with_its_headline_a_text_span_does_not() -> None:
    p = dataclasses.replace(passage("The ministers met on Monday.", OTHER),
                            title="Ministers meet in Moscow")
    headline = Answer(question="q", standalone_question="q", text="Moscow [1]",
                      citations=(Citation(1, p, (0, 0)),), passages=(p,))
    span = answer("Moscow [1]", [p], cited=[0])
    r = report_of((turn(["Moscow"]), headline), (turn(["Moscow"]), span))
    assert [c.citation_precision for c in r.cases] == [1.0, 0.0]
    assert r.cases[0].citations[0]["quote"] == "Ministers meet in Moscow"


def test_citation_recall_over_cases_whose_retrieved_passages_hold_the_answer() -> None:
    lacks, holds = passage("They met.", OTHER), passage("They met in Moscow.", GOLD)
    cited_wrong = answer("Moscow [1]", [lacks, holds], cited=[0])
    cited_right = answer("Moscow [1]", [lacks, holds], cited=[1])
    not_retrieved = answer("Moscow", [lacks])  # excluded: no passage holds the answer
    r = report_of((turn(["Moscow"]), cited_wrong), (turn(["Moscow"]), cited_right),
                  (turn(["Moscow"]), not_retrieved))
    assert [c.answer_cited for c in r.cases] == [False, True, None]
    assert r.metrics["citation_recall"] == 0.5
    assert r.support["citation_recall"] == 2
    only_missing = report_of((turn(["Moscow"]), not_retrieved))
    assert only_missing.metrics["citation_recall"] is None


# --------------------------------------------------------------------------- abstention


def test_abstention_precision_and_recall_on_mixed_cases() -> None:
    r = report_of(
        (turn(unanswerable=True), answer("The articles don't say.", abstained=True)),  # TP
        (turn(unanswerable=True), answer("A made-up answer.")),  # FN
        (turn(["Moscow"]), answer("The articles don't say.", abstained=True)),  # FP
        (turn(["Moscow"]), answer("Moscow")),  # TN
        (turn(unanswerable=True), answer("The articles don't say.", abstained=True)),  # TP
    )
    assert r.metrics["abstention_precision"] == pytest.approx(2 / 3)
    assert r.metrics["abstention_recall"] == pytest.approx(2 / 3)
    assert r.support["abstention_precision"] == 3 and r.support["abstention_recall"] == 3
    assert r.cases[1].problems == ["answered an unanswerable question"]
    assert r.metrics["accuracy"] == 0.5  # unanswerable cases are not in accuracy


def test_abstention_precision_undefined_without_abstentions() -> None:
    r = report_of((turn(unanswerable=True), answer("An answer.")))
    assert r.metrics["abstention_precision"] is None
    assert r.metrics["abstention_recall"] == 0.0


# --------------------------------------------------------------------------- thresholds


def test_check_reports_metrics_under_threshold_and_unmeasurable_ones() -> None:
    r = report_of((turn(["Moscow"]), answer("Moscow")), (turn(["Moscow"]), answer("Paris")))
    assert r.check({"accuracy": 0.5}) == []
    assert r.check({"accuracy": None}) == []
    below = r.check({"accuracy": 0.6, "f1": 0.4})
    assert len(below) == 1 and "accuracy 0.500 is below --min-accuracy 0.6" in below[0]
    unmeasured = r.check({"abstention_recall": 0.1})
    assert len(unmeasured) == 1 and "could not be measured" in unmeasured[0]
    with pytest.raises(NewsdeskError, match="unknown metric"):
        r.check({"nonsense": 0.1})


def test_report_dict_has_every_metric_and_failures() -> None:
    r = report_of((turn(["Moscow"]), answer("Paris")), (turn(["Paris"]), answer("Paris")))
    d = r.to_dict()
    assert set(d["metrics"]) == set(METRICS)
    assert d["failures"] == ["c0"] and [c.id for c in r.failures()] == ["c0"]
    assert d["counts"]["questions"] == 2 and d["counts"]["failures"] == 1
    json.dumps(d)  # JSON-ready
