"""A damaged store says so: each kind of damage (Chroma's database emptied, cut short or
garbled; the schema record broken or gone; the catalog emptied beside a full Chroma; the
vector index files cut short) gives a one-line "damaged" error naming `newsdesk doctor`,
`repair` and `reset` (never a server for an embedded store), changes nothing, `doctor` names
it (exit 1), and the fix it names (`repair` or `reset --yes`) brings the store back: `doctor`
then exits 0.

Every command is the real CLI in a subprocess over a real embedded store.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import chroma_counts, one_line_error, run_cli, write_corpus

N = 6
QUESTION = "What was said about the Zorvex001 project?"


def _ok(proc: subprocess.CompletedProcess[bytes]) -> str:
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-3000:]
    return proc.stdout.decode()


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of N articles, ingested once; each test damages a copy."""
    root = tmp_path_factory.mktemp("damage")
    write_corpus(root / "articles", N)
    home = root / "home"
    _ok(run_cli(home, "ingest", str(root / "articles")))
    return home


def _db(home: Path) -> Path:
    return home / "chroma" / "chroma.sqlite3"


def _zero(home: Path) -> None:
    _db(home).write_bytes(b"")


def _truncated(home: Path) -> None:
    data = _db(home).read_bytes()
    _db(home).write_bytes(data[:len(data) // 2])


def _garbled(home: Path) -> None:
    data = bytearray(_db(home).read_bytes())
    for i in range(100, len(data), 997):  # every page's bytes, header and schema included
        data[i] = (data[i] * 7 + 13) % 256
    _db(home).write_bytes(bytes(data))


def _not_sqlite(home: Path) -> None:
    data = bytearray(_db(home).read_bytes())
    data[:100] = b"\x00garbage" * 12 + b"\x00" * 4
    _db(home).write_bytes(bytes(data))


def _set_schema(home: Path, value: str | None) -> None:
    con = sqlite3.connect(home / "catalog.db")
    with con:
        if value is None:
            con.execute("DELETE FROM meta WHERE key = 'schema'")
        else:
            con.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (value,))
    con.close()


def _schema_broken(home: Path) -> None:
    _set_schema(home, json.dumps({"embed_model": "all-MiniLM-L6-v2", "dim": "abc"}))


def _schema_missing(home: Path) -> None:
    _set_schema(home, None)


def _catalog_emptied(home: Path) -> None:
    (home / "catalog.db").write_bytes(b"")


def _catalog_garbled(home: Path) -> None:
    data = bytearray((home / "catalog.db").read_bytes())
    data[:100] = b"\x00garbage" * 12 + b"\x00" * 4
    (home / "catalog.db").write_bytes(bytes(data))


DAMAGE: dict[str, tuple[Callable[[Path], None], str, str]] = {
    # kind: (how, the words of the message that say what is broken, the check that fails)
    "zero-byte": (_zero, "empty (0 bytes)", "chroma database"),
    "truncated": (_truncated, "malformed", "chroma database"),
    "garbled": (_garbled, "cannot be read", "chroma database"),
    "not sqlite": (_not_sqlite, "not a SQLite database", "chroma database"),
    "schema record broken": (_schema_broken, "schema record", "schema record"),
    "schema record missing": (_schema_missing, "schema record is missing", "schema record"),
    "catalog emptied": (_catalog_emptied, "catalog holds no articles", "counts"),
    "catalog garbled": (_catalog_garbled, "the catalog at", "catalog"),
}
NAMED_FIX = {"catalog garbled": "newsdesk reset --yes"}
"""The fix `doctor` names, where it is not `newsdesk repair` (rebuilt from the catalog)."""
CASES = [("zero-byte", "repair"), ("zero-byte", "reset"), ("truncated", "repair"),
         ("garbled", "reset"), ("not sqlite", "repair"), ("schema record broken", "repair"),
         ("schema record broken", "reset"), ("schema record missing", "repair"),
         ("catalog emptied", "reset"), ("catalog garbled", "reset")]


def damaged_error(proc: subprocess.CompletedProcess[bytes]) -> str:
    """The one error line of a command on a damaged store, checked for its wording."""
    line = one_line_error(proc)
    assert "damaged" in line, line
    for command in ("newsdesk doctor", "newsdesk repair", "newsdesk reset"):
        assert command in line, line
    for server_words in ("chroma run", "NEWSDESK_CHROMA_URL", "server"):
        assert server_words not in line, line  # an embedded store has no server
    return line


def doctor(home: Path) -> tuple[int, dict[str, Any]]:
    proc = run_cli(home, "doctor", "--json")
    assert proc.returncode in (0, 1), proc.stderr.decode(errors="replace")[-3000:]
    return proc.returncode, json.loads(proc.stdout)


@pytest.mark.parametrize(("kind", "fix"), CASES, ids=[f"{k}-{f}" for k, f in CASES])
def test_damage_is_named_and_fixed(healthy: Path, tmp_path: Path, kind: str, fix: str):
    home = tmp_path / "home"
    shutil.copytree(healthy, home)
    how, words, check = DAMAGE[kind]
    how(home)
    before = _db(home).read_bytes()

    line = damaged_error(run_cli(home, "ask", QUESTION))
    assert words in line, line
    if kind == "catalog emptied":  # Chroma is opened to count its chunks: they stay
        assert chroma_counts(home)[0] == N
    else:
        assert _db(home).read_bytes() == before  # nothing made anew or re-embedded unasked

    code, report = doctor(home)
    assert code == 1 and report["ok"] is False, report
    failed = {c["name"]: c for c in report["checks"] if not c["ok"]}
    assert check in failed and all(c["command"] for c in failed.values()), failed
    assert failed[check]["command"] == NAMED_FIX.get(kind, "newsdesk repair"), failed
    text = run_cli(home, "doctor")
    assert text.returncode == 1 and b"FAIL" in text.stdout and b"newsdesk " in text.stdout

    _ok(run_cli(home, *(["repair"] if fix == "repair" else ["reset", "--yes"])))
    if kind == "catalog garbled":  # kept aside for an attempt at recovery
        assert (home / "catalog.db.damaged").is_file()
    code, report = doctor(home)
    assert code == 0 and report["ok"] is True, report
    stats = json.loads(_ok(run_cli(home, "stats", "--json")))
    want = N if fix == "repair" else 0
    assert (stats["articles"], stats["pending"]) == (want, 0), stats
    assert stats["chunks"] == stats["bm25_chunks"] and (stats["chunks"] > 0) == (want > 0)
    if want:
        assert "Zorvex001" in _ok(run_cli(home, "ask", QUESTION))


@pytest.mark.slow
def test_truncated_vector_index_files(tmp_path: Path):
    """Chroma writes its HNSW files once a collection holds ~1,000 vectors: 1,200 chunks."""
    write_corpus(tmp_path / "articles", 300, sentences=40, prefix="Qarn")
    home = tmp_path / "home"
    _ok(run_cli(home, "ingest", str(tmp_path / "articles")))
    files = list((home / "chroma").glob("*/data_level0.bin"))
    assert files, "no HNSW files written"
    for f in (home / "chroma").glob("*/*.bin"):
        f.write_bytes(f.read_bytes()[:f.stat().st_size // 2])

    line = damaged_error(run_cli(home, "ask", "Who discussed the Qarn150 project?"))
    assert "vector index" in line and "newsdesk reindex" in line, line
    code, report = doctor(home)
    assert code == 1 and "reindex" in report["fixes"], report
    index = next(c for c in report["checks"] if c["name"] == "vector index")
    assert not index["ok"] and index["command"] == "newsdesk reindex", index

    _ok(run_cli(home, "reset", "--yes"))
    code, report = doctor(home)
    assert code == 0, report
