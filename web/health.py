"""``GET /healthz``: the desk's health as JSON, for load balancers and people.

``200 {"status": "ok", ...}`` when the catalog, the vector store and the LLM backend (when one
is configured) answer; ``200 {"status": "degraded", "failing": ["llm"], ...}`` when only the
LLM backend is down (answers come from the extractive answerer meanwhile); ``503
{"status": "down", "failing": ["catalog" | "store", ...], ...}`` when the catalog or the
vector store cannot be reached. ``parts`` holds each part's state and, for the store, its
chunk count, this process's BM25 count and collection. The checks are
:func:`qa.health.check_health`'s, reused for 5 seconds. The route is outside the Gradio login,
and runs in a worker thread (the checks block).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from fastapi.responses import JSONResponse

from qa import NewsDesk
from qa.health import HealthCheck

__all__ = ["healthz_route"]


def healthz_route(desk: NewsDesk) -> Callable[[], Any]:
    """The ``/healthz`` handler for ``desk`` (each call gives the cached or a fresh check)."""
    check = HealthCheck(desk)

    def healthz() -> JSONResponse:
        """The desk's health (no login needed): 200 ok or degraded, 503 down."""
        health = check()
        body = {**health.to_dict(), "pid": os.getpid()}
        return JSONResponse(body, status_code=503 if health.status == "down" else 200)

    return healthz
