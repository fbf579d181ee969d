"""``ask()`` latency on real news: today's answerer against the working tree's, in one run.

One store holds every realtimeqa-dev article (about 2,000 long news articles, ~27.5k
chunks), built once under ``--cache`` (default ``/tmp/newsdesk-bench-real``) and keyed by
the article file's hash and the embedding settings. Two worker processes open that same
store with ``llm="none"``:

* **today's** answerer: the tree of ``--old`` (default ``96a4ab7``, the code issue 13 was
  filed against), extracted with ``git archive`` (no checkout, git state untouched) into
  the cache, run with the same interpreter and ``PYTHONPATH`` at that tree;
* **the new** one: the working tree.

``--also COMMIT`` adds more baselines the same way. The driver asks every side each of the
103 questions as of the question's date (``until=``), then again with no date, one side
after the other in a rotating order, so load changes on this shared machine fall on both
sides alike. Each worker times ``desk.ask(...)`` alone (``perf_counter`` around the call)
and answers over a JSON-lines pipe; 5 warm-up questions each go first and are not counted.
Reported: p50, p95 and mean per side, the ratios new/today of p50 and p95 (the issue's
target: p95 ≤ 1.3×), and the load average before and after each pass.

Usage: ``python -m bench.latency_real [--questions N] [--old COMMIT] [--also C1,C2]
[--cache DIR] [--seed-store DIR] [--json PATH]``. Without the data set it prints
``skipped: ...`` and exits 0, as the other benchmarks do.

The worker half of this file (``worker``) imports only the standard library and the tree
it measures (``qa.desk``), so the same file drives an old tree.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

OLD = "96a4ab7"
CACHE = Path("/tmp/newsdesk-bench-real")
MODES = ("as of date", "no date")
TARGET_P95 = 1.3
WARMUP = ("Who is the new prime minister?", "What did the company announce this week?",
          "How many people were killed in the storm?", "Where did the summit take place?",
          "When will the new law take effect?")
WORKER_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
              "GRADIO_ANALYTICS_ENABLED": "False", "ORT_DISABLE_TELEMETRY": "1"}


# -- the worker (runs in the measured tree; standard library and qa.desk only) ------------

def worker(home: str) -> int:
    """Open the desk at ``home`` and answer JSON-lines requests on stdin, timing ``ask`` only.

    A request is ``{"q": question, "until": "YYYY-MM-DD" or null}``; the reply is
    ``{"ms", "abstained", "passages", "timings"}``. The first line out says which ``qa``
    package was loaded and how long opening took.
    """
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # whatever the libraries print goes to the log, never into the protocol
    t = time.perf_counter()
    import qa
    from qa.desk import NewsDesk

    desk = NewsDesk.open(home=home, llm="none")
    proto.write(json.dumps({"ready": True, "qa": qa.__file__, "pid": os.getpid(),
                            "open_s": round(time.perf_counter() - t, 2),
                            "chunks": desk.store.count_chunks()}) + "\n")
    for line in sys.stdin:
        req = json.loads(line)
        kw = {"until": req["until"]} if req.get("until") else {}
        t = time.perf_counter()
        a = desk.ask(req["q"], **kw)
        ms = (time.perf_counter() - t) * 1000
        proto.write(json.dumps({"ms": ms, "abstained": bool(getattr(a, "abstained", False)),
                                "passages": len(a.passages),
                                "timings": dict(getattr(a, "timings", None) or {})}) + "\n")
    return 0


# -- the driver ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Side:
    """One answerer under test: a name, the commit it is (or ``working tree``) and its tree."""

    name: str
    commit: str
    tree: Path


class Worker:
    """A worker process for one side, spoken to over JSON lines."""

    def __init__(self, side: Side, home: Path, log: Path) -> None:
        self.side, self.log = side, log
        env = {k: v for k, v in os.environ.items() if k != "NEWSDESK_CHROMA_URL"}
        env.update(WORKER_ENV, PYTHONPATH=str(side.tree))
        self._log = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "worker", "--home", str(home)],
            cwd=side.tree, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self._log, text=True, bufsize=1)
        self.ready = self._read()

    def _read(self) -> dict[str, Any]:
        out: IO[str] | None = self.proc.stdout
        line = out.readline() if out else ""
        if not line:
            self.close()
            tail = self.log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"the {self.side.name} worker ({self.side.commit}) stopped; "
                               f"its log ({self.log}) ends:\n{tail}")
        return dict(json.loads(line))

    def ask(self, question: str, until: str | None) -> dict[str, Any]:
        """Ask one question; the worker's reply (``ms`` is the time of ``ask`` alone)."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"q": question, "until": until}) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self) -> None:
        """Stop the worker (end of input), then close its log."""
        if self.proc.stdin and not self.proc.stdin.closed:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


