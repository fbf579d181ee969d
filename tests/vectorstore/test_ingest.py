"""Ingest (vectorstore.ingest) on the real model and an embedded Chroma store: what a run
reports, what it stores, and that bad files and copies never stop a batch."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from store_helpers import OTHER, PARAS, make, write

from vectorstore.config import Settings
from vectorstore.ingest import Ingestor

CLUB = ("The football club of Harwick sacked its manager on Monday after a run of seven "
        "defeats in the league. The chairman said a successor would be named within a week.")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """An empty embedded store of its own."""
    return Settings.from_env({"NEWSDESK_HOME": str(tmp_path / "home")})


def test_a_run_counts_what_it_did_and_a_second_run_changes_nothing(
        settings, embedder, chunker, tmp_path):
    store, ing = make(settings, embedder, chunker)
    d = tmp_path / "docs"
    write(d / "bridge.txt", "\n\n".join(PARAS))
    write(d / "storm.txt", OTHER)
    write(d / "club.txt", CLUB)
    write(d / "copy.txt", "\n\n".join(p.upper() for p in PARAS))  # the same words
    (d / "scan.docx").write_bytes(b"PK\x03\x04")  # an unsupported type: skipped
    first = ing.run([d])
    assert (first.added, first.updated, first.unchanged, first.duplicates) == (3, 0, 0, 1)
    assert (first.failed, first.skipped) == (0, 1), first.issues
    assert first.chunks == store.count_chunks() and first.chunks >= 4
    assert first.embedded + first.reused == first.chunks and first.embedded > 0
    assert first.tokens > 0 and first.changed
    assert sorted(first.article_ids) == ["file:docs/bridge.txt", "file:docs/club.txt",
                                         "file:docs/storm.txt"]
    assert [i.path for i in first.issues] == [str(d / "scan.docx")]
    rev, n = store.revision(), store.count_chunks()

    again = ing.run([d])
    assert (again.added, again.updated, again.unchanged, again.duplicates) == (0, 0, 3, 1)
    assert (again.chunks, again.embedded, again.reused) == (0, 0, 0) and not again.changed
    assert store.revision() == rev and store.count_chunks() == n
    assert len(store.articles()) == 3 and len(store.articles(include_duplicates=True)) == 4


def test_a_near_duplicate_is_recorded_as_a_copy_not_indexed_again(
        settings, embedder, chunker, tmp_path):
    store, ing = make(settings, embedder, chunker)
    d = tmp_path / "docs"
    ing.run([write(d / "bridge.txt", "\n\n".join(PARAS))])
    n = store.count_chunks()
    near = ing.run([write(d / "wire.txt", "DUNMORE (Wire) - " + "\n\n".join(PARAS)
                          + "\n\nEditing by J. Doe.")])
    assert (near.added, near.duplicates, near.chunks, near.embedded) == (0, 1, 0, 0)
    copy = store.get_article("file:docs/wire.txt")
    assert copy is not None and copy.dup_of == "file:docs/bridge.txt" and copy.n_chunks == 0
    canonical = store.get_article("file:docs/bridge.txt")
    assert canonical is not None
    assert [c["id"] for c in canonical.copies] == ["file:docs/wire.txt"]
    assert store.count_chunks() == n
    # another story is not a copy
    other = ing.run([write(d / "storm.txt", OTHER)])
    assert (other.added, other.duplicates) == (1, 0)


def test_a_copy_that_changes_becomes_a_story_of_its_own(settings, embedder, chunker, tmp_path):
    store, ing = make(settings, embedder, chunker)
    d = tmp_path / "docs"
    ing.run([write(d / "bridge.txt", "\n\n".join(PARAS)),
             write(d / "copy.txt", "\n\n".join(PARAS))])
    assert store.get_article("file:docs/copy.txt").dup_of == "file:docs/bridge.txt"
    rep = ing.run([write(d / "copy.txt", CLUB)])
    assert (rep.added, rep.duplicates) == (1, 0)
    rec = store.get_article("file:docs/copy.txt")
    assert rec is not None and rec.dup_of == "" and rec.n_chunks >= 1
    assert store.get_article("file:docs/bridge.txt").copies == ()
    assert store.article_text("file:docs/copy.txt").startswith("The football club")


def test_a_story_rewritten_to_another_ones_text_becomes_its_copy(settings, embedder, chunker,
                                                                 tmp_path):
    """The catalog stores a text once per collection: an article whose new text another
    article already has is recorded as that one's copy (its own chunks go)."""
    store, ing = make(settings, embedder, chunker)
    d = tmp_path / "docs"
    ing.run([write(d / "bridge.txt", "\n\n".join(PARAS)), write(d / "club.txt", CLUB)])
    rep = ing.run([write(d / "club.txt", "\n\n".join(PARAS))])
    assert rep.duplicates == 1 and rep.failed == 0
    rec = store.get_article("file:docs/club.txt")
    assert rec is not None and rec.dup_of == "file:docs/bridge.txt"
    assert store.chunk_ids_of("file:docs/club.txt") == [] and store.pending() == []
    assert [c["id"] for c in store.get_article("file:docs/bridge.txt").copies] == [
        "file:docs/club.txt"]
    assert store.count_chunks() == store.get_article("file:docs/bridge.txt").n_chunks


