"""Sign-in and login throttling through real HTTP: the app of ``create_app`` served by uvicorn
(started here on 127.0.0.1, configured as ``serve`` configures it), an httpx client, and the
failed attempts kept in a real SQLite catalog.

The waits are real calls of the throttle's ``sleep``, replaced here by one that records the
seconds asked for (no test sleeps for real): the response also names the wait in a header.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from qa import ConfigError, NewsDesk, Settings
from qa.accounts import Accounts
from web.server import check_bind, create_app, server_config
from web.throttle import DELAY_HEADER, client_address, trusted_networks

PASSWORDS = {"ann": "ann's s3cret", "bob": "hunter2 hunter2"}
WRONG = "not-the-password"
API_KEY = "k3y for v1"


@dataclass
class Served:
    """An app served on 127.0.0.1 in a thread, and the waits its throttle asked for."""

    url: str
    app: Any
    server: uvicorn.Server
    thread: threading.Thread
    waits: list[float]

    def login(self, user: str, password: str, **headers: str) -> httpx.Response:
        return httpx.post(f"{self.url}/login", data={"username": user, "password": password},
                          headers=headers, timeout=30)

    def models(self, key: str) -> httpx.Response:
        return httpx.get(f"{self.url}/v1/models", headers={"Authorization": f"Bearer {key}"},
                         timeout=30)


def serve_in_thread(app: Any) -> Served:
    """Serve ``app`` with the app's own uvicorn settings on a free port; wait until it listens."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(server_config(app))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    app.state.throttle.sleep = record
    return Served(f"http://127.0.0.1:{sock.getsockname()[1]}", app, server, thread, waits)


