"""Countries, demonyms, capitals and US states from countryinfo (qa.text.countries, places)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from importlib.resources import files

import pytest

from qa.text import countries
from qa.text.places import (
    DEMONYMS,
    NATIONALITIES,
    PLACES_1,
    country_aliases,
    country_key,
    is_place,
    place_class,
)
from qa.text.wordlists import mapping, words


@pytest.mark.parametrize(("word", "key"), [
    # countries and demonyms that no hand list here ever named: countryinfo's coverage
    ("Cape Verde", "cape verde"), ("Trinidad and Tobago", "trinidad and tobago"),
    ("Equatorial Guinea", "equatorial guinea"), ("Maltese", "malta"),
    ("Estonian", "estonia"), ("Ivorian", "ivory coast"), ("New Zealander", "new zealand"),
    # other spellings: English alternative names, all-caps abbreviations, merged entries
    ("Holland", "netherlands"), ("Burma", "myanmar"), ("Czechia", "czech republic"),
    ("UAE", "united arab emirates"), ("DRC", "democratic republic of the congo"),
    ("the Bahamas", "bahamas"), ("Wales", "united kingdom"), ("Timor-Leste", "east timor"),
    # a demonym shared by several entries names the one whose whole demonym it is, then
    # the one with the most people
    ("Serbian", "serbia"), ("Indian", "india"), ("Chinese", "china"), ("French", "france"),
    ("American", "united states"), ("Dominican", "dominican republic"),
    # what countryinfo lacks, by hand
    ("the U.S.", "united states"), ("Britain", "united kingdom"), ("English", "united kingdom"),
    ("Korean", "korea"), ("South Korean", "south korea"), ("Saudi", "saudi arabia"), ("Kosovo", "kosovo"),
    ("France's", "france"),
])
def test_country_key_names_the_country(word: str, key: str) -> None:
    assert country_key(word) == key


@pytest.mark.parametrize("word", [
    "Island",   # an Icelandic spelling of Iceland, and an English word
    "Mann",     # a Manx spelling of the Isle of Man, and a surname
    "in", "no", "it", "be", "FR",  # ISO codes are no names
    "Texas", "Paris", "Narnia", "Kerry",
])
def test_words_that_name_no_country(word: str) -> None:
    assert country_key(word) == ""


@pytest.mark.parametrize(("name", "cls"), [
    ("Reykjavik", "CITY"), ("Ouagadougou", "CITY"), ("Edinburgh", "CITY"),  # capitals
    ("Washington D.C.", "CITY"), ("Washington", "CITY"), ("New York", "CITY"),
    ("Hong Kong", "CITY"), ("Shanghai", "CITY"),
    ("Georgia", "COUNTRY"), ("Kazakhstan", "COUNTRY"), ("Jersey", "COUNTRY"),
    ("New Jersey", "REGION"), ("Wyoming", "REGION"), ("Greenland", "REGION"),
    ("Crimea", "REGION"), ("Puerto Rico", "REGION"),
    ("Maltese", ""), ("Hamilton", ""), ("Kerry", ""),
])
def test_place_class_of_derived_and_hand_places(name: str, cls: str) -> None:
    assert place_class(name) == cls


@pytest.mark.parametrize(("name", "place"), [
    ("Ouagadougou", True), ("Trinidad and Tobago", True), ("Rhode Island", True),
    ("the Bahamas", True), ("Buenos Aires", True),
    ("Hamilton", False),  # the capital of a place of under 100,000 people: a surname here
    ("Kerry", False),     # a county: other countries' provinces are not read
    ("Maltese", False), ("Island", False),
])
def test_is_place(name: str, place: bool) -> None:
    assert is_place(name) is place


def test_lazy_lists_behave_as_a_mapping_and_sets() -> None:
    assert DEMONYMS["maltese"] == "malta" and DEMONYMS.get("narnian") is None
    assert len(DEMONYMS) > 200 and ("french", "france") in DEMONYMS.items()
    assert {"maltese", "muslim", "european"} <= set(NATIONALITIES)
    assert "reykjavik" in PLACES_1 and "new york" not in PLACES_1


def test_country_aliases_are_each_countrys_other_names() -> None:
    assert {"america", "american", "usa", "united", "states"} <= country_aliases(["us"])
    assert {"holland", "netherlands"} <= country_aliases(["dutch"])
    assert country_aliases(["the", "minister"]) == frozenset()


def test_hand_lists_name_countries_countryinfo_knows() -> None:
    """A hand alias names a country by countryinfo's name, or itself for a country that
    countryinfo lacks ("kosovo"); a hand demonym names one of those or a region."""
    from countryinfo import CountryInfo

    aliases = mapping("country_name_aliases")
    lacking = {alias for alias, key in aliases.items() if key == alias}
    assert lacking <= {"kosovo", "korea", "eu"}  # grow it only for what countryinfo lacks

    def known(key: str) -> bool:
        return key in lacking or countries.gazetteer().country_of.get(key) == key and \
            CountryInfo(key).name().lower() == key

    for alias, key in aliases.items():
        assert known(key), alias
    for demonym, place in mapping("demonyms").items():
        assert known(place) or place in words("regions"), demonym


def test_the_data_loads_from_the_installed_package_without_network(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert files("countryinfo").joinpath("data").joinpath("france.json").is_file()

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("countryinfo must not reach the network")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    countries.gazetteer.cache_clear()
    try:
        g = countries.gazetteer()
    finally:
        countries.gazetteer.cache_clear()
    assert len(set(g.country_of.values())) > 200 and len(g.capitals) > 150
    assert "wyoming" in g.us_states and len(g.us_states) >= 50


def test_importing_places_reads_no_country_data() -> None:
    code = ("import sys, qa.text.places, qa.eval.metrics; "
            "print(json.dumps('countryinfo' in sys.modules))")
    out = subprocess.run([sys.executable, "-c", "import json; " + code],
                         capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) is False
