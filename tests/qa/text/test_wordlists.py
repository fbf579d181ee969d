"""The word-list loader (qa.text.wordlists) and the lists it reads."""

from __future__ import annotations

import pytest

from qa.text.wordlists import mapping, phrases, words


def test_words_are_a_frozenset_of_the_file_words() -> None:
    common = words("common")
    assert isinstance(common, frozenset)
    assert {"the", "according", "it's"} <= common
    assert not any(w.startswith("#") for w in common)  # comment lines are skipped


def test_phrases_keep_spaces_and_order() -> None:
    places = phrases("regions_multiword")
    assert places[:2] == ("middle east", "latin america")
    assert "south china sea" in places


def test_mapping_reads_json_and_returns_a_copy() -> None:
    titles = mapping("titles")
    assert titles["queen"] == "f" and titles["president"] == ""
    titles["queen"] = "changed"
    assert mapping("titles")["queen"] == "f"


def test_lists_are_read_once() -> None:
    assert words("female_names") is words("female_names")


def test_a_missing_list_names_the_fix() -> None:
    with pytest.raises(FileNotFoundError, match=r"add qa/text/data/no_such_list\.txt"):
        words("no_such_list")
