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
    100k-chunk store); the revision alone is read (one catalog query: the journal since the
    last one seen), and the BM25 index counts the chunks."""
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
    assert calls.count("count_chunks") == 0 and calls.count("info") == 0
    assert calls.count("revision") == 1


def test_open_builds_one_embedder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``open`` used to build an ``Embedder`` three times; now once (plus ``matching``, which
    returns the same one when the store's vectors agree)."""
    from vectorstore.embedding import Embedder

    built: list[object] = []
    real = Embedder.from_settings.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Embedder], *a: object, **kw: object) -> Embedder:
        e = real(cls, *a, **kw)
        built.append(e)
        return e

    monkeypatch.setattr(Embedder, "from_settings", classmethod(counting))
    desk = NewsDesk.open(home=tmp_path / "home")
    assert len(built) == 1 and desk.embedder is built[0]


def test_the_desk_uses_the_parts_it_is_given(tmp_path: Path) -> None:
    """Typed parts: an answerer and a searcher passed in are the ones each question uses."""
    from collections.abc import Iterator, Sequence
    from datetime import date

    from qa.types import Draft
    from vectorstore.types import Filters, Passage

    class OnePassage:
        def __init__(self) -> None:
            self.queries: list[str] = []

        def run(self, query: str, k: int = 5, filters: Filters | None = None,
                recency: float = 0.0, timings: dict[str, float] | None = None) -> list[Passage]:
            self.queries.append(query)
            return [Passage(text="Ada Lovelace wrote the first program.", article_id="a1")]

    class Echo:
        def run(self, question: str, passages: Sequence[Passage], *,
                as_of: date | None = None) -> Draft:
            return Draft(text=f"{len(passages)} passage(s) for {question}")

        def stream(self, question: str, passages: Sequence[Passage], *,
                   as_of: date | None = None) -> Iterator[str | Draft]:
            yield self.run(question, passages, as_of=as_of)

    first = NewsDesk.open(home=tmp_path / "home")
    first.ingest([SEED])  # a non-empty store, so the question reaches the parts
    search = OnePassage()
    desk = NewsDesk(first.settings, first.store, first.embedder, answerer=Echo(), searcher=search)
    answer = desk.ask("Who wrote the first program?")
    assert answer.text == "1 passage(s) for Who wrote the first program?"
    assert search.queries == ["Who wrote the first program?"]
    assert [p.article_id for p in answer.passages] == ["a1"]


def test_a_query_searched_twice_is_embedded_once(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty "this week" falls back to all dates: two searches, one query vector; a
    replaced embedder (or another query) is embedded afresh."""
    desk = NewsDesk.open(home=tmp_path / "home")
    calls: list[str] = []
    real = desk.embedder.embed_query

    def counting(text: str) -> object:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(desk.embedder, "embed_query", counting)
    first = desk._embed_query("Who won this week?")
    assert desk._embed_query("Who won this week?") is first and calls == ["Who won this week?"]
    desk._embed_query("Who lost?")
    assert calls == ["Who won this week?", "Who lost?"]
    desk.ingest([SEED])
    desk.ask("What happened this week?", today="2030-01-01")  # empty week, then all dates
    assert calls.count("What happened this week?") == 1


def test_threads_asking_for_the_answerer_at_once_share_one(seed_desk: NewsDesk,
                                                           monkeypatch: pytest.MonkeyPatch):
    """The warm-up thread and the LLM check ask for the answerer at the same moment: one is
    built (a second one would miss what the check told the first, e.g. to rest)."""
    import threading
    import time

    from qa.answerers.extractive import ExtractiveAnswerer

    built: list[object] = []
    real_init = ExtractiveAnswerer.__init__

    def slow_init(self: ExtractiveAnswerer, *args: object, **kwargs: object) -> None:
        time.sleep(0.2)  # building takes a while (imports, weights)
        built.append(self)
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ExtractiveAnswerer, "__init__", slow_init)
    monkeypatch.setattr(seed_desk, "_answerer", None)
    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(seed_desk.answerer)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(built) == 1 and all(a is built[0] for a in got) and len(got) == 4