def _git(*args: str) -> bytes:
    from bench.common import ROOT

    return subprocess.run(["git", "-C", str(ROOT), *args], check=True,
                          capture_output=True).stdout


def old_tree(commit: str, cache: Path) -> Side:
    """The tree of ``commit``, extracted once into ``cache`` with ``git archive``.

    Raises:
        RuntimeError: the commit is not in this clone (name one that is with ``--old``).
    """
    try:
        sha = _git("rev-parse", "--verify", f"{commit}^{{commit}}").decode().strip()
    except (subprocess.CalledProcessError, OSError) as e:
        raise RuntimeError(f"commit {commit!r} not found in this clone: pass one that is "
                           f"with --old (git log --oneline)") from e
    dest = cache / f"tree-{sha[:12]}"
    if not (dest / "qa" / "desk.py").exists():
        part = cache / f"tree-{sha[:12]}.part"
        shutil.rmtree(part, ignore_errors=True)
        part.mkdir(parents=True)
        with tarfile.open(fileobj=io.BytesIO(_git("archive", sha))) as tar:
            tar.extractall(part, filter="data")
        shutil.rmtree(dest, ignore_errors=True)
        part.rename(dest)
    return Side(commit, sha, dest)


def _file_sha(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def build_store(cache: Path, seed: Path | None = None) -> tuple[Path, dict[str, Any]]:
    """The store of every realtimeqa-dev article: reused from ``cache`` when complete.

    ``seed``: a store of the same articles (an ``eval --store-cache`` store) whose ``chroma``
    folder is copied in first; the ingest that follows then only checks that every article
    is there (it skips unchanged ones) and adds what is missing.
    """
    from bench.common import RTQA
    from qa.desk import NewsDesk
    from vectorstore.config import Settings

    s = Settings.from_env()
    articles = RTQA / "articles.jsonl"
    spec = {"articles_sha256": _file_sha(articles), "embed_model": s.embed_model,
            "chunk_tokens": s.chunk_tokens, "chunk_overlap": s.chunk_overlap}
    key = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:12]
    home = cache / f"store-{key}"
    done = home / "complete.json"
    if done.exists():
        return home, dict(json.loads(done.read_text()))
    home.mkdir(parents=True, exist_ok=True)
    if seed is not None and not (home / "chroma").exists():
        shutil.copytree(seed / "chroma", home / "chroma")
    desk = NewsDesk.open(settings=s.with_(home=home, chroma_url=""), llm="none")
    t = time.perf_counter()
    print(f"ingesting {articles} into {home} ...", flush=True)
    rep = desk.ingest([articles])
    stats = desk.stats()
    info = {**spec, "home": str(home), "articles": stats["articles"],
            "duplicates": stats["duplicates"], "chunks": stats["chunks"],
            "ingest": rep.summary(), "ingest_s": round(time.perf_counter() - t, 1),
            "seeded_from": str(seed) if seed else None}
    done.write_text(json.dumps(info, indent=2) + "\n")
    return home, info


