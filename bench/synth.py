"""Large stores for the latency benchmark, built from the real BBC chunks and their vectors.

The BBC articles are chunked by Newsdesk and encoded once (vectors cached under
``bench/out/cache``). A store of N chunks holds the real chunks first, then perturbed
copies: copy ``r`` of an article is a new article (its own id) whose chunk texts have
about 10% of their words swapped for other corpus words of the same length (so sentence
offsets stay valid and BM25 sees varied text), and whose vectors are the real ones plus
Gaussian noise, re-normalised (cosine ~0.95 to the original). Everything is written
through :meth:`vectorstore.store.Store.write_articles` in big batches, and the BM25
index is built from the store, so Chroma and BM25 hold the real count.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import bbc_files

_WORD = re.compile(r"[A-Za-z]{3,}")


def base_chunks(backend: str) -> tuple[list[Any], list[list[Any]], np.ndarray]:
    """The BBC articles, their Newsdesk chunks, and one vector per chunk (cached)."""
    from bench.quality import VectorCache
    from vectorstore.chunking import Chunker
    from vectorstore.config import Settings
    from vectorstore.embedding import Embedder, token_counter
    from vectorstore.loading import load_paths
    from vectorstore.types import Article

    s = Settings.from_env()
    arts = [a for a in load_paths(bbc_files()) if isinstance(a, Article)]
    ch = Chunker(s.chunk_tokens, s.chunk_overlap, token_counter(s.embed_model))
    chunks = [ch.run(a) for a in arts]
    texts = [c.text for cs in chunks for c in cs]
    cache = VectorCache(backend)
    emb = Embedder(s.embed_model, backend, "cpu")
    vecs = cache.encode(texts, lambda t: emb.embed(t), log=f"BBC base ({backend})")
    return arts, chunks, vecs


def _perturb(text: str, rng: np.random.Generator, by_len: dict[int, list[str]]) -> str:
    out = []
    last = 0
    for m in _WORD.finditer(text):
        if rng.random() < 0.1:
            pool = by_len.get(len(m.group()))
            if pool:
                out.append(text[last:m.start()])
                out.append(pool[int(rng.integers(len(pool)))])
                last = m.end()
    out.append(text[last:])
    return "".join(out)


def build(home: Path, n_chunks: int, backend: str, seed: int = 0, log: bool = True) -> dict[str, Any]:
    """Create a store of ``n_chunks`` chunks at ``home`` (embedded Chroma) with its BM25 index."""
    from qa.desk import NewsDesk
    from vectorstore.config import Settings
    from vectorstore.dedupe import content_hash, normalised_hash, simhash
    from vectorstore.store import ArticleWrite

    marker = home / "synth.json"
    if marker.exists():
        info = json.loads(marker.read_text())
        if info.get("chunks") == n_chunks and info.get("backend") == backend:
            return dict(info)
    arts, chunks, vecs = base_chunks(backend)
    vocab = sorted({w for a in arts for w in _WORD.findall(a.text)})
    by_len: dict[int, list[str]] = {}
    for w in vocab:
        by_len.setdefault(len(w), []).append(w)
    offsets = np.cumsum([0] + [len(cs) for cs in chunks])
    settings = Settings.from_env().with_(home=home, chroma_url="", embed_backend=backend)
    desk = NewsDesk.open(settings=settings)
    store = desk.store
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    written = 0
    batch: list[ArticleWrite] = []
    rep = 0
    dim = vecs.shape[1]
    sh_cache: dict[str, int] = {}
    while written < n_chunks:
        for ai, art in enumerate(arts):
            cs = chunks[ai][: n_chunks - written]
            if not cs:
                continue
            v = vecs[offsets[ai]: offsets[ai] + len(cs)]
            if rep == 0:
                a2, cs2 = art, cs
            else:
                a2 = replace(art, id=f"{art.id}#copy{rep}", title=f"{art.title} ({rep})")
                cs2 = [replace(c, article_id=a2.id, text=_perturb(c.text, rng, by_len), token_ids=())
                       for c in cs]
                v = v + rng.normal(0.0, 0.3 / np.sqrt(dim), size=v.shape).astype(np.float32)
                v = v / np.linalg.norm(v, axis=1, keepdims=True)
            th = normalised_hash(a2.text) + (f"#{rep}" if rep else "")
            sh = sh_cache.setdefault(art.id, simhash(art.text))
            batch.append(ArticleWrite(a2, cs2, v.astype(np.float32),
                                      [content_hash(c.text) for c in cs2], th, sh))
            written += len(cs2)
            if sum(len(b.chunks) for b in batch) >= 5000:
                store.write_articles(batch)
                batch = []
                if log:
                    print(f"  {home.name}: {written:,}/{n_chunks:,} chunks "
                          f"({written / (time.perf_counter() - t0):,.0f}/s)", flush=True)
            if written >= n_chunks:
                break
        rep += 1
    if batch:
        store.write_articles(batch)
    t_chroma = time.perf_counter() - t0
    t1 = time.perf_counter()
    desk._sync_lexical()
    t_bm25 = time.perf_counter() - t1
    info = {"chunks": store.count_chunks(), "backend": backend, "copies": rep,
            "chroma_write_s": round(t_chroma, 1), "bm25_build_s": round(t_bm25, 1),
            "bm25_chunks": len(desk.lexical)}
    marker.write_text(json.dumps(info))
    return info
