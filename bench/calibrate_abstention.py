"""Calibrate the extractive answerer's abstention threshold on realtimeqa-dev.

Every selected question is asked twice against one shared store:

* answerable: retrieval may draw on the articles published in the ``--window`` days up to
  the question's date (distractors) plus the question's gold articles;
* unanswerable, by construction: the same question, the same distractors, but WITHOUT the
  gold articles (nor their copies: ``…/x`` and ``…/x/index.html`` are the same article,
  and the store's near-duplicate detection folds copies into one record whose URLs all count).

Passages are retrieved by the desk's own hybrid search with the question's time scope
(``qa.timeaware.time_scope`` with ``until`` = the question's date), then answered by
:class:`qa.answerers.extractive.ExtractiveAnswerer` with no threshold, so every case yields its evidence
score; the script then sweeps thresholds and reports, for each, abstention precision/recall
and answer accuracy (a gold answer alias appears in the answer text).

The store is cached under ``--cache`` (``/tmp/newsdesk-calib``) keyed by the selected
articles, so only the first run pays for ingest (a few minutes at ~23 chunks/s on 2 cores).

Usage::

    HF_HUB_OFFLINE=1 .venv/bin/python bench/calibrate_abstention.py --questions 40
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import statistics
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import RTQA as DATA  # noqa: E402
from bench.common import day as _day  # noqa: E402
from bench.common import norm_url  # noqa: E402


def norm_text(s: str) -> str:
    """Lower-case, unify quotes and dashes, drop punctuation: for alias matching."""
    s = unicodedata.normalize("NFKC", s).lower()
    s = s.translate({ord(a): b for a, b in
                     {"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"}.items()})
    s = re.sub(r"[^\w%$&' ]+", " ", s)
    s = re.sub(r"\b(the|a|an)\b", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def aliases(answers: list[str]) -> list[str]:
    """Gold answers and simple variants ("New Jersey & Oregon" -> both parts)."""
    out: list[str] = []
    for a in answers:
        a = a.strip().strip("“”\"'")
        out.append(a)
        for part in re.split(r"\s*(?:&|\band\b)\s*", a):
            if part and part != a and len(part) > 2:
                out.append(part)
    return [x for x in (norm_text(a) for a in out) if x]


def correct(answer_text: str, gold: list[str]) -> bool:
    """True when every part of some gold alias appears in the answer text."""
    t = " " + norm_text(re.sub(r"\[\d+\]", " ", answer_text)) + " "
    return any(f" {a} " in t for a in aliases(gold))


@dataclass
class Case:
    qid: str
    question: str
    asked: date
    answers: list[str]
    gold: set[str]
    answerable: bool
    score: float = 0.0
    text: str = ""
    gold_retrieved: bool = False
    ms: float = 0.0
    notes: list[str] = field(default_factory=list)


def select(n_questions: int, window: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Pick ``n_questions`` questions from date groups spread over the set, and the articles
    published in the ``window`` days up to each chosen question's date, plus gold articles."""
    qs = [json.loads(line) for line in (DATA / "questions.jsonl").open(encoding="utf-8")]
    arts = [json.loads(line) for line in (DATA / "articles.jsonl").open(encoding="utf-8")]
    groups: dict[str, list[dict[str, Any]]] = {}
    for q in qs:
        groups.setdefault(q["date"], []).append(q)
    order = sorted(groups)
    order = order[::2] + order[1::2]  # spread over the summer first
    chosen: list[dict[str, Any]] = []
    for g in order:
        if len(chosen) >= n_questions:
            break
        chosen += groups[g][: n_questions - len(chosen)]
    days = {_day(q["date"]) for q in chosen}
    gold = {norm_url(u) for q in chosen for u in q["gold_urls"]}
    picked = [a for a in arts
              if norm_url(a["url"]) in gold
              or any(0 <= (d - _day(a["date"])).days <= window for d in days)]
    return chosen, picked


