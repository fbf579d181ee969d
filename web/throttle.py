"""Login throttling: a middleware of our own app on Gradio's ``POST /login`` and on ``/v1``.

Gradio's ``auth`` callable never sees the client's address, so the middleware does the
counting around the route: a ``/login`` answered 400 (wrong user or password), or a ``/v1``
request answered 401 (wrong API key, only when ``NEWSDESK_API_KEY`` is set), is a failure of
the key ``ui:<address>`` or ``api:<address>``; a 200 from ``/login`` or any other answer from
``/v1`` is a success and forgets the key's failures. After 5 failures (counted in the catalog,
so every replica shares them; the count starts again after 15 quiet minutes) each further
attempt waits 1 s, doubling up to 60 s, before it is even looked at: with the right password
too. Requests are never logged here, so no password is.

The address is the connection's; ``NEWSDESK_TRUSTED_PROXIES`` names the reverse proxies whose
``X-Forwarded-For`` is believed (its right-most address that is not itself a trusted proxy).
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import anyio
from fastapi import FastAPI

from qa import ConfigError
from qa.accounts import Accounts

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
LOGIN_PATHS = frozenset({"/login", "/login/"})
DELAY_HEADER = "x-newsdesk-login-delay"
"""Response header: the seconds this attempt was held back (only on delayed attempts)."""


def trusted_networks(text: str) -> tuple[Network, ...]:
    """The networks of ``NEWSDESK_TRUSTED_PROXIES`` (addresses are one-address networks).

    Raises:
        ConfigError: an entry is not an IP address or network (the message names it).
    """
    out: list[Network] = []
    for entry in (e.strip() for e in text.split(",")):
        if not entry:
            continue
        try:
            out.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ConfigError(f"NEWSDESK_TRUSTED_PROXIES: {entry!r} is not an IP address or "
                              "network: list the proxies' addresses separated by commas, e.g. "
                              "127.0.0.1,10.0.0.0/8") from None
    return tuple(out)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address: str, proxies: Iterable[Network]) -> bool:
    ip = _ip(address)
    return ip is not None and any(ip.version == n.version and ip in n for n in proxies)


def client_address(peer: str, forwarded_for: Iterable[str],
                   proxies: tuple[Network, ...]) -> str:
    """The client's address: ``peer`` (the connection's), or, when ``peer`` is a trusted
    proxy, the right-most address of ``X-Forwarded-For`` (all its headers, in order) that is
    not a trusted proxy itself (a client cannot forge the entries its proxies append)."""
    if not proxies or not _trusted(peer, proxies):
        return peer
    hops = [h.strip() for value in forwarded_for for h in value.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            ip = _ip(hop)
            return str(ip) if ip is not None else hop[:100]
    return peer


@dataclass
class Throttle:
    """What the middleware needs: the accounts (their attempt counts), the proxies, whether
    ``/v1`` has a key to guess, and how to wait (tests give their own ``sleep``)."""

    accounts: Accounts
    proxies: tuple[Network, ...] = ()
    guard_api: bool = False
    sleep: Callable[[float], Awaitable[Any]] = field(default=asyncio.sleep)

    def key(self, scope: dict[str, Any]) -> str | None:
        """``ui:<address>`` for a login, ``api:<address>`` for a guarded ``/v1`` request,
        ``None`` for anything else."""
        if scope["type"] != "http":
            return None
        path = scope["path"]
        if path in LOGIN_PATHS and scope["method"] == "POST":
            kind = "ui"
        elif self.guard_api and (path == "/v1" or path.startswith("/v1/")):
            kind = "api"
        else:
            return None
        peer = (scope.get("client") or ("unknown", 0))[0]
        forwarded = [v.decode("latin-1") for k, v in scope.get("headers", ())
                     if k == b"x-forwarded-for"]
        return f"{kind}:{client_address(str(peer), forwarded, self.proxies)}"

    def failed(self, key: str, status: int) -> bool | None:
        """True for a failed attempt, False for a success, ``None`` for neither (a malformed
        login form)."""
        if key.startswith("ui:"):
            return {400: True, 200: False}.get(status)
        return status == 401


class ThrottleMiddleware:
    """The ASGI middleware (pure ASGI: streamed answers pass through untouched)."""

    def __init__(self, app: Any, throttle: Throttle) -> None:
        self.app = app
        self.throttle = throttle

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        t = self.throttle
        key = t.key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        standing = await anyio.to_thread.run_sync(t.accounts.attempts, key)
        if standing.delay_s > 0:
            await t.sleep(standing.delay_s)

        async def counted(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                failed = t.failed(key, int(message["status"]))
                if failed:  # counted before the answer leaves: the next attempt sees it
                    await anyio.to_thread.run_sync(t.accounts.failed, key)
                elif failed is False and standing.failures:
                    await anyio.to_thread.run_sync(t.accounts.succeeded, key)
                if standing.delay_s > 0:
                    message = {**message, "headers": [
                        *message.get("headers", []),
                        (DELAY_HEADER.encode(), f"{standing.delay_s:g}".encode())]}
            await send(message)

        await self.app(scope, receive, counted)


def add_throttle(app: FastAPI, accounts: Accounts, *, proxies: str = "",
                 guard_api: bool = False) -> Throttle:
    """Throttle ``app``'s logins (and ``/v1`` with ``guard_api``); returns the throttle, also
    kept as ``app.state.throttle``.

    Raises:
        ConfigError: ``proxies`` (``NEWSDESK_TRUSTED_PROXIES``) is not a list of addresses.
    """
    throttle = Throttle(accounts, trusted_networks(proxies), guard_api)
    app.add_middleware(ThrottleMiddleware, throttle=throttle)
    app.state.throttle = throttle
    return throttle
