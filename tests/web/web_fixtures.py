"""Fixtures for the web tests: the real app (``python app.py``) on a free 127.0.0.1 port.

Import the fixture into a test module (``from web_fixtures import newsdesk_app_fixture``); it
is named ``newsdesk_app``. (``tests/web`` is on pytest's ``pythonpath``, so the reliability
tests import these helpers too.)
One server is shared by every module that imports them: it runs with ``NEWSDESK_HOME`` in
a temporary folder, and the fixture waits until the bundled corpus is ingested.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "test-artifacts"
START_TIMEOUT_S = 300


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def app_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment for an app or CLI under test: offline, its own data folder, no LLM."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("NEWSDESK_") and k not in {"GRADIO_SERVER_PORT", "GRADIO_SERVER_NAME"}}
    env.update({"NEWSDESK_HOME": str(home), "HF_HUB_OFFLINE": "1", "NEWSDESK_LLM": "none",
                "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


AUDIT_SITECUSTOMIZE = textwrap.dedent("""
    # Loaded at start-up through PYTHONPATH: logs every network use that is not loopback.
    import json, os, sys

    _LOG = os.environ.get("NEWSDESK_TEST_NET_LOG")
    _LOCAL = ("127.", "::1", "localhost", "/")

    def _newsdesk_net_audit(event, args):
        if event in ("socket.connect", "socket.sendto", "socket.bind"):
            addr = args[1]
        elif event == "socket.getaddrinfo":
            addr = args[0]
        else:
            return
        host = addr[0] if isinstance(addr, tuple) else addr
        host = host.decode() if isinstance(host, bytes) else str(host)
        if host in ("", "0.0.0.0", "::") or host.startswith(_LOCAL):
            return
        with open(_LOG, "a", encoding="utf-8") as f:
            f.write(json.dumps([event, repr(addr)]) + "\\n")

    if _LOG:
        sys.addaudithook(_newsdesk_net_audit)
        with open(_LOG + ".pids", "a", encoding="utf-8") as f:  # proof that the hook is on
            f.write(f"{os.getpid()}\\n")
""")


def audited_env(env: dict[str, str], base: Path) -> Path:
    """Make a process started with ``env`` log its non-loopback network use; return the log."""
    site = base / "site"
    site.mkdir(parents=True, exist_ok=True)
    (site / "sitecustomize.py").write_text(AUDIT_SITECUSTOMIZE)
    net_log = base / "net.log"
    env["NEWSDESK_TEST_NET_LOG"] = str(net_log)
    env["PYTHONPATH"] = os.pathsep.join([str(site), *filter(None, [env.get("PYTHONPATH")])])
    return net_log


def net_events(net_log: Path | None) -> list[list[str]]:
    """Non-loopback network events an audited process logged."""
    if net_log is None or not net_log.exists():
        return []
    return [json.loads(ln) for ln in net_log.read_text().splitlines() if ln.strip()]


def audited_pids(net_log: Path | None) -> set[int]:
    """Processes that ran with the audit hook installed."""
    f = Path(f"{net_log}.pids")
    return {int(x) for x in f.read_text().split()} if f.exists() else set()


@dataclass
class RunningApp:
    """A Newsdesk UI process started by the tests."""

    url: str
    home: Path
    log: Path
    proc: subprocess.Popen[bytes]
    net_log: Path | None = None
    gradio_tmp: Path | None = None

    def client(self, **kw: Any) -> Any:
        """A fresh ``gradio_client.Client`` for the app."""
        from gradio_client import Client

        return Client(self.url, verbose=False, **kw)

    def log_text(self) -> str:
        """What the app printed so far."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def net_events(self) -> list[list[str]]:
        """Non-loopback network events the audit hook logged."""
        return net_events(self.net_log)

    def audited_pids(self) -> set[int]:
        """Processes that ran with the audit hook installed."""
        return audited_pids(self.net_log)

    def stop(self) -> None:
        """Stop the server process."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def start_app(base: Path, *, args: Sequence[str] = (), wait_for_articles: bool = True,
              audit: bool = False, offline: bool = True, **env: str) -> RunningApp:
    """Start ``python app.py`` on a free 127.0.0.1 port with its data under ``base``; wait for it.

    Args:
        base: A fresh folder: ``home/``, ``app.log``, ``gradio-tmp/`` go there.
        args: Extra ``app.py`` arguments (``--corpus`` ...).
        wait_for_articles: Wait until ``/list`` returns articles (the corpus is in).
        audit: Log non-loopback network use to ``base/net.log`` (audit hook via sitecustomize).
        offline: Set ``HF_HUB_OFFLINE=1`` (the network test leaves it unset).
        env: Extra environment (``NEWSDESK_*``).
    """
    base.mkdir(parents=True, exist_ok=True)
    port = int(env.pop("NEWSDESK_PORT", 0)) or free_port()
    home = base / "home"
    gtmp = base / "gradio-tmp"
    e = app_env(home, NEWSDESK_PORT=str(port), GRADIO_TEMP_DIR=str(gtmp), **env)
    if not offline:
        e.pop("HF_HUB_OFFLINE", None)
        e.pop("TRANSFORMERS_OFFLINE", None)
    net_log = audited_env(e, base) if audit else None
    log = base / "app.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), *args], cwd=ROOT, env=e,
                                stdout=out, stderr=subprocess.STDOUT)
    app = RunningApp(f"http://127.0.0.1:{port}/", home, log, proc, net_log, gtmp)
    auth = None
    if env.get("NEWSDESK_AUTH"):
        user, _, pw = env["NEWSDESK_AUTH"].partition(":")
        auth = (user, pw)
    deadline = time.monotonic() + START_TIMEOUT_S
    client = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app.py exited with {proc.returncode}:\n{app.log_text()[-3000:]}")
        try:
            if client is None:
                with urllib.request.urlopen(app.url, timeout=5) as r:
                    if r.status != 200:
                        raise OSError(r.status)
                if not wait_for_articles:
                    return app
                client = app.client(auth=auth) if auth else app.client()
            if client.predict(api_name="/list"):
                return app
        except Exception:
            pass
        time.sleep(1)
    app.stop()
    raise RuntimeError(f"app.py did not come up in {START_TIMEOUT_S} s:\n{app.log_text()[-3000:]}")


_shared: dict[str, Any] = {"app": None, "users": 0}


@pytest.fixture(scope="session", name="newsdesk_app")
def newsdesk_app_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """The running app, shared by all UI tests of the session (seed corpus ingested)."""
    app = _shared.get("app")
    if not isinstance(app, RunningApp) or app.proc.poll() is not None:
        app = start_app(tmp_path_factory.mktemp("newsdesk-ui"),
                        args=["--corpus", str(ROOT / "corpus")])
        _shared["app"] = app
    _shared["users"] += 1
    yield app
    _shared["users"] -= 1
    if _shared["users"] == 0:
        app.stop()


def write_article(folder: Path, name: str, *, title: str, body: str, date: str = "2021-03-04",
                  source: str = "Test Wire") -> Path:
    """Write a small .txt article with a header and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(f"Title: {title}\nDate: {date}\nSource: {source}\n\n{body}\n", encoding="utf-8")
    return p
