"""Dates given as values: article metadata (:func:`parse_date`) and date arguments
(:func:`parse_day`, for ``since``/``until`` from the CLI, the API and the UI)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from vectorstore.errors import BadQuestion

_YMD = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?=$|[T\s_])")


def parse_date(value: Any) -> date | None:
    """Parse a publication date; ``None`` when absent or unparseable.

    Accepts ``YYYY-MM-DD``, ``YYYY/MM/DD``, ISO datetimes, RFC 2822
    (``Mon, 09 Sep 2019 10:00:00 GMT``), ``date``/``datetime`` objects and Unix
    timestamps (seconds or milliseconds). The date is taken as written, not
    converted between time zones.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        try:
            seconds = value / 1000 if abs(value) > 1e11 else value
            return datetime.fromtimestamp(seconds, tz=UTC).date()
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    s = value.strip()
    if not s:
        return None
    m = _YMD.match(s)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(s).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    try:
        return datetime.fromisoformat(s).date()
    except ValueError:
        return None


def iso_day(value: object) -> date:
    """The day ``YYYY-MM-DD`` (or ``YYYY/MM/DD``) at the start of ``str(value)``; anything
    after the tenth character (a time) is ignored.

    Raises:
        ValueError: it is not such a date.
    """
    return date.fromisoformat(str(value).strip().replace("/", "-")[:10])


def parse_day(value: date | str | None, name: str = "date") -> date | None:
    """Parse ``value`` (a ``date``, ``datetime`` or ISO ``YYYY-MM-DD`` string) into a date.

    ``None`` and ``""`` give ``None``; ``name`` names the argument in the error.

    Raises:
        BadQuestion: the string is not a date.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return iso_day(value)
    except ValueError:
        raise BadQuestion(f"{name}={value!r} is not a date: use YYYY-MM-DD, e.g. 2019-09-09") from None
