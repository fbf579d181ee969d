"""Interrupted ingest loses nothing: after a kill part-way through, running the same ingest
again completes it, with no duplicate chunks, no missing articles, and the Chroma chunks, the
BM25 index and the article records in agreement.

Two ways in:

* a real ``SIGKILL`` of ``newsdesk ingest`` in a subprocess, once the catalog holds rows
  whose vectors are not written, or once the store shows chunks;
* a crash at *every* write the ingest makes (each catalog transaction, each Chroma
  add/upsert/update/delete), raised from a profile hook right after that write returns, so
  that each window between two writes is hit deterministically. The code under test runs
  unchanged; only the process "dies". The next open finishes what was left pending.
"""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from reliability_helpers import (
    ROOT,
    article_text,
    chroma_counts,
    cli_cmd,
    cli_env,
    lexical_hits,
    run_cli,
    store_problems,
    write_corpus,
)

from qa import NewsDesk

N_ARTICLES = 40


def catalog_counts(home: Path) -> tuple[int, int]:
    """``(articles indexed, articles pending)`` read straight from the catalog's SQLite file
    (read-only, from outside: no desk opened, so nothing is recovered yet)."""
    db = home / "catalog.db"
    if not db.exists():
        return 0, 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.5)
        try:
            rows = dict(con.execute("SELECT indexed, COUNT(*) FROM articles GROUP BY indexed"))
        finally:
            con.close()
    except sqlite3.Error:
        return 0, 0
    return int(rows.get(1, 0)), int(rows.get(0, 0))


