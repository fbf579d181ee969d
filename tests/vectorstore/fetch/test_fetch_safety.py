"""Only http(s), and no private, loopback or link-local address unless the user opts in."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.fakes.news_server import NewsServer
from vectorstore.config import Settings
from vectorstore.fetch import Fetched, Fetcher, FetchFailure, Guard, Target


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:8080/", "http://[::1]/",
    "http://10.0.0.5/", "http://192.168.1.1/", "http://172.16.0.1/", "http://0.0.0.0/",
    "http://224.0.0.1/", "http://[fe80::1]/", "http://[::ffff:169.254.169.254]/",
    "http://100.64.0.1/", "http://240.0.0.1/",
])
def test_special_addresses_are_refused_and_the_error_names_the_fix(url: str) -> None:
    got = Guard().check(url)
    assert isinstance(got, FetchFailure) and got.refused
    assert "NEWSDESK_ALLOW_PRIVATE_URLS=1" in got.reason


def test_the_metadata_address_is_named() -> None:
    got = Guard().check("http://169.254.169.254/")
    assert isinstance(got, FetchFailure) and "169.254.169.254" in got.reason
    assert "link-local" in got.reason


@pytest.mark.parametrize("url", ["ftp://example.com/a", "file:///etc/passwd",
                                 "javascript:alert(1)", "example.com/news", ""])
def test_only_http_and_https(url: str) -> None:
    got = Guard().check(url)
    assert isinstance(got, FetchFailure) and got.refused
    assert "http" in got.reason


def test_every_resolved_address_is_checked() -> None:
    """A name resolving to one public and one private address is refused (DNS rebinding)."""
    def resolver(host: str, port: int) -> list[str]:
        return {"mixed.test": ["93.184.216.34", "10.1.2.3"],
                "public.test": ["93.184.216.34", "2606:2800:220:1::1"]}[host]

    guard = Guard(resolver=resolver)
    got = guard.check("https://mixed.test/story")
    assert isinstance(got, FetchFailure) and "mixed.test resolves to 10.1.2.3" in got.reason
    ok = guard.check("https://public.test:8443/story")
    assert ok == Target("https://public.test:8443/story", "https", "public.test", 8443,
                        ("93.184.216.34", "2606:2800:220:1::1"))


def test_a_name_for_a_loopback_address_is_refused_after_resolving() -> None:
    got = Guard().check("http://localhost:1/")
    assert isinstance(got, FetchFailure) and "localhost resolves to" in got.reason


def test_the_opt_in_lets_private_addresses_through() -> None:
    assert isinstance(Guard(allow_private=True).check("http://10.0.0.5/a"), Target)
    assert isinstance(Guard(allow_private=True).check("ftp://10.0.0.5/a"), FetchFailure)


def test_the_client_refuses_its_own_server_without_the_opt_in(site: NewsServer) -> None:
    with Fetcher(Settings(fetch_rate=1000.0)) as f:
        got = f.get(site.url("/story/story-1"))
    assert isinstance(got, FetchFailure) and got.refused
    assert "loopback" in got.reason and "NEWSDESK_ALLOW_PRIVATE_URLS=1" in got.reason
    assert site.hits == []  # nothing was sent, robots.txt included


def test_a_redirect_to_a_private_address_is_refused(site: NewsServer) -> None:
    """The test server is trusted explicitly; where it redirects to is checked again."""
    guard = Guard(trusted=["127.0.0.1/32"])
    with Fetcher(Settings(fetch_rate=1000.0), guard=guard) as f:
        assert not isinstance(f.get(site.url("/story/story-1")), FetchFailure)
        for inside in ("http://169.254.169.254/latest/meta-data/", "http://localhost:1/admin",
                       "http://127.0.0.2/", "file:///etc/passwd"):
            got = f.get(site.url("/goto?to=" + quote(inside, safe="")))
            assert isinstance(got, FetchFailure) and got.refused, inside
            assert got.url == inside
    assert not [h for h in site.hits if "meta-data" in h.path and not h.path.startswith("/goto")]


def test_private_urls_setting_is_read_from_the_environment() -> None:
    assert Settings.from_env({}).allow_private_urls is False
    assert Settings.from_env({"NEWSDESK_ALLOW_PRIVATE_URLS": "1"}).allow_private_urls is True
    assert Settings.from_env({"NEWSDESK_FETCH_RATE": "0.5"}).fetch_rate == 0.5
    from vectorstore.errors import ConfigError
    with pytest.raises(ConfigError, match="NEWSDESK_ALLOW_PRIVATE_URLS"):
        Settings.from_env({"NEWSDESK_ALLOW_PRIVATE_URLS": "maybe"})
    with pytest.raises(ConfigError, match="NEWSDESK_FETCH_RATE"):
        Settings.from_env({"NEWSDESK_FETCH_RATE": "0"})


def _self_signed(folder: Path, name: str) -> tuple[Path, Path]:
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def test_https_connects_to_the_checked_address_and_verifies_the_name(tmp_path: Path) -> None:
    """The connection goes to the address checked, while TLS still checks the host's name."""
    cert, key = _self_signed(tmp_path, "news.test")
    trust = ssl.create_default_context(cafile=str(cert))
    names = {"news.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]}
    guard = Guard(resolver=lambda host, port: names[host], trusted=["127.0.0.1/32"])
    with NewsServer(tls=(cert, key), name="news.test") as tls_site:
        tls_site.add_story()
        with Fetcher(Settings(fetch_rate=1000.0), guard=guard, verify=trust) as f:
            got = f.get(tls_site.url("/story/story-1"))
            assert isinstance(got, Fetched), got
            assert got.url == tls_site.url("/story/story-1")
            assert tls_site.hits[-1].headers["host"] == tls_site.base.removeprefix("https://")
            wrong = f.get(tls_site.url("/story/story-1").replace("news.test", "other.test"))
            assert isinstance(wrong, FetchFailure) and "CERTIFICATE" in wrong.reason.upper()
