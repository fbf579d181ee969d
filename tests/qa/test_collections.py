"""Collections: named archives in one store (real model, real Chroma embedded and on a
`chroma run` server, the catalog on SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from qa import NewsDesk
from qa import collection_ops as ops
from qa.desk import EMPTY_STORE
from tests.vectorstore.store_helpers import OTHER, PARAS, write
from vectorstore.collection_names import check_collection_name, chunks_collection
from vectorstore.config import Settings
from vectorstore.errors import ConfigError, NotFound
from vectorstore.lexical import index_folder

BRIDGE_Q = "How much will the bridge cost?"
STORM_Q = "How many homes lost power in Pellow?"


def _corpus(root: Path) -> tuple[Path, Path]:
    """A folder of the three bridge articles and a folder of the storm article."""
    for i, text in enumerate(PARAS):
        write(root / "bridge" / f"bridge{i}.txt", text)
    write(root / "storm" / "storm.txt", OTHER)
    return root / "bridge", root / "storm"


def _names() -> tuple[str, str]:
    """Two fresh collection names (a `chroma run` server is shared by the tests)."""
    tag = uuid.uuid4().hex[:8]
    return f"bridges-{tag}", f"storms_{tag}"


def _shape(desk: NewsDesk, question: str) -> tuple[str, tuple[str, ...]]:
    answer = desk.ask(question)
    return answer.text, tuple(c.passage.article_id for c in answer.citations)


@pytest.fixture
def two(store_settings: Settings, tmp_path: Path) -> tuple[NewsDesk, NewsDesk]:
    """Desks on two collections of one store: bridge articles, and the storm article."""
    bridge_dir, storm_dir = _corpus(tmp_path / "corpus")
    a, b = _names()
    bridges = NewsDesk.open(settings=store_settings, collection=a)
    bridges.ingest([bridge_dir])
    storms = NewsDesk.open(settings=store_settings, collection=b)
    storms.ingest([storm_dir])
    return bridges, storms


def test_an_ingest_into_one_collection_never_changes_anothers_answers(
        store_settings: Settings, tmp_path: Path) -> None:
    bridge_dir, storm_dir = _corpus(tmp_path / "corpus")
    a, b = _names()
    bridges = NewsDesk.open(settings=store_settings, collection=a)
    bridges.ingest([bridge_dir])
    before = {q: _shape(bridges, q) for q in (BRIDGE_Q, STORM_Q)}
    storms = NewsDesk.open(settings=store_settings, collection=b)
    report = storms.ingest([storm_dir])
    assert report.added == 1
    assert {q: _shape(bridges, q) for q in (BRIDGE_Q, STORM_Q)} == before
    assert "14 million" in before[BRIDGE_Q][0]
    storm_text, storm_cited = _shape(storms, STORM_Q)
    assert "30,000" in storm_text and storm_cited
    assert all("storm" in c for c in storm_cited)
    assert all("bridge" not in c for c in _shape(storms, BRIDGE_Q)[1])
    assert NewsDesk.open(settings=store_settings).ask(STORM_Q).text == EMPTY_STORE
    counts = {c.name: c.articles for c in bridges.collections()}
    assert counts[a] == 3 and counts[b] == 1 and counts["default"] == 0


def test_deleting_a_collection_removes_its_vectors_rows_and_index_and_nothing_else(
        two: tuple[NewsDesk, NewsDesk]) -> None:
    bridges, storms = two
    storm_before = _shape(storms, STORM_Q)
    _shape(bridges, BRIDGE_Q)  # builds and saves both BM25 indexes
    gone, kept = bridges.store.collection, storms.store.collection
    s = bridges.settings
    folders = {n: index_folder(s.home, bridges.store.location, n) for n in (gone, kept)}
    assert all(f.exists() for f in folders.values())
    assert ops.delete(storms, gone) == 3
    assert not folders[gone].exists() and folders[kept].exists()
    assert not storms.store.connection.has(chunks_collection(gone))
    assert storms.store.connection.has(chunks_collection(kept))
    assert gone not in storms.store.collections()
    assert storms.store.catalog.articles(gone) == []
    assert storms.store.count_chunks() == 1 and len(storms.articles()) == 1
    assert _shape(storms, STORM_Q) == storm_before
    with pytest.raises(NotFound, match=kept):
        storms.ask(BRIDGE_Q, collections=[gone])


def test_rename_keeps_the_articles_and_their_vectors(two: tuple[NewsDesk, NewsDesk]) -> None:
    bridges, storms = two
    old = bridges.store.collection
    ids = sorted(a.id for a in bridges.articles())
    new = f"renamed-{uuid.uuid4().hex[:6]}"
    assert ops.rename(storms, old, new) == 3
    moved = NewsDesk.open(settings=bridges.settings, collection=new)
    assert sorted(a.id for a in moved.articles()) == ids
    assert moved.store.count_chunks() == 3
    assert "14 million" in moved.ask(BRIDGE_Q).text
    with pytest.raises(NotFound, match=new):
        storms.ask(BRIDGE_Q, collections=[old])


def test_asking_across_two_collections_fuses_their_results(
        two: tuple[NewsDesk, NewsDesk]) -> None:
    bridges, storms = two
    both = [bridges.store.collection, storms.store.collection]
    storm = bridges.ask(STORM_Q, collections=both)
    bridge = storms.ask(BRIDGE_Q, collections=both)
    assert "30,000" in storm.text and storm.citations
    assert all("storm" in c.passage.article_id for c in storm.citations)
    assert "14 million" in bridge.text
    assert any("bridge" in p.article_id for p in storm.passages)
    assert any("storm" in p.article_id for p in bridge.passages)  # both were searched


def test_asking_a_collection_that_does_not_exist_names_the_existing_ones(
        store_settings: Settings) -> None:
    desk = NewsDesk.open(settings=store_settings, collection="never-made")
    with pytest.raises(NotFound, match="default"):
        desk.ask(STORM_Q)
    assert "never-made" not in desk.store.collections()


@pytest.mark.parametrize("name", ["Sport", "a b", "x" * 49, "", "naïve", "a/b"])
def test_collection_names_follow_the_rule(name: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="lowercase letters, digits"):
        Settings.from_env({"NEWSDESK_HOME": str(tmp_path), "NEWSDESK_COLLECTION": name}) \
            if name else Settings().with_(collection=" ")
    with pytest.raises(ConfigError, match="lowercase letters, digits"):
        check_collection_name(name)


def test_good_names_are_taken(tmp_path: Path) -> None:
    for name in ("default", "a", "sport-2024", "x_" * 24):
        assert Settings().with_(collection=name).collection == name


def test_repairing_one_collection_leaves_the_others_vectors(
        two: tuple[NewsDesk, NewsDesk]) -> None:
    bridges, storms = two
    storm_before = _shape(storms, STORM_Q)
    report = bridges.repair()
    assert report.failed == 0 and bridges.store.count_chunks() == 3
    assert bridges.store.pending() == [] and "14 million" in bridges.ask(BRIDGE_Q).text
    assert storms.store.count_chunks() == 1 and storms.store.pending() == []
    assert _shape(storms, STORM_Q) == storm_before
