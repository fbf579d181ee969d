"""Faster sentence encoders: the packaged model exported to ONNX, run without torch.

Backends (``NEWSDESK_EMBED_BACKEND``):

* ``torch``: sentence-transformers on torch (CPU or CUDA), the reference.
* ``onnx``: the same network exported to ONNX (fp32), run by onnxruntime. Its
  vectors equal torch's to about 1e-6, so the two are interchangeable in a store.
* ``onnx-int8``: the ONNX export with its matrix multiplications dynamically
  quantised to int8 (per-channel weights). Vectors differ slightly from fp32
  (cosine ~0.99 to them), so a store keeps to one precision: see :func:`compatible`.
* ``openvino``: the fp32 ONNX export compiled by OpenVINO for the CPU.
* ``auto``: ``onnx-int8`` on a CPU, ``torch`` where a CUDA GPU is present.

The exports are made once per machine from the local model folder (no download)
into ``~/.cache/newsdesk/models/`` and reused. The ONNX graph includes mean pooling
and L2 normalisation, so an encoder is just: tokenize (the Rust ``tokenizers``),
pad per length-sorted batch, run. Neither ``torch`` nor ``transformers`` is imported
to encode, which makes a process answer its first question seconds sooner.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from vectorstore.errors import ConfigError
from vectorstore.ids import short_hash
from vectorstore.models import resolve_model_path
from vectorstore.privacy import apply_privacy_defaults

BACKENDS = ("auto", "torch", "onnx", "onnx-int8", "openvino")
INT8_BACKENDS = frozenset({"onnx-int8"})
ONNX_FP32 = "model.onnx"
ONNX_INT8 = "model_int8.onnx"
_EXPORT_VERSION = 1
_LOCK = threading.Lock()


def precision(backend: str) -> str:
    """``"int8"`` for quantised backends, else ``"fp32"`` (vectors interchangeable within one)."""
    return "int8" if backend in INT8_BACKENDS else "fp32"


def resolve_backend(backend: str, device: str) -> str:
    """The concrete backend for ``backend`` on ``device`` (``auto`` picks by hardware).

    Args:
        backend: One of :data:`BACKENDS`.
        device: The device the encoder will run on (``cpu``, ``cuda``, ...).
    """
    if backend != "auto":
        return backend
    if device != "cpu":
        return "torch"
    apply_privacy_defaults()  # before onnxruntime loads
    try:
        import onnxruntime  # noqa: F401
    except ImportError:  # pragma: no cover - onnxruntime is a chromadb dependency
        return "torch"
    return "onnx-int8"


def compatible(recorded: str, wanted: str) -> str:
    """The backend to use on a store whose vectors were made by ``recorded``.

    Within one precision the configured backend is kept (fp32 backends make the same
    vectors); across precisions the store's precision wins, so that queries and new
    chunks match the stored vectors. ``newsdesk reindex`` switches a store over.
    """
    if not recorded or recorded == "auto" or precision(recorded) == precision(wanted):
        return wanted
    return recorded if precision(recorded) == "int8" else "onnx"


def cache_root() -> Path:
    """Where exported models are kept: ``~/.cache/newsdesk/models`` (or a temp folder)."""
    home = Path.home() / ".cache" / "newsdesk" / "models"
    try:
        home.mkdir(parents=True, exist_ok=True)
        if os.access(home, os.W_OK):
            return home
    except OSError:  # pragma: no cover - read-only home
        pass
    tmp = Path(tempfile.gettempdir()) / "newsdesk-models"
    tmp.mkdir(parents=True, exist_ok=True)
    return tmp


def export_dir(model_path: str) -> Path:
    """The cache folder for exports of the model at ``model_path`` (keyed by its weights)."""
    p = Path(model_path)
    stamp = []
    for f in sorted(p.glob("*.safetensors")) + sorted(p.glob("*.bin")):
        st = f.stat()
        stamp.append(f"{f.name}:{st.st_size}:{int(st.st_mtime)}")
    key = short_hash(f"{p.resolve()}|{'|'.join(stamp)}|v{_EXPORT_VERSION}")
    return cache_root() / f"{p.name or 'model'}-{key}"


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock across processes (exports are written once per machine)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _LOCK, open(path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def onnx_file(model_path: str, backend: str) -> Path:
    """Return the ONNX file for ``backend`` (``onnx``, ``onnx-int8``, ``openvino``), exporting once.

    Raises:
        ConfigError: the export failed (e.g. torch or onnx is missing).
    """
    folder = export_dir(model_path)
    want = folder / (ONNX_INT8 if backend in INT8_BACKENDS else ONNX_FP32)
    if want.exists():
        return want
    with _file_lock(folder.with_suffix(".lock")):
        if want.exists():
            return want
        folder.mkdir(parents=True, exist_ok=True)
        fp32 = folder / ONNX_FP32
        try:
            if not fp32.exists():
                _export_fp32(model_path, fp32)
            if want != fp32:
                _quantize_int8(fp32, want)
        except ConfigError:
            raise
        except Exception as e:  # pragma: no cover - depends on installed exporters
            raise ConfigError(
                f"cannot export the embedding model to ONNX for backend {backend!r}: "
                f"{type(e).__name__}: {e}. Install the exporters (`pip install onnx`), or set "
                "NEWSDESK_EMBED_BACKEND=torch") from e
        (folder / "export.json").write_text(json.dumps(
            {"source": str(model_path), "version": _EXPORT_VERSION}))
    return want


def _export_fp32(model_path: str, out: Path) -> None:
    """Export the transformer + mean pooling + L2 normalisation as one ONNX graph."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(model_path, attn_implementation="eager",
                                      local_files_only=True).eval()

    class _Sentence(torch.nn.Module):
        def __init__(self, m: Any) -> None:
            super().__init__()
            self.m = m

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            h = self.m(input_ids=input_ids, attention_mask=attention_mask,
                       token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(h.dtype)
            v = (h * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(v, p=2.0, dim=1)

    ids = torch.ones((2, 16), dtype=torch.long)
    tmp = out.with_name(out.name + ".part")
    import warnings

    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _Sentence(model), (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(tmp),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["sentence_embedding"],
            dynamic_axes={"input_ids": {0: "batch", 1: "seq"},
                          "attention_mask": {0: "batch", 1: "seq"},
                          "token_type_ids": {0: "batch", 1: "seq"},
                          "sentence_embedding": {0: "batch"}},
            opset_version=17, dynamo=False)
    os.replace(tmp, out)


def _quantize_int8(src: Path, out: Path) -> None:
    """Dynamic int8 quantisation of the MatMuls (per-channel weights), as for AVX512-VNNI."""
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.getLogger().setLevel(logging.ERROR)  # quiet "consider pre-processing" advice
    tmp = out.with_name(out.name + ".part")
    quantize_dynamic(str(src), str(tmp), weight_type=QuantType.QInt8, per_channel=True,
                     op_types_to_quantize=["MatMul"])
    os.replace(tmp, out)


def backend_kwargs(path: str, backend: str) -> dict[str, Any]:
    """Keyword arguments for building the native encoder of ``backend`` for the model at ``path``."""
    return {"onnx_path": str(onnx_file(path, backend)), "runtime": "openvino"
            if backend == "openvino" else "onnxruntime"}


def _max_length(model_path: str) -> int:
    f = Path(model_path) / "sentence_bert_config.json"
    with contextlib.suppress(OSError, ValueError):
        return min(int(json.loads(f.read_text()).get("max_seq_length", 256)), 256)
    return 256


class OnnxEncoder:
    """Sentence vectors from an exported ONNX graph, via onnxruntime or OpenVINO; no torch.

    Args:
        model_path: The sentence-transformers model folder (for the tokenizer).
        backend: ``onnx``, ``onnx-int8`` or ``openvino``.
        threads: Compute threads (default: every core).
    """

    def __init__(self, model_path: str, backend: str = "onnx-int8", threads: int | None = None) -> None:
        if backend not in {"onnx", "onnx-int8", "openvino"}:
            raise ConfigError(f"backend {backend!r} has no ONNX encoder: use onnx, onnx-int8 or openvino")
        from tokenizers import Tokenizer

        kw = backend_kwargs(model_path, backend)
        self.backend = backend
        self.max_length = _max_length(model_path)
        self.tokenizer = Tokenizer.from_file(str(Path(model_path) / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(self.max_length)
        self.threads = threads or os.cpu_count() or 1
        self._pool: Any = None
        self._run = (self._openvino if kw["runtime"] == "openvino" else self._onnxruntime)(
            kw["onnx_path"])
        # Ids from the chunker can skip tokenizing when the special tokens are one before
        # and one after the text (BERT's [CLS] ... [SEP]): checked on a probe text.
        probe = "dimension probe"
        around = self.tokenizer.encode("").ids
        bare = self.tokenizer.encode(probe, add_special_tokens=False).ids
        self._prefix, self._suffix = around[:1], around[1:]
        self.takes_ids = (len(around) == 2 and
                          self.tokenizer.encode(probe).ids == self._prefix + bare + self._suffix)
        self.dim = int(self.encode([probe]).shape[1])

    def _onnxruntime(self, path: str) -> Any:
        import onnxruntime as ort

        so = ort.SessionOptions()
        # int8 runs one text at a time (see encode): one thread per run, as many runs at
        # once as there are cores, beats splitting each small run across the cores.
        so.intra_op_num_threads = 1 if self.backend in INT8_BACKENDS else self.threads
        so.inter_op_num_threads = 1
        so.log_severity_level = 3
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Threads that spin while idle steal the cores other threads (chunking,
        # Chroma writes) need; the cost of waking them is small next to a batch.
        so.add_session_config_entry("session.intra_op.allow_spinning", "0")
        sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
        names = {i.name for i in sess.get_inputs()}

        def run(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in names:
                feed["token_type_ids"] = np.zeros_like(ids)
            return np.asarray(sess.run(None, feed)[0], dtype=np.float32)

        return run

    def _openvino(self, path: str) -> Any:
        import openvino as ov

        core = ov.Core()
        compiled = core.compile_model(path, "CPU", {"PERFORMANCE_HINT": "LATENCY",
                                                    "INFERENCE_NUM_THREADS": self.threads})
        lock = threading.Lock()
        req = compiled.create_infer_request()

        def run(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
            with lock:
                out = req.infer({"input_ids": ids, "attention_mask": mask,
                                 "token_type_ids": np.zeros_like(ids)})
                return np.array(next(iter(out.values())), dtype=np.float32)

        return run

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Unit vectors for ``texts`` as an ``(n, dim)`` float32 array, in input order.

        Texts are tokenized in one call, sorted by length and padded per batch. The int8
        model runs one text at a time: its activations are quantised with one scale per
        input tensor, so in a batch a text's vector would depend on its neighbours (cosine
        ~0.98 to itself alone); alone, every text gets the vector a query of it gets, and
        with no padding it is as fast as batching on a CPU.
        """
        if not texts:
            return np.zeros((0, getattr(self, "dim", 0)), dtype=np.float32)
        encs = getattr(self.tokenizer, "encode_batch_fast", self.tokenizer.encode_batch)(list(texts))
        return self._encode([e.ids for e in encs], batch_size)

    def encode_ids(self, token_ids: Sequence[Sequence[int]], batch_size: int = 32) -> np.ndarray:
        """Like :meth:`encode`, from each text's word-piece ids without special tokens.

        The ids are truncated and wrapped in the special tokens as the tokenizer would,
        so a text gets the same vector either way (when :attr:`takes_ids` is true).
        """
        if not self.takes_ids:
            raise ConfigError("this tokenizer's special tokens are not [CLS] text [SEP]: embed texts")
        if not token_ids:
            return np.zeros((0, getattr(self, "dim", 0)), dtype=np.float32)
        room = self.max_length - len(self._prefix) - len(self._suffix)
        return self._encode([[*self._prefix, *ids[:room], *self._suffix] for ids in token_ids],
                            batch_size)

    def _encode(self, id_lists: Sequence[Sequence[int]], batch_size: int) -> np.ndarray:
        if self.backend in INT8_BACKENDS:
            return self._encode_one_by_one(id_lists)
        lengths = np.fromiter((len(x) for x in id_lists), dtype=np.int64, count=len(id_lists))
        order = np.argsort(-lengths, kind="stable")
        out: np.ndarray | None = None
        for b in range(0, len(order), batch_size):
            idx = order[b:b + batch_size]
            width = int(lengths[idx[0]])
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                n = int(lengths[i])
                ids[row, :n] = id_lists[i]
                mask[row, :n] = 1
            vecs = self._run(ids, mask)
            if out is None:
                out = np.empty((len(id_lists), vecs.shape[1]), dtype=np.float32)
            out[idx] = vecs
        assert out is not None
        return out

    def _encode_one_by_one(self, encs: Sequence[Sequence[int]]) -> np.ndarray:
        """Run each tokenized text alone, ``threads`` at a time (ONNX Runtime releases the GIL)."""
        def one(e: Sequence[int]) -> np.ndarray:
            ids = np.asarray([e], dtype=np.int64)
            return self._run(ids, np.ones_like(ids))[0]

        if len(encs) == 1 or self.threads == 1:
            return np.stack([one(e) for e in encs])
        if self._pool is None:
            with _LOCK:
                if self._pool is None:
                    from concurrent.futures import ThreadPoolExecutor

                    self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="newsdesk-enc")
        # Longest first, so the last runs to finish are short ones.
        order = sorted(range(len(encs)), key=lambda i: -len(encs[i]))
        vecs = list(self._pool.map(lambda i: one(encs[i]), order))
        out = np.empty((len(encs), vecs[0].shape[0]), dtype=np.float32)
        out[np.asarray(order)] = np.stack(vecs)
        return out


def main() -> None:  # pragma: no cover - a helper for setup scripts
    """Export every ONNX variant of the configured model now: ``python -m vectorstore.accel``."""
    from vectorstore.config import Settings

    path = resolve_model_path(Settings.from_env().embed_model)
    for b in ("onnx", "onnx-int8"):
        print(b, onnx_file(path, b))


if __name__ == "__main__":  # pragma: no cover
    main()
