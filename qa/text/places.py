"""Places and countries: is a name a place, what kind, and which country it or a demonym names.

Countries, their other names, demonyms, capitals and US states come from ``countryinfo``
through :mod:`qa.text.countries`, read on first use. Word lists in ``qa/text/data/`` hold
what it lacks: other cities (``cities_regions``, ``multiword_places``), regions and
geography (``regions``, ``regions_multiword``), and nationality words that name no country
(``nationalities``: religions, parties, "Arab").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache

from qa.text.countries import LazyMapping, LazySet, gazetteer
from qa.text.wordlists import phrases, words

__all__ = ["DEMONYMS", "NATIONALITIES", "PLACE_HEADS", "country_aliases", "country_key",
           "is_place", "place_class"]

PLACE_HEADS = words("place_heads")
_COMPASS = words("compass_words")
# regions, states and geography by hand: a region even where countryinfo has a "country"
# (Greenland, Puerto Rico, Antarctica)
_REGIONS = words("regions") | frozenset(phrases("regions_multiword"))
# cities by hand: other cities than capitals (a city even where countryinfo has a country)
_CITIES = words("cities_regions") | frozenset(phrases("multiword_places"))


@cache
def _nationalities() -> frozenset[str]:
    return words("nationalities") | frozenset(d for d in gazetteer().demonyms if " " not in d)


@cache
def _places_1() -> frozenset[str]:
    g = gazetteer()
    return frozenset(w for w in (*g.country_of, *g.capitals, *g.us_states) if " " not in w) | \
        words("cities_regions") | words("regions")


@cache
def _places_n() -> frozenset[str]:
    g = gazetteer()
    return frozenset(w for w in (*g.country_of, *g.capitals, *g.us_states) if " " in w) | \
        _REGIONS | _CITIES


#: nationality adjective -> the country it names ("french" -> "france"), read on first use
DEMONYMS: Mapping[str, str] = LazyMapping(lambda: gazetteer().demonyms)
#: one-word nationality, religion and party words (a capitalised one is a NORP)
NATIONALITIES = LazySet(_nationalities)
PLACES_1 = LazySet(_places_1)
"""One-word places: countries, cities, US states, regions."""
PLACES_N = LazySet(_places_n)
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
    g = gazetteer()
    return g.demonyms.get(w) or g.country_of.get(w, "")


def place_class(name: str) -> str:
    """``"COUNTRY"``, ``"REGION"`` (state, region, sea...), ``"CITY"``, or ``""`` when unknown."""
    low = _strip_poss(name).lower()
    if low.startswith("the "):
        low = low[4:]
    g = gazetteer()
    if low in _REGIONS:
        return "REGION"
    if low in _CITIES:
        return "CITY"
    if low in g.country_of:
        return "COUNTRY"
    if low in g.capitals:
        return "CITY"
    if low in g.us_states:
        return "REGION"
    parts = low.split()
    if len(parts) > 1 and parts[0] in _COMPASS:
        return "REGION"
    if parts and parts[-1] in PLACE_HEADS:
        return "CITY" if parts[-1] in {"city", "town", "village"} else "REGION"
    return ""


def country_aliases(lowered: Iterable[str]) -> frozenset[str]:
    """The other one-word names of the countries that ``lowered`` words name ("us" ->
    "america", "american", "united", "states"; "dutch" -> "netherlands", "holland")."""
    g = gazetteer()
    out: set[str] = set()
    for w in lowered:
        key = g.country_of.get(w) or g.demonyms.get(w)
        if key:
            out |= g.forms.get(key, frozenset())
    return frozenset(out)
