"""A local HTTP server that speaks the OpenAI chat-completions and Ollama chat APIs.

It stands in for a hosted LLM in tests: real HTTP on ``127.0.0.1`` and a free port, real
request bodies, real streaming (SSE for OpenAI, NDJSON for Ollama), replies scripted by
the test. Nothing of Newsdesk is faked: the LangChain clients talk to it as to vLLM,
llama.cpp server, LM Studio, OpenAI or Ollama.

Usage::

    from tests.fakes.llm_server import FakeLLMServer, Reply

    with FakeLLMServer() as server:                 # started, stopped at the end
        server.push("Le Drian attended [1].")       # replies are served in order
        server.push(Reply(status=503, error="overloaded"))
        settings = Settings().with_(llm="openai:fake-model", llm_base_url=server.openai_url)
        ...
        req = server.requests[-1]                   # what the client sent
        assert "untrusted" in req.system

    def decide(req: Recorded) -> str | Reply:       # or: a function chooses the reply
        return "yes [1]" if "2+2" in req.last_user else "The articles don't say."
    server = FakeLLMServer(handler=decide).start()

Endpoints:
    ``POST /v1/chat/completions`` (also ``/chat/completions``), ``GET /v1/models``;
    ``POST /api/chat``, ``POST /api/generate``, ``GET /api/tags``, ``POST /api/show``,
    ``GET /api/version``.

The queue is read before the handler; with neither, a request gets HTTP 500 with
``"fake LLM server: no scripted reply"`` so a test that forgot to script one fails loudly.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["FakeLLMServer", "Recorded", "Reply", "free_port", "split_pieces"]


@dataclass(frozen=True)
class Reply:
    """One scripted answer.

    Attributes:
        text: The assistant message.
        pieces: How to stream it; default: :func:`split_pieces` (word by word).
        status: HTTP status; 400 or more sends an error body in the API's format.
        error: The error message for an error status.
        delay: Seconds to wait before answering (for timeout tests).
        piece_delay: Seconds to wait between streamed pieces.
        cut_after: Send only this many stream events (SSE events / NDJSON lines; OpenAI's
            first event is the empty role delta), then drop the connection.
    """

    text: str = ""
    pieces: tuple[str, ...] | None = None
    status: int = 200
    error: str = ""
    delay: float = 0.0
    piece_delay: float = 0.0
    cut_after: int | None = None

    def stream_pieces(self) -> list[str]:
        """The pieces the reply streams as."""
        return list(self.pieces) if self.pieces is not None else split_pieces(self.text)


@dataclass(frozen=True)
class Recorded:
    """A request the server received.

    Attributes:
        method: ``GET`` or ``POST``.
        path: The URL path.
        protocol: ``openai``, ``ollama`` or ``other``.
        headers: Request headers (lower-cased names).
        body: The parsed JSON body (``{}`` when none).
        reply: The reply sent (``None`` for requests that take none, e.g. ``/v1/models``).
    """

    method: str
    path: str
    protocol: str
    headers: dict[str, str]
    body: dict[str, Any]
    reply: Reply | None = None

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The chat messages, each with ``role`` and ``content`` as text."""
        return [{**m, "content": _content_text(m.get("content"))}
                for m in self.body.get("messages") or []]

    @property
    def system(self) -> str:
        """Every system (or developer) message, joined."""
        return "\n".join(m["content"] for m in self.messages
                         if m.get("role") in {"system", "developer"})

    @property
    def last_user(self) -> str:
        """The last user message."""
        users = [m["content"] for m in self.messages if m.get("role") == "user"]
        return users[-1] if users else str(self.body.get("prompt", ""))

    @property
    def text(self) -> str:
        """All message contents (or the ``prompt``), joined."""
        return "\n".join(m["content"] for m in self.messages) or str(self.body.get("prompt", ""))

    @property
    def model(self) -> str:
        """The model asked for."""
        return str(self.body.get("model", ""))

    @property
    def stream(self) -> bool:
        """Whether the client asked for a streamed reply (Ollama's default is yes)."""
        default = self.protocol == "ollama"
        return bool(self.body.get("stream", default))


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # OpenAI content parts
        return "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    return "" if content is None else str(content)


