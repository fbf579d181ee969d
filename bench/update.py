"""Adding and deleting one article in a large store: the BM25 update against a full rebuild.

For each size, a copy of the latency store (``bench/out/stores/``, built by
``bench.synth`` when absent) is opened, and in the same process:

* ``full rebuild``: the BM25 index built from every chunk in the store (read back from
  Chroma, tokenized, scored), which is what every change used to cost;
* ``add 1 article``: ``NewsDesk.ingest`` of the bundled article (new to these stores), the
  BM25 step included, of which ``BM25 update`` is the part after the pipeline. The first
  ingest of a process reads every article's SimHash once (near-duplicate detection);
* ``add another``: the next ingest in the same process (a generated article: words of the
  bundled one in a seeded random order), which finds that list in memory;
* ``delete them``: ``NewsDesk.delete`` of both, then the next question, which brings BM25
  up to date;
* ``add 1 in a new process``: a fresh ``NewsDesk`` (no journal, nothing in memory) ingests
  a third generated article, starting from the SimHash list the one before saved.

Usage: ``python -m bench.update [--sizes 10000,100000]``.
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import OUT, ROOT, machine, machine_line, publish, table, timed

ARTICLE = ROOT / "corpus" / "articles"


def one(size: int, backend: str) -> dict[str, Any]:
    """Time a full rebuild, an add and a delete on a copy of the ``size``-chunk store."""
    from bench import synth
    from qa.desk import NewsDesk
    from vectorstore.config import Settings

    src = OUT / "stores" / f"{backend}-{size}"
    synth.build(src, size, backend)
    tmp = Path(tempfile.mkdtemp(prefix="bench-update-"))
    try:
        home = tmp / "home"
        shutil.copytree(src, home)
        shutil.rmtree(home / "cache", ignore_errors=True)  # no SimHash list saved yet
        settings = Settings.from_env().with_(home=home, chroma_url="")
        desk = NewsDesk.open(settings=settings)
        rev = desk.store.revision()
        rebuild, _, _ = timed(lambda: desk.lexical.build(desk.store.iter_chunks(), rev))
        desk.ask("What did the minister say?")  # the encoder loaded, the index current
        files = sorted(ARTICLE.glob("*.txt"))
        words = " ".join(f.read_text(encoding="utf-8") for f in files).split()
        generated = []
        for seed in (0, 1):
            random.Random(seed).shuffle(words)
            generated.append(tmp / f"generated-{seed}.txt")
            generated[-1].write_text(f"Title: Generated {seed}\n\n" + " ".join(words[:300]) + "\n",
                                     encoding="utf-8")
        add, _, rep = timed(lambda: desk.ingest(files))
        add2, _, rep2 = timed(lambda: desk.ingest(generated[:1]))
        delete, _, _ = timed(lambda: [desk.delete(a) for a in rep.article_ids + rep2.article_ids]
                             and desk.ask("Who met?"))
        # a new process: no journal, no list in memory; the list saved by the one before
        desk = NewsDesk.open(settings=settings)
        desk.ask("Who met?")
        add3, _, rep3 = timed(lambda: desk.ingest(generated[1:]))
        if not (rep.added and rep2.added and rep3.added):
            raise RuntimeError(f"not added: {rep.summary()}; {rep2.summary()}; {rep3.summary()}")
        return {"chunks": desk.store.count_chunks() - rep3.chunks,
                "full_rebuild_s": round(rebuild, 2),
                "add_s": round(add, 2), "add_bm25_s": round(add - rep.seconds, 2),
                "add2_s": round(add2, 2), "add2_bm25_s": round(add2 - rep2.seconds, 2),
                "add_new_process_s": round(add3, 2), "delete_s": round(delete, 2),
                "speedup": round(rebuild / max(add2, 1e-9), 1)}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(sizes: Sequence[int] = (10_000, 100_000), backend: str = "") -> dict[str, Any]:
    """Run for each size; print the table and write ``bench/out/update.json``."""
    from vectorstore.config import Settings
    from vectorstore.embedding import Embedder

    m = machine()
    backend = backend or Embedder.from_settings(Settings.from_env()).backend
    results = {}
    for size in sizes:
        results[str(size)] = r = one(size, backend)
        print(f"  {size:,}: {r}", flush=True)
    md = table(["chunks", "full BM25 rebuild s", "add 1 article s (first in process, no "
                "saved list)", "of which BM25 s", "add another s", "of which BM25 s",
                "delete both + next question s", "add 1 in a new process s (saved list)",
                "rebuild / add another"],
               [[f"{r['chunks']:,}", r["full_rebuild_s"], r["add_s"], r["add_bm25_s"],
                 r["add2_s"], r["add2_bm25_s"], r["delete_s"], r["add_new_process_s"],
                 f"{r['speedup']}×"] for r in results.values()])
    out = {"machine": m, "backend": backend, "results": results, "table": md}
    return publish("update", out, f"One article in a large store ({machine_line(m)})")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,100000")
    a = ap.parse_args(argv)
    run([int(x) for x in a.sizes.split(",") if x])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
