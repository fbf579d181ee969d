"""Settings, read from the environment in this one place."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from vectorstore.errors import ConfigError

#: Privacy defaults: telemetry off. Set before chromadb, gradio or onnxruntime load.
PRIVACY_DEFAULTS = {
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ORT_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def apply_privacy_defaults() -> None:
    """Turn telemetry off (unless the environment already says otherwise).

    Entry points (the CLI, the web app, :func:`open_store`) call this before chromadb,
    gradio or onnxruntime are imported.
    """
    for k, v in PRIVACY_DEFAULTS.items():
        os.environ.setdefault(k, v)


apply_privacy_defaults()  # TODO(issue 12): entry points call it; then drop this line

DEFAULT_MODEL = "all-MiniLM-L6-v2"


def _int(env: Mapping[str, str], name: str, default: int, lo: int = 1) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number: set it to e.g. {default}") from None
    if value < lo:
        raise ConfigError(f"{name}={value} is too small: it must be at least {lo}")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number: set it to e.g. {default}") from None


@dataclass(frozen=True)
class Settings:
    """Every tunable of Newsdesk. Build with :meth:`from_env`, adjust with :meth:`with_`.

    Attributes:
        home: Data folder (embedded Chroma, BM25 index, uploads). ``NEWSDESK_HOME``.
        chroma_url: ``http://host:port`` of a Chroma server, or ``""`` for embedded.
        embed_model: Sentence-transformers model: the packaged default, a path, or a
            name in the local Hugging Face cache. ``NEWSDESK_EMBED_MODEL``.
        embed_backend: ``auto`` (default: ``onnx-int8`` on a CPU, ``torch`` on a GPU),
            ``torch``, ``onnx``, ``onnx-int8`` or ``openvino`` (see ``vectorstore.accel``).
            ``NEWSDESK_EMBED_BACKEND``.
        device: ``auto``, ``cpu`` or ``cuda``. ``NEWSDESK_DEVICE``.
        chunk_tokens: Chunk size in word-pieces. ``NEWSDESK_CHUNK_TOKENS``.
        chunk_overlap: Overlap between chunks in word-pieces. ``NEWSDESK_CHUNK_OVERLAP``.
        max_file_mb: Largest file ingest accepts. ``NEWSDESK_MAX_FILE_MB``.
        k: Passages retrieved per question. ``NEWSDESK_K``.
        llm: ``none``, ``ollama:MODEL`` or ``openai:MODEL``. ``NEWSDESK_LLM``.
        llm_base_url: OpenAI-compatible base URL. ``NEWSDESK_LLM_BASE_URL``.
        llm_api_key: API key; falls back to ``OPENAI_API_KEY``.
        llm_timeout: Seconds to wait for the LLM to respond. ``NEWSDESK_LLM_TIMEOUT``.
        ollama_host: Ollama server. ``OLLAMA_HOST``.
        host: UI bind address. ``NEWSDESK_HOST``.
        port: UI port. ``NEWSDESK_PORT``.
        auth: ``user:password`` for the UI. ``NEWSDESK_AUTH``.
        corpus: Folder the UI ingests on its first start, when the store is empty
            (default: the bundled ``corpus/``). ``NEWSDESK_CORPUS``.
        abstain_threshold: Evidence score under which the answerer abstains.
    """

    home: Path = Path(".newsdesk")
    chroma_url: str = ""
    embed_model: str = DEFAULT_MODEL
    embed_backend: str = "auto"
    device: str = "auto"
    chunk_tokens: int = 200
    chunk_overlap: int = 32
    max_file_mb: int = 20
    k: int = 5
    llm: str = "none"
    llm_base_url: str = ""
    llm_api_key: str = ""
    llm_timeout: float = 60.0
    ollama_host: str = "http://127.0.0.1:11434"
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str = ""
    corpus: str = ""
    abstain_threshold: float = 0.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read settings from ``env`` (default: ``os.environ``)."""
        e = os.environ if env is None else env
        s = cls(
            home=Path(e.get("NEWSDESK_HOME") or ".newsdesk").expanduser(),
            chroma_url=(e.get("NEWSDESK_CHROMA_URL") or "").strip(),
            embed_model=(e.get("NEWSDESK_EMBED_MODEL") or DEFAULT_MODEL).strip(),
            embed_backend=(e.get("NEWSDESK_EMBED_BACKEND") or "auto").strip().lower(),
            device=(e.get("NEWSDESK_DEVICE") or "auto").strip().lower(),
            chunk_tokens=_int(e, "NEWSDESK_CHUNK_TOKENS", cls.chunk_tokens, lo=16),
            chunk_overlap=_int(e, "NEWSDESK_CHUNK_OVERLAP", cls.chunk_overlap, lo=0),
            max_file_mb=_int(e, "NEWSDESK_MAX_FILE_MB", cls.max_file_mb),
            k=_int(e, "NEWSDESK_K", cls.k),
            llm=(e.get("NEWSDESK_LLM") or "none").strip(),
            llm_base_url=(e.get("NEWSDESK_LLM_BASE_URL") or "").strip(),
            llm_api_key=(e.get("NEWSDESK_LLM_API_KEY") or e.get("OPENAI_API_KEY") or "").strip(),
            llm_timeout=_float(e, "NEWSDESK_LLM_TIMEOUT", cls.llm_timeout),
            ollama_host=(e.get("OLLAMA_HOST") or cls.ollama_host).strip(),
            host=(e.get("NEWSDESK_HOST") or "127.0.0.1").strip(),
            port=_int(e, "NEWSDESK_PORT", cls.port),
            auth=(e.get("NEWSDESK_AUTH") or "").strip(),
            corpus=(e.get("NEWSDESK_CORPUS") or "").strip(),
            abstain_threshold=_float(e, "NEWSDESK_ABSTAIN_THRESHOLD", cls.abstain_threshold),
        )
        s.validate()
        return s

    def with_(self, **changes: Any) -> Settings:
        """Return a copy with ``changes`` applied and validated."""
        s = replace(self, **{k: v for k, v in changes.items() if v is not None})
        s.validate()
        return s

    def validate(self) -> None:
        """Raise :class:`ConfigError` for inconsistent settings."""
        if self.embed_backend not in {"auto", "torch", "onnx", "onnx-int8", "openvino"}:
            raise ConfigError(
                f"NEWSDESK_EMBED_BACKEND={self.embed_backend!r} is unknown: use auto, torch, onnx, "
                "onnx-int8 or openvino"
            )
        if self.device not in {"auto", "cpu", "cuda", "mps"}:
            raise ConfigError(f"NEWSDESK_DEVICE={self.device!r} is unknown: use auto, cpu or cuda")
        if self.chunk_overlap >= self.chunk_tokens:
            raise ConfigError(
                f"NEWSDESK_CHUNK_OVERLAP ({self.chunk_overlap}) must be smaller than "
                f"NEWSDESK_CHUNK_TOKENS ({self.chunk_tokens})"
            )
        if self.chunk_tokens > 256:
            raise ConfigError(
                f"NEWSDESK_CHUNK_TOKENS={self.chunk_tokens}: the model reads at most 256 word-pieces; "
                "set 256 or less"
            )
        if self.chroma_url and not self.chroma_url.startswith(("http://", "https://")):
            raise ConfigError(
                f"NEWSDESK_CHROMA_URL={self.chroma_url!r} must look like http://127.0.0.1:8000"
            )
        if self.llm.strip().lower() not in {"", "none"} and not re.fullmatch(
                r"(?i)\s*(ollama|openai)\s*:\s*\S+\s*", self.llm):
            raise ConfigError(
                f"NEWSDESK_LLM={self.llm!r} is not understood: use none, ollama:MODEL "
                "(e.g. ollama:llama3.2) or openai:MODEL (e.g. openai:gpt-4o-mini)")
        if self.llm_timeout <= 0:
            raise ConfigError(f"NEWSDESK_LLM_TIMEOUT={self.llm_timeout} must be more than 0 seconds")
        if self.auth and ":" not in self.auth:
            raise ConfigError("NEWSDESK_AUTH must be user:password")
