"""Peak memory of one big file: loading and chunking a 5 MB article with no punctuation, and
loading a JSON array of 200,000 small records, with the default cap of 100,000 records per
file (``json``) and without it (``json-nocap``) (issue 19, finding 9).

Each case runs in a subprocess of its own, so that its peak resident set size is its own:
the peak after the imports and the tokenizer (``base``) and the peak after the work
(``peak``); ``peak - base`` is what the file cost. The peak is the kernel's ``VmHWM`` of the
process; ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` is shown beside it (``maxrss``), but
Linux carries it over ``execve`` from the parent, so it never reads below the parent's peak.
The files are synthetic (made here, under ``bench/out/``). Run from an older checkout
(without ``max_records``), ``json-nocap`` is the same as ``json``.

    .venv/bin/python -m bench.memory_bigfile            # both cases, a table and bench/out/memory_bigfile.json
    .venv/bin/python -m bench.memory_bigfile --records 200000 --text-mb 5
"""

from __future__ import annotations

import argparse
import inspect
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import OUT, ROOT, machine, machine_line, peak_rss_mb, publish, table

WORDS = [f"w{a}{b}" for a in "bcdfghjklmnprstvz" for b in "aeiou"]


def make_text(path: Path, mb: float) -> Path:
    """An article of ``mb`` MB of words and spaces only: no full stop, comma or newline."""
    rng = random.Random(19)
    with path.open("w", encoding="utf-8") as f:  # written as made: the parent stays small
        f.write("Title: Unpunctuated\n\n")
        size = 0
        while size < mb * 1024 * 1024:
            w = rng.choice(WORDS) + rng.choice(WORDS)
            f.write(w + " ")
            size += len(w) + 1
    return path


def make_json(path: Path, records: int) -> Path:
    """A JSON array of ``records`` small articles (a title, a date and one sentence)."""
    rng = random.Random(19)
    with path.open("w", encoding="utf-8") as f:
        f.write("[")
        for i in range(records):
            text = " ".join(rng.choice(WORDS) for _ in range(5))
            f.write(("," if i else "") + json.dumps(
                {"title": f"Item {i}", "date": "2024-01-02", "text": f"Record {i}: {text}."}))
        f.write("]")
    return path


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def child(case: str, path: Path) -> dict[str, Any]:
    """Run one case in this process; return its measures."""
    from vectorstore.chunking import Chunker
    from vectorstore.embedding import token_counter
    from vectorstore.loading import LoadIssue, load_paths

    chunker = Chunker(200, 32, token_counter())
    chunker.count_tokens(["warm up the tokenizer"])
    base = peak_rss_mb()
    t0 = time.perf_counter()
    articles = issues = chunks = 0
    capped = "max_records" in inspect.signature(load_paths).parameters
    cap = {"max_records": 10**9} if case == "json-nocap" and capped else {}
    for item in load_paths([path], **cap):
        if isinstance(item, LoadIssue):
            issues += 1
            continue
        articles += 1
        if case == "text":
            chunks += len(chunker.run(item))
    return {"case": case, "file_mb": round(path.stat().st_size / 2**20, 2), "articles": articles,
            "issues": issues, "chunks": chunks, "base_mb": round(base, 1),
            "peak_mb": round(peak_rss_mb(), 1), "maxrss_mb": round(_maxrss_mb(), 1),
            "seconds": round(time.perf_counter() - t0, 2)}


def run_case(case: str, path: Path) -> dict[str, Any]:
    """Run ``case`` in a fresh interpreter and return what it measured."""
    proc = subprocess.run([sys.executable, "-m", "bench.memory_bigfile", "--child", case,
                           str(path)], cwd=ROOT, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Make the two files, measure each case in a subprocess, print and save the table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--text-mb", type=float, default=5.0)
    ap.add_argument("--records", type=int, default=200_000)
    ap.add_argument("--child", nargs=2, metavar=("CASE", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        out = child(args.child[0], Path(args.child[1]))
        print(json.dumps(out))
        return out
    OUT.mkdir(parents=True, exist_ok=True)
    files = {"text": make_text(OUT / "bigfile-unpunctuated.txt", args.text_mb),
             "json": make_json(OUT / "bigfile-records.json", args.records)}
    rows = [run_case(case, path) for case, path in files.items()]
    rows.append(run_case("json-nocap", files["json"]))
    m = machine()
    print(machine_line(m))
    tab = table(["case", "file MB", "articles", "issues", "chunks", "base MB", "peak MB",
                 "peak - base MB", "maxrss MB", "s"],
                [[r["case"], r["file_mb"], r["articles"], r["issues"], r["chunks"], r["base_mb"],
                  r["peak_mb"], round(r["peak_mb"] - r["base_mb"], 1), r["maxrss_mb"],
                  r["seconds"]] for r in rows])
    return publish("memory_bigfile", {"machine": m, "cases": rows, "table": tab},
                   "Memory of one big file")


if __name__ == "__main__":
    main()
