"""Tests for qa.eval.report: the HTML report is self-contained and escaped."""

from __future__ import annotations

import re

from qa.eval import EvalReport, EvalTurn, render_html, score_answer
from qa.eval.report import case_status
from tests.qa.eval.eval_builders import GOLD, OTHER, answer, passage, report_of, turn

# --------------------------------------------------------------------------- HTML


def test_html_report_is_self_contained_and_escaped() -> None:
    evil = "<script>alert(1)</script> & \"quotes\""
    p = passage(f"Text with {evil}", OTHER)
    t = EvalTurn(f"Why {evil}?", ("Moscow",), ("gold.txt",))
    r = EvalReport([score_answer(t, answer(f"Because {evil} [1]", [p], cited=[0]),
                                 case_id="x<y>", latency_ms=12.0)])
    html = render_html(r, thresholds={"accuracy": 0.5}, below=r.check({"accuracy": 0.5}))
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "x&lt;y&gt;" in html
    assert html.count("<svg") == 1  # the latency histogram; the metrics are the table
    assert "Quality gate failed" in html
    assert "src=" not in html and "<link" not in html and "http://" not in html.replace(
        "http://www.w3.org/2000/svg", "")


def test_every_question_is_listed_with_its_status_and_a_filter_for_each() -> None:
    gold = passage("Talks were held in Moscow.", GOLD)
    r = report_of((turn(["Moscow"], ["gold.txt"]), answer("In Moscow [1].", [gold], cited=[0])),
                  (turn(["Paris"], ["gold.txt"]), answer("In Moscow [1].", [gold], cited=[0])),
                  (turn(unanswerable=True), answer("The articles don't say.", abstained=True)))
    assert [case_status(c) for c in r.cases] == ["passed", "failed", "abstained"]
    html = render_html(r)
    shown = re.findall(r'<details class="case (\w+)"( open)?>', html)
    assert shown == [("passed", ""), ("failed", " open"), ("abstained", "")]
    for status, n in (("all", 3), ("failed", 1), ("abstained", 1), ("passed", 1)):
        assert f'id="show-{status}"' in html and f"{status} ({n})" in html
    assert "#show-failed:checked~.cases .case:not(.failed)" in html  # the CSS-only filter


def test_the_gate_column_and_thresholds_appear_only_when_set() -> None:
    gold = passage("Talks were held in Moscow.", GOLD)
    r = report_of((turn(["Moscow"], ["gold.txt"]), answer("In Moscow [1].", [gold], cited=[0])))
    plain = render_html(r)
    assert "<th>gate</th>" not in plain and "threshold" not in plain and "min " not in plain
    gated = render_html(r, thresholds={"accuracy": 0.5})
    assert "<th>gate</th>" in gated and "pass (min 0.5)" in gated
