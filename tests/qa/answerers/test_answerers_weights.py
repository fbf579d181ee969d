"""The extractive answerer decides by one :class:`Weights`: defaults, threshold, evidence."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from qa.answerers.extractive import DEFAULT_THRESHOLD, ExtractiveAnswerer, Weights
from vectorstore.text.sentences import split_sentences
from vectorstore.types import Passage

MEETING = ("Jean-Yves Le Drian and Florence Parly of France and Russia’s Sergei Lavrov and "
           "Sergei Shoigu on September 9 held the first meeting in the so-called \"2+2\" format "
           "that was suspended after Russia seized Ukraine's Crimea region in 2014.")
QUESTION = "Who attended the 2+2 meeting?"


def _passage(text: str) -> Passage:
    return Passage(text=text, article_id="file:a.txt", published=date(2019, 9, 11), score=0.6,
                   end=len(text), sentences=tuple(split_sentences(text)), chunk_id="file:a.txt")


def test_the_defaults_are_todays_calibration() -> None:
    w = Weights()
    assert w.threshold == DEFAULT_THRESHOLD == 0.38
    assert (w.rerank, w.tie, w.sim_weight, w.max_words) == (4, 0.08, 0.15, 60)
    a = ExtractiveAnswerer()
    assert a.weights == w and a.threshold == DEFAULT_THRESHOLD
    with pytest.raises(dataclasses.FrozenInstanceError):
        w.threshold = 0.5  # type: ignore[misc]


def test_a_higher_threshold_makes_a_borderline_case_abstain() -> None:
    p = _passage(MEETING)
    base = ExtractiveAnswerer().run(QUESTION, [p])
    assert not base.abstained and "Florence Parly" in base.text
    at = ExtractiveAnswerer(weights=Weights(threshold=base.score)).run(QUESTION, [p])
    above = ExtractiveAnswerer(weights=Weights(threshold=base.score + 0.01)).run(QUESTION, [p])
    assert not at.abstained and at.text == base.text
    assert above.abstained and above.score == base.score


def test_the_threshold_argument_overrides_the_weights() -> None:
    a = ExtractiveAnswerer(threshold=0.1, weights=Weights(threshold=0.9, tie=0.2))
    assert a.threshold == a.weights.threshold == 0.1 and a.weights.tie == 0.2


def test_evidence_weights_change_the_score() -> None:
    p = _passage(MEETING)
    base = ExtractiveAnswerer().run(QUESTION, [p])
    more = ExtractiveAnswerer(weights=Weights(ev_coverage=0.8)).run(QUESTION, [p])
    assert more.score > base.score and more.text == base.text


def test_a_sentence_without_the_questions_one_own_word_is_off_topic() -> None:
    q = "What is the population of Nairobi?"
    # scores as the embedder gives such passages (under ``off_topic_similarity``)
    mugging = dataclasses.replace(_passage(
        "Mr Davies said the mugging occurred 100 yards from the Nairobi Serena Hotel, in the "
        "centre of the city."), score=0.4)
    told = dataclasses.replace(_passage(
        "Nairobi has a population of about 4.4 million, the census showed."), score=0.5)
    assert ExtractiveAnswerer().run(q, [mugging]).abstained
    assert not ExtractiveAnswerer(weights=Weights(off_topic_words=2)).run(q, [mugging]).abstained
    answer = ExtractiveAnswerer().run(q, [told])
    assert not answer.abstained and "4.4 million" in answer.text
