"""Dates and periods read out of questions, and the filter they put on the seed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa import NewsDesk
from qa.timeaware import time_scope
from qa.types import Answer
from vectorstore.errors import BadQuestion

AS_OF = date(2019, 9, 11)  # a Wednesday


@pytest.mark.parametrize(("question", "since", "until"), [
    ("What happened in September 2019?", date(2019, 9, 1), date(2019, 9, 30)),
    ("Who met on 9 September 2019?", date(2019, 9, 9), date(2019, 9, 9)),
    ("Who met on September 9, 2019?", date(2019, 9, 9), date(2019, 9, 9)),
    ("What did Russia do in 2019?", date(2019, 1, 1), date(2019, 12, 31)),
    ("What has Macron said since March 2019?", date(2019, 3, 1), None),
    ("What happened before 2015?", None, date(2014, 12, 31)),
    ("Who met between 2018 and 2019?", date(2018, 1, 1), date(2019, 12, 31)),
])
def test_absolute_dates_become_a_filter(question: str, since: date | None,
                                        until: date | None) -> None:
    s = time_scope(question, today=date(2024, 1, 1))
    assert (s.since, s.until) == (since, until)
    assert s.query == question
    assert s.notes and "limited to articles published" in s.notes[0]


@pytest.mark.parametrize(("question", "since"), [
    ("What happened last week?", date(2019, 9, 2)),
    ("What did Putin say yesterday?", date(2019, 9, 10)),
    ("Which show was renewed this week?", date(2019, 9, 5)),
    ("What did Lavrov say on Monday?", date(2019, 9, 9)),
    ("What happened in the past 3 days?", date(2019, 9, 8)),
])
def test_relative_periods_run_up_to_the_as_of_date(question: str, since: date) -> None:
    s = time_scope(question, until=AS_OF)
    assert (s.since, s.until) == (since, AS_OF)


def test_relative_periods_use_today_without_an_as_of_date() -> None:
    today = date.today()
    s = time_scope("What happened yesterday?")
    assert (s.since, s.until) == (today - timedelta(days=1), today)


def test_recency_words_set_a_boost() -> None:
    for q in ["What is the latest on Ukraine?", "Who is currently the French defense minister?",
              "What are the most recent talks?", "What is the newest sanction?"]:
        s = time_scope(q)
        assert s.recency > 0 and s.since is None and s.until is None
        assert any("recent" in n for n in s.notes)
    assert time_scope("Who attended the 2+2 talks?").recency == 0


def test_no_date_no_filter() -> None:
    s = time_scope("Who attended the 2+2 talks?")
    assert (s.since, s.until, s.notes) == (None, None, ())


def test_explicit_bounds_win() -> None:
    s = time_scope("What happened in 2018?", since=date(2019, 1, 1))
    assert (s.since, s.until) == (date(2019, 1, 1), None)
    assert "ignored" in s.notes[0]
    s = time_scope("What happened in 2020?", until=AS_OF)
    assert (s.since, s.until) == (None, AS_OF)
    # a consistent question narrows an explicit as-of date
    s = time_scope("What happened in September 2019?", until=AS_OF)
    assert (s.since, s.until) == (date(2019, 9, 1), AS_OF)


def test_inverted_explicit_bounds_are_swapped() -> None:
    s = time_scope("Anything?", since=date(2020, 1, 1), until=date(2019, 1, 1))
    assert s.since is not None and s.until is not None and s.since <= s.until


def test_future_relative_periods_do_not_filter() -> None:
    for q in ["What will happen next week?", "Who will play in Las Vegas later this year?",
              "What is planned for tomorrow?"]:
        s = time_scope(q, until=AS_OF)
        assert (s.since, s.until) == (None, AS_OF), q


@settings(max_examples=200, deadline=None)
@given(q=st.sampled_from(["in {y}", "on 9 September {y}", "since March {y}", "before {y}",
                          "last week", "yesterday", "this year", "in September {y}",
                          "between {y} and 2019", "latest"]),
       y=st.integers(1990, 2030),
       since=st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2030, 12, 31))),
       until=st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2030, 12, 31))))
def test_since_is_never_after_until(q: str, y: int, since: date | None,
                                    until: date | None) -> None:
    s = time_scope("What happened " + q.format(y=y) + "?", since=since, until=until,
                   today=date(2024, 6, 1))
    if s.since is not None and s.until is not None:
        assert s.since <= s.until


def test_a_year_filter_reaches_the_desk(seed_desk: NewsDesk) -> None:
    inside = seed_desk.ask("Who attended the 2+2 talks in September 2019?")
    assert not inside.abstained and "Florence Parly" in inside.text
    assert any("2019-09-01..2019-09-30" in w for w in inside.warnings)
    # nothing published in 2016: asked again over all dates, where the talks are of 2019
    outside = seed_desk.ask("Who attended the 2+2 talks in 2016?")
    assert outside.abstained
    assert any("searched all dates" in w for w in outside.warnings)


def test_an_event_year_before_the_article_is_still_answered(seed_desk: NewsDesk) -> None:
    a = seed_desk.ask("Which territory did Russia seize from Ukraine in 2014?")
    assert not a.abstained and "Crimea" in a.text
    assert "2014" in a.citations[0].quote_text
    assert any("searched all dates" in w for w in a.warnings)
    pieces = list(seed_desk.stream("Which territory did Russia seize from Ukraine in 2014?"))
    final = pieces[-1]
    assert isinstance(final, Answer)
    assert "".join(p for p in pieces if isinstance(p, str)) == final.text == a.text


def test_an_explicit_until_stays_a_hard_filter(seed_desk: NewsDesk) -> None:
    a = seed_desk.ask("Which territory did Russia seize from Ukraine in 2014?",
                      until=date(2019, 9, 1))
    assert a.abstained and not a.passages


def test_calendar_dates_are_soft_filters() -> None:
    s = time_scope("Which peninsula did Russia annex in 2014?", until=date(2019, 9, 30))
    assert (s.since, s.until) == (date(2014, 1, 1), date(2014, 12, 31))
    assert s.relaxed is not None
    assert (s.relaxed.since, s.relaxed.until) == (None, date(2019, 9, 30))
    assert s.relaxed.relaxed is None
    assert "searched all dates" in s.relaxed.notes[0]
    kept = time_scope("What did Russia do in 2014?", since=date(2010, 1, 1),
                      until=date(2020, 1, 1))
    assert kept.relaxed is not None
    assert (kept.relaxed.since, kept.relaxed.until) == (date(2010, 1, 1), date(2020, 1, 1))


@pytest.mark.parametrize("question", [
    "Show me the news from September 2019",
    "Which articles were published in 2019?",
])
def test_absolute_publication_periods_stay_hard_filters(question: str) -> None:
    s = time_scope(question, until=AS_OF)
    assert s.since is not None and s.relaxed is None


@pytest.mark.parametrize("question", [
    "What happened last week?",
    "What did Lavrov say yesterday?",
    "What happened in the past 3 days?",
    "Who won the final this week?",
])
def test_relative_periods_fall_back_to_the_newest_articles(question: str) -> None:
    """The period is searched first; when nothing in it answers, all dates up to the as-of
    date, newest first (never an abstention only because the period is empty)."""
    s = time_scope(question, until=AS_OF)
    assert s.since is not None and s.until == AS_OF and not s.empty
    r = s.relaxed
    assert r is not None and r.relaxed is None
    assert (r.since, r.until) == (None, AS_OF) and r.recency > 0
    assert r.empty.endswith(f"..{AS_OF.isoformat()})")
    assert "newest first" in r.notes[0]


def test_recent_years_ask_for_no_recency_boost() -> None:
    assert time_scope("Who has sued him in recent years?").recency == 0


def test_today_anchors_relative_dates_on_the_desk(seed_desk: NewsDesk) -> None:
    """``today=`` is the day "this week" is read against when no ``until`` is given."""
    week_of_talks = seed_desk.ask("What happened this week?", today="2019-09-11")
    assert any("2019-09-05..2019-09-11" in w for w in week_of_talks.warnings)
    assert week_of_talks.passages
    assert all(p.published is not None and date(2019, 9, 5) <= p.published <= date(2019, 9, 11)
               for p in week_of_talks.passages)
    later = seed_desk.ask("What happened this week?", today=date(2020, 1, 15))
    assert any("2020-01-09..2020-01-15" in w for w in later.warnings)
    # nothing was published that week: searched all dates, newest first
    assert later.passages and any("newest first" in w for w in later.warnings)
    # an explicit until wins over today
    as_of = seed_desk.ask("What happened this week?", until="2019-09-11", today="2020-01-15")
    assert any("2019-09-05..2019-09-11" in w for w in as_of.warnings)


def test_today_goes_through_stream_and_conversations(seed_desk: NewsDesk) -> None:
    final = list(seed_desk.stream("What happened this week?", today="2019-09-11"))[-1]
    assert isinstance(final, Answer)
    assert any("2019-09-05..2019-09-11" in w for w in final.warnings)
    chat = seed_desk.chat()
    a = chat.ask("What happened this week?", today="2019-09-11")
    assert any("2019-09-05..2019-09-11" in w for w in a.warnings)
    pieces = list(chat.stream("What happened this week?", today="2020-01-15"))
    final = pieces[-1]
    assert isinstance(final, Answer)
    assert any("2020-01-09..2020-01-15" in w for w in final.warnings)


def test_today_must_be_a_day(seed_desk: NewsDesk) -> None:
    with pytest.raises(BadQuestion, match="today=.*YYYY-MM-DD"):
        seed_desk.ask("What happened this week?", today="next tuesday")
