"""URLs as identities: one spelling per page (:func:`normalise_url`), and which sites match.

The id of a fetched article is its canonical URL when that is on the same site as the
URL fetched (:func:`same_site`), else the fetched URL after redirects
(:func:`article_url`): a page cannot claim another site's address and overwrite the
article stored under it.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

TRACKING_PREFIXES = ("utm_",)
TRACKING_KEYS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
    "mc_cid", "mc_eid", "_ga", "_gl", "ocid", "cmpid", "smid", "at_medium", "at_campaign",
})
"""Query parameters that only say where a click came from (``utm_*`` too); dropped."""

_DEFAULT_PORTS = {"http": "80", "https": "443"}
_SAFE = "/%:@!$&'()*+,;=-._~[]"  # kept as written; spaces, controls and non-ASCII are escaped


def normalise_url(url: str) -> str:
    """One spelling of an http(s) URL: scheme and host in lower case, no default port, no
    fragment, no tracking parameters (``utm_*``, ``fbclid``, ``gclid``...), the other
    parameters sorted, the path kept as written (``/`` when empty; spaces, control and
    non-ASCII characters percent-escaped).

    Anything that is not an http(s) URL with a host comes back stripped, otherwise as
    given. Never raises; ``normalise_url(normalise_url(u)) == normalise_url(u)``.
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return text
    if scheme not in _DEFAULT_PORTS or not host:
        return text
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and str(port) != _DEFAULT_PORTS[scheme]:
        netloc += f":{port}"
    if parts.username is not None or parts.password is not None:
        userinfo = parts.netloc.rpartition("@")[0]
        netloc = f"{userinfo}@{netloc}"
    path = quote(parts.path, safe=_SAFE) or "/"
    return urlunsplit((scheme, netloc, path, _query(parts.query), ""))


def _query(query: str) -> str:
    """The query's parameters without tracking ones, sorted, each kept as written."""
    kept = []
    for pair in query.split("&"):
        if not pair:
            continue
        key = unquote(pair.partition("=")[0]).strip().lower()
        if key in TRACKING_KEYS or key.startswith(TRACKING_PREFIXES):
            continue
        kept.append(quote(pair, safe=_SAFE + "?"))
    return "&".join(sorted(kept))


def site_host(url: str) -> str:
    """The host of an http(s) URL, lower case, without ``www.`` (``""`` when none)."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return ""
    if parts.scheme.lower() not in _DEFAULT_PORTS:
        return ""
    return host[4:] if host.startswith("www.") else host


def same_site(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` are on one site: the same host (``www.`` aside), or one
    host under the other (``edition.cnn.com`` and ``cnn.com``). IP addresses match only
    themselves; anything that is not an http(s) URL matches nothing."""
    ha, hb = site_host(a), site_host(b)
    if not ha or not hb:
        return False
    if ha == hb:
        return True
    if _is_ip(ha) or _is_ip(hb):
        return False
    return ha.endswith("." + hb) or hb.endswith("." + ha)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def article_url(fetched_url: str, canonical: str = "") -> str:
    """The id of a fetched page: its canonical URL (relative ones resolved against the
    fetched URL) when on the same site, else the URL fetched after redirects; normalised."""
    if canonical.strip():
        resolved = urljoin(fetched_url, canonical.strip())
        if same_site(resolved, fetched_url):
            return normalise_url(resolved)
    return normalise_url(fetched_url)
