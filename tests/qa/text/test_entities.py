"""Names, people, places, numbers and roles spotted in text (qa.text.names, places, numbers, roles)."""

from __future__ import annotations

import pytest

from qa.text.names import Entity, find_entities, find_people, full_name, gender_of
from qa.text.numbers import find_numbers
from qa.text.places import country_key, is_place, place_class
from qa.text.roles import affiliations, person_roles, role_kin

MEETING = ("Jean-Yves Le Drian and Florence Parly of France and Russia’s Sergei Lavrov and "
           "Sergei Shoigu met. French President Emmanuel Macron was absent. Parly told TASS "
           "about it. \"It was fine,\" the French defense minister said.")


def kinds(text: str) -> dict[str, str]:
    return {e.text: e.kind for e in find_entities(text)}


# --------------------------------------------------------------------------- people


@pytest.mark.parametrize(("text", "person"), [
    ("President Emmanuel Macron met Angela Merkel in Paris.", "Emmanuel Macron"),
    ("President Emmanuel Macron met Angela Merkel in Paris.", "Angela Merkel"),
    ("Ursula von der Leyen spoke to the Bank of England.", "Ursula von der Leyen"),
    ("George W. Bush and Abu Bakr al-Baghdadi", "George W. Bush"),
    ("George W. Bush and Abu Bakr al-Baghdadi", "Abu Bakr al-Baghdadi"),
    ("Russia's Sergei Lavrov and Sergei Shoigu arrived.", "Sergei Lavrov"),
    ("What did Parly tell TASS?", "Parly"),             # the subject after "did"
    ("Smith said the plan failed.", "Smith"),           # a name before a verb of saying
    ("Did Macron and Putin meet?", "Macron"),           # coordinated subjects after "did"
    ("Jean-Yves Le Drian said hello. Le Drian left.", "Le Drian"),  # a surname named in full
])
def test_people_are_found(text: str, person: str) -> None:
    assert person in [e.text for e in find_people(text)]


@pytest.mark.parametrize(("text", "not_person"), [
    ("Yesterday the ministers met.", "Yesterday"),      # a capitalised sentence opener
    ("Despite the rain, Police said nothing.", "Despite"),
    ("Despite the rain, Police said nothing.", "Police"),  # an organisation word
    ("In September the Times reported it.", "September"),
    ("Breaking News Today", "Breaking News Today"),
    ("Macron and Putin talked.", "Macron"),             # bare names with no anchor stay unclassed
    ("President Emmanuel Macron met Angela Merkel in Paris.", "Paris"),
    ("Russia's Sergei Lavrov and Sergei Shoigu arrived.", "Russia"),
])
def test_non_people_are_not_people(text: str, not_person: str) -> None:
    assert not_person not in [e.text for e in find_people(text)]


def test_a_possessive_ends_a_name_and_titles_are_dropped() -> None:
    ents = find_entities("Russia's Sergei Lavrov met French President Emmanuel Macron.")
    assert [(e.text, e.kind) for e in ents] == [
        ("Russia", "PLACE"), ("Sergei Lavrov", "PERSON"), ("Emmanuel Macron", "PERSON")]
    assert all(isinstance(e, Entity) for e in ents)


def test_entity_offsets_point_at_the_name() -> None:
    text = "Talks: Florence Parly of France spoke."
    e = find_people(text)[0]
    assert text[e.start:e.end] == e.text == "Florence Parly"
    assert e.last == "Parly" and e.strong


