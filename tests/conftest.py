"""Shared fixtures: real model, real Chroma (embedded and a `chroma run` server), real
catalog databases (SQLite, and a throwaway PostgreSQL cluster: ``pg_server``).

The PostgreSQL server is a throwaway cluster (``initdb`` + ``pg_ctl`` of Debian's
``postgresql`` package) in a temporary folder, on a free port of 127.0.0.1, started once
per session as the ``postgres`` user when the tests run as root (PostgreSQL refuses root);
each test gets a database of its own. Without the binaries the PostgreSQL cases skip.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
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


def _pg_bin() -> Path | None:
    """The newest ``/usr/lib/postgresql/*/bin`` with ``initdb`` and ``pg_ctl`` (or on PATH)."""
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                  key=lambda d: int(Path(d).parent.name) if Path(d).parent.name.isdigit() else 0)
    for d in reversed(dirs):
        if (Path(d) / "initdb").exists() and (Path(d) / "pg_ctl").exists():
            return Path(d)
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("pg_ctl") else None


class PgServer:
    """A running throwaway PostgreSQL cluster; :meth:`new_database` gives a fresh database."""

    def __init__(self, bindir: Path, root: Path, port: int, user: str | None) -> None:
        self.bindir, self.root, self.port, self.user = bindir, root, port, user
        self.data = root / "data"
        self._n = itertools.count(1)

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "--no-sync", "-E", "UTF8")
        opts = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off")
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.root / "log"),
                  "-w", "-t", "60", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres",
                               dbname="postgres", autocommit=True)

    def new_database(self) -> str:
        """A new empty database's URL."""
        name = f"catalog_{next(self._n)}"
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A PostgreSQL cluster for the session (skips where PostgreSQL is not installed)."""
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql): no initdb/pg_ctl")
    user = None
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres").pw_name
        except KeyError:
            pytest.skip("running as root and there is no `postgres` user to run PostgreSQL as")
    root = Path(tempfile.mkdtemp(prefix="newsdesk-pg-"))
    if user:
        shutil.chown(root, user)
    server = PgServer(bindir, root, free_port(), user)
    try:
        server.start()
    except subprocess.CalledProcessError as e:
        log = root / "log"
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {e.stderr!r} "
                           f"{log.read_text() if log.exists() else ''}") from e
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


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


@pytest.fixture(params=["embedded", "server", "server+postgresql"])
def store_settings(request: pytest.FixtureRequest, tmp_path: Path):
    """Settings for a fresh, empty store: embedded, and on a `chroma run` server, with the
    catalog on SQLite (in the home folder), and on the server with it on PostgreSQL."""
    from vectorstore.config import Settings

    base = Settings.from_env({"NEWSDESK_HOME": str(tmp_path / "home")})
    if request.param == "embedded":
        return base
    server: ChromaServer = request.getfixturevalue("chroma_server")
    s = base.with_(chroma_url=server.url)
    if request.param == "server+postgresql":
        pg: PgServer = request.getfixturevalue("pg_server")
        s = s.with_(database_url=pg.new_database())
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


@pytest.fixture
def site() -> Iterator[object]:
    """A running local news site (tests/fakes/news_server.py) with two stories."""
    from tests.fakes.news_server import NewsServer

    with NewsServer() as s:
        s.add_story()
        s.add_story()
        yield s
