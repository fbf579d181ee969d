"""THE date reader: every caller that turns text into a :class:`datetime.date` comes here.

* :mod:`.values` — dates given as values: article metadata (:func:`parse_date`),
  ``since``/``until`` arguments (:func:`parse_day`) and ISO days (:func:`iso_day`);
* :mod:`.mentions` — dates named in running text (:func:`find_dates`, :class:`DateMention`);
* :mod:`.questions` — the publication period a question's own words ask for
  (:func:`question_period`);
* :mod:`.periods` — calendar arithmetic and wording (:func:`format_day`, :func:`format_period`).
"""

from vectorstore.text.dates.mentions import MONTHS, WEEKDAYS, DateMention, find_dates
from vectorstore.text.dates.periods import format_day, format_period, month_range, relative_period
from vectorstore.text.dates.questions import QuestionPeriod, question_period
from vectorstore.text.dates.values import iso_day, parse_date, parse_day

__all__ = [
    "MONTHS", "WEEKDAYS", "DateMention", "QuestionPeriod", "find_dates", "format_day",
    "format_period", "iso_day", "month_range", "parse_date", "parse_day", "question_period",
    "relative_period",
]
