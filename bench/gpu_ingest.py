"""Text → vectors on a GPU: how fast ingest's encoding can go, apart from Chroma's writes.

Made for a device machine (one short run, no network, no ``../shared``): it generates
``--chunks`` news-like chunks itself (40–220 word-pieces each, like ingest's 200-word-piece
chunks), then encodes them with the packaged all-MiniLM-L6-v2 the way a fast ingest would:

* **tokenising in parallel threads** (the Rust ``tokenizers`` library releases the GIL), in
  slices, **overlapping the GPU's work** on the slices before (a bounded queue between them);
* **length bucketing**: each slice sorted by length and cut into batches of about
  ``--batch-tokens`` word-pieces, padded only to their own longest chunk;
* **fp16** on CUDA (fp32 on a CPU), **large batches**, mean pooling and normalising on
  the device, vectors copied back to the host (as ingest needs them for Chroma).

It reports chunks/s and word-pieces/s for the whole text → vectors path; the model alone on
pre-tokenised batches (the bound: forward passes only); sentence-transformers' own
``encode`` on a sample (the baseline); and the lowest cosine between our vectors and
``encode``'s on a sample (fp16 must not change what is retrieved). Chroma writes are not
included (``bench/ingest.py`` and bench/README.md measure them: a few hundred chunks/s).

    python -m bench.gpu_ingest                          # 200,000 chunks on CUDA
    python -m bench.gpu_ingest --chunks 2000 --device cpu   # a smoke run anywhere
"""

from __future__ import annotations

import argparse
import os
import queue
import random
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from bench.common import machine, machine_line, table, write_json

_VOCABULARY = ("council harbour bridge river market school budget police storm railway museum "
               "library farmers fishermen minister mayor court hospital airport festival "
               "orchestra company union workers teachers nurses students villagers officials "
               "engineers scientists volunteers announced approved rejected delayed opened "
               "closed repaired expanded planned reviewed Monday Tuesday week spring morning "
               "debate protests support vote statement north south regional national local "
               "public private historic modern rural urban million percent election government "
               "president talks agreement minister prices inflation energy climate")
_WORDS = _VOCABULARY.split()
MAX_TOKENS = 256


def make_chunks(n: int, seed: int = 7) -> list[str]:
    """``n`` news-like chunks of 30–170 words (about 40–220 word-pieces)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(30, 170))]
        words[0] = words[0].capitalize()
        out.append(f"Report {i}: " + " ".join(words) + ".")
    return out


@dataclass
class Batch:
    """One padded batch: token ids and mask (int64, host memory), and the chunks' indexes."""

    ids: Any
    mask: Any
    index: np.ndarray


def _tokenizer(model_path: str) -> Any:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(os.path.join(model_path, "tokenizer.json"))
    tok.enable_truncation(max_length=MAX_TOKENS)
    tok.no_padding()
    return tok


