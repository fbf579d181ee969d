"""A full disk says so: on a small tmpfs (root only; skipped elsewhere), ingest stops with
"disk full" and how many of its articles were stored (as many as the catalog holds indexed),
leaves no temporary files, and reads say "disk full" too, never the Chroma-server hint;
`doctor` names the disk; once space is freed, ingesting again finishes the job. A full disk
while only the BM25 index is saved is no error and leaves no ``*.tmp`` folder.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from reliability_helpers import one_line_error, run_cli, write_corpus

from qa import NewsDesk
from vectorstore.lexical import LexicalIndex

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")


def _mount(where: Path, size: str) -> None:
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                   check=True, capture_output=True)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB tmpfs (unmounted afterwards); skipped where mount is not allowed."""
    where = tmp_path / "disk"
    where.mkdir()
    try:
        _mount(where, "3m")
    except (subprocess.CalledProcessError, FileNotFoundError) as e:
        pytest.skip(f"cannot mount a tmpfs here: {e}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False, capture_output=True)


def _fill(disk: Path) -> None:
    """Write zeros until the disk is full."""
    with contextlib.suppress(OSError), (disk / "filler").open("wb") as f:
        while True:
            f.write(b"\0" * 65536)
            f.flush()


def _temporary_files(home: Path) -> list[Path]:
    return [p for p in home.rglob("*") if p.name.endswith((".tmp", ".old"))]


def _no_server_hint(line: str) -> None:
    for words in ("chroma run", "NEWSDESK_CHROMA_URL", "server"):
        assert words not in line, line


def _indexed(home: Path) -> int:
    con = sqlite3.connect(f"file:{home / 'catalog.db'}?mode=ro", uri=True)
    try:
        return int(con.execute("SELECT COUNT(*) FROM articles WHERE indexed").fetchone()[0])
    finally:
        con.close()


def test_ingest_onto_a_full_disk(small_disk: Path, tmp_path: Path):
    write_corpus(tmp_path / "articles", 300, sentences=14)
    home = small_disk / "home"
    line = one_line_error(run_cli(home, "--create", "ingest", str(tmp_path / "articles")))
    assert "disk full" in line, line
    _no_server_hint(line)
    stored = re.search(r"(\d+) articles of this ingest were stored", line)
    assert stored, line
    assert int(stored.group(1)) == _indexed(home) < 300, line
    assert _temporary_files(home) == []

    for read in (("stats",), ("ask", "What was said about the Zorvex001 project?")):
        line = one_line_error(run_cli(home, *read))
        assert "disk full" in line, (read, line)
        _no_server_hint(line)
    doctor = run_cli(home, "doctor")
    assert doctor.returncode == 1 and b"FAIL  disk space" in doctor.stdout, doctor.stdout

    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    done = run_cli(home, "ingest", str(tmp_path / "articles"))
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    assert run_cli(home, "doctor").returncode == 0
    assert _indexed(home) == 300 and _temporary_files(home) == []


def test_saving_the_bm25_index_onto_a_full_disk(small_disk: Path, tmp_path: Path):
    articles = tmp_path / "articles"
    write_corpus(articles, 4)
    desk = NewsDesk.open(home=tmp_path / "home")
    desk.ingest([articles])
    lex = LexicalIndex(small_disk / "bm25" / "index")
    _fill(small_disk)
    lex.build(desk.store.iter_chunks(), revision=1)  # no error: the index works from memory
    assert len(lex) == desk.store.count_chunks() > 0
    assert lex.search("Zorvex002", 1)
    assert _temporary_files(small_disk) == [] and not lex.folder.exists()
