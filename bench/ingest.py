"""Ingest throughput on BBC articles: Newsdesk vs the plain LangChain pipeline vs the encoder alone.

Measured in one process, in alternating rounds (medians), each round on a fresh store:

* ``langchain``: ``RecursiveCharacterTextSplitter(1000, 200)`` + ``HuggingFaceEmbeddings``
  (the packaged all-MiniLM-L6-v2 on torch) + ``Chroma.from_documents``: the tutorial pipeline;
* ``newsdesk``: ``NewsDesk.ingest`` (load, dedupe, chunk, embed, Chroma, BM25), default backend;
* ``ceiling``: Newsdesk's encoder alone (same backend) over the same chunk texts, one call;
* ``torch-encode``: torch fp32 ``encode`` alone over the same chunk texts (the old ceiling).

Models are loaded once before the rounds (load time is not ingest time).

Usage: ``python -m bench.ingest [--articles 400] [--rounds 3] [--device cpu|cuda] [--backend B]``.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.common import Skip, bbc_files, machine, machine_line, median, publish, table, timed

LANGCHAIN_HINT = ("install the baseline's packages: .venv/bin/pip install --no-deps "
                  "langchain-huggingface langchain-chroma langchain-text-splitters (--no-deps: "
                  "their huggingface-hub<2 pin conflicts with transformers 5)")


def _langchain(files: Sequence[Path], device: str, model_path: str) -> Callable[[], dict[str, Any]]:
    try:
        from langchain_chroma import Chroma
        from langchain_core.documents import Document
        from langchain_huggingface import HuggingFaceEmbeddings
        from langchain_text_splitters import RecursiveCharacterTextSplitter
    except ImportError as e:
        raise Skip(f"{e}: {LANGCHAIN_HINT}") from None

    emb = HuggingFaceEmbeddings(model_name=model_path, model_kwargs={"device": device},
                                encode_kwargs={"normalize_embeddings": True})
    emb.embed_documents(["warm up"])

    def run() -> dict[str, Any]:
        folder = tempfile.mkdtemp(prefix="bench-lc-")
        try:
            t0, c0 = time.perf_counter(), time.process_time()
            docs = [Document(page_content=f.read_text(encoding="utf-8", errors="replace"),
                             metadata={"source": str(f)}) for f in files]
            splits = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200) \
                .split_documents(docs)
            t1 = time.perf_counter()
            Chroma.from_documents(splits, emb, persist_directory=folder,
                                  collection_name=f"lc{uuid.uuid4().hex[:8]}")
            t2 = time.perf_counter()
            return {"seconds": t2 - t0, "cpu_s": time.process_time() - c0,
                    "split_s": t1 - t0, "chunks": len(splits),
                    "texts": [d.page_content for d in splits]}
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    return run


def _newsdesk(files: Sequence[Path], device: str, backend: str) -> Callable[[], dict[str, Any]]:
    from qa.desk import NewsDesk
    from vectorstore.config import Settings

    base = Settings.from_env().with_(device=device, embed_backend=backend)

    def run() -> dict[str, Any]:
        folder = Path(tempfile.mkdtemp(prefix="bench-nd-"))
        try:
            desk = NewsDesk.open(settings=base.with_(home=folder, chroma_url=""))
            desk.embedder.load()
            _ = desk.chunker.count_tokens
            sec, cpu, rep = timed(lambda: desk.ingest(list(files)))
            return {"seconds": sec, "cpu_s": cpu, "chunks": rep.chunks, "tokens": rep.tokens,
                    "embedded": rep.embedded, "duplicates": rep.duplicates,
                    "articles": rep.added, "backend": desk.embedder.backend,
                    "device": desk.embedder.device}
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    return run


def _chunk_texts(files: Sequence[Path]) -> list[str]:
    """Newsdesk's chunks of ``files`` (default chunker), as the ceiling encodes them."""
    from vectorstore.chunking import Chunker
    from vectorstore.config import Settings
    from vectorstore.embedding import token_counter
    from vectorstore.loading import load_paths
    from vectorstore.types import Article

    s = Settings.from_env()
    ch = Chunker(s.chunk_tokens, s.chunk_overlap, token_counter(s.embed_model))
    return [c.text for a in load_paths(files) if isinstance(a, Article) for c in ch.run(a)]


