"""Encoder backends and chunk sizes: speed and retrieval quality on realtimeqa-dev.

Two benchmarks share this module:

* ``python -m bench.quality backends``: every encoder backend (torch, onnx, onnx-int8,
  openvino) encodes the SAME chunks; speed in chunks/s (alternating rounds, medians) and
  retrieval quality (hit@1, hit@5, MRR@5, dense and hybrid) on a slice of realtimeqa-dev:
  the first N questions (by date), each against the articles of its 10-day window.
* ``python -m bench.quality chunks``: the chunk size/overlap sweep (128/200/256 word-pieces,
  overlap 0/32) with the default backend, same questions and windows.

Vectors are cached by (backend, text hash) under ``bench/out/cache/`` so that reruns only
pay for what changed. fp32 backends make the same vectors (checked: cosine to torch), so
the slice is encoded once in fp32 (with ``onnx``) and once in int8.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from bench.common import (
    OUT,
    Skip,
    day,
    machine,
    machine_line,
    median,
    norm_url,
    publish,
    rtqa,
    table,
)

WINDOW_DAYS = 10
K = 5
RRF_K = 60


@dataclass
class Slice:
    """Questions, the chunks of their windows' articles, and which chunks each may see."""

    questions: list[dict[str, Any]]
    texts: list[str]
    urls: list[str]
    article_of: list[int]
    allowed: list[np.ndarray]
    gold: list[set[str]]


def build_slice(n_questions: int, chunk_tokens: int = 200, overlap: int = 32) -> Slice:
    """Chunk the articles of the first ``n_questions`` questions' windows with Newsdesk's chunker."""
    from vectorstore.chunking import Chunker
    from vectorstore.embedding import token_counter
    from vectorstore.types import Article

    qs, arts = rtqa(n_questions)
    by_url: dict[str, dict[str, Any]] = {}
    for a in arts:
        by_url.setdefault(norm_url(a["url"]), a)
    wanted: dict[str, dict[str, Any]] = {}
    windows: list[list[str]] = []
    for q in qs:
        qd = day(q["date"])
        w = [u for u, a in by_url.items() if 0 <= (qd - day(a["date"])).days <= WINDOW_DAYS]
        windows.append(w)
        for u in w:
            wanted[u] = by_url[u]
    chunker = Chunker(chunk_tokens, overlap, token_counter())
    texts: list[str] = []
    urls: list[str] = []
    article_of: list[int] = []
    first_chunk: dict[str, list[int]] = {}
    for ai, (u, a) in enumerate(sorted(wanted.items())):
        art = Article(id=u, text=a["text"], title=a.get("title", ""), url=a["url"])
        idx = []
        for c in chunker.run(art):
            idx.append(len(texts))
            texts.append(c.text)
            urls.append(u)
            article_of.append(ai)
        first_chunk[u] = idx
    allowed = [np.asarray(sorted(i for u in w for i in first_chunk.get(u, [])), dtype=np.int64)
               for w in windows]
    gold = [{norm_url(g) for g in q["gold_urls"]} for q in qs]
    return Slice(qs, texts, urls, article_of, allowed, gold)


class VectorCache:
    """Vectors by (backend, sha1 of text), kept in ``bench/out/cache/<backend>.npz``."""

    def __init__(self, backend: str) -> None:
        self.backend = backend
        self.path = OUT / "cache" / f"{backend}.npz"
        self.vecs: dict[str, np.ndarray] = {}
        if self.path.exists():
            d = np.load(self.path)
            self.vecs = dict(zip(d["keys"].tolist(), d["vecs"], strict=True))

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = list(self.vecs)
        np.savez(self.path, keys=np.asarray(keys), vecs=np.stack([self.vecs[k] for k in keys])
                 if keys else np.zeros((0, 384), np.float32))

    def encode(self, texts: Sequence[str], embed: Any, log: str = "") -> np.ndarray:
        """Vectors for ``texts``, encoding (in batches of 512, saved as it goes) only new ones."""
        keys = [self.key(t) for t in texts]
        todo = list(dict.fromkeys(k for k in keys if k not in self.vecs))
        text_of = dict(zip(keys, texts, strict=True))
        t0 = time.perf_counter()
        for i in range(0, len(todo), 512):
            part = todo[i:i + 512]
            for k, v in zip(part, embed([text_of[k] for k in part]), strict=True):
                self.vecs[k] = v
            self.save()
            if log:
                done = min(i + 512, len(todo))
                print(f"  {log}: {done}/{len(todo)} new chunks encoded "
                      f"({done / (time.perf_counter() - t0):.1f}/s)", flush=True)
        return np.stack([self.vecs[k] for k in keys]) if keys else np.zeros((0, 384), np.float32)


