"""Numbers in answer text compared by value: ``"$12.6 million"`` = ``"$12,600,000"``,
``"nine"`` = ``"9"``, ``"12%"`` = ``"12 percent"``, ``"1.5 billion"`` = ``"1,500,000,000"``.

A gold answer is a number when it is one quantity: digits or number words, with at most a
currency, a scale (``million``, ``bn``), a percent sign or word, and one counted noun
(``"5 years"``). Such a gold answer is held by a text naming the same value, with the same
currency, percent and noun when the gold answer has them. A year (``"2014"``) is not
compared by value: it is a name, matched as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from vectorstore.text.numbers import SCALE_WORDS, SPELLED_WORDS, spelled_value

__all__ = ["Quantity", "gold_quantity", "holds_quantity", "quantities"]

_CURRENCY = {"us$": "$", "$": "$", "€": "€", "£": "£", "¥": "¥", "dollar": "$", "dollars": "$",
             "usd": "$", "euro": "€", "euros": "€", "pound": "£", "pounds": "£", "yen": "¥"}
_SCALES = {**SCALE_WORDS, "bn": 10**9, "m": 10**6, "k": 10**3}
_SPELLED = "|".join(sorted(SPELLED_WORDS, key=len, reverse=True))
_QUANTITY = re.compile(
    r"(?<![\w.])(?P<cur>us\$|[$€£¥])?\s?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
    rf"|\b(?:{_SPELLED})(?:[\s-]+(?:{_SPELLED}))*\b)(?![.,]\d)"
    r"(?:\s?(?P<scale>hundred|thousand|million|billion|trillion|bn|m|k)\b)?(?!\w)"
    r"(?:\s?(?P<pct>%|percent\b|per\s?cent\b))?"
    r"(?:\s(?P<curword>dollars?|usd|euros?|pounds?|yen)\b)?"
    r"(?:[\s-](?P<unit>[a-z]+)\b)?",
    re.IGNORECASE)
_YEAR = re.compile(r"1\d{3}|20\d\d")


@dataclass(frozen=True)
class Quantity:
    """A number as a value, with what it counts.

    Attributes:
        value: The number, scale applied (``$12.6 million`` → 12600000).
        currency: ``"$"``, ``"€"``, ``"£"``, ``"¥"`` or ``""``.
        percent: True for ``12%``, ``12 percent``, ``12 per cent``.
        unit: The word right after it, lower case and without a plural ``s`` (``"year"``).
        end: Where it ends in the text, its noun included.
    """

    value: Decimal
    currency: str = ""
    percent: bool = False
    unit: str = ""
    end: int = 0


def _value(m: re.Match[str]) -> Decimal | None:
    num, scale, cur = m.group("num"), (m.group("scale") or "").lower(), m.group("cur")
    if num[0].isdigit():
        try:
            v = Decimal(num.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
            return None
    else:
        spelled = spelled_value(num)
        if spelled is None:
            return None
        v = Decimal(spelled)
    if scale in {"m", "k"} and not cur:
        return None  # "5m" may be metres: only "$5m" is a sum
    return v * _SCALES[scale] if scale else v


def quantities(text: str) -> list[Quantity]:
    """Every number in ``text`` as a :class:`Quantity` (years included)."""
    out: list[Quantity] = []
    for m in _QUANTITY.finditer(text):
        v = _value(m)
        if v is None:
            continue
        cur = _CURRENCY.get((m.group("cur") or m.group("curword") or "").lower(), "")
        unit = (m.group("unit") or "").lower()
        out.append(Quantity(v, cur, bool(m.group("pct")),
                            unit[:-1] if unit.endswith("s") and len(unit) > 3 else unit,
                            m.end("unit") if m.group("unit") else m.end()))
    return out


def gold_quantity(alias: str) -> Quantity | None:
    """The quantity ``alias`` is, when it is one number and nothing else (a year is not)."""
    text = alias.strip()
    if _YEAR.fullmatch(text):
        return None
    found = quantities(text)
    if len(found) != 1 or found[0].end != len(text) or not _QUANTITY.match(text):
        return None
    return found[0]


def holds_quantity(text: str, gold: Quantity) -> bool:
    """True when ``text`` names ``gold``'s value, with its currency, percent and noun."""
    return any(q.value == gold.value
               and (not gold.currency or q.currency == gold.currency)
               and (not gold.percent or q.percent)
               and (not gold.unit or q.unit == gold.unit)
               for q in quantities(text))
