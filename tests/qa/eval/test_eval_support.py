"""Tests for what counts as holding a gold answer: a place's other forms in cited passages
("European" for "Europe"), and numbers compared by value in the accuracy metric."""

from __future__ import annotations

import pytest

from qa.eval import contains_answer, passage_supports, place_forms
from tests.qa.eval.eval_builders import OTHER, answer, passage, report_of, turn

# --------------------------------------------------------------------------- place forms

EUROPEAN = ("Well, in a huge step to reduce cable clutter and waste, European regulators say "
            "that Apple and other smartphone makers will be required to support a single common "
            "charging standard for all mobile devices as early as the fall of 2024.")


def test_cited_passage_naming_the_demonym_supports_the_place() -> None:
    # realtimeqa-dev 20220617_1: gold "Europe", the cited passage says "European regulators"
    ps = [passage(EUROPEAN, OTHER)]
    r = report_of((turn(["Europe"], ["gold.txt"]), answer("Europe [1]", ps, cited=[0])))
    assert r.cases[0].citations[0]["supports"] is True
    assert r.metrics["citation_precision"] == 1.0
    assert r.cases[0].answer_retrieved is True and r.cases[0].answer_cited is True
    assert r.metrics["citation_recall"] == 1.0


@pytest.mark.parametrize(("gold", "text"), [
    ("Europe", "European regulators"),
    ("European", "across Europe"),
    ("France", "the French minister"),
    ("French", "talks in France"),
    ("South Korea", "a South Korean show"),
    ("United States", "American officials"),
    ("Russia", "Russia's foreign minister"),
])
def test_place_forms_support(gold: str, text: str) -> None:
    assert passage_supports(text, [gold])


@pytest.mark.parametrize(("gold", "text"), [
    ("Europe", "the Eurovision song contest"),
    ("Europe", "Europa League"),
    ("Iran", "Iraqi forces"),
    ("India", "Indiana voters"),
    ("Niger", "Nigerian troops"),
    ("South Korea", "a North Korean missile"),
    ("Moscow", "Moscovites"),
    ("France", "Francesca said"),
])
def test_unrelated_words_do_not_support(gold: str, text: str) -> None:
    assert not passage_supports(text, [gold])


def test_place_forms_are_the_alias_and_its_demonym() -> None:
    assert set(place_forms("Europe")) == {"europe", "european"}
    assert set(place_forms("European")) == {"european", "europe"}
    assert set(place_forms("South Korea")) == {"south korea", "south korean"}
    assert place_forms("Squid Game") == ("squid game",)


def test_answer_accuracy_still_needs_the_alias_itself() -> None:
    # the place forms are for passages; the answer to "which continent" must name it
    r = report_of((turn(["Europe"]), answer("European regulators")))
    assert r.metrics["accuracy"] == 0.0


# --------------------------------------------------------------------------- numbers by value


@pytest.mark.parametrize(("gold", "text"), [
    ("$12,600,000", "It cost $12.6 million."),
    ("$12.6 million", "It cost $12,600,000 in all."),
    ("$12.6 million", "a US$12.6m deal"),
    ("nine", "9 people"),
    ("9", "nine people"),
    ("1.5 billion", "1,500,000,000 doses"),
    ("1,500,000,000", "some 1.5 billion doses"),
    ("12%", "up 12 percent"),
    ("12 percent", "up 12%"),
    ("12%", "12 per cent"),
    ("$5", "5 dollars a gallon"),
    ("$6 billion", "US$6bn"),
    ("10,000", "ten thousand"),
    ("ninety", "90 days"),
    ("twenty-five", "25 years"),
    ("2 million", "two million people"),
    ("5 years", "five years ago"),
    ("10,000", "$10,000"),  # the gold has no unit: any unit will do
    ("5.9", "a 5.9 magnitude quake"),
    ("$5.02", "$5.02 a gallon"),
])
def test_numbers_match_by_value(gold: str, text: str) -> None:
    assert contains_answer(text, [gold])


@pytest.mark.parametrize(("gold", "text"), [
    ("$12.6 million", "$12.6 billion"),
    ("9", "19 people"),
    ("nine", "ninety people"),
    ("12%", "12 people"),
    ("$5", "5 people"),
    ("$5", "€5"),
    ("$12.6 million", "€12.6 million"),
    ("5", "5m"),  # metres, perhaps: "m" is a million only after a currency
    ("5 years", "5 months"),
    ("60%", "0.6"),
    ("1.5 billion", "1.5 million"),
    ("6", "6.5"),
    ("2014", "two thousand fourteen"),  # a year is a name, matched as written
    ("$1.26 million", "$12.6 million"),  # SQuAD normalisation alone would drop the points
    ("9", "BA.9"),
    ("10", "10.5%"),
])
def test_numbers_do_not_match_other_values_or_units(gold: str, text: str) -> None:
    assert not contains_answer(text, [gold])


def test_number_accuracy_by_value() -> None:
    r = report_of((turn(["$12,600,000"]), answer("$12.6 million [1]")),
                  (turn(["nine"]), answer("9 [1]")),
                  (turn(["$12.6 million"]), answer("$12.6 billion [1]")))
    assert [c.correct for c in r.cases] == [True, True, False]
