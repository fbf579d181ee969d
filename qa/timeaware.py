"""Reading dates and periods out of a question.

"in September 2019", "on 9 September 2019", "in 2019", "last week", "yesterday", "since
March 2020", "before 2020", "between 2019 and 2021" become a published-date filter;
"latest", "most recent", "newest", "now", "currently" ask for a recency boost. Relative
periods are read against ``until`` (the "as of" date) or today. A relative period reaches up
to the reference date, since news about "last week" is often published this week.

A calendar date or year in the question ("Which region did Russia take over in 2014?") may
name when the event happened rather than when the news was published: such a filter is soft.
:attr:`Scope.relaxed` is then the same scope without it, for the desk to ask again over all
dates when nothing in the period answers. Periods of publication ("last week", "news from
September 2019", "in the past 3 days") and explicit ``since``/``until`` stay hard filters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from qa.text.entities import DateMention, find_dates, format_period

RECENCY = 1.0
_RECENT = re.compile(r"\b(latest|most\s+recent(?:ly)?|newest|now|currently|current|"
                     r"these\s+days|as\s+of\s+today|up\s+to\s+date)\b", re.IGNORECASE)
_RANGE = re.compile(r"\b(?P<kw>since|after|from|before|until|till|by|prior\s+to|between)\s*$",
                    re.IGNORECASE)
_LOOKBACK = re.compile(r"\b(?:in\s+)?the\s+(?:past|last)\s+(?P<n>\d+|two|three|four|five|six|seven|"
                       r"eight|nine|ten|few)\s+(?P<u>days?|weeks?|months?|years?)\b",
                       re.IGNORECASE)
_NUM = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
        "nine": 9, "ten": 10, "few": 3}


_PUBLISHED = re.compile(r"\b(news|articles?|stor(?:y|ies)|reports?|reporting|coverage|published|"
                        r"headlines?|press)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Scope:
    """The question's time scope: a date range, a recency boost, and notes for the answer.

    ``relaxed`` is set when the range comes from a calendar date in the question, which may
    date the event rather than the article: the same scope without that date, to ask again
    when the dated articles do not answer.
    """

    query: str
    since: date | None = None
    until: date | None = None
    recency: float = 0.0
    notes: tuple[str, ...] = ()
    relaxed: Scope | None = None


def time_scope(question: str, since: date | None = None, until: date | None = None,
               today: date | None = None, question_dates: bool = True) -> Scope:
    """Return the time scope of ``question`` combined with explicit ``since``/``until``.

    Args:
        question: The (standalone) question; it is kept whole as the retrieval query.
        since: An explicit lower bound; wins over a date read from the question.
        until: An explicit upper bound ("as of"); wins over a date read from the question
            and is the reference for relative periods.
        today: The reference when ``until`` is not given (default: today).
        question_dates: Read dates out of the question (``False`` keeps only the explicit
            bounds and the recency boost).

    Returns:
        A :class:`Scope`; ``since <= until`` always holds when both are set.
    """
    notes: list[str] = []
    if since is not None and until is not None and since > until:
        since, until = until, since  # inverted explicit bounds: swap rather than match nothing
        notes.append("since was after until: swapped them")
    ref = until or today or date.today()
    p_since, p_until, what, soft = _parse(question, ref) if question_dates else \
        (None, None, "", False)
    # the question narrows the explicit range; on a conflict the explicit range wins
    s = max(x for x in (since, p_since) if x is not None) if since or p_since else None
    u = min(x for x in (until, p_until) if x is not None) if until or p_until else None
    if s is not None and u is not None and s > u:
        where = "after the as-of date" if until is not None and p_since and p_since > until \
            else "outside the requested dates"
        notes.append(f"ignored “{what}”: it falls {where}")
        s, u = since, until
    elif (p_since or p_until) and (s != since or u != until):
        notes.append(_note(s, u, what))
    recency = RECENCY if _RECENT.search(question) else 0.0
    if recency:
        notes.append("favouring the most recent articles")
    relaxed = None
    if soft and (s, u) != (since, until) and not _PUBLISHED.search(question):
        base = time_scope(question, since=since, until=until, today=today, question_dates=False)
        relaxed = Scope(query=question, since=base.since, until=base.until, recency=base.recency,
                        notes=(f"no answer in the articles published "
                               f"{_range(s, u)}: searched all dates, “{what}” being "
                               f"read as the date of the event",) + base.notes)
    return Scope(query=question, since=s, until=u, recency=recency, notes=tuple(notes),
                 relaxed=relaxed)


def _range(s: date | None, u: date | None) -> str:
    if s and u:
        return f"{s.isoformat()}..{u.isoformat()}"
    if s:
        return f"{s.isoformat()} onwards"
    if u:
        return f"up to {u.isoformat()}"
    return "any date"


def _note(s: date | None, u: date | None, what: str) -> str:
    return f"limited to articles published {_range(s, u)} (from “{what}”)"


def _parse(question: str, ref: date) -> tuple[date | None, date | None, str, bool]:
    """The (since, until, phrase, soft) a question's own words ask for; ``soft`` when the
    phrase is a calendar date (which may date the event, not the article)."""
    m = _LOOKBACK.search(question)
    if m:
        n = int(m.group("n")) if m.group("n").isdigit() else _NUM[m.group("n").lower()]
        unit = m.group("u").lower().rstrip("s")
        days = {"day": 1, "week": 7, "month": 31, "year": 366}[unit] * n
        return ref - timedelta(days=days), ref, m.group(0).strip(), False
    since, until, what, d = _parse_mentions(question, ref)
    return since, until, what, d is not None and not d.relative


def _parse_mentions(question: str, ref: date) -> tuple[date | None, date | None, str,
                                                       DateMention | None]:
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
    d = mentions[0]
    assert d.first is not None and d.last is not None
    lead = _RANGE.search(question[:d.start])
    kw = lead.group("kw").lower() if lead else ""
    phrase = (lead.group(0) if lead else "") + d.text
    if kw in {"since", "after", "from"}:
        start = d.last + timedelta(days=1) if kw == "after" else d.first
        return start, None, phrase.strip(), d
    if kw in {"before", "prior to"}:
        return None, d.first - timedelta(days=1), phrase.strip(), d
    if kw in {"until", "till", "by"}:
        return None, d.last, phrase.strip(), d
    if d.relative and d.last > ref and d.first >= ref:
        # "next week", "tomorrow", "later this year": the future, where nothing is published yet
        return None, None, "", None
    if d.relative and _ROLLING.search(d.text):
        # relative periods reach up to the reference date; "this week" means the past 7 days
        start = min(d.first, ref - timedelta(days=6)) if "this week" in d.text.lower() \
            else d.first
        return start, ref, d.text, d
    return d.first, min(d.last, ref) if d.relative else d.last, d.text, d


_ROLLING = re.compile(r"week|month|year|yesterday|today|tonight|ago|monday|tuesday|wednesday|"
                      r"thursday|friday|saturday|sunday", re.IGNORECASE)


def describe(scope: Scope) -> str:
    """A one-line description of ``scope`` for the UI: "September 2019, newest first"."""
    parts = []
    if scope.since and scope.until:
        parts.append(format_period(scope.since, scope.until))
    elif scope.since:
        parts.append(f"since {scope.since.isoformat()}")
    elif scope.until:
        parts.append(f"up to {scope.until.isoformat()}")
    if scope.recency:
        parts.append("newest first")
    return ", ".join(parts)
