"""The time scope of a question: a published-date filter, a recency boost, notes.

The period a question names ("in September 2019", "on 9 September 2019", "in 2019", "last
week", "yesterday", "since March 2020", "before 2020", "between 2019 and 2021"), read by
:func:`vectorstore.text.dates.question_period`, becomes a published-date filter;
"latest", "most recent", "newest", "now", "currently" ask for a recency boost.
Relative periods are read against ``until`` (the "as of" date) or today. A relative period
reaches up to the reference date, since news about "last week" is often published this week.

A calendar date or year in the question ("Which region did Russia take over in 2014?") may
name when the event happened rather than when the news was published: such a filter is soft.
:attr:`Scope.relaxed` is then the same scope without it, for the desk to ask again over all
dates when nothing in the period answers. A relative period ("this week", "last month",
"yesterday") is read against ``until`` or ``today``; when nothing published in it answers,
:attr:`Scope.relaxed` asks again over all dates, favouring the newest matching articles, and
the answer says their date (:func:`newest_note`): an empty period is never the only reason to
abstain. Absolute periods of publication ("news from September 2019") and explicit
``since``/``until`` stay hard filters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from vectorstore.text.dates import QuestionPeriod, format_day, format_period, question_period
from vectorstore.types import Passage

RECENCY = 1.0
_RECENT = re.compile(r"\b(latest|most\s+recent(?:ly)?|newest|now|currently|current|"
                     r"these\s+days|as\s+of\s+today|up\s+to\s+date)\b", re.IGNORECASE)


_PUBLISHED = re.compile(r"\b(news|articles?|stor(?:y|ies)|reports?|reporting|coverage|published|"
                        r"headlines?|press)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Scope:
    """The question's time scope: a date range, a recency boost, and notes for the answer.

    ``relaxed`` is set when the range comes from the question's words: a calendar date,
    which may date the event rather than the article, or a relative period ("this week"),
    which may hold nothing that answers. It is the same scope without that range, to ask
    again when the articles in it do not answer. ``empty`` is set on a relaxed scope of a
    relative period: what the question asked for ("this week (2022-12-25..2022-12-31)"),
    for :func:`newest_note`. ``checked`` is set on a relative period read against today
    rather than an explicit ``until``: a store may lag behind today, or the question may not
    be about this week's news at all, so the desk also searches all dates first and skips the
    period when it holds other news (:func:`off_topic`). A period read against an as-of date
    is what the question means, and is always searched.
    """

    query: str
    since: date | None = None
    until: date | None = None
    recency: float = 0.0
    notes: tuple[str, ...] = ()
    relaxed: Scope | None = None
    empty: str = ""
    checked: bool = False


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
    p_since, p_until, what = asked.since, asked.until, asked.phrase
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
    relaxed = _relaxed(question, asked, s, u, since, until, today) \
        if (s, u) != (since, until) else None
    return Scope(query=question, since=s, until=u, recency=recency, notes=tuple(notes),
                 relaxed=relaxed, checked=bool(relaxed and relaxed.empty) and until is None)


def _relaxed(question: str, asked: QuestionPeriod, s: date | None, u: date | None,
             since: date | None, until: date | None, today: date | None) -> Scope | None:
    """The scope to ask again in when nothing in ``s..u``, read from the question's words,
    answers: all dates within the explicit bounds, newest first after a relative period; or
    after a calendar date that may date the event (not for an absolute publication period,
    "news from September 2019", which stays a hard filter)."""
    if not asked.relative and not (asked.calendar and not _PUBLISHED.search(question)):
        return None
    base = time_scope(question, since=since, until=until, today=today, question_dates=False)
    if asked.relative:
        empty = f"{asked.phrase} ({_range(s, u)})"
        return Scope(query=question, since=base.since, until=base.until,
                     recency=max(base.recency, RECENCY),
                     notes=(f"nothing published {empty} answers this: searched all dates, "
                            "newest first",) + base.notes, empty=empty)
    return Scope(query=question, since=base.since, until=base.until, recency=base.recency,
                 notes=(f"no answer in the articles published {_range(s, u)}: searched all "
                        f"dates, “{asked.phrase}” being read as the date of the event",)
                 + base.notes)


def off_topic(period: Scope, outside: Sequence[Passage]) -> bool:
    """True when ``period`` holds other news: the best passages over all dates, newest first
    (``outside``, from ``period.relaxed``), hold none published within it, so the newest
    matching articles answer instead."""
    return bool(outside) and not any(
        p.published is not None and (period.since is None or p.published >= period.since)
        and (period.until is None or p.published <= period.until) for p in outside)


def newest_note(scope: Scope, passages: Sequence[Passage]) -> tuple[str, ...]:
    """The note that dates an answer found after an empty relative period: "Answered from the
    newest articles on this, from 11 November 2022.", dated by the newest of ``passages``
    (those cited). Empty for any other scope, or when no passage is dated."""
    days = [p.published for p in passages if p.published is not None]
    if not scope.empty or not days:
        return ()
    return (f"Answered from the newest articles on this, from {format_day(max(days))}.",)


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
