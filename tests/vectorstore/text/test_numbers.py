"""Number words (vectorstore.text.numbers): the one list, and numbers written out in words."""

from __future__ import annotations

import pytest

from vectorstore.text.numbers import NUMBER_WORDS, number_values, spelled_value


def test_the_small_number_list_is_unchanged() -> None:
    assert NUMBER_WORDS[9] == "nine" and len(NUMBER_WORDS) == 13
    assert number_values(2, 4) == {"two": 2, "three": 3, "four": 4}


@pytest.mark.parametrize(("phrase", "value"), [
    ("nine", 9), ("Nine", 9), ("zero", 0), ("thirteen", 13), ("ninety", 90),
    ("twenty-five", 25), ("twenty five", 25), ("one hundred", 100), ("hundred", 100),
    ("one hundred twenty-five", 125), ("twelve hundred", 1200), ("ten thousand", 10_000),
    ("two million", 2_000_000), ("million", 1_000_000), ("one billion", 10**9),
    ("two thousand five hundred", 2500),
])
def test_spelled_value(phrase: str, value: int) -> None:
    assert spelled_value(phrase) == value


@pytest.mark.parametrize("phrase", ["", "five six", "twenty thirty", "twenty twelve",
                                    "nine people", "hundred hundred", "dozen"])
def test_spelled_value_of_what_is_no_number(phrase: str) -> None:
    assert spelled_value(phrase) is None