def batches(tok: Any, texts: Sequence[str], start: int, batch_tokens: int) -> list[Batch]:
    """Tokenise ``texts`` (chunks ``start``…), sorted by length, cut into padded batches of
    about ``batch_tokens`` word-pieces each."""
    import torch

    encs = tok.encode_batch(list(texts))
    lens = np.fromiter((len(e.ids) for e in encs), dtype=np.int64, count=len(encs))
    order = np.argsort(-lens, kind="stable")
    out: list[Batch] = []
    i = 0
    while i < len(order):
        width = int(lens[order[i]])
        size = max(1, batch_tokens // max(width, 1))
        part = order[i:i + size]
        ids = np.zeros((len(part), width), dtype=np.int64)
        mask = np.zeros((len(part), width), dtype=np.int64)
        for row, k in enumerate(part):
            e = encs[k].ids
            ids[row, :len(e)] = e
            mask[row, :len(e)] = 1
        t_ids, t_mask = torch.from_numpy(ids), torch.from_numpy(mask)
        if torch.cuda.is_available():
            t_ids, t_mask = t_ids.pin_memory(), t_mask.pin_memory()
        out.append(Batch(t_ids, t_mask, part + start))
        i += size
    return out


def produce(tok: Any, texts: Sequence[str], slice_size: int, batch_tokens: int,
            threads: int) -> Iterator[Batch]:
    """Batches of every slice of ``texts``, tokenised by ``threads`` threads ahead of the
    consumer (at most ``2 × threads`` slices ahead)."""
    q: queue.Queue[list[Batch] | None] = queue.Queue(maxsize=2 * threads)
    starts = list(range(0, len(texts), slice_size))

    def work() -> None:
        with ThreadPoolExecutor(threads, thread_name_prefix="tok") as pool:
            for got in pool.map(lambda s: batches(tok, texts[s:s + slice_size], s, batch_tokens),
                                starts):
                q.put(got)
        q.put(None)

    threading.Thread(target=work, daemon=True).start()
    while (got := q.get()) is not None:
        yield from got


def load_model(model_path: str, device: str, fp16: bool) -> Any:
    """The transformer of all-MiniLM-L6-v2, in eval mode on ``device`` (fp16 if asked)."""
    import torch
    from transformers import AutoModel

    dtype = torch.float16 if fp16 else torch.float32
    model = AutoModel.from_pretrained(model_path, dtype=dtype, attn_implementation="sdpa")
    return model.to(device).eval()


def encode_batch(model: Any, b: Batch, device: str) -> Any:
    """Mean-pooled, normalised vectors of one batch (on the device)."""
    import torch

    ids = b.ids.to(device, non_blocking=True)
    mask = b.mask.to(device, non_blocking=True)
    hidden = model(input_ids=ids, attention_mask=mask).last_hidden_state
    m = mask.unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1)
    return torch.nn.functional.normalize(pooled.float(), dim=-1)


def run_pipeline(model: Any, tok: Any, texts: Sequence[str], device: str, *, slice_size: int,
                 batch_tokens: int, threads: int) -> tuple[np.ndarray, float, int]:
    """Text → vectors for every chunk; returns the vectors (in ``texts`` order), the wall
    seconds and the word-pieces encoded."""
    import torch

    out = np.empty((len(texts), model.config.hidden_size), dtype=np.float32)
    tokens = 0
    pending: list[tuple[Any, np.ndarray]] = []
    t0 = time.perf_counter()
    with torch.inference_mode():
        for b in produce(tok, texts, slice_size, batch_tokens, threads):
            tokens += int(b.mask.sum())
            vecs = encode_batch(model, b, device)
            pending.append((vecs.to("cpu", non_blocking=True), b.index))
            if len(pending) > 4:  # copies back trail the GPU by a few batches
                _drain(pending[:-4], out, device)
                pending = pending[-4:]
        _drain(pending, out, device)
    return out, time.perf_counter() - t0, tokens


def _drain(done: list[tuple[Any, np.ndarray]], out: np.ndarray, device: str) -> None:
    import torch

    if done and device.startswith("cuda"):
        torch.cuda.synchronize()
    for vecs, index in done:
        out[index] = vecs.numpy()


def model_alone(model: Any, tok: Any, texts: Sequence[str], device: str,
                batch_tokens: int) -> tuple[float, int]:
    """Forward passes only, on batches tokenised and moved to the device beforehand."""
    import torch

    bs = [Batch(b.ids.to(device), b.mask.to(device), b.index)
          for b in batches(tok, texts, 0, batch_tokens)]
    with torch.inference_mode():
        encode_batch(model, bs[0], device)  # warm
        if device.startswith("cuda"):
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        for b in bs:
            encode_batch(model, b, device)
        if device.startswith("cuda"):
            torch.cuda.synchronize()
    return time.perf_counter() - t0, int(sum(int(b.mask.sum()) for b in bs))


