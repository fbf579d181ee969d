"""robots.txt, fetched with Newsdesk's own client and parsed from its bytes (RFC 9309 rules).

* 2xx: the rules are parsed with :class:`urllib.robotparser.RobotFileParser`;
* 4xx (none, forbidden): everything may be fetched;
* 5xx or unreachable: nothing may be fetched for now (checked again after ``retry_s``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from vectorstore.fetch.results import Fetched, FetchFailure

ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309: parse at least the first 500 KiB

Getter = Callable[[str], Fetched | FetchFailure]


@dataclass(frozen=True)
class _Rules:
    parser: RobotFileParser | None  # None: nothing is allowed (robots.txt unreachable)
    allow_all: bool
    expires: float
    why: str = ""


class RobotsCache:
    """The robots.txt rules of each origin, fetched once and kept.

    Args:
        get: Fetches a robots.txt URL (without checking robots.txt itself).
        agent: The product token matched against ``User-agent`` lines (``Newsdesk``).
        keep_s: How long fetched rules are kept; ``retry_s``: how long an unreachable
            robots.txt blocks its site before it is asked for again.
    """

    def __init__(self, get: Getter, agent: str, *, keep_s: float = 86400.0,
                 retry_s: float = 300.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._get, self.agent = get, agent
        self._keep, self._retry, self._clock = keep_s, retry_s, clock
        self._rules: dict[str, _Rules] = {}
        self._lock = threading.Lock()

    def refusal(self, url: str) -> FetchFailure | None:
        """Why robots.txt forbids fetching ``url``, or ``None`` when it may be fetched."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        rules = self._rules_of(origin)
        if rules.allow_all:
            return None
        if rules.parser is None:
            return FetchFailure(url, f"{origin}/robots.txt could not be read ({rules.why}), so "
                                "the site is not fetched for now; try again later",
                                transient=True, refused=True)
        if rules.parser.can_fetch(self.agent, url):
            return None
        return FetchFailure(url, f"{origin}/robots.txt asks crawlers not to fetch {url}; "
                            "Newsdesk respects it (save the page and ingest the file instead)",
                            refused=True)

    def _rules_of(self, origin: str) -> _Rules:
        with self._lock:
            rules = self._rules.get(origin)
        if rules is not None and rules.expires > self._clock():
            return rules
        rules = self._fetch(origin)
        with self._lock:
            self._rules[origin] = rules
        return rules

    def _fetch(self, origin: str) -> _Rules:
        got = self._get(origin + "/robots.txt")
        now = self._clock()
        if isinstance(got, FetchFailure):
            if got.status is not None and 400 <= got.status < 500:
                return _Rules(None, True, now + self._keep)
            return _Rules(None, False, now + self._retry, got.reason)
        parser = RobotFileParser()
        text = got.content[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace")
        parser.parse(text.splitlines())
        return _Rules(parser, False, now + self._keep)
