"""The publication period a question's own words ask for.

"in September 2019", "on 9 September 2019", "in 2019", "last week", "yesterday", "since
March 2020", "before 2020", "between 2019 and 2021", "in the past 3 days". Relative periods
are read against a reference day and reach up to it, since news about "last week" is often
published this week; periods wholly in the future name nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from vectorstore.text.dates.mentions import DateMention, find_dates
from vectorstore.text.dates.periods import shift
from vectorstore.text.numbers import number_values

__all__ = ["QuestionPeriod", "question_period"]

_RANGE = re.compile(r"\b(?P<kw>since|after|from|before|until|till|by|prior\s+to|between)\s*$",
                    re.IGNORECASE)
_LOOKBACK = re.compile(r"\b(?:in\s+)?the\s+(?:past|last)\s+(?P<n>\d+|two|three|four|five|six|seven|"
                       r"eight|nine|ten|few)\s+(?P<u>days?|weeks?|months?|years?)\b"
                       r"(?!\s+of\b)",  # "the last three months of 2004" is no look-back
                       re.IGNORECASE)
# the number words _LOOKBACK matches
_NUM = {**number_values(2, 10), "few": 3}
_ROLLING = re.compile(r"week|month|year|yesterday|today|tonight|ago|monday|tuesday|wednesday|"
                      r"thursday|friday|saturday|sunday", re.IGNORECASE)


@dataclass(frozen=True)
class QuestionPeriod:
    """The publication dates a question asks for.

    Attributes:
        since: First day, or ``None`` for no lower bound.
        until: Last day, or ``None`` for no upper bound.
        phrase: The words that say so (``""`` when the question names no period).
        calendar: True when the phrase is a calendar date or year ("in 2014"), which may
            date the event rather than the article.
        relative: True when the period was read against the reference day ("this week",
            "yesterday", "in the past 3 days", "in March"): it moves with that day.
    """

    since: date | None = None
    until: date | None = None
    phrase: str = ""
    calendar: bool = False
    relative: bool = False


def question_period(question: str, ref: date) -> QuestionPeriod:
    """The period ``question`` names, relative periods read against ``ref``."""
    m = _LOOKBACK.search(question)
    if m:
        n = int(m.group("n")) if m.group("n").isdigit() else _NUM[m.group("n").lower()]
        unit = m.group("u").lower().rstrip("s")
        days = {"day": 1, "week": 7, "month": 31, "year": 366}[unit] * n
        return QuestionPeriod(shift(ref, -days), ref, m.group(0).strip(), False, True)
    since, until, what, d = _from_mentions(question, ref)
    return QuestionPeriod(since, until, what, d is not None and not d.relative,
                          d is not None and d.relative)


_Read = tuple[date | None, date | None, str, DateMention | None]


def _from_mentions(question: str, ref: date) -> _Read:
    mentions = [d for d in find_dates(question, ref) if d.first is not None]
    if not mentions:
        return None, None, "", None
    # "between 2019 and 2021", "from March to May 2020"
    if len(mentions) >= 2:
        gap = question[mentions[0].end:mentions[1].start].strip().lower()
        before = question[:mentions[0].start]
        if gap in {"and", "to", "-", "–", "until", "through"} and \
                re.search(r"\b(between|from)\s*$", before, re.IGNORECASE):
            a, b = mentions[0], mentions[1]
            assert a.first is not None and b.last is not None
            lo, hi = min(a.first, b.first or a.first), max(a.last or a.first, b.last)
            return lo, hi, question[a.start:b.end], a if not b.relative else b
    return _one_mention(question, mentions[0], ref)


def _one_mention(question: str, d: DateMention, ref: date) -> _Read:
    assert d.first is not None and d.last is not None
    lead = _RANGE.search(question[:d.start])
    kw = lead.group("kw").lower() if lead else ""
    phrase = (lead.group(0) if lead else "") + d.text
    if kw in {"since", "after", "from"}:
        start = shift(d.last, 1) if kw == "after" else d.first
        return start, None, phrase.strip(), d
    if kw in {"before", "prior to"}:
        return None, shift(d.first, -1), phrase.strip(), d
    if kw in {"until", "till", "by"}:
        return None, d.last, phrase.strip(), d
    if d.relative and d.last > ref and (d.first > ref or d.text.lower().startswith("later")):
        # "next week", "tomorrow", "later this year": the future, where nothing is published
        # yet ("this week" on a Monday starts on the reference day, and is no future)
        return None, None, "", None
    if d.relative and _ROLLING.search(d.text):
        # relative periods reach up to the reference date; "this week" means the past 7 days
        start = min(d.first, ref - timedelta(days=6)) if "this week" in d.text.lower() \
            else d.first
        return start, ref, d.text, d
    return d.first, min(d.last, ref) if d.relative else d.last, d.text, d