def run(n_articles: int = 400, rounds: int = 3, device: str = "auto", backend: str = "",
        torch_ceiling: bool = True) -> dict[str, Any]:
    """Run the ingest benchmark; print the table and write ``bench/out/ingest.json``."""
    from vectorstore.config import Settings
    from vectorstore.embedding import Embedder, pick_device, resolve_model_path, token_counter

    files = bbc_files(n_articles)
    m = machine()
    s = Settings.from_env()
    backend = backend or s.embed_backend
    dev = pick_device(device)
    model_path = resolve_model_path(s.embed_model)
    texts = _chunk_texts(files)
    count = token_counter(s.embed_model)
    nd_tokens = sum(count(texts))
    enc = Embedder(s.embed_model, backend, dev).load()
    enc.embed(texts[:8])
    torch_enc = Embedder(s.embed_model, "torch", dev).load() if torch_ceiling else None
    if torch_enc is not None:
        torch_enc.embed(texts[:8])
    runners: dict[str, Callable[[], dict[str, Any]]] = {
        "langchain": _langchain(files, dev, model_path),
        "newsdesk": _newsdesk(files, device, backend),
        "ceiling": lambda: {**_time(lambda: enc.embed(texts)), "chunks": len(texts),
                            "tokens": nd_tokens},
    }
    if torch_enc is not None:
        runners["torch-encode"] = lambda: {**_time(lambda: torch_enc.embed(texts)),
                                           "chunks": len(texts), "tokens": nd_tokens}
    results: dict[str, list[dict[str, Any]]] = {k: [] for k in runners}
    for r in range(rounds):
        names = list(runners) if r % 2 == 0 else list(reversed(runners))
        for name in names:
            res = runners[name]()
            if "texts" in res:
                res["tokens"] = sum(count(res.pop("texts")))
            results[name].append(res)
            print(f"  round {r + 1} {name}: {res['seconds']:.1f} s, {res['cpu_s']:.1f} CPU-s",
                  flush=True)
    summary: dict[str, dict[str, float]] = {}
    for name, rs in results.items():
        sec = median(x["seconds"] for x in rs)
        chunks, tokens = rs[0]["chunks"], rs[0]["tokens"]
        summary[name] = {"seconds": round(sec, 2), "cpu_s": round(median(x["cpu_s"] for x in rs), 2),
                         "articles_per_s": round(len(files) / sec, 2),
                         "chunks_per_s": round(chunks / sec, 2), "tokens_per_s": round(tokens / sec, 1),
                         "chunks": chunks, "tokens": tokens}
    nd, lc, ce = summary["newsdesk"], summary["langchain"], summary["ceiling"]
    ratios = {"newsdesk_vs_langchain": round(nd["articles_per_s"] / lc["articles_per_s"], 2),
              "newsdesk_vs_ceiling": round(nd["articles_per_s"] / ce["articles_per_s"], 3),
              # The same ratio in CPU time: the work done, which other load on a shared
              # machine changes far less than wall time. On an idle machine with the encoder
              # keeping every core busy, this is what the wall-time ratio tends to.
              "ceiling_cpu_share": round(ce["cpu_s"] / nd["cpu_s"], 3),
              "langchain_vs_torch_encode": round(lc["articles_per_s"] /
                                                 summary["torch-encode"]["articles_per_s"], 3)
              if "torch-encode" in summary else None}
    label = {"langchain": "plain LangChain pipeline (torch fp32)",
             "newsdesk": f"Newsdesk ingest ({results['newsdesk'][0]['backend']}, "
                         f"{results['newsdesk'][0]['device']})",
             "ceiling": f"encoder alone ({enc.backend}), Newsdesk's chunks",
             "torch-encode": "torch fp32 encode alone, Newsdesk's chunks"}
    rows = [[label[k], v["articles_per_s"], v["chunks_per_s"], v["tokens_per_s"], v["chunks"],
             v["seconds"], v["cpu_s"]] for k, v in summary.items()]
    md = table(["pipeline", "articles/s", "chunks/s", "tokens/s", "chunks", "seconds (median)",
                "CPU-s (median)"], rows)
    md += (f"\n\nNewsdesk / LangChain: **{ratios['newsdesk_vs_langchain']}×** (articles/s); "
           f"Newsdesk / its encoder's ceiling: **{ratios['newsdesk_vs_ceiling']:.1%}** "
           f"(in CPU time: the encoder alone uses {ratios['ceiling_cpu_share']:.1%} of the CPU "
           "time Newsdesk's ingest uses)")
    if ratios["langchain_vs_torch_encode"]:
        md += f"; LangChain / torch encode: {ratios['langchain_vs_torch_encode']:.1%}"
    out = {"machine": m, "articles": len(files), "rounds": rounds, "device": dev,
           "backend": enc.backend, "summary": summary, "ratios": ratios, "raw": results, "table": md}
    return publish("ingest", out, f"Ingest ({len(files)} BBC articles, {rounds} alternating "
                                  f"rounds, medians; {machine_line(m)})")


def _time(fn: Callable[[], Any]) -> dict[str, float]:
    """Wall and CPU seconds (every thread of this process) of one call."""
    sec, cpu, _ = timed(fn)
    return {"seconds": sec, "cpu_s": cpu}


def main(argv: Sequence[str] | None = None) -> int:
    """Command line."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=400)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    ap.add_argument("--backend", default="", help="Newsdesk's encoder backend (default: configured)")
    ap.add_argument("--no-torch-ceiling", action="store_true")
    ap.add_argument("--quick", action="store_true", help="100 articles, 2 rounds")
    a = ap.parse_args(argv)
    try:
        run(100 if a.quick else a.articles, 2 if a.quick else a.rounds, a.device, a.backend,
            not a.no_torch_ceiling)
    except Skip as s:
        print(f"skipped: {s}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