def test_places_organisations_and_acronyms_are_classed() -> None:
    assert kinds("Ursula von der Leyen spoke to the Bank of England.")["Bank of England"] == "ORG"
    assert kinds("What did Parly tell TASS?")["TASS"] == "ORG"
    assert kinds("Talks were held in Buenos Aires.")["Buenos Aires"] == "PLACE"
    assert kinds("The Moscow Mayor Sergei Sobyanin spoke.")["Moscow"] == "PLACE"
    # a place leading an institution's name is part of it
    assert kinds("He took an MSc at the Massachusetts Institute of Technology.") == {
        "MSc": "OTHER", "Massachusetts Institute of Technology": "ORG"}
    # "New" opens a place's name; a place leads a title and a name, not an organisation's
    assert kinds("Abbott said that New York is now a drop-off location.")["New York"] == "PLACE"
    assert kinds("New York Mayor Eric Adams spoke.") == {"New York": "PLACE",
                                                        "Eric Adams": "PERSON"}
    assert kinds("The New York Times said so.") == {"New York Times": "ORG"}
    assert kinds("New rules apply.") == {}
    # a lone "US" is the country, not "us"; before a title it still is no part of the name
    assert kinds("It goes on sale in the US soon.")["US"] == "PLACE"
    assert kinds("US President Joe Biden spoke.") == {"Joe Biden": "PERSON"}
    assert "us" not in kinds("Pictures of us were shown.")


@pytest.mark.parametrize(("name", "gender"), [
    ("Angela Merkel", "f"), ("Emmanuel Macron", "m"), ("Mrs. Smith", "f"), ("Sir Keir Starmer", "m"),
    ("Jean-Marie Le Pen", "m"), ("Marie-France Pisier", "f"), ("Kim Jong-un", ""), ("Smith", ""),
])
def test_gender_comes_from_first_names_and_titles(name: str, gender: str) -> None:
    assert gender_of(name) == gender


def test_full_name_is_the_longest_form_in_the_text() -> None:
    text = "Jean-Yves Le Drian said hello. Le Drian left."
    short = [e for e in find_people(text) if e.text == "Le Drian"][0]
    assert full_name(short, text) == "Jean-Yves Le Drian"


# --------------------------------------------------------------------------- places


@pytest.mark.parametrize(("name", "cls"), [
    ("France's", "COUNTRY"), ("the U.S.", "COUNTRY"), ("Britain", "COUNTRY"),
    ("Texas", "REGION"), ("Eastern Europe", "REGION"), ("Hyde Park", "REGION"),
    ("Paris", "CITY"), ("Kansas City", "CITY"), ("Jersey City", "CITY"),
    ("French", ""), ("Narnia", ""),
])
def test_place_class(name: str, cls: str) -> None:
    assert place_class(name) == cls


@pytest.mark.parametrize(("word", "key"), [
    ("France's", "france"), ("French", "france"), ("the U.S.", "united states"),
    ("Britain", "united kingdom"), ("Emirati", "united arab emirates"), ("Texas", ""),
    ("Narnia", ""),
])
def test_country_key(word: str, key: str) -> None:
    assert country_key(word) == key


@pytest.mark.parametrize(("name", "place"), [
    ("Paris", True), ("the United States", True), ("Eastern Europe", True), ("Texas", True),
    ("Hyde Park", False), ("Narnia", False), ("French", False),
])
def test_is_place(name: str, place: bool) -> None:
    assert is_place(name) is place


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(("text", "found"), [
    ("More than 13,000 people died in 2019.", [(0, 23, "More than 13,000 people", "people")]),
    ("It cost $5 billion, up 60% on 2018.", [(8, 18, "$5 billion", ""), (23, 26, "60%", "")]),
    ("about 300 soldiers killed", [(0, 18, "about 300 soldiers", "soldiers")]),
    ("nearly two million people were displaced",
     [(0, 25, "nearly two million people", "people")]),
    ("Some 40 percent of voters", [(0, 15, "Some 40 percent", "")]),
])
def test_number_phrases(text: str, found: list[tuple[int, int, str, str]]) -> None:
    assert find_numbers(text) == found


@pytest.mark.parametrize("text", [
    "It happened in 2019.",                 # a year
    "At 10:30 on 9/11 the score was 2+2.",  # a time, a date, a sum
    "They met on September 9.",             # part of a date
    "three days ago",                       # a number word with nothing counted
])
def test_years_times_and_dates_are_no_numbers(text: str) -> None:
    assert find_numbers(text) == []


