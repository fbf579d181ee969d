"""The catalog holds every article's text, so a lost or damaged vector store is rebuilt from
it (``newsdesk repair``), and a desk moves between machines as JSONL (``newsdesk export`` /
``newsdesk import``: articles and their metadata, no vectors)."""

from __future__ import annotations

import json
import random
from pathlib import Path

from reliability_helpers import article_text, lexical_hits, run_cli, store_problems, write_corpus

from qa import NewsDesk
from tests.fakes.news_server import make_pdf

N = 6
PDF_ID = "file:docs/report.pdf"


def _ok(proc) -> str:  # type: ignore[no-untyped-def]
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-3000:]
    return str(proc.stdout.decode())


def _stats(home: Path) -> dict[str, object]:
    return dict(json.loads(_ok(run_cli(home, "stats", "--json"))))


def test_repair_rebuilds_a_damaged_store_from_the_catalog(tmp_path: Path):
    home = tmp_path / "home"
    markers = write_corpus(tmp_path / "articles", N, prefix="Velmar")
    _ok(run_cli(home, "ingest", str(tmp_path / "articles")))
    before = _stats(home)
    assert before["articles"] == N and before["chunks"] == before["bm25_chunks"]
    assert before["journal_seq"] == 2 * N and before["full_rebuilds"] == 0  # added, indexed
    (home / "chroma" / "chroma.sqlite3").write_bytes(b"")  # the store is gone, texts are not
    out = _ok(run_cli(home, "repair"))
    assert "rebuilt the vector store" in out
    after = _stats(home)
    for key in ("articles", "chunks", "bm25_chunks", "sources", "earliest", "latest"):
        assert after[key] == before[key], key
    assert after["pending"] == 0
    desk = NewsDesk.open(home=home)
    assert store_problems(desk) == []
    for name, marker in markers.items():
        assert lexical_hits(desk, marker) == {f"file:articles/{name}"}, marker


def test_export_then_import_moves_a_desk(tmp_path: Path):
    src, dst = tmp_path / "src", tmp_path / "dst"
    markers = write_corpus(tmp_path / "articles", N, prefix="Tesk")
    _ok(run_cli(src, "ingest", str(tmp_path / "articles")))
    dump = tmp_path / "desk.jsonl"
    assert f"exported {N} articles" in _ok(run_cli(src, "export", str(dump)))
    lines = [json.loads(ln) for ln in dump.read_text(encoding="utf-8").splitlines() if ln]
    texts = [ln for ln in lines if ln.get("text")]
    assert len(texts) == N and all("vector" not in json.dumps(ln) for ln in lines)

    report = json.loads(_ok(run_cli(dst, "import", "--json", str(dump))))
    assert report["failed"] == 0 and report["updated"] + report["added"] == N
    a, b = _stats(src), _stats(dst)
    for key in ("articles", "chunks", "bm25_chunks", "sources", "earliest", "latest"):
        assert a[key] == b[key], key
    desk = NewsDesk.open(home=dst)
    assert store_problems(desk) == []
    src_desk = NewsDesk.open(home=src)
    for aid in (r.id for r in desk.articles()):
        assert desk.store.article_text(aid) == src_desk.store.article_text(aid)
    for name, marker in markers.items():
        assert lexical_hits(desk, marker) == {f"file:articles/{name}"}, marker
    # importing again changes nothing
    again = json.loads(_ok(run_cli(dst, "import", "--json", str(dump))))
    assert again["added"] + again["updated"] == 0 and _stats(dst)["chunks"] == a["chunks"]


def _write_pdf(folder: Path) -> None:
    """A three-page PDF, each page a few chunks long (one sentence a line)."""
    rng = random.Random(3)
    pages = ["\n".join(article_text(f"Pagine{n}", rng, 24).split(". ")) for n in (1, 2, 3)]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.pdf").write_bytes(make_pdf(pages))


def _pages(home: Path) -> list[tuple[int, int | None]]:
    """``(chunk start, page)`` of each stored chunk of the PDF, in order."""
    desk = NewsDesk.open(home=home)
    got = desk.store.get_passages(desk.store.chunk_ids_of(PDF_ID))
    return sorted((p.start, p.page) for p in got)


def test_a_pdf_keeps_its_page_numbers_through_repair_and_export(tmp_path: Path):
    src, dst = tmp_path / "src", tmp_path / "dst"
    _write_pdf(tmp_path / "docs")
    _ok(run_cli(src, "ingest", str(tmp_path / "docs")))
    ingested = _pages(src)
    assert {p for _, p in ingested} == {1, 2, 3}, ingested  # a chunk starts on every page
    (src / "chroma" / "chroma.sqlite3").write_bytes(b"")
    _ok(run_cli(src, "repair"))
    assert _pages(src) == ingested
    dump = tmp_path / "desk.jsonl"
    _ok(run_cli(src, "export", str(dump)))
    _ok(run_cli(dst, "import", "--json", str(dump)))
    assert _pages(dst) == ingested