def split_pieces(text: str) -> list[str]:
    """Split ``text`` into streaming pieces: each word with the whitespace after it."""
    return re.findall(r"\S+\s*|\s+", text) or [""]


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that nothing listens on right now (e.g. for "server is down" tests)."""
    import socket

    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


Handler = Callable[[Recorded], "str | Reply"]


class FakeLLMServer:
    """A scripted OpenAI/Ollama-compatible chat server on ``127.0.0.1`` and a free port.

    Args:
        replies: Initial reply queue (strings or :class:`Reply`).
        handler: Called with each chat request when the queue is empty; returns the reply.
        models: Model names listed by ``/v1/models`` and ``/api/tags``.
    """

    def __init__(self, replies: Iterable[str | Reply] = (), *, handler: Handler | None = None,
                 models: Iterable[str] = ("fake-model",)) -> None:
        self.handler = handler
        self.models = list(models)
        self._queue: deque[Reply] = deque(_as_reply(r) for r in replies)
        self._requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> FakeLLMServer:
        """Start serving in a background thread; return ``self``."""
        if self._httpd is not None:
            return self
        server = self

        class _Handler(_RequestHandler):
            fake = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-llm",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeLLMServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses ------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The port it listens on."""
        if self._httpd is None:
            raise RuntimeError("FakeLLMServer is not started: call start() first")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``: the Ollama host."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def openai_url(self) -> str:
        """``http://127.0.0.1:PORT/v1``: the OpenAI-compatible base URL."""
        return self.url + "/v1"

    # -- script and record -------------------------------------------------------------------

    def push(self, *replies: str | Reply) -> FakeLLMServer:
        """Queue replies, served first in, first out; return ``self``."""
        with self._lock:
            self._queue.extend(_as_reply(r) for r in replies)
        return self

    def reset(self) -> None:
        """Forget queued replies and recorded requests (the handler stays)."""
        with self._lock:
            self._queue.clear()
            self._requests.clear()

    @property
    def pending(self) -> int:
        """Queued replies not served yet."""
        with self._lock:
            return len(self._queue)

    @property
    def requests(self) -> list[Recorded]:
        """Every request received so far, in order (a copy)."""
        with self._lock:
            return list(self._requests)

    @property
    def chat_requests(self) -> list[Recorded]:
        """The chat requests (OpenAI chat completions and Ollama chat/generate)."""
        return [r for r in self.requests if r.reply is not None]

    def _next_reply(self, req: Recorded) -> Reply:
        with self._lock:
            if self._queue:
                return self._queue.popleft()
        if self.handler is not None:
            return _as_reply(self.handler(req))
        return Reply(status=500, error="fake LLM server: no scripted reply")

    def _record(self, req: Recorded) -> None:
        with self._lock:
            self._requests.append(req)


def _as_reply(r: str | Reply) -> Reply:
    return r if isinstance(r, Reply) else Reply(text=str(r))


