"""The ranges of numbers a caller chooses, defined once: :class:`~vectorstore.config.Settings`,
``NewsDesk.ask`` and the ``newsdesk`` command line check them with the same function."""

from __future__ import annotations

from vectorstore.errors import OutOfRange

__all__ = ["K_MAX", "K_MIN", "check_k"]

K_MIN, K_MAX = 1, 100
"""Passages retrieved per question (``k``): at least one, at most a hundred."""


def check_k(k: object, default: int | None = None, *, name: str = "k") -> int:
    """``k`` if it is a whole number from :data:`K_MIN` to :data:`K_MAX`; ``None`` gives
    ``default`` (itself checked).

    Raises:
        OutOfRange: anything else (a ``ValueError``); the message names the range.
    """
    value = default if k is None else k
    if isinstance(value, int) and not isinstance(value, bool) and K_MIN <= value <= K_MAX:
        return value
    raise OutOfRange(f"{name} must be a whole number from {K_MIN} to {K_MAX} (passages to "
                     f"retrieve per question), not {value!r}")
