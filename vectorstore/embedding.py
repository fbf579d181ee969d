"""Sentence embeddings: the packaged all-MiniLM-L6-v2 by default, loaded lazily.

The encoder runs on torch (sentence-transformers) or, without importing torch, on an
ONNX export of the same model (see :mod:`vectorstore.accel`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from vectorstore.accel import BACKENDS, OnnxEncoder, compatible, resolve_backend
from vectorstore.config import Settings
from vectorstore.errors import ConfigError
from vectorstore.models import DEFAULT_MODEL, resolve_model_path
from vectorstore.privacy import apply_privacy_defaults

__all__ = ["MAX_TOKENS", "Embedder", "pick_device", "resolve_model_path", "token_counter"]

MAX_TOKENS = 256


@lru_cache(maxsize=4)
def _tokenizer(path: str) -> Any:
    """The model's fast tokenizer, straight from ``tokenizer.json`` when there is one."""
    apply_privacy_defaults()  # TOKENIZERS_PARALLELISM, and telemetry off if transformers loads
    f = Path(path) / "tokenizer.json"
    if f.exists():
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(f))
        tok.no_truncation()
        tok.no_padding()
        return tok
    from transformers import AutoTokenizer  # pragma: no cover - models without tokenizer.json

    return AutoTokenizer.from_pretrained(path)


_WHITESPACE_PRE_TOKENIZERS = frozenset({"BertPreTokenizer", "Whitespace", "WhitespaceSplit"})


def token_counter(model: str = DEFAULT_MODEL) -> Callable[[Sequence[str]], list[int]]:
    """Return a function that counts the model's word-pieces of each text (no special tokens).

    Loads only the tokenizer (fast, no torch), never the network or the model weights.
    """
    tok = _tokenizer(resolve_model_path(model))
    if hasattr(tok, "encode_batch"):

        encode = getattr(tok, "encode_batch_fast", tok.encode_batch)  # no offsets: 2x faster

        def count_fast(texts: Sequence[str]) -> list[int]:
            if not texts:
                return []
            return [len(e) for e in encode(list(texts), add_special_tokens=False)]

        def token_ids(texts: Sequence[str]) -> list[list[int]]:
            if not texts:
                return []
            return [e.ids for e in encode(list(texts), add_special_tokens=False)]

        # A tokenizer that splits on whitespace before anything else tokenizes "A B" as
        # "A" then "B": the chunker adds up its sentences' counts (and word-piece ids)
        # instead of tokenizing every chunk again, and the encoder takes those ids.
        pre = type(getattr(tok, "pre_tokenizer", None)).__name__
        count_fast.additive = pre in _WHITESPACE_PRE_TOKENIZERS  # type: ignore[attr-defined]
        count_fast.ids = token_ids  # type: ignore[attr-defined]
        return count_fast

    def count(texts: Sequence[str]) -> list[int]:  # pragma: no cover - see _tokenizer
        if not texts:
            return []
        enc = tok(list(texts), add_special_tokens=False, return_attention_mask=False,
                  return_token_type_ids=False, verbose=False)
        return [len(ids) for ids in enc["input_ids"]]

    return count


def _gpu_present() -> bool:
    """Whether an NVIDIA driver is loaded (checked without importing torch)."""
    return Path("/proc/driver/nvidia").exists() or Path("/dev/nvidia0").exists()


def pick_device(device: str = "auto") -> str:
    """Return ``cuda`` when asked for ``auto`` and a GPU is there, else the asked device.

    On a machine without an NVIDIA driver this answers without importing torch.
    """
    if device != "auto":
        return device
    if not _gpu_present():
        return "cpu"
    try:
        import torch

        if torch.cuda.is_available():
            return "cuda"
    except Exception:  # pragma: no cover - torch missing or broken
        pass
    return "cpu"


