"""What a number question asks for: the noun it counts and the shape of the number.

Read from the asking sentence, lower-cased, by :func:`qa.text.analysis.analyse_question`.
"""

from __future__ import annotations

import re

from qa.text import wordlists
from qa.text.numbers import MONEY
from qa.text.stems import IRREGULAR, Q_STOP

_AUX_VERBS = wordlists.words("auxiliaries") | {"are", "were", "have", "must", "might", "may"}
_PLURAL = re.compile(r"\w+s|people|children|men|women|police|staff|cattle|personnel")


def counted_noun(how: str, after: str) -> str:
    """The head of the noun phrase after "how <many/much/...>" (``after``: its next words):
    "how many baby *swings* and rockers were ...", "how many new *jobs*", "how many US
    *troops*", "how many *people* work" ("" when a verb comes first: "how many did")."""
    noun = ""
    for w in after.split():
        w = w.rstrip("'’")
        if w in Q_STOP or w in IRREGULAR or re.fullmatch(r"\w{3,}ed", w):
            if noun or how != "many" or w in _AUX_VERBS:
                break
            continue  # a modifier before the noun
        if noun and (how != "many" or _PLURAL.fullmatch(noun)):
            break
        noun = w
    return noun


def number_shape(low: str) -> str:
    """The shape a number question (``low``: its asking sentence, lower-cased) asks for:
    ``"percent"`` or ``"money"`` when it asks for one, ``"age"`` for "how old",
    ``"duration"`` for "how long will..." or "her winning time", ``"count"`` for another "how
    many" (neither a percentage nor money); "" when it does not say."""
    if re.search(r"\bhow old\b", low):
        return "age"
    if re.search(r"\bhow long\s+(?:did|does|do|will|would|has|have|had|can|could|should|"
                 r"must|might)\b|\b(?:winning|finishing|race|lap|record|best|qualifying)\s+"
                 r"times?\W*$", low):
        return "duration"  # "how long will he be out?": six weeks, not "two bones"
    if re.search(r"\b(percent|percentage|per cent|share|proportion)\b", low):
        return "percent"
    many = re.search(r"\bhow many\s+((?:(?!(?:did|does|do|is|was|were|are|will|would|can|"
                     r"could|has|have|had)\b)[\w.]+\s*){1,4})", low)  # the counted noun phrase
    if many and not MONEY.search(many.group(1)):
        return "count"  # "how many children", even beside "a large sum of money"
    if re.search(r"\bhow much\b.*\b(?:increas|ris[ei]|rose|grow|grew|fall|fell|drop|jump|"
                 r"climb|declin|surg|soar|plung|went up|gone up|go up)", low) and \
            not re.search(r"\b(?:cost|costs|pay|paid|spend|spent|price)\b", low):
        return ""  # a change: a percentage or an amount
    if re.search(r"\bhow much\b(?!\s+(?:weight|water|rain|snow|time|land|space|"
                 r"energy|power|food|fuel|oil|gas|more|longer|bigger|higher))", low) or \
            re.search(r"\b(cost|price|paid|pay|spend|spent|worth|budget|fund|funding|"
                      r"dollars|money|fine|salary|sum|amount)\b", low):
        return "money"
    if re.search(r"\bhow many\b", low):
        return "count"
    return ""
