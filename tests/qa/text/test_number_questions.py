"""What a number question asks for (qa.text.number_questions): the counted noun, the shape."""

from __future__ import annotations

import pytest

from qa.text.number_questions import counted_noun, number_shape


@pytest.mark.parametrize(("how", "after", "noun"), [
    ("many", " baby swings and rockers were", "swings"),
    ("many", " positive monkeypox cases were", "cases"),
    ("many", " us troops are", "troops"),
    ("many", " people work for", "people"),
    ("many", " did they", ""),
    ("much", " storage does the", "storage"),
    ("much", " did it", ""),
])
def test_the_counted_noun_is_the_head_of_its_phrase(how: str, after: str, noun: str) -> None:
    assert counted_noun(how, after) == noun


@pytest.mark.parametrize(("low", "shape"), [
    ("how long will he be out?", "duration"),
    ("what was her winning time?", "duration"),
    ("how long is the bridge?", ""),
    ("how old is she?", "age"),
    ("how many children does she have?", "count"),
    ("what share of voters backed him?", "percent"),
])
def test_the_shape_of_the_number_asked(low: str, shape: str) -> None:
    assert number_shape(low) == shape