def build_store(articles: list[dict[str, Any]], cache: Path) -> Path:
    """Ingest ``articles`` into a store under ``cache`` (reused when already built)."""
    from qa import NewsDesk

    key = hashlib.sha1("\n".join(sorted(a["url"] for a in articles)).encode()).hexdigest()[:12]
    home = cache / key
    done = home / "calibration-ready"
    if done.exists():
        return home
    home.mkdir(parents=True, exist_ok=True)
    src = home / "articles.jsonl"
    with src.open("w", encoding="utf-8") as f:
        for a in articles:
            f.write(json.dumps({"url": a["url"], "title": "" if a["title"] == "None" else a["title"],
                                "date": a["date"].replace("/", "-"), "text": a["text"]}) + "\n")
    desk = NewsDesk.open(home=home / "store")
    t = time.perf_counter()
    last = [0.0]

    def progress(done_n: int, total: int, what: str) -> None:
        if time.perf_counter() - last[0] > 15:
            last[0] = time.perf_counter()
            print(f"  ingest {done_n}/{total} {what[:60]}", file=sys.stderr, flush=True)

    report = desk.ingest([src], progress=progress)
    print(f"ingested in {time.perf_counter() - t:.0f}s: {report.summary()}", file=sys.stderr)
    done.write_text("ok\n")
    return home


def run_cases(home: Path, chosen: list[dict[str, Any]], window: int, k: int,
              strict: bool = True, embed: bool = True) -> list[Case]:
    """Ask every chosen question as an answerable and as an unanswerable case.

    With ``strict`` the unanswerable case also leaves out every other article whose text
    contains a gold answer alias (same-story coverage from other outlets would otherwise
    make many "unanswerable" cases answerable).
    """
    from qa import NewsDesk
    from qa.answerers.extractive import ExtractiveAnswerer
    from qa.retrieval import Filters
    from qa.timeaware import time_scope

    desk = NewsDesk.open(home=home / "store")
    records = desk.articles()
    urls_of = {r.id: {norm_url(r.url)} | {norm_url(c.get("url", "")) for c in r.copies}
               for r in records}
    published = {r.id: r.published for r in records}
    texts = {r.id: " " + norm_text(desk.store.article_text(r.id)) + " " for r in records}
    search = desk.search()
    # as the desk builds it: sentences re-ranked with the desk's own embedding model
    answerer = ExtractiveAnswerer(threshold=float("-inf"),
                                  embed=desk.embedder.embed if embed else None)
    cases: list[Case] = []
    for q in chosen:
        asked = _day(q["date"])
        gold = {norm_url(u) for u in q["gold_urls"]}
        window_ids = [aid for aid, d in published.items()
                      if d is not None and 0 <= (asked - d).days <= window]
        gold_ids = [aid for aid, us in urls_of.items() if us & gold]
        hide = list(gold_ids)
        if strict:  # also leave out every article that states the answer
            al = aliases(q["answers"])
            hide += [aid for aid in window_ids if aid not in gold_ids
                     and any(f" {a} " in texts[aid] for a in al)]
        scope = time_scope(q["question"], until=asked)
        for answerable in (True, False):
            ids = sorted(set(window_ids) | set(gold_ids)) if answerable else \
                [i for i in window_ids if i not in hide]
            c = Case(q["id"], q["question"], asked, q["answers"], gold, answerable)
            # the window already bounds the dates; a parsed "this week" narrows it further
            since = scope.since if scope.since and scope.since > asked - timedelta(days=window) \
                else None
            passages = search.run(scope.query, k, Filters(since=since, until=asked,
                                                          article_ids=tuple(ids)),
                                  recency=scope.recency)
            if answerable and since is not None and all(
                    (published[g] or since) < since for g in gold_ids if g in published):
                c.notes.append("time scope hid gold")
            t = time.perf_counter()
            draft = answerer.run(q["question"], passages, as_of=asked)
            c.ms = (time.perf_counter() - t) * 1000
            c.score, c.text = draft.score, draft.text
            c.gold_retrieved = any(p.article_id in gold_ids for p in passages)
            cases.append(c)
    return cases


