"""Places and countries: is a name a place, what kind, and which country it or a demonym names.

The lexicons (countries, cities, regions, nationalities, demonyms) are word lists in
``qa/text/data/`` read through :mod:`qa.text.wordlists`.
"""

from __future__ import annotations

import re

from qa.text.wordlists import mapping, phrases, words

__all__ = ["DEMONYMS", "NATIONALITIES", "PLACE_HEADS", "country_key", "is_place", "place_class"]

NATIONALITIES = words("nationalities")
PLACE_HEADS = words("place_heads")
# nationality adjective -> the country it names ("french" -> "france")
DEMONYMS: dict[str, str] = mapping("demonyms")
_COUNTRY_ALIASES = mapping("country_name_aliases")
_COUNTRY_SET = words("countries") | frozenset(phrases("countries_multiword"))
# regions, states and geography among the places: the rest are cities
_REGIONS = words("regions") | frozenset(phrases("regions_multiword"))
_COMPASS = words("compass_words")

PLACES_1 = words("countries") | words("cities_regions")
"""One-word places: countries, cities, US states, regions."""
PLACES_N = frozenset(phrases("multiword_places"))
"""Multi-word places (``new york``, ``south china sea``)."""


def _strip_poss(word: str) -> str:
    w = word.strip().strip(".,;:")
    return re.sub(r"['’]s?$", "", w) if re.search(r"['’]s?$", w) else w


def is_place(name: str) -> bool:
    """True when ``name`` is a known country, region, city or US state."""
    low = name.lower().strip()
    if low.startswith("the "):
        low = low[4:]
    if low in PLACES_N or low in PLACES_1:
        return True
    parts = low.split()
    if len(parts) > 1 and parts[0] in _COMPASS:
        return is_place(" ".join(parts[1:]))
    return False


def country_key(word: str) -> str:
    """The country a country name or nationality adjective names (``"France's"``,
    ``"French"`` -> ``"france"``), or ``""``."""
    w = _strip_poss(word).lower()
    if w.startswith("the "):
        w = w[4:]
    if w in DEMONYMS:
        return DEMONYMS[w]
    if w in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[w]
    if w in _COUNTRY_SET:
        return w
    return ""


def place_class(name: str) -> str:
    """``"COUNTRY"``, ``"REGION"`` (state, region, sea...), ``"CITY"``, or ``""`` when unknown."""
    low = _strip_poss(name).lower()
    if low.startswith("the "):
        low = low[4:]
    if country_key(low) and low not in DEMONYMS:
        return "COUNTRY"
    if low in _REGIONS:
        return "REGION"
    if low in PLACES_1 or low in PLACES_N:
        return "CITY"
    parts = low.split()
    if len(parts) > 1 and parts[0] in _COMPASS:
        return "REGION"
    if parts and parts[-1] in PLACE_HEADS:
        return "CITY" if parts[-1] in {"city", "town", "village"} else "REGION"
    return ""
