"""OpenAI's chat-completions wire format, Newsdesk side: requests in, answers out.

No HTTP here (that is :mod:`web.openai_api`): the request schema and its checks, the
``messages`` list read as a question and its history, and an :class:`qa.Answer` written as
a ``chat.completion`` or as ``chat.completion.chunk`` events.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from qa import K_MAX, Answer, Turn

MAX_BODY_BYTES = 64 * 1024
"""Largest request body (the ``messages`` and the options): larger ones get 413."""
MAX_QUESTION_CHARS = 4000
"""Longest last question: longer ones get 413."""
SOURCES_HEADING = "Sources:"
"""Starts the sources list appended to the answer text (and is cut from earlier turns)."""
DEFAULT_MODEL = "newsdesk"


class ApiError(Exception):
    """An error answered in OpenAI's shape: ``{"error": {"message", "type", "code"}}``."""

    TYPES = {400: "invalid_request_error", 401: "invalid_request_error",
             404: "invalid_request_error", 413: "invalid_request_error",
             503: "server_error", 500: "server_error"}

    def __init__(self, status: int, message: str, code: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code

    def body(self) -> dict[str, Any]:
        """The JSON body of the error response."""
        return {"error": {"message": self.message,
                          "type": self.TYPES.get(self.status, "invalid_request_error"),
                          "param": None, "code": self.code}}


class Message(BaseModel):
    """One entry of ``messages``: its role and its text (a string or text parts)."""

    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        """The message's text; non-text parts are refused.

        Raises:
            ApiError: 400 for a part that is not text (images, audio, files).
        """
        if self.content is None or isinstance(self.content, str):
            return self.content or ""
        out = []
        for part in self.content:
            if part.get("type") != "text" or not isinstance(part.get("text"), str):
                raise ApiError(400, f"only text content is understood, not {part.get('type')!r} "
                               "parts: send the question as text", "unsupported_content")
            out.append(part["text"])
        return "\n".join(out)


class ChatRequest(BaseModel):
    """``POST /v1/chat/completions``: OpenAI's fields plus Newsdesk's filters.

    Other OpenAI fields (``temperature``, ``max_tokens``, ...) are accepted and ignored.
    """

    model_config = ConfigDict(extra="allow")

    model: str
    messages: list[Message] = Field(min_length=1)
    stream: bool = False
    stream_options: dict[str, Any] | None = None
    k: int | None = Field(None, ge=1, le=K_MAX, description="passages to retrieve")
    since: str | None = Field(None, description="only articles published on or after, YYYY-MM-DD")
    until: str | None = Field(None, description="only articles published on or before, YYYY-MM-DD")
    sources: list[str] | None = Field(None, description="only these outlets")

    @field_validator("since", "until")
    @classmethod
    def _day(cls, v: str | None) -> str | None:
        if v is not None and v.strip():
            try:
                date.fromisoformat(v.strip())
            except ValueError:
                raise ValueError(f"{v!r} is not a date: use YYYY-MM-DD") from None
        return v.strip() if v else None

    @field_validator("sources")
    @classmethod
    def _sources(cls, v: list[str] | None) -> list[str] | None:
        if v is not None and any(not s.strip() for s in v):
            raise ValueError("an outlet name is blank: drop it, or pass no sources")
        return [s.strip() for s in v] if v else None

    @property
    def include_usage(self) -> bool:
        """``stream_options.include_usage``: a last chunk with the usage."""
        return bool((self.stream_options or {}).get("include_usage"))


@dataclass(frozen=True)
class Ask:
    """What a request asks: the question, the earlier turns, and the filters."""

    question: str
    history: tuple[Turn, ...]
    options: dict[str, Any]


def parse_request(body: bytes) -> ChatRequest:
    """Validate a request body.

    Raises:
        ApiError: 413 over :data:`MAX_BODY_BYTES`, 400 when it is not a valid request.
    """
    if len(body) > MAX_BODY_BYTES:
        raise ApiError(413, f"the request is over {MAX_BODY_BYTES:,} bytes, the limit: send "
                       "fewer or shorter messages", "request_too_large")
    try:
        return ChatRequest.model_validate_json(body)
    except ValidationError as e:
        err = e.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "the body"
        raise ApiError(400, f"{where}: {err['msg']}", "invalid_request") from None


def _answer_text(content: str) -> str:
    """An earlier answer's text without the sources list this API appended to it."""
    head, sep, _ = content.rpartition(f"\n\n{SOURCES_HEADING}\n")
    return head if sep else content


def read_messages(req: ChatRequest) -> Ask:
    """The question (the last user message) and its history (the earlier user/assistant pairs).

    System and developer messages are accepted and ignored: they never reach the answerer.
    An assistant message may carry ``abstained: true`` (as this API returned it).

    Raises:
        ApiError: 400 when the last message is not the user's; 413 for a question over
            :data:`MAX_QUESTION_CHARS`.
    """
    msgs = [m for m in req.messages if m.role in {"user", "assistant"}]
    if not msgs or msgs[-1].role != "user":
        raise ApiError(400, "the last message must be the user's question", "invalid_messages")
    question = msgs[-1].text()
    if len(question) > MAX_QUESTION_CHARS:
        raise ApiError(413, f"the question is {len(question):,} characters long; the limit is "
                       f"{MAX_QUESTION_CHARS:,}: ask a shorter one", "question_too_long")
    history: list[Turn] = []
    pending: str | None = None
    for m in msgs[:-1]:
        if m.role == "user":
            pending = m.text()  # a user message without a reply is replaced by the next
        elif pending is not None:
            abstained = (m.model_extra or {}).get("abstained") is True
            text = _answer_text(m.text())
            history.append(Turn(pending, Answer(pending, pending, text, abstained=abstained)))
            pending = None
    options = {"k": req.k, "since": req.since, "until": req.until, "sources": req.sources}
    return Ask(question, tuple(history), {k: v for k, v in options.items() if v is not None})


def sources_text(answer: Answer) -> str:
    """The sources list appended to the answer text: ``[n] title (date) URL`` per citation."""
    if answer.abstained or not answer.citations:
        return ""
    lines = []
    for c in answer.citations:
        p = c.passage
        bits = [f"[{c.n}] {p.title or p.article_id}"]
        if p.published:
            bits.append(f"({p.published.isoformat()})")
        if p.url:
            bits.append(p.url)
        lines.append(" ".join(bits))
    return f"\n\n{SOURCES_HEADING}\n" + "\n".join(lines)


def extras(answer: Answer) -> dict[str, Any]:
    """The fields added to the message: ``citations`` (:meth:`qa.Citation.to_dict`), ``abstained``."""
    return {"citations": [c.to_dict() for c in answer.citations], "abstained": answer.abstained}


def _words(text: str) -> int:
    return len(re.findall(r"\S+", text))


def usage(ask: Ask, content: str) -> dict[str, int]:
    """Token counts, approximated by words (the answerer may have no tokenizer)."""
    prompt = _words(ask.question) + sum(_words(t.question) + _words(t.answer.text)
                                        for t in ask.history)
    completion = _words(content)
    return {"prompt_tokens": prompt, "completion_tokens": completion,
            "total_tokens": prompt + completion}


def new_id() -> str:
    """A completion id, ``chatcmpl-...``."""
    return f"chatcmpl-{uuid.uuid4().hex[:24]}"


def completion(answer: Answer, ask: Ask, model: str) -> dict[str, Any]:
    """The ``chat.completion`` object for ``answer``."""
    content = answer.text + sources_text(answer)
    return {"id": new_id(), "object": "chat.completion", "created": int(time.time()),
            "model": model, "system_fingerprint": None,
            "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                         "message": {"role": "assistant", "content": content,
                                     "refusal": None, **extras(answer)}}],
            "usage": usage(ask, content)}