def measure(workers: Sequence[Worker], questions: Sequence[dict[str, Any]]
            ) -> tuple[list[dict[str, Any]], dict[str, list[float]]]:
    """Ask every side each question in each mode, the side order rotating per question.

    Returns one record per ask, and the load average (1 min) before and after each pass.
    """
    from bench.common import day

    for w in workers:  # warm-up: not counted
        for i, text in enumerate(WARMUP):
            w.ask(text, day(questions[0]["date"]).isoformat() if i % 2 else None)
    records: list[dict[str, Any]] = []
    loads: dict[str, list[float]] = {}
    turn = 0
    for mode in MODES:
        start = os.getloadavg()[0]
        for q in questions:
            until = day(q["date"]).isoformat() if mode == MODES[0] else None
            r = turn % len(workers)
            for w in [*workers[r:], *workers[:r]]:
                rep = w.ask(q["question"], until)
                records.append({"id": q["id"], "mode": mode, "side": w.side.name, **rep})
            turn += 1
        loads[mode] = [round(start, 2), round(os.getloadavg()[0], 2)]
        print(f"  {mode}: {len(questions)} questions × {len(workers)} sides, load average "
              f"{loads[mode][0]} → {loads[mode][1]}", flush=True)
    return records, loads


SEARCHED = "no date, every side retrieved"
GROUPS = (*MODES, SEARCHED, "both")


def _group(records: Sequence[dict[str, Any]], group: str) -> list[dict[str, Any]]:
    """The asks of one group: a mode, both modes, or the no-date asks of the questions that
    every side searched for (an answerer that reads "this week" as the week of the real
    today finds nothing to search and abstains at once, which is fast but not comparable)."""
    if group == "both":
        return list(records)
    if group != SEARCHED:
        return [r for r in records if r["mode"] == group]
    blind = {r["id"] for r in records if r["mode"] == MODES[1] and not r["passages"]}
    return [r for r in records if r["mode"] == MODES[1] and r["id"] not in blind]


def summarize(records: Sequence[dict[str, Any]], sides: Sequence[Side]
              ) -> list[dict[str, Any]]:
    """p50, p95, mean and abstentions per group and side; ratios to the first side."""
    from bench.common import percentile

    rows = []
    for group in GROUPS:
        base: dict[str, float] = {}
        chosen = _group(records, group)
        for s in sides:
            sel = [r for r in chosen if r["side"] == s.name]
            ms = [r["ms"] for r in sel]
            row = {"mode": group, "side": s.name, "asks": len(ms),
                   "commit": s.commit[:12] if len(s.commit) == 40 else s.commit,
                   "p50_ms": round(percentile(ms, 50), 1), "p95_ms": round(percentile(ms, 95), 1),
                   "mean_ms": round(sum(ms) / max(len(ms), 1), 1),
                   "abstained": sum(1 for r in sel if r["abstained"])}
            if not base:
                base = row
            row["p50_ratio"] = round(row["p50_ms"] / base["p50_ms"], 2) if base["p50_ms"] else None
            row["p95_ratio"] = round(row["p95_ms"] / base["p95_ms"], 2) if base["p95_ms"] else None
            rows.append(row)
    return rows


def verdict(rows: Sequence[dict[str, Any]], loads: dict[str, list[float]]) -> str:
    """One line: the new side's p95 ratio per group against the target, and the load."""
    parts = [f"{r['mode']} {r['p95_ratio']}×" for r in rows if r["side"] == "new"]
    both = next(r["p95_ratio"] for r in rows if r["mode"] == "both" and r["side"] == "new")
    ok = both is not None and both <= TARGET_P95
    return (f"p95 new ÷ today: {', '.join(parts)}; over both passes **{both}×** (target ≤ "
            f"{TARGET_P95}×: {'met' if ok else 'NOT met'}). Load average (1 min) before → after "
            "each pass: " + "; ".join(f"{k} {a} → {b}" for k, (a, b) in loads.items()))


def stages(records: Sequence[dict[str, Any]], side: str) -> dict[str, float]:
    """Median milliseconds of each stage ``Answer.timings`` names, for one side."""
    from bench.common import median

    keys = sorted({k for r in records if r["side"] == side for k in r["timings"]})
    return {k: round(median(r["timings"][k] for r in records
                            if r["side"] == side and k in r["timings"]), 1) for k in keys}