class _RequestHandler(BaseHTTPRequestHandler):
    fake: FakeLLMServer
    protocol_version = "HTTP/1.1"
    server_version = "FakeLLM/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    # -- routing ----------------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        path = self.path.split("?")[0].rstrip("/")
        self._body()
        self.fake._record(Recorded("GET", path, _protocol(path), self._headers(), {}))
        if path in {"/v1/models", "/models"}:
            self._json(200, {"object": "list", "data": [
                {"id": m, "object": "model", "created": 0, "owned_by": "fake"}
                for m in self.fake.models]})
        elif path == "/api/tags":
            self._json(200, {"models": [{"name": m, "model": m, "size": 0, "digest": "0",
                                         "details": {}} for m in self.fake.models]})
        elif path == "/api/version":
            self._json(200, {"version": "0.0.0-fake"})
        elif path in {"", "/"}:
            self._text(200, "Ollama is running")
        else:
            self._json(404, {"error": f"fake LLM server: no route GET {path}"})

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        path = self.path.split("?")[0].rstrip("/")
        raw = self._body()
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            self._json(400, {"error": {"message": "body is not JSON", "type": "invalid_request"}})
            return
        if path == "/api/show":
            self.fake._record(Recorded("POST", path, "ollama", self._headers(), body))
            self._json(200, {"modelfile": "", "parameters": "", "template": "",
                             "details": {}, "model_info": {}, "capabilities": ["completion"]})
            return
        if path not in {"/v1/chat/completions", "/chat/completions", "/api/chat",
                        "/api/generate"}:
            self.fake._record(Recorded("POST", path, _protocol(path), self._headers(), body))
            self._json(404, {"error": {"message": f"fake LLM server: no route POST {path}",
                                       "type": "not_found"}})
            return
        probe = Recorded("POST", path, _protocol(path), self._headers(), body)
        reply = self.fake._next_reply(probe)
        req = Recorded(probe.method, probe.path, probe.protocol, probe.headers, body, reply)
        self.fake._record(req)
        if reply.delay:
            time.sleep(reply.delay)
        if reply.status >= 400:
            self._error(req, reply)
        elif req.protocol == "openai":
            self._openai(req, reply)
        else:
            self._ollama(req, reply)

    # -- OpenAI ---------------------------------------------------------------------------

    def _openai(self, req: Recorded, reply: Reply) -> None:
        created = int(time.time())
        rid = f"chatcmpl-fake{len(self.fake.requests)}"
        model = req.model or "fake-model"
        if not req.stream:
            self._json(200, {
                "id": rid, "object": "chat.completion", "created": created, "model": model,
                "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                             "message": {"role": "assistant", "content": reply.text}}],
                "usage": _usage(req, reply)})
            return

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {"id": rid, "object": "chat.completion.chunk", "created": created,
                    "model": model, "choices": [{"index": 0, "delta": delta, "logprobs": None,
                                                 "finish_reason": finish}]}

        def events() -> Iterator[bytes]:
            yield _sse(chunk({"role": "assistant", "content": ""}))
            for piece in reply.stream_pieces():
                yield _sse(chunk({"content": piece}))
            yield _sse(chunk({}, "stop"))
            if (req.body.get("stream_options") or {}).get("include_usage"):
                yield _sse({"id": rid, "object": "chat.completion.chunk", "created": created,
                            "model": model, "choices": [], "usage": _usage(req, reply)})
            yield b"data: [DONE]\n\n"

        self._stream("text/event-stream", events(), reply)

    # -- Ollama ---------------------------------------------------------------------------

    def _ollama(self, req: Recorded, reply: Reply) -> None:
        model = req.model or "fake-model"
        now = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())
        chat = req.path == "/api/chat"

        def part(text: str, done: bool) -> dict[str, Any]:
            d: dict[str, Any] = {"model": model, "created_at": now, "done": done}
            if chat:
                d["message"] = {"role": "assistant", "content": text}
            else:
                d["response"] = text
            if done:
                u = _usage(req, reply)
                d.update(done_reason="stop", total_duration=1, load_duration=1,
                         prompt_eval_count=u["prompt_tokens"], prompt_eval_duration=1,
                         eval_count=u["completion_tokens"], eval_duration=1)
            return d

        if not req.stream:
            self._json(200, part(reply.text, True))
            return

        def lines() -> Iterator[bytes]:
            for piece in reply.stream_pieces():
                yield (json.dumps(part(piece, False)) + "\n").encode()
            yield (json.dumps(part("", True)) + "\n").encode()

        self._stream("application/x-ndjson", lines(), reply)

    # -- plumbing ---------------------------------------------------------------------------

    def _error(self, req: Recorded, reply: Reply) -> None:
        msg = reply.error or f"fake error {reply.status}"
        if req.protocol == "openai":
            self._json(reply.status, {"error": {"message": msg, "type": "server_error",
                                                "param": None, "code": str(reply.status)}})
        else:
            self._json(reply.status, {"error": msg})

    def _body(self) -> bytes:
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _headers(self) -> dict[str, str]:
        return {k.lower(): v for k, v in self.headers.items()}

    def _json(self, status: int, obj: Any) -> None:
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _text(self, status: int, text: str) -> None:
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, content_type: str, parts: Iterator[bytes], reply: Reply) -> None:
        """Send ``parts`` with chunked transfer encoding, flushing each one."""
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            for i, data in enumerate(parts):
                if reply.cut_after is not None and i >= reply.cut_after:
                    self.close_connection = True
                    self.wfile.flush()
                    return  # no terminating chunk: the client sees a broken stream
                if reply.piece_delay and i:
                    time.sleep(reply.piece_delay)
                self.wfile.write(f"{len(data):X}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


def _protocol(path: str) -> str:
    if path.startswith("/api/"):
        return "ollama"
    if path.startswith(("/v1/", "/chat/", "/models")):
        return "openai"
    return "other"


def _sse(obj: dict[str, Any]) -> bytes:
    return f"data: {json.dumps(obj)}\n\n".encode()


def _usage(req: Recorded, reply: Reply) -> dict[str, int]:
    p = len(req.text.split())
    c = len(reply.text.split())
    return {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}
