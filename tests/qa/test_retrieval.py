"""Hybrid retrieval: rank fusion, per-article caps, recency, filters, and the LangChain retriever."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from qa.retrieval import RRF_K, Candidate, _boost_recent, _diverse_top, rrf
from vectorstore.types import Filters, Passage


def _p(cid: str, article: str, published: date | None = None) -> Passage:
    return Passage(text=f"text of {cid}", article_id=article, title=article, url="", source="",
                   published=published, score=0.0, start=0, end=10, chunk_id=cid)


def test_rrf_sums_reciprocal_ranks_over_rankings():
    fused = rrf([["a", "b"], ["b", "c"]])
    assert fused["a"] == pytest.approx(1 / (RRF_K + 1))
    assert fused["b"] == pytest.approx(1 / (RRF_K + 2) + 1 / (RRF_K + 1))
    assert fused["c"] == pytest.approx(1 / (RRF_K + 2))
    assert sorted(fused, key=lambda c: fused[c], reverse=True) == ["b", "a", "c"]


def _ranked(*pairs: tuple[str, str]) -> list[Candidate]:
    return [Candidate(_p(c, a), 1.0 / (i + 1), i) for i, (c, a) in enumerate(pairs)]


def test_diverse_top_caps_each_article_then_fills_up():
    ranked = _ranked(("a1", "A"), ("a2", "A"), ("a3", "A"), ("b1", "B"))
    assert [p.chunk_id for p in _diverse_top(ranked, 3, per_article=2)] == ["a1", "a2", "b1"]
    assert [p.chunk_id for p in _diverse_top(ranked, 2, per_article=1)] == ["a1", "b1"]
    # fewer articles than k: the capped passages fill the rest, in rank order
    assert [p.chunk_id for p in _diverse_top(ranked, 4, per_article=1)] == \
        ["a1", "b1", "a2", "a3"]
    assert _diverse_top([], 3, per_article=2) == []


def test_recency_boost_lifts_newer_articles_only():
    old, new = _p("old", "A", date(2020, 1, 1)), _p("new", "B", date(2020, 12, 31))
    undated = _p("undated", "C")
    fused = {"old": 0.02, "new": 0.01, "undated": 0.015}
    _boost_recent(fused, {"old": old, "new": new, "undated": undated}, recency=1.0)
    assert fused["old"] == 0.02 and fused["undated"] == 0.015
    assert fused["new"] == pytest.approx(0.01 + 1 / RRF_K)
    assert fused["new"] > fused["old"]


def test_filters_empty_only_when_nothing_is_filtered():
    assert Filters().empty
    assert not Filters(since=date(2020, 1, 1)).empty
    assert not Filters(sources=("BBC",)).empty
    assert not Filters(article_ids=()).empty  # "none of the articles" is a filter


@pytest.mark.slow
def test_hybrid_search_on_a_real_store(seed_desk):
    """Real model, real Chroma, real BM25: fused results, date filter, article filter."""
    search = seed_desk.search()
    hits = search.run("Who attended the 2+2 talks?", k=5)
    assert 0 < len(hits) <= 5
    assert len({p.chunk_id for p in hits}) == len(hits)
    assert all(-1.0 <= p.score <= 1.0 for p in hits)
    per_article: dict[str, int] = {}
    for p in hits:
        per_article[p.article_id] = per_article.get(p.article_id, 0) + 1
    articles = seed_desk.articles()
    if len(articles) >= 3:
        assert max(per_article.values()) <= 2  # HybridSearch's per-article cap

    first = hits[0]
    only = search.run("Who attended the 2+2 talks?", k=5,
                      filters=Filters(article_ids=(first.article_id,)))
    assert only and {p.article_id for p in only} == {first.article_id}

    dated = [a.published for a in articles if a.published]
    if dated:
        cut = sorted(dated)[len(dated) // 2]
        late = search.run("news", k=5, filters=Filters(since=cut))
        assert late and all(p.published and p.published >= cut for p in late)


@pytest.mark.slow
def test_langchain_retriever_returns_documents_with_passage_metadata(seed_desk):
    retriever = seed_desk.retriever(k=3)
    docs = retriever.invoke("Who attended the 2+2 talks?")
    assert 0 < len(docs) <= 3
    passages = retriever.passages("Who attended the 2+2 talks?")
    assert [d.page_content for d in docs] == [p.text for p in passages]
    assert docs[0].metadata["article_id"] == passages[0].article_id
    assert "text" not in docs[0].metadata
    assert replace(passages[0]) == passages[0]