def _bm25(texts: Sequence[str]) -> Any:
    import bm25s
    import Stemmer

    stem = Stemmer.Stemmer("english")
    bm = bm25s.BM25()
    bm.index(bm25s.tokenize(list(texts), stopwords="en", stemmer=stem, show_progress=False),
             show_progress=False)
    return bm, stem


def evaluate(sl: Slice, chunk_vecs: np.ndarray, query_vecs: np.ndarray) -> dict[str, float]:
    """hit@1, hit@5 and MRR@5, dense-only and hybrid (BM25 + dense, RRF, 2 per article)."""
    import bm25s

    res: dict[str, list[float]] = {f"{m}_{r}": [] for m in ("dense", "hybrid")
                                   for r in ("hit1", "hit5", "mrr5")}
    bm_cache: dict[bytes, Any] = {}
    depth = max(K * 4, 20)
    for qi, q in enumerate(sl.questions):
        idx = sl.allowed[qi]
        if len(idx) == 0:
            continue
        sims = chunk_vecs[idx] @ query_vecs[qi]
        dense = idx[np.argsort(-sims)[:depth]]
        key = idx.tobytes()
        if key not in bm_cache:
            bm_cache[key] = _bm25([sl.texts[i] for i in idx])
        bm, stem = bm_cache[key]
        toks = bm25s.tokenize([q["question"]], stopwords="en", stemmer=stem, return_ids=False,
                              show_progress=False)[0]
        lex: list[int] = []
        if toks:
            scores = bm.get_scores(toks)
            top = np.argsort(-scores)[:depth]
            lex = [int(idx[i]) for i in top if scores[i] > 0]
        fused: dict[int, float] = {}
        for rank, c in enumerate(dense.tolist()):
            fused[c] = fused.get(c, 0.0) + 1.0 / (RRF_K + rank + 1)
        for rank, c in enumerate(lex):
            fused[c] = fused.get(c, 0.0) + 1.0 / (RRF_K + rank + 1)
        ranked = sorted(fused, key=lambda c: -fused[c])
        hybrid: list[int] = []
        per: dict[int, int] = {}
        for c in ranked:
            a = sl.article_of[c]
            if per.get(a, 0) < 2:
                per[a] = per.get(a, 0) + 1
                hybrid.append(c)
            if len(hybrid) >= K:
                break
        for name, got in (("dense", dense[:K].tolist()), ("hybrid", hybrid)):
            ranks = [r for r, c in enumerate(got) if sl.urls[c] in sl.gold[qi]]
            first = ranks[0] if ranks else None
            res[f"{name}_hit1"].append(1.0 if first == 0 else 0.0)
            res[f"{name}_hit5"].append(1.0 if first is not None else 0.0)
            res[f"{name}_mrr5"].append(1.0 / (first + 1) if first is not None else 0.0)
    return {k: round(float(np.mean(v)), 4) if v else 0.0 for k, v in res.items()}


def _embedder(backend: str) -> Any:
    from vectorstore.embedding import Embedder

    return Embedder(backend=backend, device="cpu").load()


