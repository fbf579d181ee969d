"""The one HTTP client of Newsdesk: every page, feed and robots.txt is fetched through it.

:class:`Fetcher` is polite and safe by default: a User-Agent naming Newsdesk, 10 s
timeouts, conditional requests (ETag / Last-Modified), gzip, at most 5 redirects (each
hop checked by :class:`~vectorstore.fetch.safety.Guard` and robots.txt), a size cap per
response (``NEWSDESK_MAX_FILE_MB``), at most ``NEWSDESK_FETCH_RATE`` requests per second
per host, and back-off on 429/5xx that honours ``Retry-After``. Per-URL problems come
back as :class:`FetchFailure` values; :meth:`Fetcher.get` never raises for a bad URL.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urldefrag, urljoin

import httpx

from vectorstore.config import Settings
from vectorstore.fetch.rate import HostRateLimiter
from vectorstore.fetch.results import Fetched, FetchFailure
from vectorstore.fetch.robots import ROBOTS_MAX_BYTES, RobotsCache
from vectorstore.fetch.safety import Guard, Target
from vectorstore.loading.common import MB

AGENT = "Newsdesk"
"""The product token robots.txt rules are matched against."""

ACCEPT_ANY = ("text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
              "application/xml;q=0.9,application/pdf;q=0.8,*/*;q=0.5")
REDIRECTS = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def user_agent() -> str:
    """``Newsdesk/<version> (...)``: who is fetching, and why."""
    try:
        v = version("newsdesk")
    except PackageNotFoundError:
        v = "dev"
    return f"{AGENT}/{v} (news question answering; fetches only the pages and feeds its user adds)"


@dataclass(frozen=True)
class _Raw:
    """One HTTP exchange: the status, headers and (for 2xx) the body."""

    status: int
    headers: httpx.Headers
    content: bytes = b""
    reason: str = ""


class Fetcher:
    """Fetches URLs politely and safely; one instance per process is enough (thread-safe).

    Args:
        settings: ``max_file_mb``, ``fetch_rate`` and ``allow_private_urls`` are used;
            default :meth:`Settings.from_env`.
        timeout: Seconds to connect, and to wait for each read.
        total_timeout: Seconds one response may take in all (stops endless bodies).
        max_redirects: Redirects followed per URL.
        retries: Tries after the first on 429/5xx, with exponential back-off from
            ``backoff`` seconds, or the server's ``Retry-After`` when it is at most ``max_wait``.
        guard: Which addresses may be fetched; default from ``settings``.
        verify: TLS verification: ``True`` (the system's CAs) or an ``ssl.SSLContext``.
        clock, sleep: For tests.

    Connections go to the address the guard checked (the URL's host travels in the
    ``Host`` header and TLS's SNI, and the certificate is verified against it). Each host
    has a connection pool of its own, so a connection opened and verified for one host
    is never reused for another host at the same address.
    """

    def __init__(self, settings: Settings | None = None, *, timeout: float = 10.0,
                 total_timeout: float = 60.0, max_redirects: int = 5, retries: int = 2,
                 backoff: float = 1.0, max_wait: float = 30.0, guard: Guard | None = None,
                 verify: ssl.SSLContext | bool = True,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        s = settings if settings is not None else Settings.from_env()
        self.max_bytes = s.max_file_mb * MB
        self.timeout, self.total_timeout = timeout, total_timeout
        self.max_redirects, self.retries = max_redirects, retries
        self.backoff, self.max_wait = backoff, max_wait
        self.guard = guard or Guard(s.allow_private_urls)
        self.limiter = HostRateLimiter(s.fetch_rate, clock=clock, sleep=sleep)
        self.robots = RobotsCache(self._get_robots, AGENT, clock=clock)
        self._clock, self._verify = clock, verify
        self._clients: dict[str, httpx.Client] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections."""
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()

    def _client(self, host: str) -> httpx.Client:
        """The connection pool of ``host`` (never shared between hosts: see the class)."""
        with self._lock:
            client = self._clients.get(host)
            if client is None:
                client = httpx.Client(timeout=httpx.Timeout(self.timeout), verify=self._verify,
                                      follow_redirects=False, trust_env=False,
                                      headers={"User-Agent": user_agent()})
                self._clients[host] = client
            return client

    def get(self, url: str, *, etag: str = "", last_modified: str = "",
            accept: str = ACCEPT_ANY) -> Fetched | FetchFailure:
        """Fetch ``url``: the response, ``not_modified`` when the ETag / date still match,
        or a :class:`FetchFailure` saying why not. Never raises for a bad URL or server."""
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._follow(url.strip(), headers, robots=True, cap=self.max_bytes)

    def _get_robots(self, url: str) -> Fetched | FetchFailure:
        return self._follow(url, {"Accept": "text/plain,*/*;q=0.5"}, robots=False,
                            cap=ROBOTS_MAX_BYTES, truncate=True)

    def _follow(self, url: str, headers: dict[str, str], *, robots: bool, cap: int,
                truncate: bool = False) -> Fetched | FetchFailure:
        """Fetch ``url`` following at most ``max_redirects`` redirects, checking every hop."""
        chain: list[str] = []
        current = urldefrag(url)[0]
        for _ in range(self.max_redirects + 1):
            target = self.guard.check(current)
            if isinstance(target, FetchFailure):
                return target
            refusal = self.robots.refusal(current) if robots else None
            if refusal is not None:
                return refusal
            raw = self._with_retries(target, headers, cap, truncate)
            if isinstance(raw, FetchFailure):
                return raw
            if raw.status not in REDIRECTS:
                return _result(url, current, chain, raw)
            location = raw.headers.get("location", "").strip()
            if not location:
                return FetchFailure(current, f"HTTP {raw.status} redirect from {current} names "
                                    "no Location: the server is misconfigured", raw.status)
            chain.append(current)
            current = urldefrag(urljoin(current, location))[0]
        return FetchFailure(url, f"too many redirects: {url} redirects more than "
                            f"{self.max_redirects} times (last to {current}); give the final "
                            "URL instead")

    def _with_retries(self, target: Target, headers: dict[str, str], cap: int,
                      truncate: bool) -> _Raw | FetchFailure:
        """One request, tried again on 429/5xx after a back-off (or the server's Retry-After)."""
        for attempt in range(self.retries + 1):
            self.limiter.wait(target.host)
            raw = self._exchange(target, headers, cap, truncate)
            if isinstance(raw, FetchFailure) or raw.status not in RETRY_STATUSES:
                return raw
            if attempt == self.retries:
                return raw
            after = retry_after(raw.headers.get("retry-after", ""))
            if after is not None and after > self.max_wait:
                return FetchFailure(target.url, f"HTTP {raw.status} from {target.url}: the server "
                                    f"asks to wait {after:.0f} s (Retry-After), more than the "
                                    f"{self.max_wait:.0f} s Newsdesk waits; try again later",
                                    raw.status, transient=True)
            self.limiter.hold(target.host, after if after is not None
                              else self.backoff * 2 ** attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _exchange(self, target: Target, headers: dict[str, str], cap: int,
                  truncate: bool) -> _Raw | FetchFailure:
        """One request to one of the checked addresses (the next one if a connect fails)."""
        where = f"{target.host}:{target.port}"
        for i, address in enumerate(target.addresses):
            try:
                return self._send(target, address, headers, cap, truncate)
            except httpx.ConnectError as e:
                if i + 1 < len(target.addresses):
                    continue
                return FetchFailure(target.url, f"cannot connect to {where} ({e or 'refused'}): "
                                    "check the address, or try again later", transient=True)
            except httpx.TimeoutException:
                return FetchFailure(target.url, f"{where} did not answer within "
                                    f"{self.timeout:g} s (timed out); try again later",
                                    transient=True)
            except (httpx.HTTPError, httpx.InvalidURL) as e:
                return FetchFailure(target.url, f"fetching from {where} failed "
                                    f"({type(e).__name__}: {e}); try again later", transient=True)
        return FetchFailure(target.url, f"{target.host} has no address to connect to")

    def _send(self, target: Target, address: str, headers: dict[str, str], cap: int,
              truncate: bool) -> _Raw | FetchFailure:
        """Send the request to ``address`` (the checked one) and read the body up to ``cap``."""
        logical = httpx.URL(target.url)
        pinned = logical.copy_with(host=address)
        extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
        client = self._client(target.host)
        request = client.build_request(
            "GET", pinned, headers={**headers, "Host": logical.netloc.decode("ascii")},
            extensions=extensions)
        response = client.send(request, stream=True)
        try:
            if not 200 <= response.status_code < 300:
                return _Raw(response.status_code, response.headers, b"", response.reason_phrase)
            return self._read(target.url, response, cap, truncate)
        finally:
            response.close()

    def _read(self, url: str, response: httpx.Response, cap: int,
              truncate: bool) -> _Raw | FetchFailure:
        """The body, decoded from gzip, stopped at ``cap`` bytes and ``total_timeout`` seconds."""
        declared = response.headers.get("content-length", "")
        if not truncate and declared.isdigit() and int(declared) > cap:
            return _too_big(url, cap, response.status_code)
        body = bytearray()
        deadline = self._clock() + self.total_timeout
        for piece in response.iter_bytes():
            body += piece
            if len(body) > cap:
                if truncate:
                    return _Raw(response.status_code, response.headers, bytes(body[:cap]))
                return _too_big(url, cap, response.status_code)
            if self._clock() > deadline:
                return FetchFailure(url, f"{url} took more than {self.total_timeout:g} s to send "
                                    "its body; try again later", response.status_code,
                                    transient=True)
        return _Raw(response.status_code, response.headers, bytes(body), response.reason_phrase)


def _too_big(url: str, cap: int, status: int) -> FetchFailure:
    mb = cap / MB
    shown = f"{mb:g} MB" if mb >= 1 else f"{cap:,} bytes"
    return FetchFailure(url, f"response too big: {url} sends more than {shown} (the "
                        "NEWSDESK_MAX_FILE_MB cap); raise NEWSDESK_MAX_FILE_MB to fetch it", status)


def _result(requested: str, url: str, chain: list[str], raw: _Raw) -> Fetched | FetchFailure:
    """The fetched response, or the failure an error status means."""
    etag = raw.headers.get("etag", "")
    modified = raw.headers.get("last-modified", "")
    if raw.status == 304:
        return Fetched(url, 304, etag=etag, last_modified=modified, not_modified=True,
                       requested=requested, redirects=tuple(chain))
    if not 200 <= raw.status < 300:
        phrase = f" {raw.reason}" if raw.reason else ""
        return FetchFailure(url, f"HTTP {raw.status}{phrase} from {url}" + _status_hint(raw.status),
                            raw.status, transient=raw.status in RETRY_STATUSES | {408})
    media, _, params = raw.headers.get("content-type", "").partition(";")
    charset = ""
    for p in params.split(";"):
        key, _, value = p.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'").lower()
    return Fetched(url, raw.status, raw.content, media.strip().lower(), charset, etag, modified,
                   requested=requested, redirects=tuple(chain))


def _status_hint(status: int) -> str:
    if status in (401, 403):
        return ": the site refuses access; save the page from a browser and ingest the file"
    if status in (404, 410):
        return ": the page does not exist (any more); check the URL"
    if status in RETRY_STATUSES:
        return ": the server is busy or failing; try again later"
    return ""


def retry_after(value: str, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` value asks to wait (a number or an HTTP date), or ``None``."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when - (time.time() if now is None else now))