@pytest.fixture
def serve(seed_desk: NewsDesk, tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """Build and serve ``create_app`` over the seed desk, with users ann and bob in a catalog
    of the test's own (``home``: shared by every app of the test, as replicas share one)."""
    running: list[Served] = []
    opened: list[Accounts] = []
    catalog = Settings(home=tmp_path / "accounts")
    first = Accounts.open(catalog)
    opened.append(first)
    for name, pw in PASSWORDS.items():
        first.add(name, pw)

    def start(**settings: str) -> Served:
        accounts = Accounts.open(catalog.with_(auth=settings.get("auth", "")))
        opened.append(accounts)
        app = create_app(seed_desk, seed_desk.settings.with_(**settings), corpus=None,
                         echo=False, accounts=accounts)
        running.append(serve_in_thread(app))
        return running[-1]

    yield start
    for s in running:
        s.server.should_exit = True
        s.thread.join(timeout=30)
    for a in opened:
        a.close()


def delay(r: httpx.Response) -> float | None:
    return float(r.headers[DELAY_HEADER]) if DELAY_HEADER in r.headers else None


def test_two_users_sign_in_with_their_own_passwords_and_a_wrong_one_fails(
        serve: Callable[..., Served]) -> None:
    s = serve(auth="root:r00t:pw")
    assert httpx.get(f"{s.url}/gradio_api/user", timeout=30).json() is None
    for name, pw in [*PASSWORDS.items(), ("root", "r00t:pw")]:
        with httpx.Client(base_url=s.url, timeout=30) as browser:
            r = browser.post("/login", data={"username": name, "password": pw})
            assert r.status_code == 200 and r.json() == {"success": True}
            assert browser.get("/gradio_api/user").json() == name  # request.username
            assert browser.get("/config").status_code == 200
    assert s.login("ann", PASSWORDS["bob"]).status_code == 400
    assert s.login("nobody", PASSWORDS["ann"]).status_code == 400
    assert s.login("root", "r00t").status_code == 400
    assert httpx.get(f"{s.url}/config", timeout=30).status_code == 401  # not signed in


def test_after_five_failures_each_attempt_waits_doubling_and_a_success_resets(
        serve: Callable[..., Served], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    s = serve()
    for _ in range(5):
        r = s.login("ann", WRONG)
        assert r.status_code == 400 and delay(r) is None
    assert s.waits == []
    assert [delay(s.login("ann", WRONG)) for _ in range(3)] == [1, 2, 4]
    r = s.login("ann", PASSWORDS["ann"])  # the right password waits as well
    assert r.status_code == 200 and delay(r) == 8 and s.waits == [1, 2, 4, 8]
    r = s.login("bob", WRONG)  # counted from 1 again
    assert r.status_code == 400 and delay(r) is None and s.waits == [1, 2, 4, 8]
    for _ in range(4):
        s.login("bob", WRONG)
    assert delay(s.login("bob", PASSWORDS["bob"])) == 1  # the count is per address
    assert WRONG not in caplog.text and PASSWORDS["ann"] not in caplog.text


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(
        serve: Callable[..., Served]) -> None:
    direct = serve()
    for n in range(5):
        direct.login("ann", WRONG, **{"X-Forwarded-For": f"203.0.113.{n}"})
    r = direct.login("ann", WRONG, **{"X-Forwarded-For": "198.51.100.9"})
    assert delay(r) == 1  # every attempt counted for the peer, 127.0.0.1
    direct.login("ann", PASSWORDS["ann"])

    proxied = serve(trusted_proxies="127.0.0.1, 10.0.0.0/8")
    for _ in range(5):
        proxied.login("ann", WRONG, **{"X-Forwarded-For": "203.0.113.7, 10.1.2.3"})
    assert delay(proxied.login("ann", WRONG, **{"X-Forwarded-For": "198.51.100.9"})) is None
    assert delay(proxied.login("ann", WRONG, **{"X-Forwarded-For": "203.0.113.7"})) == 1
    # an address the client forges in front of the one its proxy appended is not believed
    forged = proxied.login("ann", WRONG, **{"X-Forwarded-For": "198.51.100.9, 203.0.113.7"})
    assert delay(forged) == 2


def test_bad_api_keys_on_v1_are_throttled_apart_from_ui_logins(
        serve: Callable[..., Served]) -> None:
    s = serve(api_key=API_KEY)
    for _ in range(5):
        r = s.models("wrong")
        assert r.status_code == 401 and delay(r) is None
    assert [delay(s.models("wrong")) for _ in range(2)] == [1, 2]
    assert delay(s.login("ann", WRONG)) is None  # the UI's count is its own
    r = s.models(API_KEY)
    assert r.status_code == 200 and delay(r) == 4
    assert delay(s.models("wrong")) is None and delay(s.models(API_KEY)) is None


def test_without_an_api_key_v1_is_not_counted(serve: Callable[..., Served]) -> None:
    s = serve()
    for _ in range(7):
        assert s.models("anything").status_code == 200
    assert s.waits == []


def test_two_app_instances_on_one_catalog_share_the_count(serve: Callable[..., Served]) -> None:
    a, b = serve(), serve()
    for _ in range(3):
        assert a.login("ann", WRONG).status_code == 400
    for _ in range(2):
        assert b.login("bob", WRONG).status_code == 400
    assert delay(b.login("ann", WRONG)) == 1 and delay(a.login("ann", WRONG)) == 2
    assert a.login("ann", PASSWORDS["ann"]).status_code == 200  # waits 4, then resets
    assert delay(b.login("ann", WRONG)) is None


def test_a_public_bind_is_allowed_with_catalog_users_or_newsdesk_auth() -> None:
    public = Settings(host="0.0.0.0", api_key="k")
    assert check_bind(public, has_users=True) is None
    assert check_bind(public.with_(auth="ann:pw"), has_users=False) == ("ann", "pw")
    with pytest.raises(ConfigError, match="newsdesk users add NAME"):
        check_bind(public, has_users=False)
    with pytest.raises(ConfigError, match="NEWSDESK_API_KEY"):
        check_bind(public.with_(api_key=""), has_users=True)


def test_check_bind_finds_the_users_in_the_catalog(tmp_path: Path) -> None:
    public = Settings(host="0.0.0.0", api_key="k", home=tmp_path / "home")
    with pytest.raises(ConfigError, match="NEWSDESK_AUTH"):
        check_bind(public)
    accounts = Accounts.open(public)
    accounts.add("ann", "pw")
    accounts.close()
    assert check_bind(public) is None


@pytest.mark.parametrize("peer, forwarded, proxies, expected", [
    ("192.0.2.1", ["203.0.113.5"], "", "192.0.2.1"),
    ("192.0.2.1", ["203.0.113.5"], "127.0.0.1", "192.0.2.1"),
    ("127.0.0.1", ["203.0.113.5"], "127.0.0.1", "203.0.113.5"),
    ("127.0.0.1", ["1.1.1.1, 203.0.113.5"], "127.0.0.1", "203.0.113.5"),
    ("10.0.0.2", ["203.0.113.5, 10.0.0.1"], "10.0.0.0/8", "203.0.113.5"),
    ("10.0.0.2", ["203.0.113.5", "10.0.0.1"], "10.0.0.0/8", "203.0.113.5"),
    ("127.0.0.1", [], "127.0.0.1", "127.0.0.1"),
    ("127.0.0.1", ["127.0.0.1"], "127.0.0.1", "127.0.0.1"),
    ("::1", ["2001:db8::0001"], "::1", "2001:db8::1"),
])
def test_the_client_address(peer: str, forwarded: list[str], proxies: str,
                            expected: str) -> None:
    assert client_address(peer, forwarded, trusted_networks(proxies)) == expected


def test_a_bad_trusted_proxy_is_named_and_stops_the_app(seed_desk: NewsDesk) -> None:
    with pytest.raises(ConfigError, match="NEWSDESK_TRUSTED_PROXIES: 'proxy.example'"):
        trusted_networks("127.0.0.1, proxy.example")
    with pytest.raises(ConfigError, match="NEWSDESK_TRUSTED_PROXIES: 'nope'"):
        create_app(seed_desk, seed_desk.settings.with_(trusted_proxies="nope"), echo=False)
    assert Settings.from_env({"NEWSDESK_TRUSTED_PROXIES": "10.0.0.1"}).trusted_proxies == "10.0.0.1"


def test_each_user_has_their_own_conversations(serve: Callable[..., Served],
                                               seed_desk: NewsDesk) -> None:
    """Signed in through gradio_client, ann's /chat conversation is saved as hers: she
    resumes it, bob cannot, and neither sees the other's in their list."""
    from gradio_client import Client

    s = serve()
    ann = Client(s.url + "/", auth=("ann", PASSWORDS["ann"]), verbose=False)
    bob = Client(s.url + "/", auth=("bob", PASSWORDS["bob"]), verbose=False)
    first = ann.predict("Who attended the 2+2 talks?", "", api_name="/chat")
    cid = first["conversation_id"]
    again = ann.predict("Where did they meet?", cid, api_name="/chat")
    assert again["conversation_id"] == cid and again["turn"] == 2
    with pytest.raises(Exception, match="unknown or has expired"):
        bob.predict("Where did they meet?", cid, api_name="/chat")
    bobs = bob.predict("Who hosted the talks?", "", api_name="/chat")["conversation_id"]
    assert cid in {c.id for c in seed_desk.conversations(owner="ann")}
    assert cid not in {c.id for c in seed_desk.conversations(owner="bob")}
    assert bobs in {c.id for c in seed_desk.conversations(owner="bob")}
    assert bobs not in {c.id for c in seed_desk.conversations(owner="ann")}