def run_backends(n_questions: int = 50, rounds: int = 3, speed_chunks: int = 256,
                 backends: Sequence[str] = ("torch", "onnx", "onnx-int8", "openvino")) -> dict[str, Any]:
    """Speed and quality of each backend on the same chunks; returns the JSON written."""
    m = machine()
    try:
        import openvino  # noqa: F401
    except ImportError:
        print("openvino is not installed: its backend is left out (pip install openvino)")
        backends = [b for b in backends if b != "openvino"]
    t0 = time.perf_counter()
    sl = build_slice(n_questions)
    print(f"slice: {len(sl.questions)} questions, {len(sl.texts)} chunks "
          f"({len(set(sl.urls))} articles) in {time.perf_counter() - t0:.1f} s", flush=True)
    emb = {b: _embedder(b) for b in backends}
    # Speed: the same sample of chunk texts, backends alternating, medians.
    rng = np.random.default_rng(0)
    sample = [sl.texts[i] for i in rng.choice(len(sl.texts), min(speed_chunks, len(sl.texts)),
                                              replace=False)]
    from vectorstore.embedding import token_counter

    sample_tokens = sum(token_counter()(sample))
    for b in backends:
        emb[b].embed(sample[:16])  # warm
    speed: dict[str, list[tuple[float, float]]] = {b: [] for b in backends}
    for r in range(rounds):
        order = list(backends) if r % 2 == 0 else list(reversed(backends))
        for b in order:
            t, c = time.perf_counter(), time.process_time()
            emb[b].embed(sample)
            speed[b].append((time.perf_counter() - t, time.process_time() - c))
    ref = emb["torch"].embed(sample[:128]) if "torch" in emb else None
    # Quality: fp32 (onnx; torch/openvino checked equal) and int8 on every chunk of the slice.
    families = {"fp32": "onnx", "int8": "onnx-int8"}
    quality: dict[str, dict[str, float]] = {}
    for fam, b in families.items():
        if b not in emb:
            emb[b] = _embedder(b)
        cache = VectorCache(b)
        cv = cache.encode(sl.texts, emb[b].embed, log=b)
        qv = emb[b].embed([q["question"] for q in sl.questions])
        quality[fam] = evaluate(sl, cv, qv)
    rows = []
    out_backends: dict[str, Any] = {}
    base = median(len(sample) / w for w, _ in speed.get("torch", speed[backends[0]]))
    for b in backends:
        cps = median(len(sample) / w for w, _ in speed[b])
        cpu_cps = median(len(sample) / c for _, c in speed[b] if c > 0)
        v = emb[b].embed(sample[:128])
        cos = (v * ref).sum(1) if ref is not None else np.ones(1)
        from vectorstore.accel import precision

        qd = quality[precision(b)]
        out_backends[b] = {"chunks_per_s": round(cps, 2), "tokens_per_s": round(cps * sample_tokens / len(sample), 1),
                           "chunks_per_cpu_s": round(cpu_cps, 2), "speedup_vs_torch": round(cps / base, 2),
                           "cos_to_torch_min": round(float(cos.min()), 5),
                           "cos_to_torch_mean": round(float(cos.mean()), 5), **qd}
        rows.append([b, round(cps, 1), round(cps / base, 2), round(float(cos.min()), 4),
                     qd["dense_hit1"], qd["dense_hit5"], qd["dense_mrr5"], qd["hybrid_hit1"],
                     qd["hybrid_hit5"], qd["hybrid_mrr5"]])
    headers = ["backend", "chunks/s", "× torch", "min cos to torch", "dense hit@1", "dense hit@5",
               "dense MRR@5", "hybrid hit@1", "hybrid hit@5", "hybrid MRR@5"]
    md = table(headers, rows)
    res = {"machine": m, "questions": len(sl.questions), "chunks": len(sl.texts),
           "articles": len(set(sl.urls)), "speed_sample_chunks": len(sample),
           "speed_sample_tokens": sample_tokens, "rounds": rounds, "backends": out_backends,
           "quality": quality, "table": md,
           "note": "quality is per precision: fp32 = onnx vectors (torch, openvino equal to 1e-6), "
                   "int8 = onnx-int8"}
    return publish("backends", res, f"Encoder backends ({machine_line(m)})\n"
                   f"{len(sl.questions)} questions, {len(sl.texts)} chunks; speed on "
                   f"{len(sample)} chunks, {rounds} alternating rounds")


def run_chunks(n_questions: int = 30, backend: str = "onnx-int8",
               configs: Sequence[tuple[int, int]] = ((128, 0), (128, 32), (200, 0), (200, 32),
                                                      (256, 0), (256, 32))) -> dict[str, Any]:
    """hit@1/hit@5/MRR@5 for each (chunk size, overlap); returns the JSON written."""
    m = machine()
    e = _embedder(backend)
    cache = VectorCache(backend)
    rows = []
    out = {}
    for size, ov in configs:
        sl = build_slice(n_questions, size, ov)
        cv = cache.encode(sl.texts, e.embed, log=f"{size}/{ov}")
        qv = e.embed([q["question"] for q in sl.questions])
        q = evaluate(sl, cv, qv)
        out[f"{size}/{ov}"] = {"chunks": len(sl.texts), **q}
        rows.append([size, ov, len(sl.texts), q["dense_hit1"], q["dense_hit5"], q["dense_mrr5"],
                     q["hybrid_hit1"], q["hybrid_hit5"], q["hybrid_mrr5"]])
        print(f"  {size}/{ov}: {q}", flush=True)
    md = table(["tokens", "overlap", "chunks", "dense hit@1", "dense hit@5", "dense MRR@5",
                "hybrid hit@1", "hybrid hit@5", "hybrid MRR@5"], rows)
    res = {"machine": m, "questions": n_questions, "backend": backend, "configs": out, "table": md}
    return publish("chunks", res, f"Chunk size ({machine_line(m)}; {n_questions} questions, "
                                  f"backend {backend})")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m bench.quality {backends,chunks} [--questions N] [--quick]``."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("what", choices=["backends", "chunks"])
    ap.add_argument("--questions", type=int, default=None)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="20 questions, 2 rounds")
    ap.add_argument("--backends", default="torch,onnx,onnx-int8,openvino")
    a = ap.parse_args(argv)
    try:
        if a.what == "backends":
            n = a.questions or (20 if a.quick else 50)
            run_backends(n, 2 if a.quick else a.rounds,
                         backends=[b for b in re.split(r"[,\s]+", a.backends) if b])
        else:
            run_chunks(a.questions or (20 if a.quick else 30))
    except Skip as s:
        print(f"skipped: {s}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
