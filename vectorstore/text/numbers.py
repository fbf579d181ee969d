"""Number words: the one list of numbers written out (``NUMBER_WORDS[n]`` is ``n``), and the
value of a number written out in words (:func:`spelled_value`)."""

from __future__ import annotations

import re

#: "zero" to "twelve", each at its own index.
NUMBER_WORDS: tuple[str, ...] = ("zero", "one", "two", "three", "four", "five", "six", "seven",
                                 "eight", "nine", "ten", "eleven", "twelve")

#: "first" to "twentieth": ``ORDINAL_WORDS[n - 1]`` is the ``n``-th ("4th" is "fourth").
ORDINAL_WORDS: tuple[str, ...] = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth", "twentieth")

#: "thirteen" to "nineteen": ``TEEN_WORDS[n - 13]`` is ``n``.
TEEN_WORDS: tuple[str, ...] = ("thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
                               "eighteen", "nineteen")

#: "twenty" to "ninety": ``TENS_WORDS[n // 10 - 2]`` is ``n``.
TENS_WORDS: tuple[str, ...] = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
                               "ninety")

#: The words that multiply what comes before them.
SCALE_WORDS: dict[str, int] = {"hundred": 100, "thousand": 10**3, "million": 10**6,
                               "billion": 10**9, "trillion": 10**12}

_SMALL = {**{w: n for n, w in enumerate(NUMBER_WORDS)},
          **{w: n for n, w in enumerate(TEEN_WORDS, start=13)}}
_TENS = {w: 10 * n for n, w in enumerate(TENS_WORDS, start=2)}

SPELLED_WORDS: tuple[str, ...] = (*NUMBER_WORDS, *TEEN_WORDS, *TENS_WORDS, *SCALE_WORDS)
"""Every word :func:`spelled_value` reads."""


def number_values(low: int, high: int) -> dict[str, int]:
    """``{"two": 2, ...}`` for the number words from ``low`` to ``high`` (inclusive)."""
    return {w: n for n, w in enumerate(NUMBER_WORDS) if low <= n <= high}


def spelled_value(phrase: str) -> int | None:
    """The value of a number written out in words, or ``None`` when it is not one.

    ``"nine"`` → 9, ``"twenty-five"`` → 25, ``"one hundred twenty"`` → 120, ``"ten
    thousand"`` → 10000, ``"two million"`` → 2000000, ``"million"`` → 1000000. Words that do
    not make one number (``"five six"``, ``"twenty thirty"``) give ``None``.
    """
    total = current = 0
    last = ""  # what the previous word was: "small", "ten", "hundred" or "scale"
    for w in re.split(r"[\s-]+", phrase.lower().strip()):
        if w in _SMALL:
            if last == "small" or (last == "ten" and _SMALL[w] >= 10):
                return None
            current, last = current + _SMALL[w], "small"
        elif w in _TENS:
            if last in {"small", "ten"}:
                return None
            current, last = current + _TENS[w], "ten"
        elif w == "hundred":
            if last == "hundred":
                return None
            current, last = (current or 1) * 100, "hundred"
        elif w in SCALE_WORDS:
            if last == "scale":
                return None
            total, current, last = total + (current or 1) * SCALE_WORDS[w], 0, "scale"
        else:
            return None
    return total + current if last else None
