"""``GET /healthz`` on a real server (uvicorn on a free port, our FastAPI app over a real desk):
200 ``ok`` when every part answers; 200 ``degraded`` when only the LLM backend (a fake
OpenAI-compatible server, stopped) is down, and questions are still answered; 503 naming
the catalog when its PostgreSQL is stopped, and naming the store when the ``chroma run``
server is killed. The PostgreSQL cluster and Chroma server are the test's own instances
of tests/conftest.py's classes: the session's are left alone.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fakes.llm_server import FakeLLMServer
from reliability_helpers import free_port

import qa.health
from qa import Article, NewsDesk, Settings
from web.server import base_app

pytestmark = [pytest.mark.slow]

STORY = Article(id="story-1", title="Harbour bridge reopens",
                text="The Quillan harbour bridge reopened on Monday after two years of repairs. "
                     "The city council said traffic would return to normal within a week.",
                source="Test Wire", published=None)


def _conftest_class(request: pytest.FixtureRequest, name: str) -> Any:
    """A class of tests/conftest.py (every conftest module is named ``conftest``)."""
    want = Path(__file__).resolve().parents[1] / "conftest.py"
    for plugin in request.config.pluginmanager.get_plugins():
        if Path(getattr(plugin, "__file__", "") or ".").resolve() == want:
            return getattr(plugin, name)
    raise LookupError(f"{want} is not loaded")


class Served:
    """``base_app(desk)`` served by uvicorn on a free 127.0.0.1 port in a thread."""

    def __init__(self, desk: NewsDesk) -> None:
        self.port = free_port()
        config = uvicorn.Config(base_app(desk, desk.settings), host="127.0.0.1",
                                port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)

    def health(self) -> tuple[int, dict[str, Any]]:
        r = httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=60)
        assert r.headers["content-type"] == "application/json"
        return r.status_code, r.json()

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(autouse=True)
def no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every request checks afresh (the 5 s cache is tested on its own)."""
    monkeypatch.setattr(qa.health, "CACHE_S", 0.0)


@pytest.fixture
def serve() -> Iterator[Any]:
    servers: list[Served] = []

    def start(desk: NewsDesk) -> Served:
        servers.append(Served(desk))
        return servers[-1]

    yield start
    for s in servers:
        s.stop()


def _desk(settings: Settings) -> NewsDesk:
    desk = NewsDesk.open(settings=settings)
    desk.ingest_articles([STORY])
    return desk


def test_ok_when_every_part_answers_and_the_result_is_cached(tmp_path: Path, serve: Any,
                                                             monkeypatch: pytest.MonkeyPatch):
    desk = _desk(Settings.from_env({"NEWSDESK_HOME": str(tmp_path / "home")}))
    desk.ask("When did the harbour bridge reopen?")
    status, body = serve(desk).health()
    assert (status, body["status"], body["failing"]) == (200, "ok", [])
    store = body["parts"]["store"]
    assert store["ok"] and store["chunks"] == store["bm25_chunks"] == desk.stats()["chunks"] > 0
    assert body["parts"]["catalog"]["journal_head"] == desk.store.catalog.journal_head()
    assert "llm" not in body["parts"]  # none configured

    monkeypatch.setattr(qa.health, "CACHE_S", 60.0)
    check = qa.health.HealthCheck(desk)
    first = check()
    desk.ingest_articles([Article(id="story-2", title="A second story", text="Another "
                                  "story about the Quillan council and its budget vote.",
                                  source="Test Wire")])
    assert check() is first  # reused within the cache time
    assert qa.health.check_health(desk).parts[1].facts["chunks"] > first.parts[1].facts["chunks"]


def test_degraded_with_200_when_only_the_llm_is_down(tmp_path: Path, serve: Any):
    fake = FakeLLMServer(handler=lambda req: "The bridge reopened on Monday [1].").start()
    settings = Settings.from_env({"NEWSDESK_HOME": str(tmp_path / "home"),
                                  "NEWSDESK_LLM": "openai:fake-model",
                                  "NEWSDESK_LLM_BASE_URL": fake.openai_url})
    desk = _desk(settings)
    served = serve(desk)
    status, body = served.health()
    assert (status, body["status"]) == (200, "ok")
    assert body["parts"]["llm"]["ok"] and body["parts"]["llm"]["url"] == fake.openai_url

    fake.stop()
    status, body = served.health()
    assert (status, body["status"], body["failing"]) == (200, "degraded", ["llm"])
    assert "unreachable" in body["parts"]["llm"]["error"]
    answer = desk.ask("When did the harbour bridge reopen?")  # the extractive fallback
    assert not answer.abstained and "Monday" in answer.text
    status, body = served.health()  # the answerer now rests: said without a probe
    assert (status, body["status"]) == (200, "degraded")
    assert "not tried again" in body["parts"]["llm"]["error"]


@pytest.mark.server
def test_503_naming_the_catalog_when_postgresql_stops(tmp_path: Path, serve: Any,
                                                      request: pytest.FixtureRequest):
    pg_class = _conftest_class(request, "PgServer")
    bindir = _conftest_class(request, "_pg_bin")()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed")
    root = Path(tempfile.mkdtemp(prefix="newsdesk-pg-"))  # (tmp_path is root's only)
    user = None
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres").pw_name
        shutil.chown(root, user)
    pg = pg_class(bindir, root, free_port(), user)
    pg.start()
    try:
        url = pg.new_database()
        desk = _desk(Settings.from_env({"NEWSDESK_HOME": str(tmp_path / "home"),
                                        "NEWSDESK_DATABASE_URL": url}))
        served = serve(desk)
        assert served.health()[0] == 200
        pg.stop()
        status, body = served.health()
        assert (status, body["status"], body["failing"]) == (503, "down", ["catalog"])
        assert body["parts"]["catalog"]["error"] and body["parts"]["store"]["ok"]
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # stopped already
            pg.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.server
def test_503_naming_the_store_when_the_chroma_server_is_killed(tmp_path: Path, serve: Any,
                                                               request: pytest.FixtureRequest):
    server = _conftest_class(request, "ChromaServer")(tmp_path / "chroma", free_port())
    server.start()
    try:
        desk = _desk(Settings.from_env({"NEWSDESK_HOME": str(tmp_path / "home"),
                                        "NEWSDESK_CHROMA_URL": server.url}))
        served = serve(desk)
        assert served.health()[0] == 200
        assert server.proc is not None
        server.proc.kill()
        server.proc.wait()
        status, body = served.health()
        assert (status, body["status"], body["failing"]) == (503, "down", ["store"])
        assert server.url in body["parts"]["store"]["error"]
        assert body["parts"]["catalog"]["ok"]
    finally:
        server.stop()
