"""The HTML evaluation report: one self-contained file, inline SVG plots, no scripts.

The page is the jinja2 template ``templates/report.html.jinja`` (plots in
``templates/plots.svg.jinja``), autoescaped: everything taken from questions, answers and
articles is HTML-escaped. This module computes what the templates draw.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.citations import strip_markers
from qa.eval.metrics import METRICS
from qa.eval.results import EvalReport, format_metric
from qa.eval.scoring import CaseResult

if TYPE_CHECKING:
    import jinja2

__all__ = ["case_status", "render_html", "write_html"]

_TEMPLATES = Path(__file__).resolve().parent / "templates"


@functools.cache
def _env() -> jinja2.Environment:
    import jinja2  # loaded on first use: `import qa` stays light

    return jinja2.Environment(loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def _histogram_view(latencies_ms: Sequence[float], bins: int) -> dict[str, Any]:
    w, h, left, bottom = 520, 220, 40, 34
    view: dict[str, Any] = {"w": w, "h": h, "left": left, "bottom": bottom, "bars": []}
    if not latencies_ms:
        return view
    lo, hi = min(latencies_ms), max(latencies_ms)
    span = (hi - lo) or 1.0
    counts = [0] * bins
    for x in latencies_ms:
        counts[min(int((x - lo) / span * bins), bins - 1)] += 1
    top = max(counts)
    plot_w, plot_h = w - left - 10, h - bottom - 10
    bw = plot_w / bins
    view["bars"] = [{"x": left + i * bw + 1, "y": 10 + plot_h - c / top * plot_h,
                     "width": bw - 2, "height": c / top * plot_h, "count": c,
                     "lo": lo + i * span / bins, "hi": lo + (i + 1) * span / bins}
                    for i, c in enumerate(counts)]
    view.update(top=top, plot_w=plot_w, axis_y=10 + plot_h,
                ticks=[{"x": left + f * plot_w, "value": lo + f * span} for f in (0, 0.5, 1)])
    return view


def case_status(r: CaseResult) -> str:
    """``"failed"`` (any problem), ``"abstained"`` (rightly) or ``"passed"``."""
    return "failed" if r.problems else "abstained" if r.abstained else "passed"


def _case_view(r: CaseResult) -> dict[str, Any]:
    retrieved = ", ".join(f"{i + 1}. {p.get('title') or p.get('article_id')}"
                          + (" (gold)" if p.get("gold") else "")
                          for i, p in enumerate(r.passages))
    chars = len(strip_markers(r.answer_text, tidy=False))
    return {"result": r, "retrieved": retrieved, "chars": chars, "status": case_status(r)}


def _metric_rows(report: EvalReport, th: Mapping[str, float | None]) -> list[dict[str, Any]]:
    rows = []
    for name in METRICS:
        v, lo = report.metrics[name], th.get(name)
        rows.append({"label": report.label(name), "value": format_metric(name, v),
                     "support": report.support[name], "min": lo,
                     "ok": lo is not None and v is not None and v >= lo})
    return rows


def render_html(report: EvalReport, *, title: str = "Newsdesk evaluation",
                thresholds: Mapping[str, float | None] | None = None,
                below: Sequence[str] = ()) -> str:
    """The report as one self-contained HTML page (no scripts, no external resources)."""
    th = thresholds or {}
    cases = [_case_view(r) for r in report.cases]
    statuses = {s: sum(1 for c in cases if c["status"] == s)
                for s in ("failed", "abstained", "passed")}
    return _env().get_template("report.html.jinja").render(
        title=title, counts=report.counts(), below=list(below),
        gated=any(v is not None for v in th.values()), rows=_metric_rows(report, th),
        histogram=_histogram_view([r.latency_ms for r in report.cases], 20),
        cases=cases, statuses=statuses, meta=list(report.meta.items()))


def write_html(report: EvalReport, path: str | Path, **kwargs: Any) -> Path:
    """Write :func:`render_html` to ``path`` (folders created) and return the path."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(render_html(report, **kwargs), encoding="utf-8")
    return p
