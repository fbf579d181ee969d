"""Fit the passage reranker's weights (``qa.rerank.WEIGHTS``) on the realtimeqa-dev TUNE half.

Only the tune half is read: the held-back half is for reporting, never for fitting. For each
tune question (asked as of its date, with its time scope, as the desk does) the desk's hybrid
search gives its fused candidates; the best :data:`qa.rerank.POOL` get their
:data:`qa.rerank.FEATURES`, labelled by whether the passage comes from a gold article. A
conditional logit (a softmax over each question's candidates, the gold passages the target,
an L2 penalty) is fitted by L-BFGS; the penalty is chosen by 7-fold cross-validation over
questions (hit@1, hit@5, MRR of the reranked, per-article-capped top 5), then the weights are
fitted on the whole half and printed, to be copied into ``qa/rerank.py``.

The store is the eval's cached one: run the tune eval once with a cache first::

    .venv/bin/python -m qa.cli eval ../shared/data/realtimeqa-dev --format realtimeqa \\
        --half tune --window-days 7 --store-cache /tmp/rt
    HF_HUB_OFFLINE=1 .venv/bin/python -m bench.fit_rerank --store-cache /tmp/rt
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize

from qa.desk import NewsDesk
from qa.eval.quizset import load_realtimeqa
from qa.eval.sources import SourceMatcher
from qa.rerank import FEATURES, POOL, features
from qa.retrieval import Candidate, _diverse_top
from qa.text.questions import clean_question
from qa.timeaware import time_scope
from vectorstore.config import Settings
from vectorstore.types import Filters

Case = tuple[np.ndarray, np.ndarray, list[Candidate]]
"""One question: its candidates' features, their gold labels, the candidates (fused order)."""


def tune_cases(folder: str, cache: str, window: int) -> list[Case]:
    """Features, labels and candidates of every tune question, from the eval's cached store."""
    homes = [p.parent for p in Path(cache).glob("store-*/spec.json")
             if json.loads(p.read_text()).get("half") == "tune"
             and json.loads(p.read_text()).get("window_days") == window]
    if not homes:
        raise SystemExit(f"no tune-half store under {cache}: run the tune eval with "
                         f"--store-cache {cache} --window-days {window} first")
    data = load_realtimeqa(folder, window_days=window, half="tune")
    desk = NewsDesk.open(settings=Settings.from_env().with_(home=homes[0], chroma_url=""))
    search: Any = desk.search()
    matcher = SourceMatcher.from_desk(desk)
    out: list[Case] = []
    for case in data.cases:
        turn = case.turns[0]
        scope = time_scope(clean_question(turn.question), until=turn.as_of)
        f = Filters(since=scope.since, until=scope.until)
        cands = search.candidates(scope.query, max(20, POOL), f, scope.recency)
        feats = features(scope.query, cands[:POOL], f)
        x = np.array([[v[k] for k in FEATURES] for v in feats]).reshape(-1, len(FEATURES))
        y = np.array([matcher.matches(c.passage, turn.sources) for c in cands[:POOL]], bool)
        out.append((x, y, cands))
    return out


def ranking(cases: Sequence[Case], w: np.ndarray, k: int = 5) -> tuple[float, float, float]:
    """hit@1, hit@k and MRR of the per-article-capped top ``k`` when ranked by ``x @ w``."""
    h1 = hk = rr = 0.0
    for x, y, cands in cases:
        s = x @ w
        order = sorted(range(len(x)), key=lambda i: (-s[i], i))
        top = _diverse_top([cands[i] for i in order] + cands[len(x):], k, 2)
        gold = {cands[i].passage.chunk_id for i in np.flatnonzero(y)}
        rank = next((i + 1 for i, p in enumerate(top) if p.chunk_id in gold), None)
        if rank:
            h1, hk, rr = h1 + (rank == 1), hk + 1, rr + 1 / rank
    n = max(len(cases), 1)
    return h1 / n, hk / n, rr / n


def fit(cases: Sequence[Case], penalty: float) -> np.ndarray:
    """Conditional-logit weights: the gold candidates' share of each question's softmax."""
    groups = [(x, y) for x, y, _ in cases if len(x) and y.any()]

    def loss(w: np.ndarray) -> float:
        total = penalty * float(w @ w)
        for x, y in groups:
            s = x @ w
            s = s - s.max()
            total -= float(np.log(np.exp(s[y]).sum()) - np.log(np.exp(s).sum()))
        return total

    return np.asarray(minimize(loss, np.zeros(len(FEATURES)), method="L-BFGS-B").x)


def cross_validate(cases: Sequence[Case], penalty: float, folds: int = 7) -> np.ndarray:
    """Mean (hit@1, hit@5, MRR) over ``folds`` question folds, each scored by weights fitted
    on the other folds."""
    total = np.zeros(3)
    for k in range(folds):
        test = [c for i, c in enumerate(cases) if i % folds == k]
        train = [c for i, c in enumerate(cases) if i % folds != k]
        total += np.array(ranking(test, fit(train, penalty))) * len(test)
    return total / len(cases)


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folder", default="../shared/data/realtimeqa-dev")
    ap.add_argument("--store-cache", required=True, help="the tune eval's --store-cache")
    ap.add_argument("--window-days", type=int, default=7)
    args = ap.parse_args(argv)
    dated = tune_cases(args.folder, args.store_cache, args.window_days)
    fresh = FEATURES.index("fresh")
    undated = [(_without(x, fresh), y, c) for x, y, c in dated]
    for name, cases in (("WEIGHTS (an as-of date)", dated), ("UNDATED_WEIGHTS", undated)):
        report(name, cases)


def _without(x: np.ndarray, column: int) -> np.ndarray:
    """``x`` with one feature zeroed: its weight then fits to 0 (no as-of date, no ``fresh``)."""
    x = x.copy()
    x[:, column] = 0.0
    return x


def report(name: str, cases: Sequence[Case]) -> None:
    """Cross-validate the penalties, fit on the whole half with the best, print the weights."""
    fused = np.array([1.0 if k == "fused" else 0.0 for k in FEATURES])
    print(f"{name}: {len(cases)} tune questions; fused order: hit@1/hit@5/MRR "
          f"{np.round(ranking(cases, fused), 3)}")
    cv = {p: cross_validate(cases, p) for p in (0.01, 0.03, 0.1)}
    for p, scores in cv.items():
        print(f"  penalty {p}: 7-fold CV hit@1/hit@5/MRR {np.round(scores, 3)}")
    best = max(cv, key=lambda p: (cv[p][2], cv[p][0]))  # MRR, then hit@1
    w = fit(cases, best)
    print(f"  penalty {best}, fitted on the whole tune half: {np.round(ranking(cases, w), 3)}")
    print(f"  {name} =", {k: round(float(v), 1) for k, v in zip(FEATURES, w, strict=True)})

if __name__ == "__main__":
    main()
