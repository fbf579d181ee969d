"""Relative dates that help: "this week" read against ``until`` or ``today``, and, when
nothing in that period answers, the newest matching articles, with their date."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from qa import NewsDesk
from qa.timeaware import newest_note, off_topic, time_scope
from qa.types import Answer
from vectorstore.types import Passage

ARTICLES = [
    {"url": "https://example.org/2021/06/13/djokovic", "date": "2021-06-13",
     "title": "Djokovic wins the French Open",
     "text": "Novak Djokovic won the French Open tennis final at Roland Garros on Sunday, "
             "beating Stefanos Tsitsipas in five sets. It was his second title in Paris."},
    {"url": "https://example.org/2022/05/29/madrid", "date": "2022-05-29",
     "title": "Real Madrid win the Champions League",
     "text": "Real Madrid won the Champions League football final in Paris on Saturday, "
             "beating Liverpool 1-0 with a goal from Vinicius Junior."},
    {"url": "https://example.org/2022/06/05/nadal", "date": "2022-06-05",
     "title": "Nadal wins the French Open",
     "text": "Rafael Nadal won the French Open tennis final at Roland Garros on Sunday, "
             "beating Casper Ruud in straight sets. It was his fourteenth title in Paris."},
    {"url": "https://example.org/2022/09/28/storm", "date": "2022-09-28",
     "title": "Storm reaches Florida",
     "text": "Hurricane Ian reached the coast of Florida on Wednesday with winds of 150 mph. "
             "Millions of homes lost power as the storm moved inland."},
]


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> NewsDesk:
    folder = tmp_path_factory.mktemp("relative-dates")
    path = folder / "articles.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES))
    d = NewsDesk.open(home=folder / "home")
    d.ingest([Path(path)])
    return d


def test_an_empty_week_answers_from_the_newest_matching_article(desk: NewsDesk) -> None:
    """Months after the final, "this week" holds only other news: the newest article on
    the French Open answers, and a note names its date."""
    a = desk.ask("Who won the French Open this week?", today="2022-10-01")
    assert not a.abstained
    assert "Nadal" in a.text and "Djokovic" not in a.text
    assert any("2022-09-25..2022-10-01" in w for w in a.warnings)  # the week that was empty
    assert any(w.startswith("Answered from the newest articles on this, from 5 June 2022") for w in a.warnings)
    assert a.passages and a.citations[0].passage.published == date(2022, 6, 5)


def test_a_week_that_holds_the_story_is_used(desk: NewsDesk) -> None:
    a = desk.ask("Who won the French Open this week?", today="2022-06-08")
    assert not a.abstained and "Nadal" in a.text
    assert any("2022-06-02..2022-06-08" in w for w in a.warnings)
    assert not any("newest articles" in w for w in a.warnings)
    assert all(p.published and date(2022, 6, 2) <= p.published <= date(2022, 6, 8)
               for p in a.passages)


def test_an_explicit_until_wins_over_today(desk: NewsDesk) -> None:
    a = desk.ask("Which team won the final this week?", until="2022-05-31", today="2022-10-01")
    assert not a.abstained and "Real Madrid" in a.text
    assert any("2022-05-25..2022-05-31" in w for w in a.warnings)
    # the fallback keeps the explicit until: nothing after 31 May 2022
    b = desk.ask("Who won the French Open this week?", until="2022-05-31", today="2022-10-01")
    assert all(p.published and p.published <= date(2022, 5, 31) for p in b.passages)
    assert "Nadal" not in b.text


def test_no_date_at_all_reads_this_week_against_the_real_today(desk: NewsDesk) -> None:
    """The store is years old: asked with no date, "this week" is empty and the newest
    matching article still answers (never an abstention only because the week is empty)."""
    a = desk.ask("Who won the French Open this week?")
    assert not a.abstained and "Nadal" in a.text
    assert any("newest articles on this, from 5 June 2022" in w for w in a.warnings)


def test_the_fallback_streams_the_same_answer(desk: NewsDesk) -> None:
    pieces = list(desk.stream("Who won the French Open this week?", today="2022-10-01"))
    final = pieces[-1]
    assert isinstance(final, Answer)
    assert "".join(p for p in pieces if isinstance(p, str)) == final.text
    assert "Nadal" in final.text


def test_nothing_on_it_anywhere_still_abstains(desk: NewsDesk) -> None:
    a = desk.ask("How many goals did Erling Haaland score for Manchester City this week?",
                 today="2022-10-01")
    assert a.abstained
    assert not any("newest articles" in w for w in a.warnings)


def _p(day: date | None, score: float = 0.5) -> Passage:
    return Passage(chunk_id=f"c{day}", article_id=f"a{day}", text="x", title="t", url="",
                   source="", published=day, score=score)


def test_off_topic_when_no_best_passage_falls_in_the_period() -> None:
    week = time_scope("Who won this week?", today=date(2022, 10, 1))
    assert (week.since, week.until) == (date(2022, 9, 25), date(2022, 10, 1))
    assert off_topic(week, [_p(date(2022, 6, 5)), _p(None)])
    assert not off_topic(week, [_p(date(2022, 6, 5)), _p(date(2022, 9, 28))])
    assert not off_topic(week, [])  # nothing anywhere: the period's own search decides


def test_newest_note_names_the_newest_cited_day() -> None:
    relaxed = time_scope("Who won this week?", today=date(2022, 10, 1)).relaxed
    assert relaxed is not None and relaxed.empty and relaxed.recency > 0
    assert (relaxed.since, relaxed.until) == (None, None)
    note = newest_note(relaxed, [_p(date(2022, 6, 5)), _p(date(2021, 6, 13))])
    assert note == ("Answered from the newest articles on this, from 5 June 2022.",)
    assert newest_note(relaxed, [_p(None)]) == ()
    assert newest_note(time_scope("Who won?"), [_p(date(2022, 6, 5))]) == ()


def test_when_nothing_answers_the_period_passages_are_kept(desk: NewsDesk) -> None:
    """Neither the week (as of 6 June 2022) nor the newest articles before it answer: the
    abstention shows the week's own passages, which the question asked about."""
    a = desk.ask("How many goals did Erling Haaland score for Manchester City this week?",
                 until="2022-06-06")
    assert a.abstained and a.passages
    assert all(p.published and date(2022, 5, 31) <= p.published <= date(2022, 6, 6)
               for p in a.passages)
    assert any("2022-05-31..2022-06-06" in w for w in a.warnings)
