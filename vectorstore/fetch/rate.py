"""At most ``rate`` requests per second to one host: each request waits for its turn."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class HostRateLimiter:
    """Spaces the requests to each host at least ``1 / rate`` seconds apart (thread-safe).

    Args:
        rate: Requests per second per host (``Settings.fetch_rate``); more than 0.
        clock: Monotonic seconds; ``sleep``: waits. Both replaceable for tests.
    """

    def __init__(self, rate: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be more than 0 requests per second, not {rate}")
        self.interval = 1.0 / rate
        self._clock, self._sleep = clock, sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str) -> float:
        """Wait until a request to ``host`` may be sent; return the seconds waited."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + self.interval
        delay = start - now
        if delay > 0:
            self._sleep(delay)
        return max(delay, 0.0)

    def hold(self, host: str, seconds: float) -> None:
        """Send nothing to ``host`` for ``seconds`` from now (a server's ``Retry-After``)."""
        with self._lock:
            until = self._clock() + seconds
            self._next[host] = max(self._next.get(host, until), until)
