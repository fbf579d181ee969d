"""Shared fixtures: real model, real Chroma (embedded and a `chroma run` server)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "corpus" / "articles"
SHARED = Path(os.environ.get("NEWSDESK_SHARED", ROOT.parent / "shared"))


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float = 60.0) -> None:
    """Wait until something listens on 127.0.0.1:``port``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


class ChromaServer:
    """A real `chroma run` process on 127.0.0.1, stoppable and restartable."""

    def __init__(self, path: Path, port: int) -> None:
        self.path = path
        self.port = port
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        exe = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
        if exe is None:
            pytest.skip("the `chroma` command is not installed")
        env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "CHROMA_SERVER_NOFILE": "4096"}
        self.proc = subprocess.Popen(
            [exe, "run", "--host", "127.0.0.1", "--port", str(self.port), "--path", str(self.path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        wait_for_port(self.port)
        time.sleep(0.3)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    """A `chroma run` server started for the test session."""
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server"), free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["embedded", "server"])
def store_settings(request: pytest.FixtureRequest, tmp_path: Path):
    """Settings for a fresh, empty store: embedded, and on a `chroma run` server."""
    from vectorstore.config import Settings

    base = Settings.from_env({"NEWSDESK_HOME": str(tmp_path / "home")})
    if request.param == "embedded":
        return base
    server: ChromaServer = request.getfixturevalue("chroma_server")
    s = base.with_(chroma_url=server.url)
    # Each test gets an empty server store.
    from vectorstore.store import open_store

    open_store(s).reset()
    return s


@pytest.fixture(scope="session")
def seed_desk(tmp_path_factory: pytest.TempPathFactory):
    """A NewsDesk (embedded store) with the bundled corpus ingested: read-only use."""
    from qa import NewsDesk

    desk = NewsDesk.open(home=tmp_path_factory.mktemp("seed-desk"))
    desk.ingest([SEED_DIR])
    return desk
