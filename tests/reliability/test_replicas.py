"""Replicas: two app processes (``python app.py``, each with a home of its own) serve one desk
on one PostgreSQL catalog and one ``chroma run`` server, while a CLI ingest writes at the same
moment as both apps take uploads.

After the writes, the first question in each process about each writer's articles is
answered from the new article; after deletes (one through an app, one through the CLI), no
process cites the deleted articles; at the end every count agrees: the catalog's articles
and chunk counts, Chroma's chunks, and each process's BM25 index (its ``/healthz``), with no
full BM25 rebuild in any process. One feed watcher at a time across processes (the catalog's lease) is
covered by tests/qa/test_feeds.py and tests/qa/cli/test_cli_feeds.py.
"""

from __future__ import annotations

import json
import random
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from reliability_helpers import (
    ROOT,
    App,
    article_text,
    cli_cmd,
    cli_env,
    free_port,
    run_cli,
    start_app,
    store_problems,
)

from qa import NewsDesk, Settings

pytestmark = [pytest.mark.slow, pytest.mark.server]

WRITERS = ("cli", "app0", "app1")
PER_WRITER = 4
_SYLLABLES = ("ka", "lo", "mir", "dav", "sen", "tru", "bel", "vor", "nix", "pa", "quen", "zul",
              "ost", "ren", "gal", "fim")


def marker(writer: str, i: int) -> str:
    """A made-up word of its own for article ``i`` of ``writer`` (letters only, so that no
    tokenizer splits two of them into the same pieces)."""
    rng = random.Random(f"{writer}-{i}")
    return "".join(rng.choice(_SYLLABLES) for _ in range(3)).capitalize() + \
        "abcdefghijklmnopqrstuvwxyz"[WRITERS.index(writer) * 4 + i]


def _write(folder: Path, writer: str, n: int = PER_WRITER) -> list[Path]:
    """``n`` dated .txt articles of ``writer``, each about its own made-up project."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(writer)
    paths = []
    for i in range(n):
        m = marker(writer, i)
        p = folder / f"{writer}-{i:03d}.txt"
        p.write_text(f"Title: The {m} report\nDate: 2021-03-{1 + i:02d}\nSource: Wire\n\n"
                     f"{article_text(m, rng)}\n", encoding="utf-8")
        paths.append(p)
    return paths


@pytest.fixture
def shared_env(chroma_server_class: type, pg_server: Any, tmp_path: Path) -> Iterator[dict[str, str]]:
    """A fresh PostgreSQL database and an own ``chroma run`` server."""
    chroma = chroma_server_class(tmp_path / "chroma-data", free_port())
    chroma.start()
    yield {"NEWSDESK_DATABASE_URL": pg_server.new_database(), "NEWSDESK_CHROMA_URL": chroma.url}
    chroma.stop()


@pytest.fixture
def replicas(shared_env: dict[str, str], tmp_path: Path) -> Iterator[list[App]]:
    """Two app processes on the shared catalog and store, started at once."""
    apps: list[App | BaseException] = [RuntimeError("not started")] * 2

    def start(i: int) -> None:
        try:
            apps[i] = start_app(tmp_path / f"app{i}", args=["--no-seed"],
                                wait_for_articles=False, **shared_env)
        except BaseException as e:  # reported below, in the test's thread
            apps[i] = e

    threads = [threading.Thread(target=start, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    started = [a for a in apps if isinstance(a, App)]
    try:
        for a in apps:
            if not isinstance(a, App):
                raise a
        yield started
    finally:
        for a in started:
            a.stop()


def _cited_titles(app: App, client: Any, m: str) -> list[str]:
    got = client.predict(f"What was said about the {m} project?", api_name="/ask")
    return [c["title"] for c in got["citations"]]


def _health(app: App) -> dict[str, Any]:
    r = httpx.get(app.url + "healthz", timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def _upload(client: Any, paths: list[Path]) -> dict[str, Any]:
    from gradio_client import handle_file

    return client.predict([handle_file(str(p)) for p in paths], api_name="/ingest")


def test_two_replicas_and_the_cli_share_one_desk(replicas: list[App], shared_env: dict[str, str],
                                                 tmp_path: Path):
    clients = [a.client() for a in replicas]
    files = {w: _write(tmp_path / "in" / w, w) for w in WRITERS}
    cli_home = tmp_path / "cli-home"

    # all three write at the same moment
    cli = subprocess.Popen(cli_cmd(cli_home, "ingest", "--json", str(tmp_path / "in" / "cli")),
                           cwd=ROOT, env=cli_env(cli_home, **shared_env),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    results: dict[int, Any] = {}

    def upload(i: int) -> None:
        try:
            results[i] = _upload(clients[i], files[f"app{i}"])
        except Exception as e:
            results[i] = e

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    out, err = cli.communicate(timeout=600)
    for t in threads:
        t.join()
    assert cli.returncode == 0, err.decode(errors="replace")[-3000:]
    assert json.loads(out)["added"] == PER_WRITER
    for i in range(2):
        assert isinstance(results[i], dict) and results[i]["added"] == PER_WRITER, results[i]

    # the first question in each process about each writer's articles: the new article
    for app, client in zip(replicas, clients, strict=True):
        for writer in WRITERS:
            m = marker(writer, 1)
            assert f"The {m} report" in _cited_titles(app, client, m), (app.url, m)

    # deletes: one through replica 0 (an article replica 1 uploaded), one through the CLI
    listed = {a["title"]: a["id"] for a in clients[1].predict(api_name="/list")}
    assert len(listed) == 3 * PER_WRITER
    gone_app, gone_cli = marker("app1", 2), marker("cli", 3)
    assert clients[0].predict(listed[f"The {gone_app} report"], api_name="/delete")["chunks"] > 0
    done = run_cli(cli_home, "delete", listed[f"The {gone_cli} report"], **shared_env)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    for app, client in zip(replicas, clients, strict=True):
        for m in (gone_app, gone_cli):
            assert f"The {m} report" not in _cited_titles(app, client, m), m

    # every count agrees, and no process rebuilt its BM25 index whole
    stats = run_cli(cli_home, "stats", "--json", **shared_env)
    assert stats.returncode == 0, stats.stderr.decode(errors="replace")[-2000:]
    s = json.loads(stats.stdout)
    reader = NewsDesk.open(settings=Settings.from_env({
        "NEWSDESK_HOME": str(tmp_path / "reader"), **shared_env}))
    rows = reader.store.catalog.articles()
    assert len(rows) == s["articles"] == 3 * PER_WRITER - 2
    assert sum(r.n_chunks for r in rows) == s["chunks"] == s["bm25_chunks"]
    assert store_problems(reader) == []
    for app in replicas:
        store = _health(app)["parts"]["store"]
        assert store["chunks"] == store["bm25_chunks"] == s["chunks"], (app.url, store)
        assert store["full_rebuilds"] == 0, app.url