def _table(rows: Sequence[dict[str, Any]]) -> str:
    from bench.common import table

    return table(["questions", "answerer", "commit", "asks", "p50 ms", "p95 ms", "mean ms",
                  "abstained", "p50 ÷ today", "p95 ÷ today"],
                 [[r["mode"], r["side"], r["commit"], r["asks"], r["p50_ms"], r["p95_ms"],
                   r["mean_ms"], r["abstained"], r["p50_ratio"], r["p95_ratio"]] for r in rows])


def _sides(cache: Path, old: str, also: Sequence[str]) -> list[Side]:
    from bench.common import ROOT

    head = _git("rev-parse", "HEAD").decode().strip()
    first = old_tree(old, cache)
    return [Side("today", first.commit, first.tree),
            *(old_tree(c, cache) for c in also),
            Side("new", f"{head[:7]} + working tree", ROOT)]


def run(n_questions: int | None = None, cache: Path = CACHE, old: str = OLD,
        also: Sequence[str] = (), seed: Path | None = None,
        json_path: Path | None = None) -> dict[str, Any]:
    """Build or reuse the store, measure every side, print the table, write the JSON.

    Raises:
        Skip: realtimeqa-dev is not on this machine.
    """
    from bench.common import machine, machine_line, publish, rtqa

    questions, _ = rtqa(n_questions)
    m = machine()
    cache.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    home, store = build_store(cache, seed)
    print(f"store: {store['chunks']:,} chunks of {store['articles']:,} articles "
          f"({time.perf_counter() - t:.0f} s; {home})", flush=True)
    sides = _sides(cache, old, also)
    dirty = _git("status", "--short", "--untracked-files=no").decode().split("\n")
    workers: list[Worker] = []
    try:
        for s in sides:
            workers.append(Worker(s, home, cache / f"worker-{s.name}.log"))
            print(f"  {s.name}: {workers[-1].ready}", flush=True)
        records, loads = measure(workers, questions)
    finally:
        for w in workers:
            w.close()
    rows = summarize(records, sides)
    md = _table(rows)
    md += "\n\n" + verdict(rows, loads)
    out = {"machine": m, "store": store, "questions": len(questions),
           "sides": [{"name": s.name, "commit": s.commit, "tree": str(s.tree)} for s in sides],
           "working_tree_changes": [d for d in dirty if d.strip()],
           "workers": {w.side.name: w.ready for w in workers}, "loads": loads,
           "summary": rows, "stages_p50_ms": {s.name: stages(records, s.name) for s in sides},
           "records": records, "table": md}
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(out, indent=2, default=str))
    return publish("latency_real", out, f"ask() latency on real news ({len(questions)} "
                   f"realtimeqa-dev questions, {store['chunks']:,} chunks, no LLM; "
                   f"{machine_line(m)})")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line (``worker`` is the child process each side runs)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "worker":
        ap = argparse.ArgumentParser()
        ap.add_argument("worker")
        ap.add_argument("--home", required=True)
        return worker(ap.parse_args(argv).home)
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--questions", type=int, default=None, help="the first N (default all)")
    ap.add_argument("--old", default=OLD, help=f"today's answerer (default {OLD})")
    ap.add_argument("--also", default="", help="more baseline commits, comma-separated")
    ap.add_argument("--cache", type=Path, default=CACHE, help=f"default {CACHE}")
    ap.add_argument("--seed-store", type=Path, default=None,
                    help="a store of the same articles to copy in instead of embedding again")
    ap.add_argument("--json", type=Path, default=None, help="also write the result here")
    a = ap.parse_args(argv)
    from bench.common import Skip

    try:
        run(a.questions, a.cache, a.old, [c for c in a.also.split(",") if c], a.seed_store,
            a.json)
    except Skip as s:
        print(f"skipped: {s}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
