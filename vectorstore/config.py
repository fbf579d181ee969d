"""Settings, read from the environment in this one place (pydantic-settings, ``NEWSDESK_*``).

Importing this module changes nothing: telemetry is turned off by
:func:`apply_privacy_defaults`, which the entry points call.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from vectorstore.collection_names import DEFAULT_COLLECTION, NAME_RULE, valid_collection_name
from vectorstore.errors import ConfigError
from vectorstore.limits import check_k
from vectorstore.models import DEFAULT_MODEL
from vectorstore.privacy import PRIVACY_DEFAULTS, apply_privacy_defaults

__all__ = ["DEFAULT_MODEL", "PRIVACY_DEFAULTS", "Settings", "apply_privacy_defaults"]

ENV_PREFIX = "NEWSDESK_"


class Settings(BaseSettings):
    """Every tunable of Newsdesk. Build with :meth:`from_env`, adjust with :meth:`with_`.

    ``Settings(...)`` takes its values from its arguments only (the rest are the
    defaults); :meth:`from_env` reads the ``NEWSDESK_*`` variables.

    Attributes:
        home: Data folder (embedded Chroma, BM25 index, uploads). ``NEWSDESK_HOME``.
        collection: The collection (named archive) to read and write: ``default``, or
            lowercase letters, digits, ``-`` and ``_`` (1-48). ``NEWSDESK_COLLECTION``.
        database_url: The catalog database: ``""`` for ``sqlite:///<home>/catalog.db`` (see
            :attr:`catalog_url`), or ``postgresql+psycopg://user:password@host/db``.
            ``NEWSDESK_DATABASE_URL``.
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
        max_records: Most records read from one JSON or JSON Lines file (the rest are
            reported, not read). ``NEWSDESK_MAX_RECORDS``.
        k: Passages retrieved per question, 1 to 100. ``NEWSDESK_K``.
        llm: ``none``, ``ollama:MODEL`` or ``openai:MODEL``. ``NEWSDESK_LLM``.
        llm_base_url: OpenAI-compatible base URL. ``NEWSDESK_LLM_BASE_URL``.
        llm_api_key: API key; falls back to ``OPENAI_API_KEY``.
        llm_timeout: Seconds to wait for the LLM to respond. ``NEWSDESK_LLM_TIMEOUT``.
        ollama_host: Ollama server. ``OLLAMA_HOST``.
        host: UI bind address. ``NEWSDESK_HOST``.
        port: UI port. ``NEWSDESK_PORT``.
        auth: ``user:password`` for the UI. ``NEWSDESK_AUTH``.
        api_key: The key the OpenAI-compatible API (``/v1``) requires as
            ``Authorization: Bearer <key>``; ``""`` for none. ``NEWSDESK_API_KEY``.
        trusted_proxies: Comma-separated addresses (or networks) of the reverse proxies whose
            ``X-Forwarded-For`` names the client for login throttling; ``""``: none, the
            connection's address counts. ``NEWSDESK_TRUSTED_PROXIES``.
        corpus: Folder the UI ingests on its first start, when the store is empty
            (default: the bundled ``corpus/``). ``NEWSDESK_CORPUS``.
        abstain_threshold: Evidence score under which the answerer abstains.
        show_unsupported: Keep LLM answer sentences that fail the support check in the answer,
            marked, instead of leaving them out. ``NEWSDESK_SHOW_UNSUPPORTED=1``.
        fetch_rate: Most requests per second sent to one host when fetching pages and
            feeds. ``NEWSDESK_FETCH_RATE``.
        allow_private_urls: Let fetches reach private, loopback and link-local addresses
            (off by default, so a shared UI cannot reach inside its network).
            ``NEWSDESK_ALLOW_PRIVATE_URLS=1``.
        log_questions: Put the question's text in the one log line per question (off: the
            line holds timings and counts only). ``NEWSDESK_LOG_QUESTIONS=1``.
    """

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="forbid",
                                      populate_by_name=True)

    home: Path = Path(".newsdesk")
    collection: str = DEFAULT_COLLECTION
    database_url: str = ""
    chroma_url: str = ""
    embed_model: str = DEFAULT_MODEL
    embed_backend: str = "auto"
    device: str = "auto"
    chunk_tokens: int = 200
    chunk_overlap: int = 32
    max_file_mb: int = 20
    max_records: int = 100_000
    k: int = 5
    llm: str = "none"
    llm_base_url: str = ""
    llm_api_key: str = Field(
        "", validation_alias=AliasChoices("NEWSDESK_LLM_API_KEY", "OPENAI_API_KEY"))
    llm_timeout: float = 60.0
    ollama_host: str = Field("http://127.0.0.1:11434", validation_alias="OLLAMA_HOST")
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str = ""
    api_key: str = ""
    trusted_proxies: str = ""
    show_unsupported: bool = False
    corpus: str = ""
    abstain_threshold: float = 0.0
    fetch_rate: float = 1.0
    allow_private_urls: bool = False
    log_questions: bool = False

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments only: the environment is read by :meth:`from_env`, from the mapping given."""
        return (init_settings,)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read settings from ``env`` (default: ``os.environ``).

        An unset or empty variable keeps the default.

        Raises:
            ConfigError: a variable is not understood (the message names it and the fix).
        """
        s = cls(**_EnvText(cls, os.environ if env is None else env)())
        s.validate()
        return s

    def with_(self, **changes: Any) -> Settings:
        """Return a copy with ``changes`` applied (``None`` values ignored) and validated."""
        unknown = sorted(set(changes) - set(type(self).model_fields))
        if unknown:
            raise TypeError(f"Settings has no field {unknown[0]!r}")
        values = {**self.model_dump(), **{k: v for k, v in changes.items() if v is not None}}
        try:
            s = type(self)(**values)
        except ValidationError as e:
            err = e.errors()[0]
            name = str(err["loc"][0]) if err["loc"] else "a setting"
            raise ConfigError(f"{_env_name(name)}={values.get(name)!r} is not valid: "
                              f"{err['msg']}") from None
        s.validate()
        return s

    def validate(self) -> None:  # type: ignore[override]
        """Raise :class:`ConfigError` for inconsistent settings."""
        if self.embed_backend not in {"auto", "torch", "onnx", "onnx-int8", "openvino"}:
            raise ConfigError(
                f"NEWSDESK_EMBED_BACKEND={self.embed_backend!r} is unknown: use auto, torch, onnx, "
                "onnx-int8 or openvino"
            )
        if not valid_collection_name(self.collection):
            raise ConfigError(f"NEWSDESK_COLLECTION={self.collection!r} is not valid: use "
                              f"{NAME_RULE}")
        check_k(self.k, name="NEWSDESK_K")  # OutOfRange, a ConfigError
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
        self._validate_services()

    @property
    def catalog_url(self) -> str:
        """The catalog's URL: ``database_url``, or ``catalog.db`` in ``home``."""
        return self.database_url or f"sqlite:///{self.home / 'catalog.db'}"

    def _validate_services(self) -> None:
        """The checks of the catalog, Chroma server, LLM and UI settings."""
        if self.database_url and not re.match(r"(?i)(sqlite|postgres(ql)?)(\+\w+)?://",
                                              self.database_url):
            shown = re.sub(r"://([^:/@]*):[^@/]*@", r"://\1:***@", self.database_url)
            raise ConfigError(
                f"NEWSDESK_DATABASE_URL={shown!r} is not understood: use "
                "sqlite:////path/to/catalog.db or postgresql+psycopg://user:password@host/db")
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
        if self.fetch_rate <= 0:
            raise ConfigError(f"NEWSDESK_FETCH_RATE={self.fetch_rate} must be more than 0 "
                              "requests per second (e.g. 1)")
        if self.auth and ":" not in self.auth:
            raise ConfigError("NEWSDESK_AUTH must be user:password")


