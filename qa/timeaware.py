"""Reading dates and periods out of a question (stub: explicit bounds only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Scope:
    """The question's time scope: a date range, a recency boost, and notes for the answer."""

    query: str
    since: date | None = None
    until: date | None = None
    recency: float = 0.0
    notes: tuple[str, ...] = ()


def time_scope(question: str, since: date | None = None, until: date | None = None) -> Scope:
    """Return the time scope of ``question`` combined with explicit ``since``/``until``."""
    return Scope(query=question, since=since, until=until)
