"""The OpenAI-compatible API under ``/v1``: ``GET /v1/models``, ``POST /v1/chat/completions``.

Any OpenAI client (the ``openai`` package, LangChain's ``ChatOpenAI``, chat front-ends)
can ask Newsdesk as if it were a model. ``/v1`` is stateless: the conversation is the
``messages`` list (earlier user/assistant turns are the history for follow-up questions,
as in :meth:`qa.NewsDesk.chat`), and nothing is saved. System messages are accepted and
ignored: they never reach the answerer. The answer keeps its ``[n]`` markers and ends with
a sources list; the message carries ``citations`` and ``abstained`` as extra fields.

With ``NEWSDESK_API_KEY`` set every ``/v1`` request needs ``Authorization: Bearer <key>``
(the Gradio login does not cover routes of our own). Errors come in OpenAI's shape.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from qa import Answer, BadQuestion, NewsDesk, NewsdeskError, Settings, StoreUnavailable
from qa.collection_ops import DEFAULT_COLLECTION
from web.openai_wire import (
    DEFAULT_MODEL,
    MAX_BODY_BYTES,
    ApiError,
    Ask,
    ChatRequest,
    completion,
    new_id,
    parse_request,
    read_messages,
    stream_events,
)

log = logging.getLogger("newsdesk.api")

OWNER = "newsdesk"


def collections(desk: NewsDesk) -> list[str]:
    """The collections this desk answers from, the default one first.

    The one place that lists them (``/v1/models`` and the model check read it).
    """
    try:
        names = [c.name for c in desk.collections()]
    except Exception as e:
        raise _desk_error(e) from None
    return [DEFAULT_COLLECTION] + [n for n in names if n != DEFAULT_COLLECTION]


def model_id(collection: str) -> str:
    """The model name of a collection: ``newsdesk``, or ``newsdesk:<collection>``."""
    return DEFAULT_MODEL if collection == DEFAULT_COLLECTION else f"{DEFAULT_MODEL}:{collection}"


def list_models(desk: NewsDesk) -> list[dict[str, Any]]:
    """The ``model`` objects of ``GET /v1/models``, one per collection."""
    return [{"id": model_id(c), "object": "model", "created": 0, "owned_by": OWNER}
            for c in collections(desk)]


def resolve_model(desk: NewsDesk, model: str) -> str:
    """The collection ``model`` names (``newsdesk`` or ``newsdesk:<collection>``).

    Raises:
        ApiError: 404 for a model that is not one of :func:`list_models`.
    """
    name = model.strip()
    coll = DEFAULT_COLLECTION if name == DEFAULT_MODEL else \
        name.removeprefix(f"{DEFAULT_MODEL}:") if name.startswith(f"{DEFAULT_MODEL}:") else None
    known = collections(desk)
    if coll is None or coll not in known:
        names = ", ".join(model_id(c) for c in known)
        raise ApiError(404, f"the model {model!r} does not exist: use one of {names} "
                       "(GET /v1/models lists them)", "model_not_found")
    return coll


def check_key(settings: Settings, request: Request) -> None:
    """Require ``Authorization: Bearer <NEWSDESK_API_KEY>`` when a key is set.

    Raises:
        ApiError: 401 for a missing or wrong key.
    """
    if not settings.api_key:
        return
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
            given.strip().encode(), settings.api_key.encode()):
        raise ApiError(401, "a valid API key is required: send Authorization: Bearer "
                       "<NEWSDESK_API_KEY>", "invalid_api_key")


def _desk_error(e: Exception) -> ApiError:
    """Our errors as API errors: a bad question 400, the store unreachable 503."""
    if isinstance(e, ApiError):
        return e
    if isinstance(e, BadQuestion):
        return ApiError(400, str(e), "bad_question")
    if isinstance(e, StoreUnavailable):
        return ApiError(503, str(e), "store_unavailable")
    if isinstance(e, NewsdeskError):
        return ApiError(500, str(e), "newsdesk_error")
    log.exception("/v1 request failed")
    return ApiError(500, f"unexpected {type(e).__name__}: see the server log for details",
                    "internal_error")


async def _read_body(request: Request) -> bytes:
    """The request body, read no further than one byte past :data:`MAX_BODY_BYTES` (the
    rest is refused by :func:`parse_request` without being held in memory)."""
    body = bytearray()
    async for part in request.stream():
        body += part
        if len(body) > MAX_BODY_BYTES:
            break
    return bytes(body)


def _sse(event: dict[str, Any]) -> str:
    return f"data: {json.dumps(event, ensure_ascii=False)}\n\n"


def _events(first: str | Answer | None, rest: Iterator[str | Answer], cid: str, req: ChatRequest,
            ask: Ask) -> Iterator[str]:
    """Server-sent events for a streamed answer, ending with ``data: [DONE]``.

    An error after the first event is sent as an ``error`` event before ``[DONE]``.
    """
    def pieces() -> Iterator[str | Answer]:
        if first is not None:
            yield first
        yield from rest

    try:
        for event in stream_events(cid, req.model, ask, pieces(), req.include_usage):
            yield _sse(event)
    except Exception as e:  # the status is sent: the error goes in the stream
        yield _sse(_desk_error(e).body())
    yield "data: [DONE]\n\n"


def request_schema() -> dict[str, Any]:
    """The JSON schema of :class:`ChatRequest`, its ``$defs`` inlined (for the OpenAPI docs)."""
    schema = ChatRequest.model_json_schema()
    defs = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return inline(defs[ref.removeprefix("#/$defs/")])
            return {k: inline(v) for k, v in node.items()}
        return [inline(v) for v in node] if isinstance(node, list) else node

    return dict(inline(schema))


class OpenAIApi:
    """The ``/v1`` routes over one desk. Add them to an app with :func:`add_openai_api`."""

    def __init__(self, desk: NewsDesk, settings: Settings) -> None:
        self.desk = desk
        self.settings = settings

    async def models(self, request: Request) -> JSONResponse:
        """List the models: one per collection (``newsdesk`` is the default collection)."""
        check_key(self.settings, request)
        return JSONResponse({"object": "list", "data": list_models(self.desk)})

    async def chat_completions(self, request: Request) -> Any:
        """Answer the last user message from the articles, with ``[n]`` citations.

        The body is OpenAI's chat-completions request; ``k``, ``since``, ``until`` and
        ``sources`` (``extra_body`` in the ``openai`` client) filter what is searched.
        """
        check_key(self.settings, request)
        req = parse_request(await _read_body(request))
        chosen = [resolve_model(self.desk, req.model)]
        ask = read_messages(req)
        if not req.stream:
            try:
                answer = await run_in_threadpool(
                    self.desk.ask, ask.question, history=list(ask.history), collections=chosen,
                    **ask.options)
            except Exception as e:
                raise _desk_error(e) from None
            return JSONResponse(completion(answer, ask, req.model))
        stream = self.desk.stream(ask.question, history=list(ask.history), collections=chosen,
                                  **ask.options)
        try:  # the first piece comes after the search: its errors still get a status
            first = await run_in_threadpool(next, stream, None)
        except Exception as e:
            raise _desk_error(e) from None
        return StreamingResponse(_events(first, stream, new_id(), req, ask),
                                 media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache"})

    def router(self) -> APIRouter:
        """The ``/v1`` routes."""
        r = APIRouter(prefix="/v1", tags=["OpenAI-compatible"])
        r.add_api_route("/models", self.models, methods=["GET"], summary="List models")
        r.add_api_route(
            "/chat/completions", self.chat_completions, methods=["POST"],
            summary="Ask (OpenAI chat completions)",
            openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                "schema": request_schema()}}}})
        return r


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    err = exc if isinstance(exc, ApiError) else _desk_error(exc)
    headers = {"WWW-Authenticate": "Bearer"} if err.status == 401 else None
    return JSONResponse(err.body(), status_code=err.status, headers=headers)


def add_openai_api(app: FastAPI, desk: NewsDesk, settings: Settings) -> None:
    """Add the ``/v1`` routes to ``app`` (before Gradio is mounted at ``/``)."""
    app.include_router(OpenAIApi(desk, settings).router())
    app.add_exception_handler(ApiError, _api_error)
