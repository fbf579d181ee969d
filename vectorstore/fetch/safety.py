"""Which URLs may be fetched: http(s) only, and never a private or special address.

Every hop is checked after DNS resolution: the host is resolved, *every* address it
resolves to is checked, and the client then connects to a checked address (never
resolving again), so DNS cannot swap in an internal address between check and connect.
``NEWSDESK_ALLOW_PRIVATE_URLS=1`` (:attr:`Settings.allow_private_urls`) lifts the address
rule, e.g. to fetch from a server on the local network.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import httpx

from vectorstore.fetch.results import FetchFailure

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

ALLOW_HINT = ("set NEWSDESK_ALLOW_PRIVATE_URLS=1 to allow it, only where everyone who can "
              "use this Newsdesk may reach that network")


@dataclass(frozen=True)
class Target:
    """A URL checked for fetching, with the addresses it may be connected to.

    Attributes:
        url: The URL as given.
        scheme: ``http`` or ``https``.
        host: The host name (lower case; an IPv6 literal without brackets).
        port: The port (the scheme's default when the URL names none).
        addresses: The checked addresses, in the resolver's order.
    """

    url: str
    scheme: str
    host: str
    port: int
    addresses: tuple[str, ...]


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (the system resolver; TCP)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def address_problem(ip: Address) -> str:
    """Why ``ip`` must not be fetched from by default (``""`` when it is a public address)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return address_problem(ip.ipv4_mapped)
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address (the cloud metadata address 169.254.169.254 is one)"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_unspecified:
        return "the unspecified address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved or not ip.is_global:
        return "a reserved address"
    return ""


class Guard:
    """Checks each URL (each redirect hop) before it is fetched.

    Args:
        allow_private: Let private, loopback and link-local addresses through
            (``Settings.allow_private_urls``).
        resolver: ``(host, port) -> addresses``; default: the system resolver.
        trusted: Networks (``"127.0.0.1/32"``) allowed even though private: a test's own
            server, an internal mirror. Not a setting; for code that builds a Guard itself.
    """

    def __init__(self, allow_private: bool = False, *, resolver: Resolver = resolve,
                 trusted: Iterable[str] = ()) -> None:
        self.allow_private = allow_private
        self._resolve = resolver
        self._trusted = tuple(ipaddress.ip_network(n, strict=False) for n in trusted)

    def check(self, url: str) -> Target | FetchFailure:
        """The checked target of ``url``, or why it must not be fetched."""
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError, ValueError) as e:
            return FetchFailure(url, f"not a valid URL ({e}): check it", refused=True)
        scheme = parsed.scheme.lower()
        if scheme not in {"http", "https"}:
            shown = scheme or "none"
            return FetchFailure(url, f"only http and https URLs are fetched (scheme: {shown}); "
                                "give the page's web address", refused=True)
        host = parsed.host.lower().rstrip(".")
        if not host:
            return FetchFailure(url, "the URL names no host: check it", refused=True)
        port = parsed.port or (443 if scheme == "https" else 80)
        literal = True
        try:
            addresses = [ipaddress.ip_address(host)]
        except ValueError:
            literal = False
            try:
                addresses = [ipaddress.ip_address(a.split("%")[0])
                             for a in self._resolve(host, port)]
            except (OSError, UnicodeError, ValueError) as e:
                return FetchFailure(url, f"cannot resolve host {host} ({e}): check the address "
                                    "and the network", transient=True)
        if not addresses:
            return FetchFailure(url, f"host {host} resolves to no address: check the address",
                                transient=True)
        for ip in addresses:
            problem = self._problem(ip)
            if problem:
                via = "" if literal else f" ({host} resolves to {ip})"
                return FetchFailure(url, f"refused to fetch {url}: it points to {problem}{via}; "
                                    f"{ALLOW_HINT}", refused=True)
        return Target(url, scheme, host, port, tuple(str(ip) for ip in addresses))

    def _problem(self, ip: Address) -> str:
        if self.allow_private or any(ip in net for net in self._trusted):
            return ""
        return address_problem(ip)
