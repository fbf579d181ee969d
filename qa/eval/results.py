"""The outcome of an evaluation: :class:`EvalReport` (metrics, thresholds, tables, JSON)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from qa.citations import strip_markers
from qa.eval.metrics import LABELS, METRICS, mean, percentile
from qa.eval.scoring import CaseResult
from vectorstore.errors import ConfigError

__all__ = ["EvalReport", "compute_metrics"]


def compute_metrics(results: Sequence[CaseResult], k: int = 5
                    ) -> tuple[dict[str, float | None], dict[str, int]]:
    """Aggregate per-question results into metrics and the number of questions behind each.

    A metric with no question it applies to is ``None``.
    """
    ret = [r for r in results if r.rank is not None]
    ans = [r for r in results if r.correct is not None]
    cp = [r for r in results if r.citation_precision is not None]
    cr = [r for r in results if r.answer_cited is not None]
    abst = [r for r in results if r.abstained]
    unans = [r for r in results if r.unanswerable]
    lat = [r.latency_ms for r in results]
    metrics: dict[str, float | None] = {
        "hit_at_1": mean([float(r.rank == 1) for r in ret]),
        "hit_at_k": mean([float(0 < (r.rank or 0) <= k) for r in ret]),
        "mrr": mean([1.0 / r.rank if r.rank else 0.0 for r in ret]),
        "accuracy": mean([float(bool(r.correct)) for r in ans]),
        "f1": mean([r.f1 or 0.0 for r in ans]),
        "citation_precision": mean([r.citation_precision or 0.0 for r in cp]),
        "citation_recall": mean([float(bool(r.answer_cited)) for r in cr]),
        "abstention_precision": mean([float(r.unanswerable) for r in abst]),
        "abstention_recall": mean([float(r.abstained) for r in unans]),
        "latency_p50_ms": percentile(lat, 50),
        "latency_p95_ms": percentile(lat, 95),
    }
    support = {"hit_at_1": len(ret), "hit_at_k": len(ret), "mrr": len(ret),
               "accuracy": len(ans), "f1": len(ans), "citation_precision": len(cp),
               "citation_recall": len(cr), "abstention_precision": len(abst),
               "abstention_recall": len(unans), "latency_p50_ms": len(lat),
               "latency_p95_ms": len(lat)}
    return metrics, support


def format_metric(name: str, v: float | None) -> str:
    """A metric value as reports print it: ``0.917``, ``412 ms`` or ``n/a``."""
    if v is None:
        return "n/a"
    return f"{v:.0f} ms" if name.startswith("latency") else f"{v:.3f}"


def _short(s: str, n: int) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


@dataclass
class EvalReport:
    """The outcome of :func:`qa.eval.evaluate`.

    Attributes:
        cases: One :class:`CaseResult` per question asked (conversation turns included).
        k: The hit@k cut-off (passages retrieved per question).
        meta: Where the questions and articles came from, the answerer, the run time.
        metrics: Metric name → value (``None`` where no question applies); see
            :mod:`qa.eval.metrics` for the definitions.
        support: Metric name → how many questions it was computed over.
    """

    cases: list[CaseResult]
    k: int = 5
    meta: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, float | None] = field(init=False)
    support: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.metrics, self.support = compute_metrics(self.cases, self.k)

    def failures(self) -> list[CaseResult]:
        """The questions where something went wrong, in question-set order."""
        return [r for r in self.cases if r.failed]

    def label(self, name: str) -> str:
        """How reports name metric ``name`` (``hit@k`` with this report's ``k``)."""
        return LABELS[name].replace("@k", f"@{self.k}")

    def check(self, thresholds: Mapping[str, float | None]) -> list[str]:
        """Return one line per metric below its threshold (``None`` thresholds are ignored).

        A metric that applies to no question fails any threshold set for it.
        """
        out = []
        for name, lo in thresholds.items():
            if lo is None:
                continue
            if name not in self.metrics:
                raise ConfigError(f"unknown metric {name!r}: use one of {', '.join(METRICS)}")
            v = self.metrics[name]
            flag = "--min-" + name.replace("_", "-")
            if v is None:
                out.append(f"{name} could not be measured (no question it applies to) "
                           f"but {flag} {lo:g} is set")
            elif v < lo:
                out.append(f"{name} {v:.3f} is below {flag} {lo:g}")
        return out

    def counts(self) -> dict[str, int]:
        """How many cases, questions, answerable and unanswerable questions, failures."""
        return {"cases": len({r.case_id for r in self.cases}), "questions": len(self.cases),
                "answerable": sum(not r.unanswerable for r in self.cases),
                "unanswerable": sum(r.unanswerable for r in self.cases),
                "conversation_turns": sum(r.turn is not None for r in self.cases),
                "failures": len(self.failures())}

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict: metrics, support, counts, meta and every case."""
        return {"metrics": {k: (round(v, 4) if v is not None else None)
                            for k, v in self.metrics.items()},
                "support": dict(self.support), "counts": self.counts(), "k": self.k,
                "meta": dict(self.meta), "cases": [r.to_dict() for r in self.cases],
                "failures": [r.id for r in self.failures()]}

    def metrics_table(self) -> str:
        """The metrics as a plain-text table."""
        lines = [f"{'metric':22} {'value':>9}  over"]
        for name in METRICS:
            val = format_metric(name, self.metrics[name])
            lines.append(f"{self.label(name):22} {val:>9}  {self.support[name]} questions")
        return "\n".join(lines)

    def failures_table(self, width: int = 60) -> str:
        """The failing questions as a plain-text table (question and answer shortened)."""
        fails = self.failures()
        if not fails:
            return f"no failures ({len(self.cases)} questions)"
        lines = [f"failures: {len(fails)} of {len(self.cases)} questions",
                 f"{'id':14} {'problem':44} question  →  answer"]
        for r in fails:
            ans = _short(strip_markers(r.answer_text, tidy=False), width)
            lines.append(f"{_short(r.id, 14):14} {_short('; '.join(r.problems), 44):44} "
                         f"{_short(r.question, width)}  →  {ans}")
        return "\n".join(lines)
