"""``newsdesk doctor`` checks the catalog, the schema record, free disk space, Chroma's
database, the vector index, the BM25 index and the counts; exits 0 on a healthy store and 1
otherwise, naming the fix for each problem (`repair`, `reindex`, `reset`, or the server to
start); ``--json`` gives the checks. After the named fix it exits 0. (Each kind of damaged
file: tests/reliability/test_store_damage.py.)
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import free_port, run_cli, write_corpus

from qa import NewsDesk

N = 5
CHECKS = ["catalog", "schema record", "disk space", "chroma database", "vector index",
          "bm25 index", "counts"]


def _ok(proc: subprocess.CompletedProcess[bytes]) -> str:
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-3000:]
    return proc.stdout.decode()


def _doctor(home: Path, **env: str) -> tuple[int, dict[str, Any]]:
    proc = run_cli(home, "doctor", "--json", **env)
    assert proc.returncode in (0, 1), proc.stderr.decode(errors="replace")[-3000:]
    return proc.returncode, json.loads(proc.stdout)


def _failed(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in report["checks"] if not c["ok"]}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    write_corpus(tmp_path / "articles", N)
    home = tmp_path / "home"
    _ok(run_cli(home, "ingest", str(tmp_path / "articles")))
    return home


def test_a_healthy_store(home: Path):
    text = run_cli(home, "doctor")
    assert text.returncode == 0 and b"is healthy" in text.stdout and b"FAIL" not in text.stdout
    code, report = _doctor(home)
    assert code == 0 and report["ok"] and report["fixes"] == []
    assert [c["name"] for c in report["checks"]] == CHECKS
    counts = next(c for c in report["checks"] if c["name"] == "counts")
    chunks = json.loads(_ok(run_cli(home, "stats", "--json")))["chunks"]
    assert counts["detail"] == f"chunks: catalog {chunks}, chroma {chunks}, bm25 {chunks}"


def test_a_new_empty_store_is_healthy_and_left_as_it_was(tmp_path: Path):
    home = tmp_path / "new"
    home.mkdir()
    code, report = _doctor(home)
    assert code == 0, report
    assert not (home / "chroma").exists()  # nothing made for it


def test_chunks_missing_from_chroma_are_counted_and_repaired(home: Path):
    desk = NewsDesk.open(home=home)
    col = desk.store.connection.collection(desk.store.chunks_name)
    col.delete(ids=col.get(limit=1, include=[])["ids"])
    del desk
    code, report = _doctor(home)
    failed = _failed(report)
    assert code == 1 and "counts" in failed and failed["counts"]["command"] == "newsdesk repair"
    assert "chroma" in failed["counts"]["detail"], failed
    _ok(run_cli(home, "repair"))
    assert _doctor(home)[0] == 0


def test_another_model_in_the_schema_record_names_reindex(home: Path):
    desk = NewsDesk.open(home=home)
    desk.store.catalog.set_schema(embed_model="another-model", dim=384, backend="torch")
    del desk
    code, report = _doctor(home)
    failed = _failed(report)
    assert code == 1 and list(failed) == ["schema record"], failed
    assert failed["schema record"]["command"] == "newsdesk reindex"
    _ok(run_cli(home, "reindex"))
    assert _doctor(home)[0] == 0


@pytest.mark.server
def test_a_stopped_chroma_server_is_named_not_called_damaged(tmp_path: Path,
                                                             chroma_server_class: type):
    server = chroma_server_class(tmp_path / "chroma", free_port())
    server.start()
    try:
        home = tmp_path / "home"
        write_corpus(tmp_path / "articles", N)
        _ok(run_cli(home, "ingest", str(tmp_path / "articles"), NEWSDESK_CHROMA_URL=server.url))
        assert _doctor(home, NEWSDESK_CHROMA_URL=server.url)[0] == 0
        server.proc.kill()
        server.proc.wait()
        code, report = _doctor(home, NEWSDESK_CHROMA_URL=server.url)
        failed = _failed(report)
        assert code == 1 and "vector index" in failed, report
        detail = failed["vector index"]["detail"]
        assert server.url in detail and "chroma run" in detail and "damaged" not in detail
        assert failed["vector index"]["fix"] == "start the Chroma server"
    finally:
        server.stop()