def st_encode(model_path: str, texts: Sequence[str], device: str) -> tuple[np.ndarray, float]:
    """sentence-transformers' own ``encode`` (batch 64, its defaults otherwise)."""
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(model_path, device=device)
    st.encode(list(texts[:64]), normalize_embeddings=True)  # warm
    t0 = time.perf_counter()
    vecs = st.encode(list(texts), batch_size=64, normalize_embeddings=True)
    return np.asarray(vecs, dtype=np.float32), time.perf_counter() - t0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the measurement; print the table, write ``bench/out/gpu_ingest.json``."""
    p = argparse.ArgumentParser(prog="bench.gpu_ingest", description=__doc__.split("\n")[0])
    p.add_argument("--chunks", type=int, default=200_000)
    p.add_argument("--device", default="cuda", help="cuda or cpu")
    p.add_argument("--batch-tokens", type=int, default=0,
                   help="word-pieces per batch (batch size = this / the batch's longest "
                        "chunk; default 65,536 on CUDA, 8,192 on a CPU)")
    p.add_argument("--slice", type=int, default=8192, help="chunks tokenised per task")
    p.add_argument("--threads", type=int, default=max(1, min(8, (os.cpu_count() or 2) - 1)),
                   help="tokenising threads")
    p.add_argument("--sample", type=int, default=0,
                   help="chunks for the sentence-transformers baseline (default: 20k on "
                        "CUDA, 200 on a CPU)")
    args = p.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch

    from vectorstore.models import DEFAULT_MODEL, resolve_model_path

    if args.device.startswith("cuda") and not torch.cuda.is_available():
        print("error: no CUDA device here; use --device cpu for a smoke run", file=sys.stderr)
        return 1
    fp16 = args.device.startswith("cuda")
    args.batch_tokens = args.batch_tokens or (65_536 if fp16 else 8192)
    m = machine()
    path = resolve_model_path(DEFAULT_MODEL)
    t = time.perf_counter()
    texts = make_chunks(args.chunks)
    gen_s = time.perf_counter() - t
    tok = _tokenizer(path)
    model = load_model(path, args.device, fp16)
    warm = make_chunks(256, seed=1)
    run_pipeline(model, tok, warm, args.device, slice_size=256,
                 batch_tokens=args.batch_tokens, threads=1)
    vecs, wall, tokens = run_pipeline(model, tok, texts, args.device, slice_size=args.slice,
                                      batch_tokens=args.batch_tokens, threads=args.threads)
    alone_n = min(len(texts), 50_000 if fp16 else 500)
    alone_s, alone_tokens = model_alone(model, tok, texts[:alone_n], args.device,
                                        args.batch_tokens)
    sample = args.sample or (20_000 if fp16 else 200)
    sample = min(sample, len(texts))
    st_vecs, st_s = st_encode(path, texts[:sample], args.device)
    min_cos = float(np.min(np.sum(st_vecs * vecs[:sample], axis=1)))
    rows = [
        ["text → vectors (threads tokenise, bucketed, overlapped)", len(texts), round(wall, 2),
         round(len(texts) / wall), round(tokens / wall)],
        ["model alone (pre-tokenised, on the device)", alone_n, round(alone_s, 2),
         round(alone_n / alone_s), round(alone_tokens / alone_s)],
        ["sentence-transformers encode (batch 64)", sample, round(st_s, 2),
         round(sample / st_s), "-"],
    ]
    dev = torch.cuda.get_device_name(0) if fp16 else "CPU"
    print(machine_line(m) + f"; device {dev}, {'fp16' if fp16 else 'fp32'}, "
          f"{args.threads} tokenising threads, {args.batch_tokens} word-pieces per batch; "
          f"load average at the end {os.getloadavg()[0]:.2f}")
    print(table(["path", "chunks", "seconds", "chunks/s", "word-pieces/s"], rows))
    print(f"lowest cosine to sentence-transformers' vectors over {sample} chunks: {min_cos:.4f}; "
          f"{len(texts)} chunks generated in {gen_s:.1f} s (not counted)")
    out = write_json("gpu_ingest", {
        "machine": m, "device": dev, "fp16": fp16, "threads": args.threads,
        "batch_tokens": args.batch_tokens, "chunks": len(texts), "tokens": tokens,
        "wall_s": wall, "chunks_per_s": len(texts) / wall,
        "model_alone_chunks_per_s": alone_n / alone_s,
        "st_encode_chunks_per_s": sample / st_s, "min_cos_to_st": min_cos,
        "load_avg_end": os.getloadavg()})
    print(f"JSON: {out}")
    return 0 if min_cos > 0.99 else 1


if __name__ == "__main__":
    sys.exit(main())