def chunk(cid: str, model: str, created: int, delta: dict[str, Any],
          finish: str | None = None) -> dict[str, Any]:
    """One ``chat.completion.chunk`` with one choice."""
    return {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
            "system_fingerprint": None,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]}


def closing_text(streamed: str, answer: Answer) -> str:
    """What follows the streamed pieces: the rest of the checked answer, and the sources.

    The pieces are the answerer's raw text; the answer's text is the checked one (citation
    numbers verified). When the checked text does not continue the streamed one, it follows
    in full after a line ``Checked answer:``, so that the text shown ends with what the
    ``citations`` describe.
    """
    final = answer.text
    rest = final[len(streamed):] if final.startswith(streamed) else \
        f"\n\nChecked answer:\n{final}"
    return rest + sources_text(answer)


def stream_events(cid: str, model: str, ask: Ask, pieces: Iterable[str | Answer],
                  include_usage: bool) -> Iterable[dict[str, Any]]:
    """The chunks for a streamed answer: role, text pieces, the closing text, the finish
    chunk (its delta carries ``citations`` and ``abstained``), and the usage when asked."""
    created = int(time.time())
    yield chunk(cid, model, created, {"role": "assistant", "content": ""})
    streamed: list[str] = []
    answer: Answer | None = None
    for piece in pieces:
        if isinstance(piece, Answer):
            answer = piece
        elif piece:
            streamed.append(piece)
            yield chunk(cid, model, created, {"content": piece})
    if answer is None:
        raise RuntimeError("the desk's stream ended without an answer")
    tail = closing_text("".join(streamed), answer)
    if tail:
        yield chunk(cid, model, created, {"content": tail})
    yield chunk(cid, model, created, extras(answer), finish="stop")
    if include_usage:
        last = chunk(cid, model, created, {})
        last["choices"] = []
        last["usage"] = usage(ask, "".join(streamed) + tail)
        yield last
