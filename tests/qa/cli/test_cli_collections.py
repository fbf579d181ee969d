"""``newsdesk collections ...`` and ``--collection`` (before or after the sub-command, and
``NEWSDESK_COLLECTION``), run as a user runs them: ``python -m qa.cli`` in a subprocess
(real model, real embedded Chroma)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.vectorstore.store_helpers import OTHER, PARAS, write

STORM = "How many homes lost power in Pellow?"


def newsdesk(home: Path, *args: str, env: dict[str, str] | None = None
             ) -> subprocess.CompletedProcess[str]:
    """Run `python -m qa.cli --home HOME ARGS...` without an LLM; capture its output."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    return subprocess.run([sys.executable, "-m", "qa.cli", "--home", str(home), "--llm", "none",
                           *args], capture_output=True, text=True, env={**base, **(env or {})},
                          timeout=300, check=False)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home whose collection ``bridges`` was made by `--collection` before the
    sub-command, and ``storms`` by `--collection` after it."""
    root = tmp_path_factory.mktemp("cli-collections")
    for i, text in enumerate(PARAS):
        write(root / "bridge" / f"bridge{i}.txt", text)
    write(root / "storm" / "storm.txt", OTHER)
    home = root / "home"
    before = newsdesk(home, "--collection", "bridges", "ingest", str(root / "bridge"))
    assert before.returncode == 0, before.stderr
    assert "created collection bridges" in before.stdout
    after = newsdesk(home, "ingest", str(root / "storm"), "--collection", "storms")
    assert after.returncode == 0, after.stderr
    assert "created collection storms" in after.stdout
    again = newsdesk(home, "ingest", str(root / "storm"), "--collection", "storms")
    assert again.returncode == 0 and "created" not in again.stdout
    return home


def _listed(home: Path) -> dict[str, int]:
    r = newsdesk(home, "collections", "list", "--json")
    assert r.returncode == 0, r.stderr
    return {c["name"]: c["articles"] for c in json.loads(r.stdout)}


@pytest.mark.slow
def test_list_shows_each_collection_and_its_article_count(home: Path) -> None:
    assert _listed(home) == {"bridges": 3, "default": 0, "storms": 1}
    plain = newsdesk(home, "collections", "list")
    assert plain.returncode == 0 and "bridges" in plain.stdout and "3 articles" in plain.stdout


@pytest.mark.slow
def test_collection_before_or_after_the_command_and_from_the_environment(home: Path) -> None:
    for args, env in ((["--collection", "storms", "ask", STORM, "--json"], None),
                      (["ask", STORM, "--json", "--collection", "storms"], None),
                      (["ask", STORM, "--json"], {"NEWSDESK_COLLECTION": "storms"})):
        r = newsdesk(home, *args, env=env)
        assert r.returncode == 0, r.stderr
        got = json.loads(r.stdout)
        assert "30,000" in got["text"] and got["citations"]
    other = json.loads(newsdesk(home, "--collection", "bridges", "ask", STORM, "--json").stdout)
    assert not any("storm" in c["article_id"] for c in other["citations"])
    stats = json.loads(newsdesk(home, "stats", "--json", "--collection", "bridges").stdout)
    assert stats["collection"] == "bridges" and stats["articles"] == 3


@pytest.mark.slow
def test_asking_a_missing_collection_names_the_existing_ones(home: Path) -> None:
    r = newsdesk(home, "--collection", "weather", "ask", STORM)
    assert r.returncode == 1
    assert "weather" in r.stderr and "bridges" in r.stderr and "storms" in r.stderr
    bad = newsdesk(home, "--collection", "Weather!", "stats")
    assert bad.returncode == 1 and "lowercase letters" in bad.stderr


@pytest.mark.slow
def test_create_rename_and_delete(home: Path) -> None:
    assert newsdesk(home, "collections", "create", "empty").returncode == 0
    assert _listed(home)["empty"] == 0
    r = newsdesk(home, "collections", "rename", "storms", "weather")
    assert r.returncode == 0, r.stderr
    assert "storms" not in _listed(home) and _listed(home)["weather"] == 1
    ask = json.loads(newsdesk(home, "--collection", "weather", "ask", STORM, "--json").stdout)
    assert "30,000" in ask["text"]
    unconfirmed = newsdesk(home, "collections", "delete", "weather")
    assert unconfirmed.returncode == 2 and "--yes" in unconfirmed.stderr
    assert _listed(home)["weather"] == 1
    gone = newsdesk(home, "collections", "delete", "weather", "--yes")
    assert gone.returncode == 0 and "1 articles" in gone.stdout
    assert _listed(home) == {"bridges": 3, "default": 0, "empty": 0}
    assert newsdesk(home, "collections", "delete", "default", "--yes").returncode == 1
    assert newsdesk(home, "collections", "create", "Bad Name").returncode == 1
