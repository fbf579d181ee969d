"""Reading dates and periods out of a question.

"in September 2019", "on 9 September 2019", "in 2019", "last week", "yesterday", "since
March 2020", "before 2020", "between 2019 and 2021" become a published-date filter;
"latest", "most recent", "newest", "now", "currently" ask for a recency boost. Relative
periods are read against ``until`` (the "as of" date) or today. A relative period reaches up
to the reference date, since news about "last week" is often published this week.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from qa.entities import find_dates, format_period

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


@dataclass(frozen=True)
class Scope:
    """The question's time scope: a date range, a recency boost, and notes for the answer."""

    query: str
    since: date | None = None
    until: date | None = None
    recency: float = 0.0
    notes: tuple[str, ...] = ()


def time_scope(question: str, since: date | None = None, until: date | None = None,
               today: date | None = None) -> Scope:
    """Return the time scope of ``question`` combined with explicit ``since``/``until``.

    Args:
        question: The (standalone) question; it is kept whole as the retrieval query.
        since: An explicit lower bound; wins over a date read from the question.
        until: An explicit upper bound ("as of"); wins over a date read from the question
            and is the reference for relative periods.
        today: The reference when ``until`` is not given (default: today).

    Returns:
        A :class:`Scope`; ``since <= until`` always holds when both are set.
    """
    notes: list[str] = []
    if since is not None and until is not None and since > until:
        since, until = until, since  # inverted explicit bounds: swap rather than match nothing
        notes.append("since was after until: swapped them")
    ref = until or today or date.today()
    p_since, p_until, what = _parse(question, ref)
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
    return Scope(query=question, since=s, until=u, recency=recency, notes=tuple(notes))


def _note(s: date | None, u: date | None, what: str) -> str:
    if s and u:
        rng = f"{s.isoformat()}..{u.isoformat()}"
    elif s:
        rng = f"{s.isoformat()} onwards"
    elif u:
        rng = f"up to {u.isoformat()}"
    else:
        rng = "any date"
    return f"limited to articles published {rng} (from “{what}”)"


def _parse(question: str, ref: date) -> tuple[date | None, date | None, str]:
    """The (since, until, phrase) a question's own words ask for."""
    m = _LOOKBACK.search(question)
    if m:
        n = int(m.group("n")) if m.group("n").isdigit() else _NUM[m.group("n").lower()]
        unit = m.group("u").lower().rstrip("s")
        days = {"day": 1, "week": 7, "month": 31, "year": 366}[unit] * n
        return ref - timedelta(days=days), ref, m.group(0).strip()
    mentions = [d for d in find_dates(question, ref) if d.first is not None]
    if not mentions:
        return None, None, ""
    # "between 2019 and 2021", "from March to May 2020"
    if len(mentions) >= 2:
        gap = question[mentions[0].end:mentions[1].start].strip().lower()
        before = question[:mentions[0].start]
        if gap in {"and", "to", "-", "–", "until", "through"} and \
                re.search(r"\b(between|from)\s*$", before, re.IGNORECASE):
            a, b = mentions[0], mentions[1]
            assert a.first is not None and b.last is not None
            lo, hi = min(a.first, b.first or a.first), max(a.last or a.first, b.last)
            return lo, hi, question[a.start:b.end]
    d = mentions[0]
    assert d.first is not None and d.last is not None
    lead = _RANGE.search(question[:d.start])
    kw = lead.group("kw").lower() if lead else ""
    phrase = (lead.group(0) if lead else "") + d.text
    if kw in {"since", "after", "from"}:
        start = d.last + timedelta(days=1) if kw == "after" else d.first
        return start, None, phrase.strip()
    if kw in {"before", "prior to"}:
        return None, d.first - timedelta(days=1), phrase.strip()
    if kw in {"until", "till", "by"}:
        return None, d.last, phrase.strip()
    if d.relative and d.last > ref and d.first >= ref:
        # "next week", "tomorrow", "later this year": the future, where nothing is published yet
        return None, None, ""
    if d.relative and _ROLLING.search(d.text):
        # relative periods reach up to the reference date; "this week" means the past 7 days
        start = min(d.first, ref - timedelta(days=6)) if "this week" in d.text.lower() \
            else d.first
        return start, ref, d.text
    return d.first, min(d.last, ref) if d.relative else d.last, d.text


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
