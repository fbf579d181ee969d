"""Number phrases in text: ``more than 13,000 people``, ``$5 billion``, ``60%``.

Years, times of day and parts of dates are left out.
"""

from __future__ import annotations

import re

from qa.text.wordlists import words
from vectorstore.text.dates import find_dates
from vectorstore.text.numbers import NUMBER_WORDS, TEEN_WORDS, TENS_WORDS

__all__ = ["CURRENCY", "MONEY", "find_numbers"]

#: Currency words (singular stems; "dollars", "roubles" match too), the one list.
CURRENCY = ("dollar", "euro", "pound", "yuan", "yen", "rupee", "ruble", "rouble")
#: A currency sign or word in a phrase.
MONEY = re.compile(r"[$€£¥]|\b(?:" + "|".join(CURRENCY) + r")s?\b", re.IGNORECASE)

_COMMON = words("common")
_NOT_UNIT = words("not_units")

_QUAL = (r"(?:more\s+than|less\s+than|fewer\s+than|at\s+least|at\s+most|about|around|nearly|"
         r"almost|over|under|up\s+to|roughly|some|approximately|an\s+estimated|as\s+many\s+as|"
         r"as\s+much\s+as|just\s+over|just\s+under|close\s+to|only|exactly)\s+")
# the number words (vectorstore.text.numbers, one list), longest first, and vaguer amounts
_NUMWORD = "(?:" + "|".join(sorted((*NUMBER_WORDS[1:], *TEEN_WORDS, *TENS_WORDS, "hundred"),
                                   key=len, reverse=True)) + \
    r"|a\s+dozen|dozens|hundreds|thousands|millions|billions|half|a\s+third|a\s+quarter)"
_NUM_RE = re.compile(
    rf"(?P<q>{_QUAL})?"
    rf"(?P<n>(?:US)?[$€£¥]\s?\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)?|\b{_NUMWORD}\b)"
    rf"(?P<scale>\s?(?:%|percent\b|per\s+cent\b|(?:million|billion|trillion|thousand|hundred|bn|m|k)\b))?"
    rf"(?P<unit>(?:[ -](?!(?:and|or|of|the|a|an|in|on|at|to|for|from|by|with|as|than|that|"
    rf"this|is|are|was|were|has|have|had|will|would|who|which|since|after|before|per|each|"
    rf"percent|million|billion)\b)[a-z][a-z-]*){{0,2}})",
    re.IGNORECASE)


def _skip(m: re.Match[str], text: str, dates: list[tuple[int, int]]) -> bool:
    """True when the match is no counted number: part of a date, a year, a time, a score."""
    n = m.group("n")
    s, e = m.start(), m.end()
    if any(a <= m.start("n") < b for a, b in dates):
        return True
    digits = n.replace(",", "")
    if re.fullmatch(r"(?:19|20)\d\d", digits) and not m.group("scale"):
        return True  # a year
    if s > 0 and text[s - 1] in ":/" or (e < len(text) and text[e:e + 1] in {":", "/"}):
        return True
    if not n[0].isdigit() and n[0] not in "$€£¥U" and not m.group("scale") and \
            not m.group("unit"):
        return True
    # "2+2"
    return text[max(0, m.start("n") - 1):m.start("n")] == "+" or text[e:e + 1] == "+" \
        or text[m.end("n"):m.end("n") + 1] == "+"


def _unit_words(m: re.Match[str]) -> list[str]:
    """The counted noun after the number ("people"), in at most two words, or none."""
    unit = m.group("unit").strip(" -")
    # keep at most two unit words, up to the first function word or -ed/-ing/-ly word
    kept: list[str] = []
    for w in unit.split():
        if w.lower() in _COMMON:
            break
        kept.append(w)
    if len(kept) == 2 and re.search(r"(ed|ing|ly)$", kept[1]):
        kept = kept[:1]
    if kept and re.search(r"(ed|ly)$", kept[0]) and kept[0] not in {"killed", "injured"}:
        kept = []
    if re.search(r"%|percent|per\s+cent", m.group("scale") or "") or not m.group("n")[0].isalnum():
        kept = []  # "60% of", "$5 a gallon": no counted noun after a share or a sum
    kept = kept[:1] if len(kept) == 2 and kept[1].lower() in _NOT_UNIT else kept
    return [] if kept and kept[0].lower() in _NOT_UNIT else kept


def find_numbers(text: str) -> list[tuple[int, int, str, str]]:
    """Number phrases: ``(start, end, phrase, unit)`` like ``more than 13,000 people``.

    Years, times of day and parts of dates are left out.
    """
    dates = [(d.start, d.end) for d in find_dates(text)]
    out: list[tuple[int, int, str, str]] = []
    for m in _NUM_RE.finditer(text):
        if _skip(m, text, dates):
            continue
        unit = " ".join(_unit_words(m))
        phrase_end = m.end("scale") if m.group("scale") else m.end("n")
        if unit:
            phrase_end = text.index(unit, phrase_end) + len(unit)
        out.append((m.start(), phrase_end, text[m.start():phrase_end], unit))
    return out
