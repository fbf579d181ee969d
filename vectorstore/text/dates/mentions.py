"""Dates named in running text: "September 9", "9 September 2019", "last week", "on Monday",
"two days ago", "in 2019" — each with the period it names, resolved against a reference day."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from vectorstore.text.dates.periods import month_range, relative_period, shift
from vectorstore.text.numbers import number_values

__all__ = ["MONTHS", "WEEKDAYS", "DateMention", "find_dates"]

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS.update({"sept": 9})
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}

_MON = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|" \
       r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_ORD = r"(\d{1,2})(?:st|nd|rd|th)?"
_DATE_RE = re.compile(
    rf"(?P<iso>\b(?P<iy>\d{{4}})-(?P<im>\d{{2}})-(?P<id>\d{{2}})\b)"
    rf"|(?P<mdy>\b(?P<m1>{_MON})\s+{_ORD.replace('(', '(?P<d1>', 1)}\b(?:,?\s+(?P<y1>\d{{4}})\b)?)"
    rf"|(?P<dmy>\b{_ORD.replace('(', '(?P<d2>', 1)}\s+(?:of\s+)?(?P<m2>{_MON})(?:,?\s+(?P<y2>\d{{4}})\b)?)"
    rf"|(?P<my>\b(?P<m3>{_MON})\s+(?:of\s+)?(?P<y3>\d{{4}})\b)"
    rf"|(?P<mon>\b(?:in|since|during|until|by|early|late|mid-|last|this|next)\s+(?P<m4>(?:January|February|March|April|May|June|July|August|September|October|November|December))\b(?!,?\s*\d))"
    rf"|(?P<rel>\b(?P<rw>last|this|next|past|earlier\s+this|later\s+this)\s+(?P<ru>week|month|year|weekend)\b)"
    rf"|(?P<wd>\b(?:(?P<wq>last|this|next|on|early|late)\s+)?(?P<wday>{_DAY})\b)"
    rf"|(?P<ago>\b(?P<an>\d+|a|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?P<au>days?|weeks?|months?|years?)\s+ago\b)"
    rf"|(?P<yday>\b(?:yesterday|today|tonight|tomorrow)\b)"
    rf"|(?P<yr>\b(?:in|since|during|until|by|of|early|late|mid-|before|after|between|and|to|from|through)\s*(?P<y4>(?:19|20)\d{{2}})\b(?!-|\s*(?:%|percent|million|billion|people)))",
    re.IGNORECASE)

# the number words _DATE_RE's "ago" alternative matches
_NUMWORDS = {"a": 1, **number_values(1, 10)}

# (start of the expression, first day, last day, relative)
_Resolved = tuple[int, date | None, date | None, bool]


@dataclass(frozen=True)
class DateMention:
    """A date expression in text and the period it names.

    Attributes:
        start: Offset of the expression.
        end: End offset.
        text: The expression as written.
        first: First day of the period (``None`` when it cannot be resolved).
        last: Last day of the period.
        relative: True when the expression needed the reference date ("on Monday",
            "last week", "September 9" with no year).
    """

    start: int
    end: int
    text: str
    first: date | None
    last: date | None
    relative: bool

    @property
    def is_day(self) -> bool:
        """True when the period is a single day."""
        return self.first is not None and self.first == self.last


def _month_no(s: str) -> int:
    return MONTHS.get(s.lower().rstrip(".")[:3] if s.lower().rstrip(".") not in MONTHS
                      else s.lower().rstrip("."), 0)


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _year_for(m: int, d: int, ref: date | None) -> int | None:
    """The year that puts month ``m``, day ``d`` within six months of ``ref``."""
    if ref is None:
        return None
    y = ref.year
    cand = _safe(y, m, d) or _safe(y, m, 28)
    if cand and (cand - ref).days > 183:
        y -= 1
    elif cand and (ref - cand).days > 183:
        y += 1
    return y


def _day_of_month(g: dict[str, str], s: int, ref: date | None) -> _Resolved | None:
    """"September 9", "9th of Sept 2019"; ``None`` when it is no date after all."""
    mon = _month_no(g["m1"] or g["m2"])
    day = int(g["d1"] or g["d2"])
    yr_s = g["y1"] or g["y2"]
    if not mon or not 1 <= day <= 31:
        return None
    if (g["m1"] or g["m2"]).lower().rstrip(".") == "may" and not yr_s and g["mdy"] \
            and not (g["m1"] or "").startswith("M"):
        return None  # "may 5" is too often the verb; need a capital M
    yr = int(yr_s) if yr_s else _year_for(mon, day, ref)
    d = _safe(yr, mon, day) if yr is not None else None
    return s, d, d, not yr_s


def _named_month(m: re.Match[str], ref: date | None) -> _Resolved:
    """"in March", "last September": the latest such month up to ``ref``."""
    g = m.groupdict()
    mon = _month_no(g["m4"])
    first: date | None = None
    last: date | None = None
    if mon and ref is not None:
        yr = ref.year if mon <= ref.month else ref.year - 1
        first, last = month_range(yr, mon)
    s = m.start("m4") if not g["mon"].lower().startswith(("last", "this", "next")) else m.start()
    return s, first, last, True


_FUTURE = re.compile(r"(?<!\bthe\s)(?<!\bhis\s)(?<!\bher\s)(?<!\btheir\s)(?<!\ba\s)"
                     r"\b(?:will|shall|won't|is\s+due|are\s+due|is\s+set\s+to|are\s+set\s+to|"
                     r"(?:is|are)\s+expected\s+to|(?:is|are)\s+scheduled|(?:plans?|planning|"
                     r"intends?)\s+to|(?:is|are)\s+to\s+be|is\s+going\s+to|are\s+going\s+to)\b"
                     r"|\w'll\b", re.IGNORECASE)
"""Words that put a clause in the future: "the bridge *will* reopen on Friday"."""
_CLAUSE_END = re.compile(r"[.;!?]\s|\b(?:but|while|after|before|when|since)\b", re.IGNORECASE)


def _future_clause(text: str, at: int) -> bool:
    """True when the clause that ends at ``at`` speaks of the future (a verb of the future
    within the 80 characters before, with no clause boundary between)."""
    before = text[max(0, at - 80):at]
    ends = [c.end() for c in _CLAUSE_END.finditer(before)]
    if ends:
        before = before[ends[-1]:]
    return _FUTURE.search(before) is not None


def _weekday(m: re.Match[str], ref: date | None) -> _Resolved:
    """"on Monday": the nearest such day on or before ``ref``; "next Monday", or a weekday in
    a clause about the future ("will reopen on Friday"), the nearest on or after it."""
    q = (m.group("wq") or "").lower()
    d: date | None = None
    if ref is not None:
        wd = WEEKDAYS[m.group("wday").lower()]
        back = (ref.weekday() - wd) % 7
        if q in {"on", ""} and _future_clause(m.string, m.start()):
            d = ref + timedelta(days=(wd - ref.weekday()) % 7)
        elif q == "next":
            d = ref + timedelta(days=(wd - ref.weekday()) % 7 or 7)
        elif q == "last" and back == 0:
            d = ref - timedelta(days=7)
        else:
            d = ref - timedelta(days=back)
    s = m.start("wday") if q in {"on", "early", "late"} else m.start()
    return s, d, d, True


def _ago(g: dict[str, str], s: int, ref: date | None) -> _Resolved:
    """"two weeks ago": a day, or a few days either side for weeks, months and years."""
    if ref is None:
        return s, None, None, True
    n = int(g["an"]) if g["an"].isdigit() else _NUMWORDS.get(g["an"].lower(), 1)
    unit = g["au"].lower().rstrip("s")
    days = {"day": 1, "week": 7, "month": 30, "year": 365}[unit] * n
    first = last = shift(ref, -days)
    if unit != "day":
        slack = 3 if unit == "week" else 15
        first, last = shift(first, -slack), shift(last, slack)
    return s, first, last, True


def _resolve(m: re.Match[str], ref: date | None) -> _Resolved | None:
    """The period one match of :data:`_DATE_RE` names; ``None`` to skip the match."""
    g = m.groupdict()
    s = m.start()
    if g["iso"]:
        d = _safe(int(g["iy"]), int(g["im"]), int(g["id"]))
        return s, d, d, False
    if g["mdy"] or g["dmy"]:
        return _day_of_month(g, s, ref)
    if g["my"]:
        mon = _month_no(g["m3"])
        return (s, *month_range(int(g["y3"]), mon), False) if mon else (s, None, None, False)
    if g["mon"]:
        return _named_month(m, ref)
    if g["rel"]:
        word, unit = re.sub(r"\s+", " ", g["rw"].lower()), g["ru"].lower()
        if ref is None:
            return s, None, None, True
        return (s, *relative_period(word, unit, ref), True)
    if g["wd"]:
        return _weekday(m, ref)
    if g["ago"]:
        return _ago(g, s, ref)
    if g["yday"]:
        if ref is None:
            return s, None, None, True
        d = ref + timedelta(days={"yesterday": -1, "today": 0, "tonight": 0,
                                  "tomorrow": 1}[g["yday"].lower()])
        return s, d, d, True
    if g["yr"]:
        y = int(g["y4"])
        return m.start("y4"), date(y, 1, 1), date(y, 12, 31), False
    return s, None, None, False


def find_dates(text: str, ref: date | None = None) -> list[DateMention]:
    """Date expressions in ``text``, resolved against ``ref`` where relative.

    Weekdays resolve to the nearest such day on or before ``ref`` ("next Monday", and a
    weekday in a clause about the future, on or after it);
    a month and day with no year take the year that puts them within six months of ``ref``.
    Without ``ref`` a relative expression is found but its period is ``None``.
    """
    out: list[DateMention] = []
    for m in _DATE_RE.finditer(text):
        found = _resolve(m, ref)
        if found is None:
            continue
        s, first, last, relative = found
        out.append(DateMention(s, m.end(), text[s:m.end()], first, last, relative))
    return out