def _kill_when(proc: subprocess.Popen[bytes], ready: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 600
    while proc.poll() is None and time.monotonic() < deadline:
        if ready():
            proc.send_signal(signal.SIGKILL)
            return
        time.sleep(0.02)


# Kill points: once the catalog holds rows whose vectors are not written (between steps 1
# and 2 of a write), once Chroma holds chunks (during or after step 2).
KILL_AT = {
    "catalog rows written": lambda home: catalog_counts(home)[1] > 0,
    "chunks written": lambda home: chroma_counts(home)[0] > 0,
}


@pytest.mark.parametrize("kill_at", KILL_AT)
def test_sigkill_part_way_then_open_and_rerun_complete_the_ingest(tmp_path: Path, kill_at: str):
    corpus = tmp_path / "articles"
    markers = write_corpus(corpus, N_ARTICLES, sentences=10)
    home = tmp_path / "home"
    proc = subprocess.Popen(cli_cmd(home, "ingest", "--json", str(corpus)), cwd=ROOT,
                            env=cli_env(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _kill_when(proc, lambda: KILL_AT[kill_at](home))
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL, (
        f"the ingest ended by itself (exit {proc.returncode}) before it was killed: "
        f"{err.decode(errors='replace')[-2000:]}")
    indexed_then, pending_then = catalog_counts(home)
    assert indexed_then < N_ARTICLES, "the kill came after every article was stored"

    # The next open finishes the articles left pending (from their texts in the catalog).
    listed = run_cli(home, "list", "--json")
    assert listed.returncode == 0, listed.stderr.decode(errors="replace")[-3000:]
    assert len(json.loads(listed.stdout)) == indexed_then + pending_then
    assert catalog_counts(home) == (indexed_then + pending_then, 0)

    again = run_cli(home, "ingest", "--json", str(corpus))
    assert again.returncode == 0, again.stderr.decode(errors="replace")[-3000:]
    report = json.loads(again.stdout)
    assert report["failed"] == 0 and report["issues"] == []
    assert report["added"] + report["unchanged"] == N_ARTICLES
    assert report["added"] == N_ARTICLES - indexed_then - pending_then

    desk = NewsDesk.open(home=home)
    assert store_problems(desk) == []
    ids = {a.id for a in desk.articles()}
    assert ids == {f"file:articles/{name}" for name in markers}
    for name, marker in markers.items():
        assert lexical_hits(desk, marker) == {f"file:articles/{name}"}, marker
    # A third run changes nothing.
    assert json.loads(run_cli(home, "ingest", "--json", str(corpus)).stdout)["unchanged"] == \
        N_ARTICLES


# --------------------------------------------------------------------------- crash points


class Crash(BaseException):
    """The simulated death of the process (nothing in Newsdesk catches a BaseException)."""


_WRITES = {"add", "upsert", "update", "delete"}
_CATALOG_WRITES = {"put_articles", "mark_indexed", "mark_pending", "add_copy", "remove_copy",
                   "delete_articles", "set_schema", "set_meta"}


def _is_chroma_write(frame: FrameType) -> bool:
    """A Chroma write, or a catalog write (its transaction committed), returning."""
    code = frame.f_code
    path = code.co_filename.replace("\\", "/")
    return (code.co_name in _WRITES and path.endswith("chromadb/api/models/Collection.py")) or (
        code.co_name in _CATALOG_WRITES and path.endswith("vectorstore/catalog/catalog.py"))


def run_with_crash(fn: Callable[[], Any], at: int | None) -> int:
    """Run ``fn``; "crash" right after its ``at``-th Chroma write returns (never if ``None``).

    The hook is on every thread the ingest starts. Returns the number of writes that
    completed; a write after the crash would make the simulation unfaithful, so it fails.
    """
    done = 0
    lock = threading.Lock()

    def hook(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal done
        if event == "return" and _is_chroma_write(frame):
            with lock:
                done += 1
                crash = done == at
            if crash:
                raise Crash(f"crash after write {at}")

    threading.setprofile(hook)
    sys.setprofile(hook)
    try:
        fn()
    except Crash:
        pass
    finally:
        sys.setprofile(None)
        threading.setprofile(None)  # type: ignore[arg-type]
    assert at is None or done == at, f"{done - at} writes went on after the crash"
    return done


def _write(folder: Path, name: str, text: str, source: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(f"Title: {name}\nDate: 2021-03-04\nSource: {source}\n\n{text}\n",
                               encoding="utf-8")


# Version 2 of a folder, against version 1 = alpha and bravo. "trailing copy": the last
# thing written is a copy of an article that is new in the same run; "copy first": a copy of
# a stored article comes first, so that the last thing written is a batch of articles.
SCENARIOS = {
    "trailing copy": {"alpha.txt": "Alpha", "bravo.txt": "Bravo+Delta", "charlie.txt": "Charlie",
                      "echo.txt": "=Charlie"},
    "copy first": {"aardvark.txt": "=Alpha", "alpha.txt": "Alpha", "bravo.txt": "Bravo+Delta",
                   "charlie.txt": "Charlie"},
}


def _scenario(base: Path, files: dict[str, str]) -> tuple[Path, Path]:
    rng = random.Random(11)
    texts = {m: article_text(m, rng, 3) for m in ("Alpha", "Bravo", "Charlie", "Delta")}
    v1, v2 = base / "v1" / "articles", base / "v2" / "articles"
    _write(v1, "alpha.txt", texts["Alpha"], "Wire alpha.txt")
    _write(v1, "bravo.txt", texts["Bravo"], "Wire bravo.txt")
    for name, spec in files.items():
        text = " ".join(texts[m] for m in spec.lstrip("=").split("+"))
        _write(v2, name, text, f"Wire {name}")
    return v1, v2


def _check_v2(desk: NewsDesk, files: dict[str, str]) -> None:
    assert store_problems(desk) == []
    arts = {a.id: a for a in desk.articles()}
    originals = {n: spec for n, spec in files.items() if not spec.startswith("=")}
    assert set(arts) == {f"file:articles/{n}" for n in originals}
    for name, spec in originals.items():
        aid = f"file:articles/{name}"
        for marker in spec.split("+"):
            assert marker in desk.store.article_text(aid)  # the latest version
            assert lexical_hits(desk, marker) == {aid}, marker
        copies = {n for n, s in files.items() if s == "=" + spec}
        assert set(arts[aid].sources) == {f"Wire {n}" for n in {name, *copies}}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_crash_after_any_write_is_repaired_by_running_the_ingest_again(
        tmp_path: Path, scenario: str):
    files = SCENARIOS[scenario]
    v1, v2 = _scenario(tmp_path / "count", files)
    desk = NewsDesk.open(home=tmp_path / "count" / "home")
    desk.ingest([v1])
    writes = run_with_crash(lambda: desk.ingest([v2]), None)
    _check_v2(desk, files)
    assert writes >= 6, f"only {writes} writes seen: is the hook still on Collection and Catalog?"
    failures = []
    for at in range(1, writes + 1):
        v1, v2 = _scenario(tmp_path / f"at{at}", files)
        home = tmp_path / f"at{at}" / "home"
        NewsDesk.open(home=home).ingest([v1])
        crashed = NewsDesk.open(home=home)
        run_with_crash(lambda d=crashed, v=v2: d.ingest([v]), at)  # type: ignore[misc]
        desk = NewsDesk.open(home=home)  # the "restart": a new desk on the same store
        report = desk.ingest([v2])
        assert report.failed == 0
        try:
            _check_v2(desk, files)
        except AssertionError as e:
            failures.append(f"crash after write {at} of {writes}: {e}")
    assert not failures, "\n".join(failures)
