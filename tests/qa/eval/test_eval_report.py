"""Tests for qa.eval.report: the HTML report is self-contained and escaped."""

from __future__ import annotations

from qa.eval import EvalReport, EvalTurn, render_html, score_answer
from tests.qa.eval.eval_builders import OTHER, answer, passage

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
    assert html.count("<svg") == 2
    assert "Quality gate failed" in html
    assert "src=" not in html and "<link" not in html and "http://" not in html.replace(
        "http://www.w3.org/2000/svg", "")
