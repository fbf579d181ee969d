"""The HTML evaluation report: one self-contained file, inline SVG plots, no scripts.

Everything taken from questions, answers and articles is HTML-escaped.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from qa.eval.evaluation import GATED_METRICS, LABELS, METRICS, CaseResult, EvalReport, strip_markers

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;
max-width:1100px;color:#1d2330;line-height:1.45;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #dde;
padding-bottom:.2rem}table{border-collapse:collapse;margin:.5rem 0}
td,th{border:1px solid #dde;padding:.25rem .6rem;text-align:left;vertical-align:top}
th{background:#f3f4f8}.num{text-align:right;font-variant-numeric:tabular-nums}
.fail{color:#b00020;font-weight:600}.ok{color:#1b7f3b;font-weight:600}
.case{border:1px solid #dde;border-radius:6px;padding:.6rem 1rem;margin:.8rem 0}
.case h3{margin:.1rem 0 .4rem;font-size:1rem}.problems{color:#b00020}
.muted{color:#667}blockquote{margin:.3rem 0 .3rem 1rem;padding-left:.6rem;
border-left:3px solid #ccd;color:#333}.plots{display:flex;flex-wrap:wrap;gap:2rem}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _fmt(name: str, v: float | None) -> str:
    if v is None:
        return "n/a"
    return f"{v:.0f} ms" if name.startswith("latency") else f"{v:.3f}"


def metric_bars_svg(metrics: Mapping[str, float | None], k: int = 5,
                    thresholds: Mapping[str, float | None] | None = None) -> str:
    """Horizontal bars (0 to 1) for the quality metrics; a tick marks each threshold."""
    names = list(GATED_METRICS)
    row, left, width = 26, 170, 380
    h = row * len(names) + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 70}" '
             f'height="{h}" role="img" aria-label="metric bars">']
    for x in (0, 0.25, 0.5, 0.75, 1.0):
        gx = left + x * width
        parts.append(f'<line x1="{gx:.1f}" y1="4" x2="{gx:.1f}" y2="{h - 22}" '
                     'stroke="#e3e5ee"/>')
        parts.append(f'<text x="{gx:.1f}" y="{h - 8}" font-size="11" text-anchor="middle" '
                     f'fill="#667">{x:g}</text>')
    for i, name in enumerate(names):
        y = 6 + i * row
        v = metrics.get(name)
        label = LABELS[name].replace("@k", f"@{k}")
        parts.append(f'<text x="{left - 8}" y="{y + 15}" font-size="12" text-anchor="end">'
                     f'{_e(label)}</text>')
        lo = (thresholds or {}).get(name)
        colour = "#4a6fd8" if lo is None or (v is not None and v >= lo) else "#d84a4a"
        if v is not None:
            parts.append(f'<rect x="{left}" y="{y + 3}" width="{max(v, 0.0) * width:.1f}" '
                         f'height="{row - 8}" fill="{colour}"/>')
        parts.append(f'<text x="{left + (v or 0) * width + 6:.1f}" y="{y + 15}" '
                     f'font-size="11" fill="#333">{_e(_fmt(name, v))}</text>')
        if lo is not None:
            tx = left + min(max(lo, 0.0), 1.0) * width
            parts.append(f'<line x1="{tx:.1f}" y1="{y}" x2="{tx:.1f}" y2="{y + row - 2}" '
                         'stroke="#111" stroke-width="2"/>')
    parts.append("</svg>")
    return "".join(parts)


def latency_histogram_svg(latencies_ms: Sequence[float], bins: int = 20) -> str:
    """A histogram of per-question latency in milliseconds."""
    w, h, left, bottom = 520, 220, 40, 34
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img" '
             'aria-label="latency histogram">']
    if not latencies_ms:
        parts.append('<text x="10" y="20" font-size="12">no questions</text></svg>')
        return "".join(parts)
    lo, hi = min(latencies_ms), max(latencies_ms)
    span = (hi - lo) or 1.0
    counts = [0] * bins
    for x in latencies_ms:
        counts[min(int((x - lo) / span * bins), bins - 1)] += 1
    top = max(counts)
    plot_w, plot_h = w - left - 10, h - bottom - 10
    bw = plot_w / bins
    for i, c in enumerate(counts):
        bh = c / top * plot_h
        parts.append(f'<rect x="{left + i * bw + 1:.1f}" y="{10 + plot_h - bh:.1f}" '
                     f'width="{bw - 2:.1f}" height="{bh:.1f}" fill="#4a6fd8">'
                     f'<title>{lo + i * span / bins:.0f}–{lo + (i + 1) * span / bins:.0f} ms: '
                     f'{c}</title></rect>')
    parts.append(f'<line x1="{left}" y1="{10 + plot_h}" x2="{w - 10}" y2="{10 + plot_h}" '
                 'stroke="#333"/>')
    for frac in (0, 0.5, 1):
        x = left + frac * plot_w
        parts.append(f'<text x="{x:.1f}" y="{h - bottom + 16}" font-size="11" '
                     f'text-anchor="middle">{lo + frac * span:.0f}</text>')
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{h - 4}" font-size="11" '
                 'text-anchor="middle" fill="#667">milliseconds per question</text>')
    parts.append(f'<text x="{left - 6}" y="16" font-size="11" text-anchor="end">{top}</text>')
    parts.append(f'<text x="{left - 6}" y="{10 + plot_h}" font-size="11" '
                 'text-anchor="end">0</text>')
    parts.append("</svg>")
    return "".join(parts)


def _case_html(r: CaseResult) -> str:
    out = [f'<div class="case"><h3>{_e(r.id)}</h3>',
           f'<div class="problems">{"<br>".join(_e(p) for p in r.problems)}</div>',
           f"<p><b>Question:</b> {_e(r.question)}"]
    if r.standalone_question and r.standalone_question != r.question:
        out.append(f' <span class="muted">(understood as: {_e(r.standalone_question)})</span>')
    out.append("</p>")
    if r.unanswerable:
        out.append("<p><b>Expected:</b> an abstention (the articles do not say)</p>")
    elif r.answers:
        out.append(f"<p><b>Expected:</b> {_e(' | '.join(r.answers))}</p>")
    if r.sources:
        out.append(f'<p class="muted">Gold sources: {_e(", ".join(r.sources))}'
                   + (f"; as of {_e(r.as_of.isoformat())}" if r.as_of else "") + "</p>")
    out.append(f"<p><b>Answer</b>{' (abstained)' if r.abstained else ''}: "
               f"{_e(r.answer_text)}</p>")
    if r.citations:
        out.append("<ul>")
        for c in r.citations:
            mark = "supports" if c.get("supports") else "does not support"
            out.append(f"<li>[{_e(c['n'])}] {_e(c.get('title'))} "
                       f"<span class=\"muted\">{_e(c.get('url') or c.get('article_id'))}; "
                       f"{_e(mark)}</span><blockquote>{_e(c.get('quote'))}</blockquote></li>")
        out.append("</ul>")
    if r.passages:
        ranks = ", ".join(f"{i + 1}. {p.get('title') or p.get('article_id')}"
                          + (" (gold)" if p.get("gold") else "")
                          for i, p in enumerate(r.passages))
        out.append(f'<p class="muted">Retrieved: {_e(ranks)}</p>')
    out.append(f'<p class="muted">{r.latency_ms:.0f} ms; {r.words} words in the answer '
               f"({_e(len(strip_markers(r.answer_text)))} characters)</p></div>")
    return "".join(out)


def render_html(report: EvalReport, *, title: str = "Newsdesk evaluation",
                thresholds: Mapping[str, float | None] | None = None,
                below: Sequence[str] = ()) -> str:
    """The report as one self-contained HTML page (no scripts, no external resources)."""
    th = thresholds or {}
    counts = report.counts()
    rows = []
    for name in METRICS:
        v = report.metrics[name]
        lo = th.get(name)
        status = ""
        if lo is not None:
            ok = v is not None and v >= lo
            status = (f'<span class="{"ok" if ok else "fail"}">'
                      f'{"pass" if ok else "FAIL"} (min {lo:g})</span>')
        rows.append(f"<tr><td>{_e(LABELS[name].replace('@k', f'@{report.k}'))}</td>"
                    f'<td class="num">{_e(_fmt(name, v))}</td>'
                    f'<td class="num">{report.support[name]}</td><td>{status}</td></tr>')
    meta = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in report.meta.items())
    fails = report.failures()
    gate = ""
    if below:
        gate = ('<p class="fail">Quality gate failed:</p><ul>'
                + "".join(f"<li>{_e(b)}</li>" for b in below) + "</ul>")
    elif any(v is not None for v in th.values()):
        gate = '<p class="ok">Quality gate passed.</p>'
    return "".join([
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="muted">{counts["questions"]} questions in {counts["cases"]} cases '
        f'({counts["answerable"]} answerable, {counts["unanswerable"]} unanswerable, '
        f'{counts["conversation_turns"]} conversation turns); {counts["failures"]} with '
        "problems.</p>", gate,
        "<h2>Metrics</h2><table><tr><th>metric</th><th>value</th><th>questions</th>"
        f"<th>gate</th></tr>{''.join(rows)}</table>",
        '<div class="plots"><figure>', metric_bars_svg(report.metrics, report.k, th),
        "<figcaption>Quality metrics (black tick: threshold)</figcaption></figure><figure>",
        latency_histogram_svg([r.latency_ms for r in report.cases]),
        "<figcaption>Latency per question</figcaption></figure></div>",
        f"<h2>Failing cases ({len(fails)})</h2>",
        "".join(_case_html(r) for r in fails) or "<p>None.</p>",
        f"<h2>Run</h2><table>{meta}</table>",
        "</body></html>\n",
    ])


def write_html(report: EvalReport, path: str | Path, **kwargs: Any) -> Path:
    """Write :func:`render_html` to ``path`` (folders created) and return the path."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(render_html(report, **kwargs), encoding="utf-8")
    return p
