"""Countries, their other names and demonyms, capitals and US states, from ``countryinfo``.

``countryinfo`` (MIT) ships one JSON file per country inside its wheel: name, alternative
spellings, demonym, capital, provinces, ISO codes and population. They are read once, on
first use, through its public :meth:`countryinfo.CountryInfo.all` (about 40 ms); importing
this module reads nothing. Rules, not lists, decide what is taken:

* a country's key is its name, lower-cased, without a leading "the" or a bracketed part
  ("the bahamas" -> "bahamas"); entries sharing an ISO alpha-2 code are one country, named
  by the entry with a numeric ISO code, then the most people ("burma" -> "myanmar");
* alternative spellings are names too, except ISO codes ("FR", "USA": in lower case they are
  words such as "in", "no", "us") and one-word mixed-case spellings of under five letters or
  that are common words, first names or place heads ("Island" for Iceland, "Mann");
* a demonym names the country of the entry whose whole demonym it is, then the most people
  ("Serbian" -> Serbia, not "Serbian/Montenegrin" Serbia and Montenegro);
* capitals of places of at least 100,000 people are cities (smaller ones are mostly people's
  names in news: Hamilton, Douglas, Stanley, Victoria); the provinces of the United States
  are regions. Other countries' provinces are not used: they hold boroughs and counties that
  are common surnames (Kerry, Clare, Derby).

What news writes and countryinfo lacks is kept by hand in ``qa/text/data``:
``country_name_aliases.json`` (names -> a country key, or the name itself for a country
countryinfo does not have) and ``demonyms.json`` (demonyms -> a country key or a continent).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cache
from typing import Any

from qa.text import wordlists

__all__ = ["Gazetteer", "LazyMapping", "LazySet", "gazetteer"]

#: A capital of a smaller place is skipped (see the module docstring).
MIN_CAPITAL_POPULATION = 100_000
_BRACKETS = re.compile(r"\s*\([^)]*\)")


@dataclass(frozen=True)
class Gazetteer:
    """The place names read from countryinfo and the hand lists, all lower-cased.

    Attributes:
        country_of: Every name and other spelling of a country -> its key.
        demonyms: Demonym -> the country (or continent) it names ("french" -> "france").
        capitals: Capitals (cities), also written without full stops ("washington dc").
        us_states: The states (and district) of the United States.
        forms: Country key -> its one-word names, its one-word demonyms and the words of its
            key ("united states" -> us, usa, america, american, united, states).
    """

    country_of: Mapping[str, str]
    demonyms: Mapping[str, str]
    capitals: frozenset[str]
    us_states: frozenset[str]
    forms: Mapping[str, frozenset[str]]


def _key(name: str) -> str:
    low = _BRACKETS.sub("", name.lower()).strip()
    return low[4:] if low.startswith("the ") else low


def _population(entry: Mapping[str, Any]) -> int:
    pop = entry.get("population")
    return pop if isinstance(pop, int) else 0


def _iso(entry: Mapping[str, Any]) -> dict[str, str]:
    iso = entry.get("ISO") or {}
    return {k: str(v) for k, v in iso.items() if v} if isinstance(iso, dict) else {}


def _keys(entries: list[Mapping[str, Any]]) -> list[str]:
    """Each entry's country key: entries sharing an ISO alpha-2 code share the best one's."""
    best: dict[str, Mapping[str, Any]] = {}
    for e in entries:
        code = _iso(e).get("alpha2", "")
        rank = ("numeric" in _iso(e), _population(e))
        if code and (code not in best or rank > ("numeric" in _iso(best[code]),
                                                 _population(best[code]))):
            best[code] = e
    return [_key(str(best.get(_iso(e).get("alpha2", ""), e)["name"])) for e in entries]


def _skip_spelling(alt: str, entry: Mapping[str, Any], stop: frozenset[str]) -> bool:
    """ISO codes and short or common one-word spellings are no names (module docstring)."""
    if not alt.strip() or alt.upper() in {c.upper() for c in _iso(entry).values()}:
        return True
    if " " in alt or alt.isupper():
        return False
    return len(alt) < 5 or alt.lower() in stop


def _spelling_stop() -> frozenset[str]:
    return (wordlists.words("common") | wordlists.words("male_names") |
            wordlists.words("female_names") | wordlists.words("neutral_first_names") |
            wordlists.words("place_heads"))


def _country_of(entries: list[Mapping[str, Any]], keys: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for e, key in zip(entries, keys, strict=True):  # names first: a name beats another's spelling
        out.setdefault(key, key)
        out.setdefault(str(e["name"]).lower(), key)
    stop = _spelling_stop()
    for e, key in zip(entries, keys, strict=True):
        for alt in e.get("altSpellings") or []:
            if isinstance(alt, str) and not _skip_spelling(alt, e, stop):
                out.setdefault(_key(alt), key)
    out.update(wordlists.mapping("country_name_aliases"))
    return out


def _demonyms(entries: list[Mapping[str, Any]], keys: list[str],
              country_of: Mapping[str, str]) -> dict[str, str]:
    ranked: dict[str, tuple[tuple[bool, int], str]] = {}
    for e, key in zip(entries, keys, strict=True):
        whole = str(e.get("demonym") or "").strip().lower()
        for d in (p.strip() for p in re.split(r"[,/]", whole)):
            rank = (d == whole, _population(e))
            if d and d not in country_of and (d not in ranked or rank > ranked[d][0]):
                ranked[d] = (rank, country_of.get(key, key))
    out = {d: key for d, (_, key) in ranked.items()}
    out.update(wordlists.mapping("demonyms"))
    return out


def _capitals(entries: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    out: set[str] = set()
    for e in entries:
        caps = e.get("capital")
        if _population(e) < MIN_CAPITAL_POPULATION:
            continue
        for cap in [caps] if isinstance(caps, str) else caps or []:
            low = str(cap).lower().strip()
            if low:
                out |= {low, low.rstrip("."), re.sub(r"\.(?=\w)", "", low).rstrip(".")}
    return frozenset(out)


def _forms(country_of: Mapping[str, str], demonyms: Mapping[str, str]) -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for form, key in [*country_of.items(), *demonyms.items()]:
        if " " not in form:
            groups.setdefault(key, set(key.split())).add(form)
    return {key: frozenset(g) for key, g in groups.items()}


@cache
def gazetteer() -> Gazetteer:
    """The place names, read from countryinfo and the hand lists on the first call only."""
    from countryinfo import CountryInfo  # about 10 ms: only when places are first asked about

    entries: list[Mapping[str, Any]] = [e for e in CountryInfo.all().values() if e.get("name")]
    keys = _keys(entries)
    country_of = _country_of(entries, keys)
    demonyms = _demonyms(entries, keys, country_of)
    usa = next(e for e, k in zip(entries, keys, strict=True) if k == "united states")
    states = frozenset(str(p).lower() for p in usa.get("provinces") or [])
    return Gazetteer(country_of, demonyms, _capitals(entries), states, _forms(country_of, demonyms))


class LazyMapping(Mapping[str, str]):
    """A read-only mapping built on first use (so that importing reads no data)."""

    def __init__(self, build: Callable[[], Mapping[str, str]]) -> None:
        self._build = build

    @property
    def _data(self) -> Mapping[str, str]:
        data: Mapping[str, str] = self._build()
        return data

    def __getitem__(self, key: str) -> str:
        return self._data[key]

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def get(self, key: str, default: Any = None) -> Any:  # Mapping.get, without its try/except
        return self._data.get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


class LazySet(AbstractSet[str]):
    """A read-only set of strings built on first use (so that importing reads no data)."""

    def __init__(self, build: Callable[[], frozenset[str]]) -> None:
        self._build = build

    @property
    def _data(self) -> frozenset[str]:
        data: frozenset[str] = self._build()
        return data

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)
