"""Answer types decided by the NER model on the candidate sentences (real model)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from qa.answerers.extractive import ExtractiveAnswerer, Weights, ner_types
from qa.answerers.extractive.context import Context, Sent
from qa.text.analysis import analyse_question
from qa.text.ner import sentence_entities
from vectorstore.text.sentences import split_sentences
from vectorstore.types import Passage


def _sent(text: str, typed: bool = False, score: float = 1.0) -> Sent:
    return Sent(0, 0, 0, len(text), text, set(), score=score, typed=typed)


def _passage(text: str) -> Passage:
    return Passage(text=text, article_id="file:a.txt", published=date(2019, 9, 11), score=0.6,
                   end=len(text), sentences=tuple(split_sentences(text)), chunk_id="file:a.txt")


@pytest.fixture(autouse=True)
def switched() -> Iterator[None]:
    """The model's checks switched on (they are off by default), restored afterwards."""
    before = ner_types.ENABLED, ner_types.ADD_WHERE_BLIND
    ner_types.ENABLED = True
    yield
    ner_types.ENABLED, ner_types.ADD_WHERE_BLIND = before


def test_asked_labels() -> None:
    assert ner_types.asked_labels(analyse_question("Who met Putin?")) == {"PERSON"}
    count = ner_types.asked_labels(analyse_question("How many employees does Google have?"))
    assert "CARDINAL" in count and "PERCENT" not in count
    assert ner_types.asked_labels(analyse_question("How much did the bridge cost?")) == {"MONEY"}
    assert ner_types.asked_labels(analyse_question("Why did they leave?")) == frozenset()


def _ctx(*texts: str) -> Context:
    return Context([_passage(t) for t in texts], None)


def test_percentage_does_not_count_employees() -> None:
    info = analyse_question("How many employees does Google have?")
    pct = "Google's shares rose 8% on Friday."
    ctx = _ctx(pct)
    assert ner_types.model_view(info, _sent(pct, typed=True), ctx, sentence_entities(pct)) \
        is False
    staff = "Google has 150,000 employees worldwide."
    assert ner_types.model_view(info, _sent(staff, typed=True), ctx,
                                sentence_entities(staff)) is True
    assert ner_types.model_view(info, _sent(staff), ctx, sentence_entities(staff)) is None


def test_a_known_country_the_model_calls_a_person_stands() -> None:
    info = analyse_question("Which island nation plunged into chaos?")
    text = "Sri Lanka has plunged into chaos and its President has fled to Singapore."
    spans = sentence_entities(text)
    assert not ner_types.contradicted(info, ["Sri Lanka"], spans)
    ctx = _ctx(text)
    assert ner_types.model_phrase(info, _sent(text), ctx, "Sri Lanka") == "Sri Lanka"


def test_a_place_the_model_reads_as_an_organisation_is_dropped() -> None:
    info = analyse_question("Where was the deal signed?")
    text = "The deal was signed at Microsoft on Monday."
    assert ner_types.contradicted(info, ["Microsoft"], sentence_entities(text))
    assert ner_types.model_phrase(info, _sent(text), _ctx(text), "Microsoft") is None


def test_country_question_takes_a_country_or_a_nationality() -> None:
    info = analyse_question("Which country sent the delegation?")
    city = "The delegation arrived in Moscow on Monday."
    assert not ner_types.answer_spans(info, sentence_entities(city))
    norp = "French officials sent the delegation on Monday."
    assert [ner_types.place_of(s) for s in ner_types.answer_spans(
        info, sentence_entities(norp))] == ["France"]
    assert ner_types.model_phrase(info, _sent(norp), _ctx(norp), None) == "France"


def test_person_question_ignores_names_in_the_question() -> None:
    info = analyse_question("Who did Emmanuel Macron meet in Moscow?")
    text = "Emmanuel Macron met Vladimir Putin in Moscow on Monday."
    spans = ner_types.answer_spans(info, sentence_entities(text))
    assert [s.text for s in spans] == ["Vladimir Putin"]
    assert ner_types.model_phrase(info, _sent(text), _ctx(text), None) == "Vladimir Putin"


def test_retype_drops_a_contradicted_mark_and_adds_where_the_rules_are_blind(
        switched: None) -> None:
    info = analyse_question("Where was the deal signed?")
    w = Weights()
    org = _sent("The deal was signed at Microsoft on Monday.", typed=True, score=1.0)
    city = _sent("Officials met in Nairobi on Monday.", typed=False, score=0.9)
    ctx = _ctx(org.text)
    cands = ner_types.retype(info, ctx, [org, city], w)
    assert not org.typed and city.typed and len(cands) == 2
    assert org.score == pytest.approx(1.0 - w.typed_bonus)
    assert city.score == pytest.approx(0.9 + w.typed_bonus)
    ner_types.ADD_WHERE_BLIND = False
    org2 = _sent(org.text, typed=True, score=1.0)
    city2 = _sent(city.text, typed=False, score=0.9)
    ner_types.retype(info, ctx, [org2, city2], w)
    assert not org2.typed and not city2.typed


def test_answerer_abstains_on_a_number_of_something_else(switched: None) -> None:
    a = ExtractiveAnswerer()
    text = "Google's shares rose 8% on Friday after the company reported its profits."
    assert a.run("How many employees does Google have?", [_passage(text)]).abstained
    ok = a.run("How many employees does Google have?",
               [_passage("Google has 150,000 employees, the company said on Friday.")])
    assert not ok.abstained and "150,000" in ok.text


def test_switched_off_the_model_is_not_run(switched: None, monkeypatch: pytest.MonkeyPatch) -> None:
    ner_types.ENABLED = False

    def boom(*_: object) -> None:
        raise AssertionError("the model ran")

    monkeypatch.setattr(ner_types.ner, "entities", boom)
    info = analyse_question("Who met Putin?")
    assert ner_types.retype(info, _ctx("Macron met Putin."), [_sent("Macron met Putin.")],
                            Weights()) == []