# --------------------------------------------------------------------------- roles


def test_affiliations_tie_people_to_countries() -> None:
    ties = {e.text: set(c) for e, c in affiliations(MEETING)}
    assert ties["Jean-Yves Le Drian"] == {"france"}       # "... and Florence Parly of France"
    assert ties["Sergei Shoigu"] == {"russia"}            # "Russia's Sergei Lavrov and ..."
    assert ties["Emmanuel Macron"] == {"france"}          # "French President"
    assert ties["Parly"] == set()                         # nothing in its own sentence


def test_person_roles_read_titles_appositions_and_said_clauses() -> None:
    roles = person_roles(MEETING)
    assert [(r.phrase, set(r.countries)) for r in roles["macron"]] == [
        ("French President", {"france"})]
    # "...," the French defense minister said: the person named just before
    assert ("French defense minister", {"france"}) in [
        (r.phrase, set(r.countries)) for r in roles["parly"]]
    apposition = person_roles("Sergei Lavrov, Russia's foreign minister, spoke first.")
    assert [r.phrase for r in apposition["lavrov"]] == ["Russia's foreign minister"]
    assert apposition["lavrov"][0].words == frozenset({"russia's", "foreign", "minister"})
    both = person_roles("\"We met every goal,\" chairman and chief executive Richard Holt said.")
    assert [r.phrase for r in both["holt"]] == ["chairman and chief executive"]


def test_names_are_read_once_per_text_and_handed_out_as_a_fresh_list() -> None:
    first = find_entities("Florence Parly met Sergei Lavrov.")
    first.clear()  # a caller's list is its own: the cached reading stays whole
    assert [e.text for e in find_entities("Florence Parly met Sergei Lavrov.")] == [
        "Florence Parly", "Sergei Lavrov"]


def test_posts_named_in_other_words_are_kin() -> None:
    assert role_kin(frozenset({"head"})) >= {"chief", "boss", "leader"}
    assert "coach" not in role_kin(frozenset({"head"}))  # kin of kin is not kin
    assert role_kin(frozenset({"minist"})) == {"minist"}


def _portfolios(roles: dict, surname: str) -> set[str]:
    return {r.phrase for r in roles.get(surname, ()) if r.phrase.endswith("minister")}


def test_names_listed_like_the_portfolios_hold_them_in_order() -> None:
    lead = "The Italian finance and interior ministers met their Spanish counterparts. "
    roles = person_roles(lead + "Marco Bellini and Paola Conti of Italy and Spain's Jorge "
                                "Ruiz and Ana Soto held talks.")
    assert _portfolios(roles, "bellini") == {"finance minister"}
    assert _portfolios(roles, "conti") == {"interior minister"}
    assert _portfolios(roles, "ruiz") == {"finance minister"}
    assert _portfolios(roles, "soto") == {"interior minister"}
    assert {c for r in roles["soto"] for c in r.countries} == {"spain"}


def test_no_order_is_read_when_it_does_not_fit() -> None:
    lead = "The Italian finance and interior ministers met their Spanish counterparts. "
    three = person_roles(lead + "Marco Bellini, Paola Conti and Luca Greco of Italy spoke.")
    assert not any(_portfolios(three, n) for n in ("bellini", "conti", "greco"))  # 3 names
    own = person_roles(lead + "Marco Bellini and Paola Conti of Italy spoke. Finance Minister "
                              "Paola Conti left early.")  # her own role says otherwise
    assert _portfolios(own, "bellini") == set()
    assert "interior minister" not in {r.phrase for r in own["conti"]}
    no_list = person_roles("Marco Bellini and Paola Conti of Italy spoke.")
    assert not any(_portfolios(no_list, n) for n in ("bellini", "conti"))


def test_no_roles_without_people() -> None:
    assert person_roles("The talks ended. Nothing was agreed.") == {}
    assert affiliations("The French minister spoke.") == []
