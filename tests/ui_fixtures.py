"""Fixtures for the UI tests: the real app (``python app.py``) on a free 127.0.0.1 port.

Import the fixture into a test module (``from ui_fixtures import newsdesk_app_fixture``); it
is named ``newsdesk_app``.
One server is shared by every module that imports them: it runs with ``NEWSDESK_HOME`` in
a temporary folder, and the fixture waits until the bundled corpus is ingested.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
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
    """The environment for an app under test: offline, its own data folder, no LLM."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("NEWSDESK_") and k not in {"GRADIO_SERVER_PORT", "GRADIO_SERVER_NAME"}}
    env.update({"NEWSDESK_HOME": str(home), "HF_HUB_OFFLINE": "1", "NEWSDESK_LLM": "none",
                "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


@dataclass
class RunningApp:
    """A Newsdesk UI started by the tests."""

    url: str
    home: Path
    log: Path
    proc: subprocess.Popen[bytes]

    def client(self) -> Any:
        """A fresh ``gradio_client.Client`` for the app."""
        from gradio_client import Client

        return Client(self.url, verbose=False)

    def log_text(self) -> str:
        """What the app printed so far."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        """Stop the server process."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def start_app(base: Path, corpus: Path = ROOT / "corpus") -> RunningApp:
    """Start ``python app.py`` on a free port with its data under ``base``; wait until it has
    ingested ``corpus`` and answers API calls."""
    port = free_port()
    home = base / "home"
    log = base / "app.log"
    url = f"http://127.0.0.1:{port}/"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), "--port", str(port), "--corpus", str(corpus)],
            cwd=ROOT, env=app_env(home), stdout=out, stderr=subprocess.STDOUT)
    app = RunningApp(url, home, log, proc)
    deadline = time.monotonic() + START_TIMEOUT_S
    client = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app.py exited with {proc.returncode}:\n{app.log_text()[-3000:]}")
        try:
            if client is None:
                with urllib.request.urlopen(url, timeout=5) as r:
                    if r.status != 200:
                        raise OSError(r.status)
                client = app.client()
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
        app = start_app(tmp_path_factory.mktemp("newsdesk-ui"))
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
