"""The NewsDesk facade: empty stores, stores changed by another desk, and the reads per question."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa import NewsDesk
from qa.desk import EMPTY_STORE

SEED = Path(__file__).resolve().parents[2] / "corpus" / "articles" / "000_0777dc97777bf6e9.txt"
QUESTION = "Who attended the 2+2 talks?"


def test_empty_store_then_another_desk_ingests_then_deletes(tmp_path: Path) -> None:
    """Each question sees the store as it is now, even when another desk wrote to it."""
    reader = NewsDesk.open(home=tmp_path / "home")
    writer = NewsDesk.open(home=tmp_path / "home")
    first = reader.ask(QUESTION)
    assert first.abstained and first.text == EMPTY_STORE
    writer.ingest([SEED])
    answered = reader.ask(QUESTION)
    assert not answered.abstained and "Lavrov" in answered.text and answered.citations
    writer.delete(writer.articles()[0].id)
    again = reader.ask(QUESTION)
    assert again.abstained and again.text == EMPTY_STORE


def test_one_store_read_per_question(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Counting the chunks and reading the revision were two reads per question (~15 ms on a
    100k-chunk store); the revision alone is read, and the BM25 index counts the chunks."""
    desk = NewsDesk.open(home=tmp_path / "home")
    desk.ingest([SEED])
    desk.ask(QUESTION)  # warm: model, BM25 index
    calls: list[str] = []
    for name in ("count_chunks", "info", "revision"):
        real = getattr(desk.store, name)

        def spy(*a: object, _real: object = real, _name: str = name) -> object:
            calls.append(_name)
            return _real(*a)  # type: ignore[operator]
        monkeypatch.setattr(desk.store, name, spy)
    answer = desk.ask(QUESTION)
    assert not answer.abstained
    assert calls.count("count_chunks") == 0 and calls.count("info") == 1