# --------------------------------------------------------------------------- reading the text


def _env_name(field_name: str) -> str:
    """The variable a field is read from."""
    return {"llm_api_key": "NEWSDESK_LLM_API_KEY", "ollama_host": "OLLAMA_HOST"}.get(
        field_name, ENV_PREFIX + field_name.upper())


def _int(lo: int) -> Callable[[str, str, Any], int | None]:
    """A reader of whole numbers of at least ``lo``; blank keeps the default."""
    def read(name: str, raw: str, default: Any) -> int | None:
        if raw.strip() == "":
            return None
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(f"{name}={raw!r} is not a whole number: set it to e.g. {default}") from None
        if value < lo:
            raise ConfigError(f"{name}={value} is too small: it must be at least {lo}")
        return value
    return read


def _float(name: str, raw: str, default: Any) -> float | None:
    """A reader of numbers; blank keeps the default."""
    if raw.strip() == "":
        return None
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number: set it to e.g. {default}") from None


def _flag(name: str, raw: str, default: Any) -> bool | None:
    """A reader of yes/no switches (1/0, true/false, yes/no, on/off); blank keeps the default."""
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return None if value == "" else False
    raise ConfigError(f"{name}={raw!r} is not understood: set it to 1 (on) or 0 (off)")


_READERS: dict[str, Callable[[str, str, Any], Any]] = {
    "home": lambda name, raw, default: Path(raw).expanduser(),
    "embed_backend": lambda name, raw, default: raw.strip().lower(),
    "device": lambda name, raw, default: raw.strip().lower(),
    "chunk_tokens": _int(16),
    "chunk_overlap": _int(0),
    "max_file_mb": _int(1),
    "max_records": _int(1),
    "k": _int(1),
    "port": _int(1),
    "llm_timeout": _float,
    "abstain_threshold": _float,
    "fetch_rate": _float,
    "allow_private_urls": _flag,
    "show_unsupported": _flag,
    "log_questions": _flag,
}
"""How a variable's text becomes a field's value (the rest: the text, stripped)."""


class _EnvText(EnvSettingsSource):
    """The ``NEWSDESK_*`` variables (and ``OPENAI_API_KEY``, ``OLLAMA_HOST``) of a mapping.

    Names match exactly (upper case); empty values count as unset.
    """

    def __init__(self, settings_cls: type[BaseSettings], env: Mapping[str, str]) -> None:
        super().__init__(settings_cls)
        names = {_env_name(f) for f in settings_cls.model_fields} | {"OPENAI_API_KEY"}
        # Matched case-insensitively by the base class: only the exact names are kept.
        self.env_vars = {k.lower(): v for k, v in env.items() if k in names and v != ""}

    def prepare_field_value(self, field_name: str, field: FieldInfo, value: Any,
                            value_is_complex: bool) -> Any:
        if value is None:
            return None
        read = _READERS.get(field_name, lambda name, raw, default: raw.strip())
        return read(_env_name(field_name), value, field.default)
