"""THE date module: dates in text, periods in questions, date arguments and metadata."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from vectorstore.errors import BadQuestion
from vectorstore.text.dates import (
    DateMention,
    find_dates,
    format_day,
    format_period,
    iso_day,
    parse_date,
    parse_day,
    question_period,
    relative_period,
)

REF = date(2019, 9, 11)  # a Wednesday


def first_period(text: str, ref: date | None = REF) -> tuple[str, date | None, date | None, bool]:
    d = find_dates(text, ref)[0]
    return d.text, d.first, d.last, d.relative


# --------------------------------------------------------------------------- find_dates


@pytest.mark.parametrize(("text", "expected"), [
    ("It was 2019-09-09.", ("2019-09-09", date(2019, 9, 9), date(2019, 9, 9), False)),
    ("on 9 September 2019", ("9 September 2019", date(2019, 9, 9), date(2019, 9, 9), False)),
    ("Sept. 9, 2019 it was", ("Sept. 9, 2019", date(2019, 9, 9), date(2019, 9, 9), False)),
    ("the 9th of Sept", ("9th of Sept", date(2019, 9, 9), date(2019, 9, 9), True)),
    ("in March 2020", ("March 2020", date(2020, 3, 1), date(2020, 3, 31), False)),
    ("in 2019", ("2019", date(2019, 1, 1), date(2019, 12, 31), False)),
])
def test_calendar_dates(text: str, expected: tuple[str, date, date, bool]) -> None:
    assert first_period(text) == expected


@pytest.mark.parametrize(("text", "first", "last"), [
    ("on Monday", date(2019, 9, 9), date(2019, 9, 9)),
    ("next Monday", date(2019, 9, 16), date(2019, 9, 16)),
    ("last Wednesday", date(2019, 9, 4), date(2019, 9, 4)),
    ("on Wednesday", REF, REF),
    ("yesterday", date(2019, 9, 10), date(2019, 9, 10)),
    ("tomorrow", date(2019, 9, 12), date(2019, 9, 12)),
    ("last week", date(2019, 9, 2), date(2019, 9, 8)),
    ("this weekend", date(2019, 9, 14), date(2019, 9, 15)),
    ("last month", date(2019, 8, 1), date(2019, 8, 31)),
    ("earlier this year", date(2019, 1, 1), REF),
    ("in March", date(2019, 3, 1), date(2019, 3, 31)),
    ("in December", date(2018, 12, 1), date(2018, 12, 31)),   # the latest December
    ("September 20", date(2019, 9, 20), date(2019, 9, 20)),
    ("February 1", date(2020, 2, 1), date(2020, 2, 1)),        # within six months of REF
    ("two days ago", date(2019, 9, 9), date(2019, 9, 9)),
    ("two weeks ago", date(2019, 8, 25), date(2019, 8, 31)),   # a few days either side
])
def test_relative_dates_resolve_against_the_reference(text: str, first: date, last: date) -> None:
    found = find_dates(text, REF)
    assert len(found) == 1
    assert (found[0].first, found[0].last, found[0].relative) == (first, last, True)


@pytest.mark.parametrize(("text", "day"), [
    ("The bridge will reopen on Friday.", date(2019, 9, 13)),
    ("Talks are due to resume on Monday", date(2019, 9, 16)),
    ("She'll speak on Wednesday", REF),
    ("The bridge reopened on Friday.", date(2019, 9, 6)),          # past: on or before
    ("He will say more, but the talks ended on Monday", date(2019, 9, 9)),  # another clause
    ("The will was read on Friday.", date(2019, 9, 6)),            # "will" the noun
])
def test_a_weekday_in_a_clause_about_the_future_lies_ahead(text: str, day: date) -> None:
    assert find_dates(text, REF)[0].first == day


def test_offsets_and_the_expression_as_written() -> None:
    text = "They met on Monday and again on September 20, 2019."
    found = find_dates(text, REF)
    assert [d.text for d in found] == ["Monday", "September 20, 2019"]
    assert all(text[d.start:d.end] == d.text for d in found)
    assert found[0].is_day and isinstance(found[0], DateMention)


def test_without_a_reference_relative_dates_have_no_period() -> None:
    found = find_dates("last week and on Monday and September 9", None)
    assert [(d.first, d.last, d.relative) for d in found] == [(None, None, True)] * 3
    assert find_dates("in 2019")[0].first == date(2019, 1, 1)


@pytest.mark.parametrize("text", [
    "you may 5 times try",        # "may" the verb
    "a 40 percent rise since 2019-",
    "2019 percent",
    "The Monarch",                # no date words at all
    "February 30, 2019 never came",
])
def test_non_dates(text: str) -> None:
    assert all(d.first is None for d in find_dates(text, REF))


def test_may_with_a_capital_is_a_month() -> None:
    assert first_period("on May 5")[1] == date(2019, 5, 5)


# --------------------------------------------------------------------------- periods


@pytest.mark.parametrize(("word", "unit", "first", "last"), [
    ("this", "week", date(2019, 9, 9), date(2019, 9, 15)),
    ("next", "week", date(2019, 9, 16), date(2019, 9, 22)),
    ("past", "week", date(2019, 9, 4), REF),
    ("later this", "week", REF, date(2019, 9, 15)),
    ("next", "month", date(2019, 10, 1), date(2019, 10, 31)),
    ("past", "month", date(2019, 8, 12), REF),
    ("last", "year", date(2018, 1, 1), date(2018, 12, 31)),
    ("past", "year", REF - timedelta(days=365), REF),
])
def test_relative_period(word: str, unit: str, first: date, last: date) -> None:
    assert relative_period(word, unit, REF) == (first, last)


@pytest.mark.parametrize(("first", "last", "text"), [
    (date(2019, 9, 9), date(2019, 9, 9), "9 September 2019"),
    (date(2019, 9, 1), date(2019, 9, 30), "September 2019"),
    (date(2019, 1, 1), date(2019, 12, 31), "2019"),
    (date(2019, 9, 2), date(2019, 9, 8), "2 September 2019 to 8 September 2019"),
])
def test_format_period(first: date, last: date, text: str) -> None:
    assert format_period(first, last) == text
    assert format_day(first) == f"{first.day} {first.strftime('%B')} {first.year}"


# --------------------------------------------------------------------------- question periods


@pytest.mark.parametrize(("question", "since", "until", "phrase", "calendar"), [
    ("What happened in the past 3 days?", date(2019, 9, 8), REF, "in the past 3 days", False),
    ("What did it earn in the last three months of 2004?", date(2004, 1, 1),
     date(2004, 12, 31), "2004", True),
    ("News from between 2017 and 2018?", date(2017, 1, 1), date(2018, 12, 31),
     "2017 and 2018", True),
    ("What happened after 2018?", date(2019, 1, 1), None, "after 2018", True),
    ("What happened before 2018?", None, date(2017, 12, 31), "before 2018", True),
    ("Which region did Russia take over in 2014?", date(2014, 1, 1), date(2014, 12, 31),
     "2014", True),
    ("What happened last week?", date(2019, 9, 2), REF, "last week", False),
    ("What happened this week?", date(2019, 9, 5), REF, "this week", False),
    ("What is planned next week?", None, None, "", False),   # the future names nothing
    ("Who won?", None, None, "", False),
])
def test_question_period(question: str, since: date | None, until: date | None, phrase: str,
                         calendar: bool) -> None:
    p = question_period(question, REF)
    assert (p.since, p.until, p.phrase, p.calendar) == (since, until, phrase, calendar)


# --------------------------------------------------------------------------- parse_day


@pytest.mark.parametrize(("value", "expected"), [
    (None, None), ("", None), ("2019-09-09", date(2019, 9, 9)), ("2019/09/09", date(2019, 9, 9)),
    (" 2019-09-09T10:00 ", date(2019, 9, 9)), (date(2019, 9, 9), date(2019, 9, 9)),
    (datetime(2019, 9, 9, 23, 59), date(2019, 9, 9)),
])
def test_parse_day(value: date | str | None, expected: date | None) -> None:
    assert parse_day(value) == expected


@pytest.mark.parametrize("value", ["yesterday", "2019-13-01", "9 September 2019", "2019"])
def test_parse_day_errors_name_the_argument_and_the_format(value: str) -> None:
    with pytest.raises(BadQuestion, match=r"since=.* is not a date: use YYYY-MM-DD"):
        parse_day(value, "since")


def test_iso_day_reads_the_first_ten_characters() -> None:
    assert iso_day(" 2019/09/09 10:00") == date(2019, 9, 9)
    with pytest.raises(ValueError):
        iso_day("09/09/2019")


# --------------------------------------------------------------------------- parse_date


@pytest.mark.parametrize(("value", "expected"), [
    ("2019-09-09", date(2019, 9, 9)),
    ("2019/9/9", date(2019, 9, 9)),
    ("2019.09.09 10:00", date(2019, 9, 9)),
    ("2019-09-09T23:30:00-05:00", date(2019, 9, 9)),     # as written, not converted
    ("Mon, 09 Sep 2019 10:00:00 GMT", date(2019, 9, 9)),
    (datetime(2019, 9, 9, 10, tzinfo=UTC), date(2019, 9, 9)),
    (date(2019, 9, 9), date(2019, 9, 9)),
    (1568023200, date(2019, 9, 9)),                       # Unix seconds
    (1568023200000, date(2019, 9, 9)),                    # milliseconds
])
def test_parse_date_formats(value: object, expected: date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", [None, True, "", "  ", "not a date", "2019-02-30", [2019], 1e20])
def test_parse_date_gives_none_for_what_it_cannot_read(value: object) -> None:
    assert parse_date(value) is None


@pytest.mark.parametrize(("question", "relative"), [
    ("What happened this week?", True), ("What did Putin say yesterday?", True),
    ("What happened in the past 3 days?", True), ("Who won on Monday?", True),
    ("What happened in March?", True),
    ("Which region did Russia take over in 2014?", False),
    ("Who met on 9 September 2019?", False), ("Who won?", False),
])
def test_question_period_says_whether_it_moves_with_the_reference(question: str,
                                                                  relative: bool) -> None:
    assert question_period(question, REF).relative is relative


@pytest.mark.parametrize(("ref", "since"), [
    (date(2022, 6, 6), date(2022, 5, 31)),   # a Monday: the week starts on the reference day
    (date(2022, 6, 1), date(2022, 5, 26)),   # the first of a month
])
def test_this_week_on_the_first_day_of_a_week_is_no_future(ref: date, since: date) -> None:
    p = question_period("Who won the final this week?", ref)
    assert (p.since, p.until, p.relative) == (since, ref, True)
    assert question_period("Who won this month?", date(2022, 6, 1)).until == date(2022, 6, 1)
    assert question_period("What is planned later this year?", ref).phrase == ""


@pytest.mark.parametrize("question", ["What happened 5000 years ago?",
                                      "What happened in the last 10000 years?",
                                      "Who ruled 900000 days ago?"])
def test_periods_beyond_the_calendar_are_held_to_its_first_day(question: str) -> None:
    period = question_period(question, date(2022, 6, 1))
    assert period.since == date.min and period.until is not None
    assert all(d.first is None or d.first >= date.min for d in find_dates(question, date(2022, 6, 1)))
