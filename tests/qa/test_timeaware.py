"""Dates and periods read out of questions, and the filter they put on the seed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa import NewsDesk
from qa.timeaware import time_scope

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
    outside = seed_desk.ask("Who attended the 2+2 talks in 2016?")
    assert outside.abstained and not outside.passages
