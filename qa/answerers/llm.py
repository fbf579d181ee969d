"""Answering with an LLM: chat model backends, the answerer, the follow-up rewriter.

Backends (``NEWSDESK_LLM``): ``none`` (the extractive answerer), ``ollama:MODEL``
(langchain-ollama's ``ChatOllama`` at ``OLLAMA_HOST``) and ``openai:MODEL`` (langchain-openai's
``ChatOpenAI``; any OpenAI-compatible server via ``NEWSDESK_LLM_BASE_URL``: vLLM, llama.cpp
server, LM Studio, OpenAI). Any other LangChain chat model can be passed in directly.

The model sees numbered passages fenced as untrusted data (:mod:`qa.answerers.prompts`) and
must answer with ``[n]`` citations or reply exactly :data:`~qa.answerers.ABSTAIN`. Its reply
is then parsed (:mod:`qa.answerers.replies`): citation numbers that name no passage are
dropped (with a warning), the rest renumbered by first use, each citation gets the passage
sentence that best supports it as its quote, and every sentence goes through
:func:`qa.answerers.support.assess_support`.

Failure policy: when the backend is down or errors, :class:`LLMAnswerer` answers with
its fallback (the extractive answerer by default) and says so in ``Draft.warnings``;
with ``fallback=False`` it raises :class:`BackendError` instead. :func:`rewrite_question`
always raises :class:`BackendError`. Nothing touches the network at import or
construction time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from qa.answerers import ABSTAIN
from qa.answerers.prompts import (
    answer_prompt,
    history_text,
    one_line,
    prompt_inputs,
    rewrite_prompt,
)
from qa.answerers.replies import best_quote, clean_rewrite, parse_reply
from qa.answerers.support import Embed, assess_support
from qa.citations import strip_markers
from qa.protocols import Answerer
from qa.types import Citation, Draft, Turn
from vectorstore.config import Settings
from vectorstore.errors import BackendError, ConfigError, NewsdeskError
from vectorstore.types import Passage

__all__ = ["ABSTAIN", "LLMAnswerer", "LLMProbe", "backend_error", "describe_llm",
           "make_chat_model", "parse_llm_spec", "probe_llm", "rewrite_question"]

log = logging.getLogger("newsdesk.llm")

LLM_FORMS = "none, ollama:MODEL (e.g. ollama:llama3.2) or openai:MODEL (e.g. openai:gpt-4o-mini)"
#: Connect timeout (seconds): a server that is not there fails fast.
CONNECT_TIMEOUT = 5.0
MAX_RETRIES = 1
#: After the backend could not be reached, answer without it this long before trying again.
REST_S = 30.0


# -- backends --------------------------------------------------------------------------


def parse_llm_spec(spec: str) -> tuple[str, str] | None:
    """Parse ``NEWSDESK_LLM``: ``None`` for ``none``, else ``(backend, model)``.

    Raises:
        ConfigError: not one of the accepted forms.
    """
    s = (spec or "").strip()
    if s.lower() in {"", "none"}:
        return None
    backend, sep, model = s.partition(":")
    backend, model = backend.strip().lower(), model.strip()
    if not sep or backend not in {"ollama", "openai"} or not model or any(c.isspace() for c in model):
        raise ConfigError(f"NEWSDESK_LLM={spec!r} is not understood: use {LLM_FORMS}")
    return backend, model


def _timeout(settings: Settings) -> Any:
    import httpx

    total = float(getattr(settings, "llm_timeout", 60.0) or 60.0)
    return httpx.Timeout(total, connect=min(CONNECT_TIMEOUT, total))


def _http_url(host: str) -> str:
    return host if host.startswith(("http://", "https://")) else f"http://{host}"


def make_chat_model(settings: Settings) -> Any:
    """Build the LangChain chat model named by ``settings.llm`` (no network call).

    Returns:
        A ``BaseChatModel``, or ``None`` for ``none``.

    Raises:
        ConfigError: malformed ``NEWSDESK_LLM``, or ``openai:`` with neither an API key
            nor a base URL.
    """
    spec = parse_llm_spec(settings.llm)
    if spec is None:
        return None
    backend, model = spec
    if backend == "ollama":
        from langchain_ollama import ChatOllama

        return ChatOllama(model=model, base_url=_http_url(settings.ollama_host), temperature=0,
                          client_kwargs={"timeout": _timeout(settings)})
    from langchain_openai import ChatOpenAI

    base_url = settings.llm_base_url or None
    key = settings.llm_api_key
    if not key:
        if base_url is None:
            raise ConfigError(
                f"NEWSDESK_LLM={settings.llm} needs an API key: set NEWSDESK_LLM_API_KEY (or "
                "OPENAI_API_KEY), or point NEWSDESK_LLM_BASE_URL at a local OpenAI-compatible "
                "server such as http://127.0.0.1:8000/v1")
        key = "not-needed"  # local servers (vLLM, llama.cpp, LM Studio) accept any key
    kwargs: dict[str, Any] = {}
    if not model.lower().startswith(("o1", "o3", "o4", "gpt-5")):
        kwargs["temperature"] = 0  # reasoning models accept only their default
    from pydantic import SecretStr

    return ChatOpenAI(model=model, base_url=base_url, api_key=SecretStr(key),
                      timeout=_timeout(settings),
                      max_retries=MAX_RETRIES, **kwargs)


def describe_llm(llm: Any) -> str:
    """Where ``llm`` lives, for messages: its URL when known, else its class name."""
    for attr in ("openai_api_base", "base_url"):
        v = getattr(llm, attr, None)
        if isinstance(v, str) and v:
            return v
    name = type(llm).__name__
    if name == "ChatOpenAI":
        return "https://api.openai.com/v1"
    if name == "ChatOllama":
        return "http://127.0.0.1:11434"
    return name


def backend_error(llm: Any, exc: BaseException) -> BackendError:
    """A :class:`BackendError` for ``exc`` raised by ``llm``, naming the server and the fix."""
    where = describe_llm(llm)
    detail = (str(exc).strip().splitlines() or [""])[0][:240] or "no details"
    kind = type(exc).__name__
    status = getattr(exc, "status_code", None)
    model = getattr(llm, "model_name", None) or getattr(llm, "model", None) or "?"
    if status in (401, 403):
        return BackendError(
            f"LLM at {where} rejected the API key (HTTP {status}: {detail}); set "
            "NEWSDESK_LLM_API_KEY (or OPENAI_API_KEY), or set NEWSDESK_LLM=none")
    if status == 404:
        hint = (f"run `ollama pull {model}`" if type(llm).__name__ == "ChatOllama"
                else "check the model name and NEWSDESK_LLM_BASE_URL (usually ending in /v1)")
        return BackendError(f"LLM at {where} has no model {model!r} (HTTP 404: {detail}); "
                            f"{hint}, or set NEWSDESK_LLM=none")
    return BackendError(f"LLM at {where} unavailable: {kind}: {detail}; "
                        "start it or set NEWSDESK_LLM=none")


@dataclass(frozen=True)
class LLMProbe:
    """What one look at the LLM backend found (:func:`probe_llm`).

    Attributes:
        reachable: The server answered.
        model_present: It lists the model (``None``: it gave no list to look in).
        error: Why it cannot answer now (``None`` when it can, as far as one look tells).
    """

    reachable: bool
    model_present: bool | None
    error: BackendError | None = None


def probe_llm(settings: Settings, timeout: float = CONNECT_TIMEOUT) -> LLMProbe | None:
    """Ask the backend of ``settings.llm`` for its models, once (``None`` for ``none``).

    Ollama's ``/api/tags`` or the OpenAI-compatible ``/models``: whether the server is
    reachable and whether it has the model (a model an OpenAI-compatible server does not
    list is no error: some answer under any name).

    Raises:
        ConfigError: malformed ``NEWSDESK_LLM``.
    """
    spec = parse_llm_spec(settings.llm)
    if spec is None:
        return None
    import httpx

    backend, model = spec
    base = (_http_url(settings.ollama_host) if backend == "ollama"
            else settings.llm_base_url or "https://api.openai.com/v1").rstrip("/")
    key = settings.llm_api_key if backend == "openai" else ""
    try:
        r = httpx.get(base + ("/api/tags" if backend == "ollama" else "/models"),
                      headers={"Authorization": f"Bearer {key}"} if key else {}, timeout=timeout)
    except httpx.HTTPError as e:
        detail = (str(e).strip().splitlines() or [""])[0][:200] or "no details"
        return LLMProbe(False, None, BackendError(
            f"LLM at {base} unavailable: {type(e).__name__}: {detail}; start it or set "
            "NEWSDESK_LLM=none"))
    if r.status_code in (401, 403):
        return LLMProbe(True, None, BackendError(
            f"LLM at {base} rejected the API key (HTTP {r.status_code}); set "
            "NEWSDESK_LLM_API_KEY (or OPENAI_API_KEY), or set NEWSDESK_LLM=none"))
    try:
        listed = r.json().get("models" if backend == "ollama" else "data") if r.is_success \
            else None
        names = {str(m.get("name") or m.get("model") or m.get("id")) for m in listed or []}
    except (ValueError, AttributeError):
        return LLMProbe(True, None)
    if not isinstance(listed, list):  # no list to look in
        return LLMProbe(True, None)
    wanted = {model, f"{model}:latest"} if backend == "ollama" and ":" not in model else {model}
    if names & wanted:
        return LLMProbe(True, True)
    if backend == "openai":  # some servers (llama.cpp) answer under any model name
        return LLMProbe(True, False)
    return LLMProbe(True, False, BackendError(
        f"LLM at {base} has no model {model!r}; run `ollama pull {model}`, or set "
        "NEWSDESK_LLM=none"))


# -- the answerer -------------------------------------------------------------------------


class LLMAnswerer:
    """Answers from passages with a LangChain chat model, cited and support-checked.

    Args:
        llm: Any LangChain chat model (``BaseChatModel``).
        embed: Texts → unit vectors (``Embedder.embed``), for quotes and the support check.
        fallback: What answers when the backend fails: ``True`` (default) the extractive
            answerer, an answerer of your own, or ``False`` to raise :class:`BackendError`.
        show_unsupported: Keep sentences that fail the support check in the answer (marked)
            instead of leaving them out (``NEWSDESK_SHOW_UNSUPPORTED``). Either way they are
            listed in ``Draft.unsupported``.
        rest_s: After the backend could not be reached (refused, timed out), answer with the
            fallback for this many seconds without trying it, then try again.
    """

    def __init__(self, llm: Any, embed: Embed, *, fallback: bool | Answerer = True,
                 show_unsupported: bool = False, rest_s: float = REST_S) -> None:
        from langchain_core.output_parsers import StrOutputParser

        self.llm = llm
        self.embed = embed
        self.show_unsupported = show_unsupported
        self.rest_s = rest_s
        self._down: tuple[float, BackendError] | None = None  # (until, why) while unreachable
        self.chain = answer_prompt() | llm | StrOutputParser()
        if fallback is True:
            from qa.answerers.extractive import ExtractiveAnswerer

            self.fallback: Answerer | None = ExtractiveAnswerer()
        else:
            self.fallback = fallback or None

    def run(self, question: str, passages: Sequence[Passage], *,
            as_of: date | None = None) -> Draft:
        """Answer ``question`` from ``passages``.

        Raises:
            BackendError: the model failed and there is no fallback.
        """
        if not passages:
            return Draft(text=ABSTAIN, abstained=True, warnings=("no passage was retrieved",))
        resting = self._resting()
        if resting is not None and self.fallback is not None:
            return self._fall_back(resting, question, passages, as_of)
        try:
            reply = self.chain.invoke(prompt_inputs(question, passages, as_of))
        except NewsdeskError as e:
            return self._fall_back(e, question, passages, as_of)
        except Exception as e:
            return self._fall_back(self._failed(e), question, passages, as_of)
        return self.finish(reply, passages, question=question, as_of=as_of)

    def rest(self, why: BackendError | None, seconds: float | None = None) -> None:
        """Answer with the fallback without trying the backend for ``seconds`` (default
        ``rest_s``) because of ``why`` (a check found it down); ``None`` ends a rest."""
        self._down = None if why is None else (
            time.monotonic() + (self.rest_s if seconds is None else seconds), why)

    def _resting(self) -> BackendError | None:
        """Why the backend is not tried now (it was unreachable moments ago), or ``None``."""
        if self._down is None or time.monotonic() >= self._down[0]:
            return None
        left = max(1, round(self._down[0] - time.monotonic()))
        return BackendError(f"{self._down[1]} (not tried again for {left} s)")

    def _failed(self, exc: BaseException) -> BackendError:
        """The error for ``exc``; an unreachable backend rests for ``rest_s`` seconds."""
        err = backend_error(self.llm, exc)
        if _unreachable(exc):
            self._down = (time.monotonic() + self.rest_s, err)
        return err

    def stream(self, question: str, passages: Sequence[Passage], *,
               as_of: date | None = None) -> Iterator[str | Draft]:
        """Yield the model's text pieces as they arrive, then the finished :class:`Draft`.

        The pieces are the raw reply (citation numbers not yet checked); the Draft's
        text is the checked one, which a UI should show in their place.
        """
        if not passages or self._resting() is not None and self.fallback is not None:
            yield self.run(question, passages, as_of=as_of)
            return
        parts: list[str] = []
        try:
            for piece in self.chain.stream(prompt_inputs(question, passages, as_of)):
                if piece:
                    parts.append(piece)
                    yield piece
        except Exception as e:
            err = e if isinstance(e, NewsdeskError) else self._failed(e)
            if parts and self.fallback is not None:
                err = BackendError(f"the LLM stopped mid-answer: {err}")
            yield self._fall_back(err, question, passages, as_of)
            return
        yield self.finish("".join(parts), passages, question=question, as_of=as_of)

    def _fall_back(self, err: NewsdeskError, question: str, passages: Sequence[Passage],
                   as_of: date | None) -> Draft:
        if self.fallback is None:
            raise err
        d = self.fallback.run(question, passages, as_of=as_of)
        return replace(d, warnings=(*d.warnings,
                                    f"{err} (answered without the LLM, from the best passage)"))

    def finish(self, reply: str, passages: Sequence[Passage], *, question: str = "",
               as_of: date | None = None) -> Draft:
        """Turn a model reply into a :class:`Draft`: citations, quotes, support check.

        A reply that cites no passage at all is never shown as the answer: the fallback
        answers instead (or, with no fallback, the draft abstains), and a warning quotes it.
        """
        parsed = parse_reply(reply, len(passages))
        if parsed.abstained:
            return Draft(text=ABSTAIN, abstained=True, warnings=parsed.warnings)
        if not parsed.order:
            shown = one_line(strip_markers(parsed.text), 160)
            note = f"the LLM's reply cited no passage, so it is not shown: {shown!r}"
            if self.fallback is not None:
                d = self.fallback.run(question, passages, as_of=as_of)
                return replace(d, warnings=(*parsed.warnings, note + "; answered from the "
                                            "best passage instead", *d.warnings))
            return Draft(text=ABSTAIN, abstained=True, warnings=(*parsed.warnings, note))
        by_n = {i + 1: passages[orig - 1] for i, orig in enumerate(parsed.order)}
        checks = assess_support(parsed.text, by_n, self.embed)
        text = parsed.text
        unsupported = tuple(c.text for c in checks if not c.supported)
        for c in checks:
            if not c.supported:
                log.info("unsupported answer sentence %r: %s", c.text, c.reason)
        notes: list[str] = []
        if checks and len(unsupported) == len(checks):
            notes.append("no sentence of the answer is supported by the passages it cites")
        elif unsupported and not self.show_unsupported:
            # leave them out; what stays is renumbered and checked again
            kept = parse_reply(_without(text, [c.span for c in checks if not c.supported]),
                               len(by_n))
            by_n = {i + 1: by_n[old] for i, old in enumerate(kept.order)}
            text, checks = kept.text, assess_support(kept.text, by_n, self.embed)
        citations = tuple(Citation(n, p, best_quote(n, p, checks)) for n, p in by_n.items())
        score = max((p.score for p in by_n.values()), default=0.0)
        return Draft(text=text, citations=citations, unsupported=unsupported,
                     warnings=(*parsed.warnings, *notes), score=score)


def _unreachable(exc: BaseException) -> bool:
    """The backend could not be reached at all (refused, unresolvable, timed out)."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, ConnectionError | TimeoutError) or any(
                k in type(seen).__name__ for k in ("Connect", "Timeout")):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _without(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` less the sentences at ``spans``."""
    for a, b in sorted(spans, reverse=True):
        text = text[:a] + text[b:]
    return " ".join(text.split())


# -- follow-up questions ---------------------------------------------------------------------


def rewrite_question(llm: Any, question: str, history: Sequence[Turn]) -> str:
    """Rewrite a follow-up ``question`` into a standalone one, using the chat so far.

    With no history the question is returned unchanged and the LLM is not called. A reply
    that is empty, far too long or not a single line falls back to ``question``.

    Raises:
        BackendError: the LLM failed.
    """
    if not history:
        return question
    from langchain_core.output_parsers import StrOutputParser

    chain = rewrite_prompt() | llm | StrOutputParser()
    try:
        reply = chain.invoke({"history": history_text(history), "question": question})
    except NewsdeskError:
        raise
    except Exception as e:
        raise backend_error(llm, e) from e
    return clean_rewrite(reply, question)
