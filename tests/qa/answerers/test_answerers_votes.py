"""Answer redundancy (votes over the best sentences) and headlines as candidate sentences."""

from __future__ import annotations

import dataclasses
from datetime import date

from qa.answerers.extractive import ExtractiveAnswerer, Weights
from qa.answerers.extractive.scoring import headline
from qa.types import Citation
from vectorstore.text.sentences import split_sentences
from vectorstore.types import Passage


def _passage(text: str, aid: str, title: str = "", score: float = 0.6) -> Passage:
    return Passage(text=text, article_id=aid, title=title, published=date(2022, 7, 21),
                   score=score, end=len(text), sentences=tuple(split_sentences(text)),
                   chunk_id=aid)


# The lexically best sentence names someone else (an old story the articles recall); three
# other sentences, in three articles, name the person the news is about.
RECALLED = _passage(
    "Two years ago Senator Maria Lopez announced that she had tested positive for the "
    "virus after a trip, the first senator to test positive.", "file:old.txt")
NEWS = [
    _passage("Governor Daniel Okafor said on Thursday that he tested positive for the virus "
             "and would work from home.", "file:a.txt"),
    _passage("Governor Daniel Okafor tested positive for the virus on Thursday morning, his "
             "office said.", "file:b.txt"),
    _passage("Aides to Governor Daniel Okafor say he tested positive for the virus after a "
             "dinner with donors.", "file:c.txt"),
]
QUESTION = "Which politician tested positive for the virus?"


def test_an_answer_many_sentences_give_beats_one_better_matching_sentence() -> None:
    passages = [RECALLED, *NEWS]
    voted = ExtractiveAnswerer().run(QUESTION, passages)
    alone = ExtractiveAnswerer(weights=Weights(vote_bonus=0.0)).run(QUESTION, passages)
    assert "Lopez" in alone.text and "Okafor" not in alone.text  # without votes: the old story
    assert "Daniel Okafor" in voted.text and "Lopez" not in voted.text
    assert voted.citations and "Okafor" in voted.citations[0].quote_text


def test_votes_change_nothing_when_every_sentence_names_the_same_answer() -> None:
    a = ExtractiveAnswerer().run(QUESTION, NEWS)
    b = ExtractiveAnswerer(weights=Weights(vote_bonus=0.0)).run(QUESTION, NEWS)
    assert a.text == b.text and "Okafor" in a.text


TEAM = _passage(
    "The team's only loss came in Game 3 of the finals. Their road wins set a franchise "
    "record for a playoff year.", "file:cup.txt",
    title="Harbor City Wolves win first Northern Cup title since 2001 - Example News")


def test_a_headline_answers_when_the_text_does_not_name_the_answer() -> None:
    q = "Which team won the Northern Cup?"
    with_headline = ExtractiveAnswerer().run(q, [TEAM])
    without = ExtractiveAnswerer(weights=Weights(headlines=False)).run(q, [TEAM])
    assert "Harbor City Wolves" in with_headline.text and not with_headline.abstained
    assert "Harbor City Wolves" not in without.text
    c = with_headline.citations[0]
    assert c.headline and c.quote == (0, 0) and c.quote_text == TEAM.title
    assert c.to_dict()["quote"] == TEAM.title


def test_a_headline_that_opens_the_text_is_not_a_second_candidate() -> None:
    text = ("Harbor City Wolves win first Northern Cup title\n\nThe team's only loss came in "
            "Game 3 of the finals.")
    p = _passage(text, "file:bbc.txt", title="Harbor City Wolves win first Northern Cup title")
    a = ExtractiveAnswerer().run("Which team won the Northern Cup?", [p])
    assert "Harbor City Wolves" in a.text
    assert all(not c.headline for c in a.citations)  # the text's own first line is cited


def test_headline_drops_a_site_name_only() -> None:
    assert headline("Avalanche win first Stanley Cup title since 2001 - CNN") == \
        "Avalanche win first Stanley Cup title since 2001"
    assert headline("BA.5: The 'worst variant' is here | CNN Health") == \
        "BA.5: The 'worst variant' is here"
    assert headline("Stanley Cup Final: Avalanche beat Lightning to win championship") == \
        "Stanley Cup Final: Avalanche beat Lightning to win championship"
    assert headline("  Prices rise -  again  ") == "Prices rise -  again".replace("  ", " ")
    assert headline("") == ""


def test_a_citation_of_a_text_span_is_not_a_headline() -> None:
    c = Citation(1, TEAM, (4, 20))
    assert not c.headline and c.quote_text == TEAM.text[4:20]


def test_an_answer_from_an_article_that_never_names_the_asked_company_is_withheld() -> None:
    wage = _passage("If the minimum wage rises again, there will be 12 more people on the "
                    "employment line, the shop owner said.", "file:wage.txt", score=0.45)
    ibm = _passage("IBM was granted 3,248 patents in 2004, more than any other firm.",
                   "file:ibm.txt", score=0.5)
    q = "How many people does IBM employ?"
    checked = ExtractiveAnswerer().run(q, [wage, ibm])
    unchecked = ExtractiveAnswerer(weights=Weights(unbound_names=0.0)).run(q, [wage, ibm])
    assert not unchecked.abstained and "12" in unchecked.text  # a number about other people
    assert checked.abstained
    staff = _passage("IBM employs 330,000 people around the world.", "file:ibm2.txt", score=0.5)
    told = ExtractiveAnswerer().run(q, [wage, staff])
    assert not told.abstained and "330,000" in told.text


def test_a_headline_citation_survives_to_dict_and_back() -> None:
    # the article's first chunk runs 10 characters into the second (chunks overlap)
    first = dataclasses.replace(_passage("x " * 505, "file:cup.txt"), title=TEAM.title)
    second = dataclasses.replace(TEAM, start=1000, end=1000 + len(TEAM.text))
    c = Citation(1, second, (0, 0))
    back = Citation.from_dict(c.to_dict(), [first, second])
    assert back.passage is second and back.headline and back.quote_text == TEAM.title
    alone = Citation.from_dict(c.to_dict())  # no passages: a passage of the headline alone
    assert alone.headline and alone.quote_text == TEAM.title
    span = Citation(1, second, (4, 20))
    assert Citation.from_dict(span.to_dict(), [first, second]).quote_text == TEAM.text[4:20]


def test_a_sentence_that_asks_the_question_does_not_answer_it() -> None:
    teaser = _passage("Quiz time. Which company is being accused of turning off the air "
                      "conditioning in its stores to save money?", "file:quiz.txt", score=0.7)
    story = _passage("Analysts say Harbor Home Goods turned off the air conditioning in its "
                     "stores as sales fell.", "file:story.txt", score=0.55)
    q = "Which company is being accused of turning off the air conditioning in its stores?"
    a = ExtractiveAnswerer().run(q, [teaser, story])
    echoed = ExtractiveAnswerer(weights=Weights(echo_penalty=0.0)).run(q, [teaser, story])
    assert "Which company" in echoed.text  # the quiz line, quoted as if it answered
    assert "Harbor Home Goods" in a.text and "?" not in a.text
