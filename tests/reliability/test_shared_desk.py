"""Several processes share one desk. Each follows the others' writes through the catalog's
journal: its BM25 index and SimHash list take just the articles that changed (no full
rebuild), and an embedded store's client is reopened so that dense search sees the new
vectors. Writers store each article once, whoever gets there first.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import (
    ROOT,
    cli_cmd,
    cli_env,
    lexical_hits,
    run_cli,
    store_problems,
    write_corpus,
)

from qa import NewsDesk
from vectorstore.config import Settings

WRITER = textwrap.dedent("""
    import json, sys
    from qa import NewsDesk
    report = NewsDesk.open().ingest(sys.argv[1:])
    print(json.dumps(report.to_dict()))
""")


def _dense_ids(desk: NewsDesk, text: str) -> set[str]:
    """The articles of the 3 chunks nearest to ``text`` in the vector store (dense only)."""
    desk.search()  # follows the journal, as each question does
    return {p.article_id for p in desk.store.search(desk.embedder.embed_query(text), 3)}


def test_an_embedded_desk_follows_another_processes_ingest(tmp_path: Path):
    home = tmp_path / "home"
    first = write_corpus(tmp_path / "one" / "articles", 4, prefix="Quorbex")
    done = run_cli(home, "ingest", str(tmp_path / "one" / "articles"))
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    reader = NewsDesk.open(home=home)
    name, marker = next(iter(first.items()))
    assert f"file:articles/{name}" in _dense_ids(reader, f"The {marker} project")
    assert reader.stats()["full_rebuilds"] == 0

    more = write_corpus(tmp_path / "two" / "wire", 3, seed=9, prefix="Plindor")
    done = run_cli(home, "ingest", str(tmp_path / "two" / "wire"))
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    reopens = reader.store.reopens
    for name, marker in more.items():
        assert f"file:wire/{name}" in _dense_ids(reader, f"The {marker} project"), marker
        assert lexical_hits(reader, marker) == {f"file:wire/{name}"}, marker
    assert reader.store.reopens == reopens + 1  # once, for the other process's write
    stats = reader.stats()
    assert stats["chunks"] == stats["bm25_chunks"] and stats["articles"] == 7
    assert stats["full_rebuilds"] == 0 and stats["journal_seq"] == reader.store.catalog.journal_head()
    assert reader.store.view.full_reads <= 1
    assert store_problems(reader) == []


def _start(home: Path, env: dict[str, str], args: list[str], cli: bool) -> subprocess.Popen[bytes]:
    cmd = cli_cmd(home, "ingest", "--json", *args) if cli else [sys.executable, "-c", WRITER, *args]
    return subprocess.Popen(cmd, cwd=ROOT, env=cli_env(home, **env), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def _corpora(base: Path) -> tuple[Path, Path, int]:
    """Folder X (16 articles) and folder Y (8 others and 4 exact copies of X's from other
    outlets); returns them and the number of copies."""
    x, y = base / "x" / "articles", base / "y" / "news"
    write_corpus(x, 16, prefix="Dravik")
    write_corpus(y, 8, seed=5, prefix="Ostrel")
    for i in range(4):
        text = (x / f"a{i:03d}.txt").read_text(encoding="utf-8")
        (y / f"copy{i}.txt").write_text(text.replace(f"Source: Wire {i % 3}", "Source: Other"),
                                        encoding="utf-8")
    return x, y, 4


@pytest.mark.server
@pytest.mark.parametrize("store_settings", ["server+postgresql", "embedded"], indirect=True)
def test_two_processes_and_the_cli_write_at_once(store_settings: Settings, tmp_path: Path):
    """Two processes ingest the same folder while the CLI ingests another (with copies of
    the first's articles), on PostgreSQL and a Chroma server (each process with a home of its
    own, as on other machines), and on the embedded store and SQLite (one home, one writer at
    a time); a reader follows throughout."""
    x, y, n_copies = _corpora(tmp_path)
    env = {"NEWSDESK_DATABASE_URL": store_settings.database_url,
           "NEWSDESK_CHROMA_URL": store_settings.chroma_url}
    shared = not store_settings.chroma_url
    reader = NewsDesk.open(settings=store_settings)
    reader.ask("Dravik001 project")
    procs = [_start(Path(store_settings.home) if shared else tmp_path / f"w{i}", env, [str(p)],
                    cli=i == 2) for i, p in enumerate((x, x, y))]
    while any(p.poll() is None for p in procs):
        reader.ask("Dravik001 project")  # follows the journal while they write
        time.sleep(0.1)
    reports: list[dict[str, Any]] = []
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err.decode(errors="replace")[-3000:]
        reports.append(json.loads(out))
    assert all(r["failed"] == 0 for r in reports), [r["issues"] for r in reports]

    stats = reader.stats()
    cat = reader.store.catalog
    rows = cat.articles()
    assert (stats["articles"], stats["duplicates"]) == (24, n_copies)
    assert len({r.content_hash for r in rows}) == len(rows) == 24  # no text stored twice
    assert stats["pending"] == 0 and all(r.indexed for r in rows)
    assert sum(r.n_chunks for r in rows) == stats["chunks"] == stats["bm25_chunks"]
    assert stats["full_rebuilds"] == 0, "a process fell back to a full BM25 rebuild"
    journal = cat.journal_since(0)
    assert [e.seq for e in journal] == sorted({e.seq for e in journal})
    added = {e.article_id for e in journal if e.kind == "added"}
    assert {r.id for r in rows} <= added  # every stored article's write is in the journal
    # the CLI and at least one of the two processes given the same folder wrote (the other
    # may find every article already stored: a duplicate is no write)
    assert len({e.pid for e in journal}) >= 2
    assert store_problems(reader) == []
    for marker in ("Dravik003", "Ostrel005"):
        assert len(lexical_hits(reader, marker)) == 1, marker
