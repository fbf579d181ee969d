"""Word normalising for matching (qa.text.stems): glued names, acronyms an article defines."""

from __future__ import annotations

from qa.text.stems import content_words, defined_acronyms, stems


def test_a_glued_name_matches_its_parts() -> None:
    assert {"time", "warner", "timewarn"} <= stems("Media giant TimeWarner said so.")
    assert "station" in stems("the PlayStation Portable")
    assert {"ipod"} == stems("iPod") and "mc" not in stems("McDonald")  # no capital run


def test_defined_acronyms_are_the_names_their_capitals_spell() -> None:
    text = ("Athletics Kenya (AK) banned her. A probe by the US Securities and Exchange "
            "Commission (SEC) goes on. The rate rose (GDP) and (NATO) stayed.")
    assert defined_acronyms(text) == [("Athletics Kenya", "AK"),
                                      ("Securities and Exchange Commission", "SEC")]


def test_content_words_keep_order_and_drop_stop_words() -> None:
    assert content_words("Who won the Tour de France?") == ["won", "tour", "de", "france"]


def test_an_ordinal_in_digits_matches_its_word() -> None:
    assert stems("4th of July") == stems("Fourth of July")
    assert stems("the 21st century") != stems("the first century")  # words to the 20th only
    assert stems("11th hour") == stems("eleventh hour") and stems("2nd") == stems("second")
