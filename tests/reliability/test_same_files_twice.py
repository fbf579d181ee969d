"""Two ``newsdesk ingest`` processes started at once on two copies of the same 20 files store
each text once: 20 articles and 20 duplicates between them (not 40 articles), every passage
once, on the embedded store with SQLite (one home) and on a Chroma server with PostgreSQL
(a home each, as on two machines). The same folder ingested twice at once stores 20.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import ROOT, cli_cmd, cli_env, lexical_hits, store_problems, write_corpus

from qa import NewsDesk
from vectorstore.config import Settings

N = 20


def _ingest_at_once(settings: Settings, tmp_path: Path, folders: list[Path]) -> list[dict[str, Any]]:
    """``newsdesk ingest --json FOLDER`` for each folder, all started before any ends."""
    env = {"NEWSDESK_DATABASE_URL": settings.database_url,
           "NEWSDESK_CHROMA_URL": settings.chroma_url}
    shared = not settings.chroma_url
    procs = []
    for i, folder in enumerate(folders):
        home = Path(settings.home) if shared else tmp_path / f"machine{i}"
        procs.append(subprocess.Popen(cli_cmd(home, "--create", "ingest", "--json", str(folder)),
                                      cwd=ROOT, env=cli_env(home, **env),
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    reports = []
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err.decode(errors="replace")[-3000:]
        reports.append(json.loads(out))
    return reports


def _check_store(desk: NewsDesk, markers: dict[str, str], duplicates: int) -> None:
    stats = desk.stats()
    assert (stats["articles"], stats["duplicates"]) == (N, duplicates), stats
    rows = desk.store.catalog.articles()
    assert len({r.content_hash for r in rows}) == len(rows) == N  # no text stored twice
    assert stats["pending"] == 0 and stats["chunks"] == stats["bm25_chunks"] == \
        sum(r.n_chunks for r in rows)
    assert store_problems(desk) == []
    for marker in list(markers.values())[:3]:
        assert len(lexical_hits(desk, marker)) == 1, marker  # every passage once


@pytest.mark.server
@pytest.mark.parametrize("store_settings", ["embedded", "server+postgresql"], indirect=True)
def test_two_copies_of_the_same_files_at_once(store_settings: Settings, tmp_path: Path):
    one, two = tmp_path / "one" / "wire", tmp_path / "two" / "copies"  # two ids per text
    markers = write_corpus(one, N, sentences=12, prefix="Terlo")
    shutil.copytree(one, two)
    reports = _ingest_at_once(store_settings, tmp_path, [one, two])
    assert all(r["failed"] == 0 and r["added"] + r["duplicates"] == N for r in reports), reports
    assert sum(r["added"] for r in reports) == N, reports
    assert sum(r["duplicates"] for r in reports) == N, reports
    _check_store(NewsDesk.open(settings=store_settings), markers, duplicates=N)


def test_one_folder_twice_at_once(tmp_path: Path):
    folder = tmp_path / "articles"
    markers = write_corpus(folder, N, sentences=12, prefix="Vosk")
    settings = Settings.from_env({"NEWSDESK_HOME": str(tmp_path / "home")})
    reports = _ingest_at_once(settings, tmp_path, [folder, folder])
    assert all(r["failed"] == 0 for r in reports), reports
    assert sum(r["added"] for r in reports) == N, reports  # the other found them unchanged
    _check_store(NewsDesk.open(settings=settings), markers, duplicates=0)
