"""The one citation-marker pattern: markers found, their numbers read, markers stripped."""

from __future__ import annotations

import pytest

from qa.citations import LEADING_MARKERS_RE, MARKER_RE, marker_numbers, strip_markers


@pytest.mark.parametrize(("marker", "numbers"), [
    ("[1]", [1]),
    ("[ 2 ]", [2]),
    ("[1, 3]", [1, 3]),
    ("[1; 3]", [1, 3]),
    ("[2-4]", [2, 3, 4]),
    ("[2–4]", [2, 3, 4]),       # an en dash
    ("[1, 3-4]", [1, 3, 4]),
    ("[5-2]", [5, 2]),           # a backwards range: both ends, nothing between
    ("[1-30]", [1, 30]),         # a range of 20 or more: both ends only
    ("[1-20]", list(range(1, 21))),
])
def test_marker_numbers(marker: str, numbers: list[int]) -> None:
    assert MARKER_RE.fullmatch(marker)
    assert marker_numbers(marker) == numbers


@pytest.mark.parametrize("text", ["[]", "[a]", "[1,]", "[-1]", "(1)", "[1 2]"])
def test_what_is_not_a_marker(text: str) -> None:
    assert not MARKER_RE.search(text)


def test_markers_in_a_text() -> None:
    text = "Talks in Moscow [1]. Both met [2, 3] and agreed [4-5]."
    assert [m.group(0) for m in MARKER_RE.finditer(text)] == ["[1]", "[2, 3]", "[4-5]"]


def test_strip_markers_tidies_the_text() -> None:
    assert strip_markers("Talks in Moscow [1] . Both  met [2][3], then left [4-5].") == \
        "Talks in Moscow. Both met, then left."
    assert strip_markers("  no markers here ") == "no markers here"
    assert strip_markers("[1]") == ""


def test_leading_markers() -> None:
    text = "Claim. [1] [2, 3] Next."
    m = LEADING_MARKERS_RE.match(text, 6)
    assert m is not None and text[m.end():] == " Next."
    assert LEADING_MARKERS_RE.match(text, 0) is None
