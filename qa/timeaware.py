"""The time scope of a question: a published-date filter, a recency boost, notes.

The period a question names ("in September 2019", "on 9 September 2019", "in 2019", "last
week", "yesterday", "since March 2020", "before 2020", "between 2019 and 2021"), read by
:func:`vectorstore.text.dates.question_period`, becomes a published-date filter;
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
from datetime import date

from vectorstore.text.dates import QuestionPeriod, format_period, question_period

RECENCY = 1.0
_RECENT = re.compile(r"\b(latest|most\s+recent(?:ly)?|newest|now|currently|current|"
                     r"these\s+days|as\s+of\s+today|up\s+to\s+date)\b", re.IGNORECASE)


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
    asked = question_period(question, ref) if question_dates else QuestionPeriod()
    p_since, p_until, what, soft = asked.since, asked.until, asked.phrase, asked.calendar
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