def sweep(cases: list[Case], thresholds: list[float]) -> list[dict[str, float]]:
    """Abstention precision/recall and answer accuracy at each threshold."""
    rows = []
    pos = [c for c in cases if c.answerable]
    neg = [c for c in cases if not c.answerable]
    for t in thresholds:
        abst = [c for c in cases if c.score < t]
        abst_neg = [c for c in abst if not c.answerable]
        answered_pos = [c for c in pos if c.score >= t]
        right = [c for c in answered_pos if correct(c.text, c.answers)]
        rows.append({
            "threshold": t,
            "abstain_precision": len(abst_neg) / len(abst) if abst else 1.0,
            "abstain_recall": len(abst_neg) / len(neg) if neg else 0.0,
            "answered_answerable": len(answered_pos) / len(pos) if pos else 0.0,
            "accuracy_when_answered": len(right) / len(answered_pos) if answered_pos else 0.0,
            "accuracy_answerable": len(right) / len(pos) if pos else 0.0,
            # the answer-or-abstain decision, each side weighing the same
            "balanced": ((len(abst_neg) / len(neg) if neg else 0.0)
                         + (len(answered_pos) / len(pos) if pos else 0.0)) / 2,
        })
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--questions", type=int, default=40)
    ap.add_argument("--window", type=int, default=10, help="days of distractors before each question")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/newsdesk-calib"))
    ap.add_argument("--json", type=Path, help="write every case and the sweep here")
    ap.add_argument("--show", action="store_true", help="print every case")
    ap.add_argument("--no-embed", action="store_true",
                    help="answer without the embedding re-ranker (as the desk does not)")
    ap.add_argument("--loose", action="store_true",
                    help="unanswerable = only the gold articles (and copies) left out, even "
                         "where other articles state the answer")
    args = ap.parse_args(argv)
    if not DATA.exists():
        print(f"{DATA} is absent: nothing to calibrate on", file=sys.stderr)
        return 2
    chosen, picked = select(args.questions, args.window)
    print(f"{len(chosen)} questions, {len(picked)} articles in their windows", file=sys.stderr)
    home = build_store(picked, args.cache)
    t = time.perf_counter()
    cases = run_cases(home, chosen, args.window, args.k, strict=not args.loose,
                      embed=not args.no_embed)
    print(f"asked {len(cases)} cases in {time.perf_counter() - t:.1f}s", file=sys.stderr)
    if args.show:
        for c in cases:
            mark = "A" if c.answerable else "U"
            ok = "ok" if correct(c.text, c.answers) else "--"
            print(f"{mark} {c.score:6.3f} {ok} gold_in_top={int(c.gold_retrieved)} {c.qid} "
                  f"{c.question[:70]!r} -> {c.text[:110]!r} (gold {c.answers}) {' '.join(c.notes)}")
    from qa.answerers.extractive import DEFAULT_THRESHOLD

    grid = sorted({round(x * 0.01, 2) for x in range(0, 101)} | {DEFAULT_THRESHOLD})
    rows = sweep(cases, grid)
    print("abs.P/abs.R: precision/recall of abstention on the unanswerable cases; ans%: "
          "answerable cases answered;\nacc|ans: gold alias in the answer when answered; "
          "acc: over all answerable cases; bal: (abs.R + ans%) / 2")
    print(f"{'thr':>5} {'abs.P':>6} {'abs.R':>6} {'ans%':>6} {'acc|ans':>8} {'acc':>6} {'bal':>6}")
    for r in rows:
        mark = " <- default" if r["threshold"] == DEFAULT_THRESHOLD else ""
        if not mark and round(r["threshold"] * 100) % 4:
            continue
        print(f"{r['threshold']:5.2f} {r['abstain_precision']:6.2f} {r['abstain_recall']:6.2f} "
              f"{r['answered_answerable']:6.2f} {r['accuracy_when_answered']:8.2f} "
              f"{r['accuracy_answerable']:6.2f} {r['balanced']:6.2f}{mark}")
    top = max(r["balanced"] for r in rows)
    best = min((r for r in rows if r["balanced"] >= top - 1e-9), key=lambda r: r["threshold"])
    pos = [c for c in cases if c.answerable]
    print(f"\nbest balanced decision ({top:.3f}) from threshold {best['threshold']:.2f} "
          f"(abstention P {best['abstain_precision']:.2f} R {best['abstain_recall']:.2f}, "
          f"answered {best['answered_answerable']:.2f}, accuracy when answered "
          f"{best['accuracy_when_answered']:.2f}); "
          f"gold retrieved in top-{args.k} for {sum(c.gold_retrieved for c in pos)}/{len(pos)} "
          f"answerable cases; gold alias in answer (no threshold): "
          f"{sum(correct(c.text, c.answers) for c in pos)}/{len(pos)}")
    ms = sorted(c.ms for c in cases)
    print(f"answerer time per question: p50 {statistics.median(ms):.1f} ms, "
          f"p95 {ms[int(0.95 * (len(ms) - 1))]:.1f} ms, max {ms[-1]:.1f} ms")
    if args.json:
        args.json.write_text(json.dumps({
            "cases": [{**c.__dict__, "asked": c.asked.isoformat(), "gold": sorted(c.gold),
                       "correct": correct(c.text, c.answers)} for c in cases],
            "sweep": rows}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