def test_bad_files_come_back_as_issues_and_the_batch_goes_on(
        settings, embedder, chunker, tmp_path):
    store, ing = make(settings, embedder, chunker)
    d = tmp_path / "docs"
    write(d / "a-bridge.txt", "\n\n".join(PARAS))
    (d / "b-broken.json").write_text('{"title": "Half a record", "text": ', encoding="utf-8")
    (d / "c-binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    (d / "d-empty.md").write_text("  \n\n", encoding="utf-8")
    write(d / "e-storm.txt", OTHER)
    rep = ing.run([d, tmp_path / "missing.txt"])
    assert (rep.added, rep.failed, rep.skipped) == (2, 4, 0)
    bad = {Path(i.path).name: i.reason for i in rep.issues}
    assert set(bad) == {"b-broken.json", "c-binary.txt", "d-empty.md", "missing.txt"}
    assert "invalid JSON" in bad["b-broken.json"] and "binary" in bad["c-binary.txt"]
    assert "empty" in bad["d-empty.md"] and "does not exist" in bad["missing.txt"]
    assert {a.id for a in store.articles()} == {"file:docs/a-bridge.txt", "file:docs/e-storm.txt"}
    assert rep.to_dict()["failed"] == 4 and len(rep.to_dict()["issues"]) == 4


def feed(path: Path, texts: list[str]) -> Path:
    """A JSON Lines feed of one article (one URL) in several versions."""
    path.write_text("\n".join(json.dumps({"url": "https://news.example/a", "title": "Bridge",
                                           "text": t}) for t in texts), encoding="utf-8")
    return path


def test_the_same_article_twice_in_one_run_is_stored_once(settings, embedder, chunker, tmp_path):
    store, ing = make(settings, embedder, chunker)
    rep = ing.run([feed(tmp_path / "feed.jsonl", [OTHER, OTHER])])
    assert (rep.added, rep.updated, rep.unchanged) == (1, 0, 1)
    assert rep.article_ids == ["https://news.example/a"] * 2
    assert [a.id for a in store.articles()] == ["https://news.example/a"]
    assert store.count_chunks() == len(store.chunk_ids_of("https://news.example/a")) >= 1


def test_the_last_version_of_an_article_in_one_run_wins(settings, embedder, chunker, tmp_path):
    store, ing = make(settings, embedder, chunker)
    rep = ing.run([feed(tmp_path / "feed.jsonl", ["\n\n".join(PARAS), OTHER])])
    assert (rep.added, rep.updated) == (1, 1)
    assert store.article_text("https://news.example/a") == OTHER


def test_progress_is_called_once_per_article_with_its_title(
        settings, embedder, chunker, tmp_path):
    _, ing = make(settings, embedder, chunker)
    d = tmp_path / "docs"
    files = [write(d / "bridge.txt", "\n\n".join(PARAS)), write(d / "storm.txt", OTHER),
             write(d / "copy.txt", "\n\n".join(PARAS))]
    calls: list[tuple[int, int, str]] = []
    rep = ing.run(files, progress=lambda done, total, label: calls.append((done, total, label)))
    assert [c[0] for c in calls] == [1, 2, 3] and {c[1] for c in calls} == {3}
    bridge, storm = PARAS[0].split(". ")[0] + ".", OTHER.split(". ")[0] + "."  # the titles
    assert sorted(c[2] for c in calls) == [storm, bridge, bridge]
    assert (rep.added, rep.duplicates) == (2, 1)
    assert set(ing.timings) == {"encode_s", "wait_for_planner_s", "wait_for_writer_s"}


class _BrokenEncoder:
    """An embedder whose encoder fails, as a model that cannot load would."""

    def embed(self, texts: Any, token_ids: Any = None) -> Any:
        raise RuntimeError("encoder failed")


def test_an_encoder_failure_stops_the_run_and_writes_nothing(
        settings, embedder, chunker, tmp_path):
    store, _ = make(settings, embedder, chunker)
    ing = Ingestor(store, _BrokenEncoder(), chunker)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="encoder failed"):
        ing.run([write(tmp_path / "docs" / "bridge.txt", "\n\n".join(PARAS))])
    assert store.count_chunks() == 0 and store.articles() == []
