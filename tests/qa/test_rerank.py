"""Reranking the fused candidates: features, the order, the pool size, filters, the desk's passages."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import numpy as np
import pytest

from qa.rerank import (
    POOL,
    STORY_CAP,
    WEIGHTS,
    PassageReranker,
    _fresh,
    features,
)
from qa.retrieval import Candidate, HybridSearch
from vectorstore.types import Filters, Passage


def _p(cid: str, article: str, text: str = "", title: str = "", score: float = 0.0,
       published: date | None = None) -> Passage:
    return Passage(text=text or f"text of {cid}", article_id=article, title=title or article,
                   url="", source="", published=published, score=score, start=0, end=10,
                   chunk_id=cid)


def _cands(*ps: Passage) -> list[Candidate]:
    return [Candidate(p, 1.0 / (60 + i + 1), i) for i, p in enumerate(ps)]


def test_fresh_halves_with_distance_from_the_as_of_day():
    day = date(2022, 7, 14)
    assert _fresh(day, day) == 1.0
    assert _fresh(date(2022, 7, 7), day) == pytest.approx(0.5)
    assert _fresh(None, day) == 0.0 and _fresh(day, None) == 0.0


def test_features_read_title_names_story_and_date():
    q = "Which island nation did Gotabaya Rajapaksa flee this week?"
    a1 = _p("a1", "A", "Gotabaya Rajapaksa fled Sri Lanka on Wednesday.",
            title="Sri Lanka's president flees the island nation", published=date(2022, 7, 13))
    a2 = _p("a2", "A", "Protesters stormed his residence.", title=a1.title,
            published=date(2022, 7, 13))
    b1 = _p("b1", "B", "Five things to know today: weather, sport, markets.",
            title="Five things to know", published=date(2022, 6, 1))
    f = features(q, _cands(b1, a1, a2), Filters(until=date(2022, 7, 14)))
    assert [round(x["fused"], 2) for x in f] == [1.0, 0.5, 0.33]
    assert f[1]["title"] > f[0]["title"] == 0.0
    assert f[1]["names"] == 1.0 and f[2]["names"] == 0.0 == f[0]["names"]
    assert f[1]["story"] == f[2]["story"] == 2 / STORY_CAP and f[0]["story"] == 1 / STORY_CAP
    assert f[1]["fresh"] > f[0]["fresh"] > 0.0
    # no as-of date: no date preference at all
    assert all(x["fresh"] == 0.0 for x in features(q, _cands(b1, a1), Filters()))


_UNTIL = Filters(until=date(2022, 7, 14))


def test_equal_features_keep_the_fused_order():
    ps = [_p(f"c{i}", "A") for i in range(4)]
    cands = _cands(*ps)
    flat = PassageReranker({k: 0.0 for k in WEIGHTS})
    assert [c.passage.chunk_id for c in flat("q?", cands, _UNTIL)] == ["c0", "c1", "c2", "c3"]
    assert PassageReranker()("q?", [], Filters()) == []


def test_a_strong_feature_reorders_and_a_zero_weight_does_not():
    plain = _p("plain", "A", score=0.2)
    close = _p("close", "B", score=0.8)
    cands = _cands(plain, close)
    assert [c.passage.chunk_id for c in PassageReranker()("q?", cands, _UNTIL)] == \
        ["close", "plain"]
    no_dense = PassageReranker({**WEIGHTS, "dense": 0.0})
    assert [c.passage.chunk_id for c in no_dense("q?", cands, _UNTIL)] == ["plain", "close"]


def test_without_an_as_of_date_the_fused_order_stands_unless_weights_are_given():
    """With an as-of date the dated weights rank (a date far off sinks a passage); without
    one the fused order stands by default, or ``undated`` weights rank."""
    old = _p("old", "A", score=0.5, published=date(2022, 1, 1))
    new = _p("new", "B", score=0.5, published=date(2022, 7, 13))
    close = _p("close", "C", score=0.9, published=date(2022, 1, 1))
    rr = PassageReranker()
    assert [c.passage.chunk_id for c in rr("q?", _cands(old, new), _UNTIL)] == ["new", "old"]
    assert [c.passage.chunk_id for c in rr("q?", _cands(old, new, close), Filters())] == \
        ["old", "new", "close"]
    dense = PassageReranker(undated={"dense": 1.0})
    assert [c.passage.chunk_id for c in dense("q?", _cands(old, new, close), Filters())] == \
        ["close", "old", "new"]


class _FakeStore:
    """Dense hits in the given order; records the filters it was asked with."""

    def __init__(self, hits: list[Passage]) -> None:
        self.hits = hits
        self.asked: list[Any] = []

    def where(self, f: Filters) -> Any:
        return f

    def search(self, qv: np.ndarray, n: int, where: Any) -> list[Passage]:
        self.asked.append(where)
        f: Filters = where
        ok = [p for p in self.hits
              if f.until is None or (p.published is not None and p.published <= f.until)]
        return ok[:n]

    def get_passages(self, ids: list[str]) -> list[Passage]:
        return []

    def vectors_for_ids(self, ids: list[str]) -> dict[str, np.ndarray]:
        return {}


class _Recorder:
    """A rerank callable that reverses the candidates and remembers what it saw."""

    def __init__(self) -> None:
        self.seen: list[list[Candidate]] = []
        self.filters: list[Filters] = []

    def __call__(self, query: str, cands: list[Candidate], f: Filters) -> list[Candidate]:
        self.seen.append(cands)
        self.filters.append(f)
        return list(reversed(cands))


def _search(n: int, pool: int, rerank: Any) -> tuple[HybridSearch, _FakeStore]:
    hits = [_p(f"c{i}", f"A{i}", score=1.0 - i / 100, published=date(2022, 1, 1 + i % 28))
            for i in range(n)]
    store = _FakeStore(hits)
    return HybridSearch(store, None, lambda q: np.zeros(3), rerank=rerank,  # type: ignore[arg-type]
                        pool=pool), store


def test_the_search_hands_the_reranker_its_pool_and_keeps_the_reranked_order():
    rec = _Recorder()
    search, _ = _search(60, 30, rec)
    out = search.run("q?", k=5)
    assert [len(c) for c in rec.seen] == [30]
    assert [c.rank for c in rec.seen[0]] == list(range(30))
    assert [p.chunk_id for p in out] == [f"c{i}" for i in range(29, 24, -1)]
    rec2 = _Recorder()
    small, _ = _search(60, 8, rec2)
    small.run("q?", k=5)
    assert [len(c) for c in rec2.seen] == [8]
    # a pool under k still reranks k candidates
    rec3 = _Recorder()
    tiny, _ = _search(60, 2, rec3)
    assert len(tiny.run("q?", k=5)) == 5 and [len(c) for c in rec3.seen] == [5]


def test_filters_hold_after_reranking():
    rec = _Recorder()
    search, store = _search(60, 30, rec)
    cut = date(2022, 1, 10)
    out = search.run("q?", k=5, filters=Filters(until=cut))
    assert out and all(p.published is not None and p.published <= cut for p in out)
    assert rec.filters == [Filters(until=cut)] and store.asked == [Filters(until=cut)]


def test_without_a_reranker_the_fused_order_stands():
    search, _ = _search(60, 30, None)
    assert [p.chunk_id for p in search.run("q?", k=5)] == [f"c{i}" for i in range(5)]


@pytest.fixture(scope="module")
def embedder() -> Any:
    from vectorstore.embedding import Embedder

    return Embedder().load()


@pytest.mark.slow
def test_the_passage_that_answers_beats_one_that_only_shares_words(embedder: Any):
    """Real model: a digest line that shares the question's words is closer to it for MiniLM
    and first in the fused order; the article that tells the story (its title, its several
    matching passages, its date) comes first after reranking."""
    q = "Which island nation plunged into chaos this week, prompting its president to flee?"
    until = date(2022, 7, 14)
    sharer = _p("digest", "digest",
                "Summer travel plunged into chaos this week: airports on the island were "
                "packed, and the airline association's president said passengers should flee "
                "the queues by arriving early.",
                title="Five things to know for July 11: travel, heat, markets",
                published=date(2022, 7, 11))
    title = "Sri Lanka in chaos as its president flees"
    story = [_p("story-1", "story",
                "Sri Lanka's president Gotabaya Rajapaksa fled the country on Wednesday after "
                "protesters stormed his residence amid the worst economic crisis in decades.",
                title=title, published=date(2022, 7, 13)),
             _p("story-2", "story",
                "The island of 22 million people has run short of fuel, food and medicine.",
                title=title, published=date(2022, 7, 13))]
    qv = embedder.embed_query(q)
    vecs = embedder.embed([p.text for p in [sharer, *story]])
    sharer, *story = [replace(p, score=float(v @ qv)) for p, v in
                      zip([sharer, *story], vecs, strict=True)]
    assert sharer.score > max(p.score for p in story)  # the words alone would pick the digest
    out = PassageReranker()(q, _cands(sharer, *story), Filters(until=until))
    assert out[0].passage.article_id == "story"
    # the same words without the story's evidence (its title, its second passage): the
    # fused order stands
    alone = PassageReranker()(q, _cands(sharer, replace(story[0], title="World news")),
                              Filters(until=until))
    assert [c.passage.chunk_id for c in alone] == ["digest", "story-1"]


@pytest.mark.slow
def test_the_desk_returns_passages_in_the_reranked_order(seed_desk: Any):
    """Real store: ``Answer.passages`` are the reranker's choice, in its order, under the
    date filter; the desk's search reranks a pool of :data:`POOL`."""
    search = seed_desk.search()
    assert isinstance(search.rerank, PassageReranker) and search.pool == POOL
    dated = sorted(a.published for a in seed_desk.articles() if a.published)
    assert dated, "the seed corpus is dated"
    until = dated[-1]
    q = "Who attended the 2+2 talks?"
    answer = seed_desk.ask(q, k=5, until=until)
    f = Filters(until=until)
    assert [p.chunk_id for p in answer.passages] == \
        [p.chunk_id for p in search.run(answer.standalone_question, k=5, filters=f)]
    cands = search.candidates(q, max(5 * search.depth, 20, POOL), f)
    ranked = search.rerank(q, cands[:POOL], f)
    assert ranked[0].passage.chunk_id == answer.passages[0].chunk_id
    cut = dated[len(dated) // 2]
    late = seed_desk.ask(q, k=5, since=cut, until=until)
    assert late.passages and all(p.published and cut <= p.published <= until
                                 for p in late.passages)