class Embedder:
    """Turns texts into normalised vectors (cosine space). Loads the model on first use.

    Args:
        model: Model name or path (see :func:`resolve_model_path`).
        backend: ``auto``, ``torch``, ``onnx``, ``onnx-int8`` or ``openvino``
            (see :mod:`vectorstore.accel`); ``auto`` is ``torch`` on a GPU, else ``onnx-int8``.
        device: ``auto`` picks CUDA when present. The ONNX backends run on the CPU;
            on CUDA the fp32 ones (``onnx``, ``openvino``) use torch, which makes the same vectors.
        batch_size: Texts per forward pass (default: 32 on the CPU, 256 on a GPU).
    """

    def __init__(self, model: str = DEFAULT_MODEL, backend: str = "auto", device: str = "auto",
                 batch_size: int | None = None) -> None:
        if backend not in BACKENDS:
            raise ConfigError(f"embedding backend {backend!r} is unknown: use one of "
                              f"{', '.join(BACKENDS)}")
        self.model_name = model
        self.backend_pref = backend
        self.device_pref = device
        self._batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()
        self._dim: int | None = None
        self._device: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Embedder:
        """Build an embedder from :class:`Settings`."""
        return cls(settings.embed_model, settings.embed_backend, settings.device)

    @property
    def device(self) -> str:
        """The device the encoder runs on (``cpu`` or ``cuda``)."""
        if self._device is None:
            self._device = pick_device(self.device_pref)
        return self._device

    @property
    def backend(self) -> str:
        """The concrete backend (``auto`` resolved); the store records it with the vectors."""
        return resolve_backend(self.backend_pref, self.device)

    @property
    def batch_size(self) -> int:
        """Texts per forward pass."""
        return self._batch_size or (256 if self.device == "cuda" else 32)

    def matching(self, recorded: str) -> Embedder:
        """This embedder, or one whose vectors match a store built with backend ``recorded``.

        fp32 backends make the same vectors, so only a change of precision (fp32 vs
        int8) switches the backend; ``newsdesk reindex`` moves a store to the configured one.
        """
        use = compatible(recorded, self.backend)
        if use == self.backend:
            return self
        return Embedder(self.model_name, use, self.device_pref, self._batch_size)

    @property
    def model(self) -> Any:
        """The loaded encoder: a SentenceTransformer, or an ONNX encoder (loaded once, thread-safe)."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def load(self) -> Embedder:
        """Load the model now (e.g. in a background thread at start-up)."""
        _ = self.model
        return self

    @property
    def loaded(self) -> bool:
        """Whether the model weights are in memory."""
        return self._model is not None

    def _load(self) -> Any:
        return _load_model(resolve_model_path(self.model_name), self.backend, self.device)

    @property
    def dim(self) -> int:
        """Vector dimension, read from the model config without loading weights."""
        if self._dim is None:
            if self._model is not None:
                m = self._model
                self._dim = int(m.get_embedding_dimension() if hasattr(m, "get_embedding_dimension")
                                else m.dim)
            else:
                self._dim = _config_dim(resolve_model_path(self.model_name))
        return self._dim

    @property
    def identity(self) -> str:
        """A name for the model that is the same on every machine."""
        n = self.model_name
        return DEFAULT_MODEL if n in {"", f"sentence-transformers/{DEFAULT_MODEL}"} else n

    def embed(self, texts: Sequence[str],
              token_ids: Sequence[Sequence[int]] | None = None) -> np.ndarray:
        """Embed ``texts`` as an ``(n, dim)`` float32 array of unit vectors.

        Texts are sorted by length before batching, so batches hold similar
        lengths and little padding; the result is in input order.

        Args:
            texts: The texts.
            token_ids: Optionally, each text's word-piece ids without special tokens (as
                the chunker found them): the ONNX encoders then skip tokenizing; the vectors
                are the same. Ignored by the torch backend.
        """
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self.model
        if not hasattr(model, "get_embedding_dimension"):  # an ONNX encoder: sorts by itself
            if token_ids is not None and getattr(model, "takes_ids", False):
                return model.encode_ids(token_ids, batch_size=self.batch_size)
            return model.encode(texts, batch_size=self.batch_size)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        sorted_texts = [texts[i] for i in order]
        vecs = model.encode(sorted_texts, batch_size=self.batch_size,
                                 normalize_embeddings=True, convert_to_numpy=True,
                                 show_progress_bar=False)
        out = np.empty_like(vecs, dtype=np.float32)
        out[np.asarray(order)] = vecs
        return out

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query string as a unit vector."""
        return self.embed([text])[0]


_MODELS: dict[tuple[str, str, str], Any] = {}
_MODELS_LOCK = threading.Lock()


def _load_model(path: str, backend: str, device: str) -> Any:
    """Load an encoder once per process (shared by every Embedder).

    ``onnx``, ``onnx-int8`` and ``openvino`` on the CPU load an ONNX encoder without torch;
    ``onnx-int8`` always runs on the CPU (its int8 kernels are CPU kernels); the fp32 ONNX
    backends on CUDA use torch (same vectors).
    """
    if backend in {"onnx", "openvino"} and device not in {"cpu", ""}:
        backend = "torch"
    key = (path, backend, device if backend != "onnx-int8" else "cpu")
    apply_privacy_defaults()  # before onnxruntime or sentence-transformers load
    with _MODELS_LOCK:
        if key in _MODELS:
            return _MODELS[key]
        if backend != "torch":
            _MODELS[key] = OnnxEncoder(path, backend)
            return _MODELS[key]
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()
        kwargs: dict[str, Any] = {"device": device, "local_files_only": True}
        try:
            model = SentenceTransformer(path, **kwargs)
        except Exception as e:  # pragma: no cover - depends on the machine
            raise ConfigError(f"cannot load embedding model {path!r} (backend {backend}): {e}") from e
        model.max_seq_length = min(model.max_seq_length or MAX_TOKENS, MAX_TOKENS)
        _MODELS[key] = model
        return model


def _config_dim(path: str) -> int:
    import json

    p = Path(path)
    for name in ("1_Pooling/config.json",):
        f = p / name
        if f.exists():
            d = json.loads(f.read_text())
            if "word_embedding_dimension" in d:
                return int(d["word_embedding_dimension"])
    cfg = p / "config.json"
    if cfg.exists():
        d = json.loads(cfg.read_text())
        return int(d.get("hidden_size") or d.get("dim") or 384)
    return 384
