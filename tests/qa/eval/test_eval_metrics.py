"""Tests for qa.eval.metrics: SQuAD normalisation, marker stripping, token F1, percentiles."""

from __future__ import annotations

import pytest

from qa.citations import strip_markers
from qa.eval import contains_answer, normalize_answer, percentile, token_f1

# --------------------------------------------------------------------------- text scoring


def test_normalize_answer_is_squad_normalisation() -> None:
    assert normalize_answer("The  Quick, brown FOX!") == "quick brown fox"
    assert normalize_answer("An apple a day") == "apple day"
    assert normalize_answer("“Squid Game”") == "squid game"  # unicode quotes are punctuation
    assert normalize_answer("Sept. 9") == normalize_answer("sept 9") == "sept 9"
    assert normalize_answer("theatre") == "theatre"  # articles only as whole words


def test_strip_markers() -> None:
    assert strip_markers("Moscow [1]. Paris [2][3] and [1, 2] or [1-3].", tidy=False) == \
        "Moscow. Paris and or."
    assert strip_markers("In [2019] it rained [4]", tidy=False) == "In it rained"
    assert strip_markers("a [b] c", tidy=False) == "a [b] c"


def test_contains_answer_needs_whole_tokens() -> None:
    assert contains_answer("They met on Sept. 9, 2019.", ["September 9", "Sept 9"])
    assert not contains_answer("They met on Sept. 19.", ["Sept 9"])
    assert not contains_answer("Moscovites", ["Moscow"])
    assert not contains_answer("anything", [""])


def test_token_f1_exact_values() -> None:
    assert token_f1("the cat sat on the mat", ["cat sat"]) == pytest.approx(2 / 3)
    assert token_f1("Florence Parly", ["Florence Parly"]) == 1.0
    assert token_f1("Parly", ["Florence Parly"]) == pytest.approx(2 / 3)
    assert token_f1("Moscow", ["Paris"]) == 0.0
    assert token_f1("Moscow", ["Paris", "in Moscow"]) == pytest.approx(2 / 3)  # best alias
    # repeated tokens count once per occurrence in both
    assert token_f1("x b b", ["b b c"]) == pytest.approx(2 / 3)
    assert token_f1("a b b", ["b b c"]) == pytest.approx(0.8)  # "a" is an article: dropped


def test_percentile_interpolates() -> None:
    assert percentile([], 50) is None
    assert percentile([10.0], 95) == 10.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([float(x) for x in range(1, 101)], 95) == pytest.approx(95.05)
