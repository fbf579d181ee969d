"""The health of a running desk, for ``GET /healthz`` (:mod:`web.health`).

:func:`check_health` looks at each part once: the catalog (its journal head), the vector
store (its chunk count, this process's BM25 count, the collection) and, when one is
configured, the LLM backend (one look by :func:`qa.answerers.llm.probe_llm`, or the
answerer's rest when it failed moments ago; a probe that finds it down starts that rest, so
that questions fall back at once).
``status`` is ``ok`` when every part answers, ``degraded`` when only the LLM backend is down
(answers come from the extractive answerer meanwhile), ``down`` when the catalog or the
vector store cannot be reached. :class:`HealthCheck` reuses a result for :data:`CACHE_S`,
so that a load balancer polling it costs the backends next to nothing.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qa.desk import NewsDesk

__all__ = ["CACHE_S", "Health", "HealthCheck", "Part", "check_health"]

CACHE_S = 5.0
"""Seconds a :class:`HealthCheck` result is reused."""


@dataclass(frozen=True)
class Part:
    """One part's state: ``ok``, facts about it, and the error when it failed."""

    name: str
    ok: bool
    facts: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    essential: bool = True  # without it no question is answered

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: ``ok``, the facts, ``error`` when failed."""
        out: dict[str, Any] = {"ok": self.ok, **self.facts}
        if self.error is not None:
            out["error"] = self.error
        return out


@dataclass(frozen=True)
class Health:
    """Every part's state (catalog, store, then llm when configured)."""

    parts: tuple[Part, ...]

    @property
    def failing(self) -> list[str]:
        """The names of the parts that failed."""
        return [p.name for p in self.parts if not p.ok]

    @property
    def status(self) -> str:
        """``ok``, ``degraded`` (only a non-essential part failed) or ``down``."""
        if any(not p.ok and p.essential for p in self.parts):
            return "down"
        return "degraded" if self.failing else "ok"

    def to_dict(self) -> dict[str, Any]:
        """``{"status", "failing", "parts": {name: {...}}}``."""
        return {"status": self.status, "failing": self.failing,
                "parts": {p.name: p.to_dict() for p in self.parts}}


def _error(e: BaseException) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0][:400]


def _catalog(desk: NewsDesk) -> Part:
    try:
        return Part("catalog", True, {"journal_head": desk.store.catalog.journal_head(),
                                      "url": desk.store.catalog.url})  # password hidden
    except Exception as e:
        return Part("catalog", False, error=_error(e))


def _store(desk: NewsDesk) -> Part:
    facts: dict[str, Any] = {"collection": desk.store.collection}
    try:
        facts["chunks"] = desk.store.count_chunks()
    except Exception as e:
        return Part("store", False, facts, _error(e))
    facts["bm25_chunks"] = len(desk.lexical)  # as of this process's last question
    facts["full_rebuilds"] = desk.lexical.full_rebuilds
    return Part("store", True, facts)


def _llm(desk: NewsDesk) -> Part | None:
    from qa.answerers.llm import LLMAnswerer, parse_llm_spec, probe_llm

    spec = parse_llm_spec(desk.settings.llm)
    if spec is None:
        return None
    url = (desk.settings.ollama_host if spec[0] == "ollama"
           else desk.settings.llm_base_url or "https://api.openai.com/v1")
    facts = {"backend": spec[0], "model": spec[1], "url": url}
    answerer = desk.answerer
    if isinstance(answerer, LLMAnswerer):
        why = answerer._resting()
        if why is not None:  # failed moments ago: said without a probe
            return Part("llm", False, facts, f"down, not tried again for now: {why}", False)
    probe = probe_llm(desk.settings)
    if probe is None or probe.error is None:
        return Part("llm", True, facts, essential=False)
    if isinstance(answerer, LLMAnswerer):
        answerer.rest(probe.error)
    state = "unreachable" if not probe.reachable else "not usable"
    return Part("llm", False, facts, f"{state}: {probe.error}", False)


def check_health(desk: NewsDesk) -> Health:
    """Look at the catalog, the vector store and the LLM backend of ``desk`` once."""
    parts = [_catalog(desk), _store(desk)]
    try:
        llm = _llm(desk)
    except Exception as e:  # a bad LLM configuration: reported, never a failed check
        llm = Part("llm", False, {"model": desk.settings.llm}, _error(e), False)
    if llm is not None:
        parts.append(llm)
    return Health(tuple(parts))


class HealthCheck:
    """:func:`check_health` of one desk, a result reused for ``cache_s`` seconds (default
    :data:`CACHE_S`); one check at a time."""

    def __init__(self, desk: NewsDesk, cache_s: float | None = None) -> None:
        self.desk = desk
        self.cache_s = cache_s
        self._lock = threading.Lock()
        self._last: tuple[float, Health] | None = None

    def __call__(self) -> Health:
        """The cached result when fresh, else a new check."""
        cache_s = CACHE_S if self.cache_s is None else self.cache_s
        with self._lock:
            now = time.monotonic()
            if self._last is not None and now - self._last[0] < cache_s:
                return self._last[1]
            health = check_health(self.desk)
            self._last = (time.monotonic(), health)
            return health
