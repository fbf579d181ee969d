"""Number words: the one list of small numbers written out (``NUMBER_WORDS[n]`` is ``n``)."""

from __future__ import annotations

#: "zero" to "twelve", each at its own index.
NUMBER_WORDS: tuple[str, ...] = ("zero", "one", "two", "three", "four", "five", "six", "seven",
                                 "eight", "nine", "ten", "eleven", "twelve")


def number_values(low: int, high: int) -> dict[str, int]:
    """``{"two": 2, ...}`` for the number words from ``low`` to ``high`` (inclusive)."""
    return {w: n for n, w in enumerate(NUMBER_WORDS) if low <= n <= high}
