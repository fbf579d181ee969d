"""Fixtures of the catalog tests: every test runs on SQLite and on a real PostgreSQL.

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
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from vectorstore.catalog import Catalog, open_catalog

BACKENDS = ("sqlite", "postgresql")


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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


@pytest.fixture(params=BACKENDS)
def catalog_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new, empty catalog database: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'home' / 'catalog.db'}"
    server: PgServer = request.getfixturevalue("pg_server")
    return server.new_database()


@pytest.fixture
def other_url(request: pytest.FixtureRequest, catalog_url: str, tmp_path: Path) -> str:
    """A second empty catalog database on the same backend as ``catalog_url``."""
    if catalog_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'other' / 'catalog.db'}"
    server: PgServer = request.getfixturevalue("pg_server")
    return server.new_database()


@pytest.fixture
def open_cat(catalog_url: str) -> Iterator[Callable[..., Catalog]]:
    """Open the test's catalog (as often as a test likes); every one is closed at the end."""
    opened: list[Catalog] = []

    def opener(**kw: str) -> Catalog:
        cat = open_catalog(catalog_url, **kw)
        opened.append(cat)
        return cat

    yield opener
    for cat in opened:
        cat.close()


@pytest.fixture
def cat(open_cat: Callable[..., Catalog]) -> Catalog:
    """The test's catalog, opened (migrated to head)."""
    return open_cat()
