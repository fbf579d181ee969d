"""Query latency of ``NewsDesk.ask()`` (no LLM) at growing store sizes, cold start and memory.

For each size (chunks) a store is built once (see :mod:`bench.synth`) under
``bench/out/stores/``; then, each in a fresh process:

* ``newsdesk``: process start → ``NewsDesk.open`` → first ``ask`` (the cold start), then
  ``--queries`` more questions: p50/p95/p99 of ``ask()`` and its stages; peak RSS;
* ``langchain``: the plain chain on the same Chroma collection: ``Chroma`` retriever k=5 +
  a trivial "stuff" step (join the passages into a prompt), no LLM;
* with ``--server``: ``newsdesk`` again against a ``chroma run`` server on 127.0.0.1 serving
  the same store (started and stopped by the benchmark).

Usage: ``python -m bench.latency [--sizes 1000,10000,100000,1000000] [--queries 200]``.
The stores are built once and reused (the 1M one takes about an hour of Chroma writes here).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import (
    OUT,
    ROOT,
    Skip,
    machine,
    machine_line,
    peak_rss_mb,
    percentile,
    publish,
    table,
)


def _questions(n: int) -> list[str]:
    """Questions about BBC stories (their headlines), varied in wording; no answers needed."""
    from bench.common import bbc_files

    forms = ["What happened with {t}?", "Who is involved in {t}?", "Why does {t} matter?",
             "When was {t} reported?", "What did officials say about {t}?"]
    out = []
    for i, f in enumerate(bbc_files()[::7]):
        title = f.read_text(encoding="utf-8", errors="replace").strip().split("\n", 1)[0][:80]
        out.append(forms[i % len(forms)].format(t=title.strip().rstrip(".")))
        if len(out) >= n:
            break
    return out


# -- the probe (runs in a fresh process) ---------------------------------------------------

def probe(system: str, home: str, chroma_url: str, questions: list[str], t_start: float) -> dict[str, Any]:
    """Open ``system`` on the store, answer ``questions``; time everything from ``t_start``."""
    lat: list[float] = []
    stages: dict[str, list[float]] = {}
    if system == "newsdesk":
        from qa.desk import NewsDesk

        desk = NewsDesk.open(home=home, chroma_url=chroma_url or None, llm="none")
        t_open = time.time() - t_start
        first = desk.ask(questions[0])
        cold = time.time() - t_start
        for q in questions[1:]:
            t = time.perf_counter()
            a = desk.ask(q)
            lat.append((time.perf_counter() - t) * 1000)
            for k, v in a.timings.items():
                stages.setdefault(k, []).append(v)
        extra = {"first_passages": len(first.passages), "backend": desk.embedder.backend,
                 "chunks": desk.store.count_chunks(), "bm25_chunks": len(desk.lexical)}
    else:
        from langchain_chroma import Chroma
        from langchain_core.runnables import RunnableLambda
        from langchain_huggingface import HuggingFaceEmbeddings

        from vectorstore.embedding import resolve_model_path

        emb = HuggingFaceEmbeddings(model_name=resolve_model_path(""),
                                    encode_kwargs={"normalize_embeddings": True})
        vs = Chroma(collection_name="newsdesk_chunks", embedding_function=emb,
                    persist_directory=str(Path(home) / "chroma"))
        t_open = time.time() - t_start

        def stuff(docs: list[Any]) -> str:
            # Newsdesk keeps chunk texts in metadata (stores before that: in documents).
            ctx = "\n\n".join(f"[{i + 1}] {d.page_content or d.metadata.get('text', '')}"
                              for i, d in enumerate(docs))
            return f"Answer from the context.\n\n{ctx}\n\nQuestion: "

        chain = vs.as_retriever(search_kwargs={"k": 5}) | RunnableLambda(stuff)
        chain.invoke(questions[0])
        cold = time.time() - t_start
        for q in questions[1:]:
            t = time.perf_counter()
            chain.invoke(q)
            lat.append((time.perf_counter() - t) * 1000)
        extra = {}
    return {"system": system, "open_s": round(t_open, 2), "cold_start_s": round(cold, 2),
            "queries": len(lat), "p50_ms": round(percentile(lat, 50), 1),
            "p95_ms": round(percentile(lat, 95), 1), "p99_ms": round(percentile(lat, 99), 1),
            "mean_ms": round(sum(lat) / max(len(lat), 1), 1),
            "stages_p50_ms": {k: round(percentile(v, 50), 1) for k, v in stages.items()},
            "stages_p95_ms": {k: round(percentile(v, 95), 1) for k, v in stages.items()},
            "peak_rss_mb": round(peak_rss_mb(), 0), **extra}


def _run_probe(system: str, home: Path, questions: list[str], chroma_url: str = "",
               timeout: float = 1800) -> dict[str, Any]:
    qfile = OUT / "latency-questions.json"
    qfile.write_text(json.dumps(questions))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    t0 = time.time()
    proc = subprocess.run([sys.executable, "-m", "bench.latency", "probe", "--system", system,
                           "--home", str(home), "--chroma-url", chroma_url, "--qfile", str(qfile),
                           "--t0", repr(t0)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"probe {system} failed: {proc.stderr[-2000:]}")
    return dict(json.loads(lines[-1]))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def chroma_server(path: Path) -> tuple[subprocess.Popen[bytes], str]:
    """A ``chroma run`` server on a free port with its data at ``path``; and its URL."""
    exe = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    if exe is None:
        raise Skip("the `chroma` command is not installed")
    port = _free_port()
    proc = subprocess.Popen([exe, "run", "--host", "127.0.0.1", "--port", str(port), "--path",
                             str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc, f"http://127.0.0.1:{port}"
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the chroma server did not start in 120 s")


def _bm25_for_url(home: Path, url: str) -> None:
    """Give the server-mode desk the BM25 index already built for this store (same revision)."""
    from vectorstore.ids import short_hash

    src = home / "bm25" / short_hash(str(home / "chroma"))
    dst = home / "bm25" / short_hash(url)
    if src.exists():
        shutil.rmtree(dst, ignore_errors=True)
        shutil.copytree(src, dst)


def bm25_at(n_docs: int, n_queries: int = 200) -> dict[str, Any]:
    """The BM25 side alone at ``n_docs`` chunks: build, load, one-article update and search times.

    The index is the BBC chunks' term counts replicated (each copy a block of new chunk
    ids), so the posting lists are as long as at that size; scored in numpy in seconds,
    where tokenizing and writing that many chunks to Chroma takes an hour on 2 cores.
    """
    import tempfile

    import numpy as np

    from bench.synth import base_chunks
    from vectorstore.lexical import LexicalIndex, TermCounts, _tokens
    from vectorstore.text.stemming import new_stemmer

    _, chunks, _ = base_chunks("onnx-int8")
    texts = [c.text for cs in chunks for c in cs]
    vocab: dict[str, int] = {}
    base = TermCounts.of(_tokens(texts, new_stemmer()), vocab)
    reps = -(-n_docs // len(base))
    per_row = np.tile(np.diff(base.indptr), reps)
    big = TermCounts(np.concatenate([[0], np.cumsum(per_row)]).astype(np.int64),
                     np.tile(base.terms, reps), np.tile(base.counts, reps))
    big = big.take(np.arange(len(big)) < n_docs)
    with tempfile.TemporaryDirectory(prefix="bench-bm25-") as d:
        lex = LexicalIndex(Path(d) / "idx")
        t = time.perf_counter()
        lex._install([f"{i:08x}:0" for i in range(n_docs)], np.full(n_docs, -1, dtype=np.int32),
                     [""] * n_docs, [str(i // 3) for i in range(n_docs)], big, vocab, 1)
        build_s = time.perf_counter() - t
        del big
        fresh = LexicalIndex(Path(d) / "idx")
        t = time.perf_counter()
        fresh.load()
        load_s = time.perf_counter() - t
        # one article rewritten (its 3 chunks replaced by 2), as an ingest of it would
        new = ([f"new:{i}" for i in range(2)], texts[:2], [{"article_id": "7"}] * 2)
        t = time.perf_counter()
        assert fresh.update({"7"}, [new], 2)
        update_s = time.perf_counter() - t
        qs = _questions(n_queries)
        lat = []
        for q in qs:
            t = time.perf_counter()
            fresh.search(q, 20)
            lat.append((time.perf_counter() - t) * 1000)
        return {"chunks": n_docs, "postings": int(len(fresh._bm25.scores["data"])),
                "build_s": round(build_s, 2), "load_s": round(load_s, 2),
                "update_s": round(update_s, 2), "search_p50_ms": round(percentile(lat, 50), 1),
                "search_p95_ms": round(percentile(lat, 95), 1),
                "search_p99_ms": round(percentile(lat, 99), 1), "rss_mb": round(peak_rss_mb(), 0)}


def run(sizes: Sequence[int] = (1000, 10_000, 100_000, 1_000_000), n_queries: int = 200,
        server: bool = True, langchain: bool = True, backend: str = "",
        bm25_sizes: Sequence[int] = (1_000_000,)) -> dict[str, Any]:
    """Build the stores, probe each system; print the table and write ``bench/out/latency.json``."""
    from bench import synth
    from vectorstore.config import Settings
    from vectorstore.embedding import Embedder

    m = machine()
    backend = backend or Embedder.from_settings(Settings.from_env()).backend
    questions = _questions(n_queries + 1)
    results: dict[str, Any] = {}
    rows = []
    for size in sizes:
        home = OUT / "stores" / f"{backend}-{size}"
        t = time.perf_counter()
        info = synth.build(home, size, backend)
        print(f"store {size:,}: {info} ({time.perf_counter() - t:.0f} s)", flush=True)
        res: dict[str, Any] = {"store": info}
        res["newsdesk"] = _run_probe("newsdesk", home, questions)
        print(f"  newsdesk: {res['newsdesk']}", flush=True)
        try:
            import langchain_chroma  # noqa: F401
            import langchain_huggingface  # noqa: F401
        except ImportError:
            langchain = False
            print("  langchain baseline skipped: langchain-chroma / langchain-huggingface "
                  "missing (pip install --no-deps langchain-huggingface langchain-chroma)")
        if langchain:
            res["langchain"] = _run_probe("langchain", home, questions)
            print(f"  langchain: {res['langchain']}", flush=True)
        if server:
            proc, url = chroma_server(home / "chroma")
            try:
                _bm25_for_url(home, url)
                res["newsdesk_server"] = _run_probe("newsdesk", home, questions, url)
                print(f"  newsdesk (chroma server): {res['newsdesk_server']}", flush=True)
            finally:
                proc.terminate()
                proc.wait(timeout=30)
        results[str(size)] = res
        for key, label in (("newsdesk", "Newsdesk ask()"), ("newsdesk_server", "Newsdesk ask(), Chroma server"),
                           ("langchain", "LangChain retriever k=5 + stuff")):
            r = res.get(key)
            if r:
                rows.append([f"{info['chunks']:,}", label, r["p50_ms"], r["p95_ms"], r["p99_ms"],
                             r["cold_start_s"], r["peak_rss_mb"]])
    md = table(["chunks", "system", "p50 ms", "p95 ms", "p99 ms", "cold start s", "peak RSS MB"],
               rows)
    bm25 = {}
    for size in bm25_sizes:
        bm25[str(size)] = b = bm25_at(size, n_queries)
        print(f"  BM25 alone at {size:,}: {b}", flush=True)
    if bm25:
        md += ("\n\nBM25 side alone (term counts replicated to size; build = score + save; "
               "memory-mapped load; update = one article's chunks replaced, saved):\n\n") + table(
            ["chunks", "postings", "build s", "load s", "update 1 article s", "search p50 ms",
             "p95 ms", "p99 ms"],
            [[f"{int(k):,}", v["postings"], v.get("build_s", ""), v["load_s"],
              v.get("update_s", ""), v["search_p50_ms"], v["search_p95_ms"],
              v["search_p99_ms"]] for k, v in bm25.items()])
    out = {"machine": m, "backend": backend, "queries": n_queries, "results": results,
           "bm25_alone": bm25, "table": md}
    return publish("latency", out, f"Query latency ({n_queries} questions per run, no LLM; "
                                   f"{machine_line(m)})")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line (``probe`` is the child process the benchmark starts)."""
    if argv is None:
        argv = sys.argv[1:]
    if argv and argv[0] == "probe":
        ap = argparse.ArgumentParser()
        ap.add_argument("probe")
        ap.add_argument("--system", required=True)
        ap.add_argument("--home", required=True)
        ap.add_argument("--chroma-url", default="")
        ap.add_argument("--qfile", required=True)
        ap.add_argument("--t0", type=float, required=True)
        a = ap.parse_args(argv)
        qs = json.loads(Path(a.qfile).read_text())
        print(json.dumps(probe(a.system, a.home, a.chroma_url, qs, a.t0)), flush=True)
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000,1000000")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--no-server", action="store_true")
    ap.add_argument("--no-langchain", action="store_true")
    ap.add_argument("--backend", default="")
    ap.add_argument("--quick", action="store_true", help="1k and 10k chunks, 50 questions")
    a = ap.parse_args(argv)
    sizes = [1000, 10_000] if a.quick else [int(x) for x in a.sizes.split(",") if x]
    try:
        run(sizes, 50 if a.quick else a.queries, not a.no_server, not a.no_langchain, a.backend,
            () if a.quick else (1_000_000,))
    except Skip as s:
        print(f"skipped: {s}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
