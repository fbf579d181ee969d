"""The one date reader: publication dates of articles (and, later, dates named in text).

Every caller that turns text into a :class:`datetime.date` goes through this module.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

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
