"""Calendar arithmetic for named periods ("last week", "this month") and their wording."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

__all__ = ["format_day", "format_period", "month_range", "relative_period", "shift"]


def shift(d: date, days: int) -> date:
    """``d`` moved by ``days``, held within the dates Python can represent ("5000 years ago"
    is the first representable day, not an error)."""
    try:
        return d + timedelta(days=days)
    except OverflowError:
        return date.min if days < 0 else date.max


def month_range(y: int, m: int) -> tuple[date, date]:
    """The first and last day of month ``m`` of year ``y``."""
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])


def _clip(word: str, a: date, b: date, ref: date) -> tuple[date, date]:
    """"earlier this ..." ends at ``ref``, "later this ..." starts there."""
    if word == "earlier this":
        return a, ref
    if word == "later this":
        return ref, b
    return a, b


def _week(word: str, unit: str, ref: date) -> tuple[date, date]:
    monday = ref - timedelta(days=ref.weekday())
    if word == "last":
        monday -= timedelta(days=7)
    elif word == "next":
        monday += timedelta(days=7)
    elif word == "past":
        return ref - timedelta(days=7), ref
    if unit == "weekend":
        return monday + timedelta(days=5), monday + timedelta(days=6)
    return _clip(word, monday, monday + timedelta(days=6), ref)


def _month(word: str, ref: date) -> tuple[date, date]:
    y, mo = ref.year, ref.month
    if word == "last":
        y, mo = (y - 1, 12) if mo == 1 else (y, mo - 1)
    elif word == "next":
        y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
    elif word == "past":
        return ref - timedelta(days=30), ref
    a, b = month_range(y, mo)
    return _clip(word, a, b, ref)


def relative_period(word: str, unit: str, ref: date) -> tuple[date, date]:
    """The days "``word`` ``unit``" names, seen from ``ref``.

    Args:
        word: ``last``, ``this``, ``next``, ``past``, ``earlier this`` or ``later this``.
        unit: ``week``, ``weekend``, ``month`` or ``year``.
        ref: The reference day ("today").

    Returns:
        The first and last day (weeks start on Monday; "past" reaches back to ``ref``).
    """
    if unit in {"week", "weekend"}:
        return _week(word, unit, ref)
    if unit == "month":
        return _month(word, ref)
    y = ref.year + {"last": -1, "next": 1}.get(word, 0)
    if word == "past":
        return ref - timedelta(days=365), ref
    return _clip(word, date(y, 1, 1), date(y, 12, 31), ref)


def format_day(d: date) -> str:
    """``9 September 2019``."""
    return f"{d.day} {calendar.month_name[d.month]} {d.year}"


def format_period(first: date, last: date) -> str:
    """A readable period: a day, a month, a year, or ``first to last``."""
    if first == last:
        return format_day(first)
    if first.day == 1 and (first.month, first.year) == (last.month, last.year) and \
            last.day == calendar.monthrange(last.year, last.month)[1]:
        return f"{calendar.month_name[first.month]} {first.year}"
    if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31) and \
            first.year == last.year:
        return str(first.year)
    return f"{format_day(first)} to {format_day(last)}"
