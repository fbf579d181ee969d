"""The LLM backend's state for the status line: checked once at start, then again at most
every :data:`CHECK_S` seconds while a page asks (its timer).

Each check tells the answerer what it found: while the backend is down (or lacks the model)
answers come from the extractive answerer at once, without trying the backend on every
question; when it is back, the LLM answers again. No Gradio here.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from typing import Any

from qa import NewsDesk, NewsdeskError
from qa.answerers.llm import REST_S, LLMAnswerer, LLMProbe, probe_llm

log = logging.getLogger("newsdesk.ui")

CHECK_S = REST_S
"""Seconds between two checks of the backend (a page's timer asks every 30 s)."""


class LLMStatus:
    """One line on the LLM backend (``""`` when none is configured).

    Args:
        desk: The desk whose answerer is told what each check found.
        check_s: Seconds a check holds before the next one.
        echo: Print the first check's result on the console.
    """

    def __init__(self, desk: NewsDesk, check_s: float = CHECK_S, echo: bool = True) -> None:
        self.desk = desk
        self.check_s = check_s
        self.echo = echo
        self.name = desk.settings.llm.strip()
        self.configured = self.name.lower() not in {"", "none"}
        self.kind = "info"
        self.text = f"LLM: {self.name} — checking…" if self.configured else ""
        self._checked = time.monotonic()  # the first check is start()'s
        self._lock = threading.Lock()

    def start(self) -> threading.Thread | None:
        """Check the backend once, in the background (nothing to do without an LLM)."""
        if not self.configured:
            return None

        def first() -> None:
            self.check()
            if self.echo:
                print(f"newsdesk: {self.text}", file=sys.stderr, flush=True)

        t = threading.Thread(target=first, name="newsdesk-llm-check", daemon=True)
        t.start()
        return t

    def check(self) -> str:
        """Look at the backend now, tell the answerer, and return the new line."""
        if not self.configured:
            return ""
        try:
            found = probe_llm(self.desk.settings)
        except NewsdeskError as e:
            self._set(f"LLM: {self.name} — not usable ({e})", "warn")
            return self.text
        except Exception as e:  # never break the page over a status line
            log.warning("checking the LLM failed: %s", e)
            found = None
        if found is not None:
            self._apply(found)
            self._set(*describe(self.name, found))
        return self.text

    def line(self) -> tuple[str, str]:
        """The line and its kind (``info`` or ``warn``), checked again when older than
        ``check_s`` (one check at a time: meanwhile others get the last line)."""
        if self.configured and time.monotonic() - self._checked >= self.check_s \
                and self._lock.acquire(blocking=False):
            try:
                self.check()
            finally:
                self._lock.release()
        return self.text, self.kind

    def _set(self, text: str, kind: str) -> None:
        self.text, self.kind, self._checked = text, kind, time.monotonic()

    def _apply(self, found: LLMProbe) -> None:
        """Rest the answerer while the backend cannot answer; end the rest when it can."""
        try:
            answerer: Any = self.desk.answerer
        except Exception:  # a configuration the answerer reports itself, on each question
            return
        if isinstance(answerer, LLMAnswerer):
            # twice the check interval: while a page is open its timer checks again first
            answerer.rest(found.error, 2 * self.check_s if found.error else None)


def describe(name: str, found: LLMProbe) -> tuple[str, str]:
    """The status line for what a check found, and its kind (``info`` or ``warn``)."""
    if not found.reachable:
        return f"LLM: {name} — unreachable, answering without it", "warn"
    if found.error is None:
        model = ", model present" if found.model_present else \
            ", model not listed (asked anyway)" if found.model_present is False else ""
        return f"LLM: {name} — reachable{model}", "info"
    if found.model_present is False:
        return f"LLM: {name} — reachable, but the model is missing; answering without it", "warn"
    return f"LLM: {name} — reachable, but {found.error}; answering without it", "warn"
