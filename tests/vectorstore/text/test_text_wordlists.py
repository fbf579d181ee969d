"""Word lists kept as data files (vectorstore.text.wordlists)."""

from __future__ import annotations

import pytest

from vectorstore.loading.titles import first_sentence
from vectorstore.text.sentences import split_sentences
from vectorstore.text.wordlists import words

LISTS = ("abbreviations", "title_abbreviations", "time_followers", "sentence_openers",
         "continuation_words")


@pytest.mark.parametrize("name", LISTS)
def test_each_list_is_lower_case_words_without_comments(name):
    found = words(name)
    assert len(found) > 20
    assert all(w == w.lower() and "#" not in w and not w.endswith(".") for w in found)


def test_the_title_and_sentence_lists_are_read_by_their_users():
    assert {"inc", "u.s"} <= words("title_abbreviations") - words("abbreviations")
    assert first_sentence("Acme Inc. said profits rose. Shares fell.") == "Acme Inc. said profits rose."
    text = "Dr. Ann Lee spoke at 9 a.m. Monday. Then she left."
    assert [text[s:e] for s, e in split_sentences(text)] == ["Dr. Ann Lee spoke at 9 a.m. Monday.",
                                                             "Then she left."]


def test_an_unknown_list_is_an_error():
    with pytest.raises(FileNotFoundError):
        words("no-such-list")
