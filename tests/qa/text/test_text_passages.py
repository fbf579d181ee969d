"""The sentences of a retrieved passage: stored spans, else split now, else the whole text."""

from __future__ import annotations

from qa.text.passages import passage_sentences
from vectorstore.text.sentences import split_sentences
from vectorstore.types import Passage

TEXT = "Talks were held in Moscow. Both sides met again later."


def _passage(text: str, sentences: tuple[tuple[int, int], ...]) -> Passage:
    return Passage(text=text, article_id="file:a.txt", end=len(text), sentences=sentences,
                   chunk_id="file:a.txt")


def test_stored_spans_inside_the_text_are_used() -> None:
    p = _passage(TEXT, ((0, 26), (27, len(TEXT)), (40, 999), (5, 5)))
    assert passage_sentences(p) == [(0, 26), (27, len(TEXT))]


def test_without_stored_spans_the_text_is_split() -> None:
    assert passage_sentences(_passage(TEXT, ())) == split_sentences(TEXT)
    assert passage_sentences(_passage(TEXT, ((0, 999),))) == split_sentences(TEXT)


def test_blank_stored_spans_are_dropped_unless_kept() -> None:
    text = TEXT + "   "
    p = _passage(text, ((0, 26), (len(TEXT), len(text))))
    assert passage_sentences(p) == [(0, 26)]
    assert passage_sentences(p, keep_blank=True) == [(0, 26), (len(TEXT), len(text))]


def test_a_blank_text_is_one_span() -> None:
    assert passage_sentences(_passage("   ", ())) == [(0, 3)]
