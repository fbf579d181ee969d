"""Number and day questions get a number or day of the asked shape, bound to the question's
words, or an abstention: an age for "how old", a count (not a percentage or money) for "how
many", a day near the asked event for "when"."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from qa.answerers.extractive import ExtractiveAnswerer
from qa.answerers.extractive.phrases import is_age, titled
from qa.text.analysis import analyse_question
from vectorstore.text.sentences import split_sentences
from vectorstore.types import Passage


def _passage(text: str, article_id: str = "file:a.txt", score: float = 0.6) -> Passage:
    return Passage(text=text, article_id=article_id, published=date(2005, 2, 1), score=score,
                   end=len(text), sentences=tuple(split_sentences(text)), chunk_id=article_id)


@pytest.fixture(scope="module")
def answerer() -> ExtractiveAnswerer:
    return ExtractiveAnswerer()


@pytest.mark.parametrize(("sentence", "number", "expected"), [
    ("Novelist Arthur Hailey, who has died at the age of 84, was known for his books.", "84", True),
    ("Mr Davies, 60, said the mugging occurred near the school.", "60", True),
    ("The 84-year-old writer lived in the Bahamas.", "84", True),
    ("Patricia Hewitt (56) said the plan was sound.", "56", True),
    ("Aged 33, she won the title again.", "33", True),
    ("He is 50 years old.", "50", True),
    ("Dibaba won the women's 5,000m at the Boston Indoor Games.", "5", False),
    ("In 1986, 30 million tuned in to see Den.", "30", False),
    ("Smith (45 votes) came second.", "45", False),
    ("Hewitt has lifted the title four times in six years.", "six", False),
])
def test_an_age_is_read_as_news_writes_it(sentence: str, number: str, expected: bool) -> None:
    i = sentence.index(number)
    assert is_age(sentence, i, i + len(number)) is expected


@pytest.mark.parametrize(("question", "shape"), [
    ("How old is Leslie Grantham?", "age"),
    ("How many employees does Google have?", "count"),
    ("How many dollars did the plan cost?", "money"),
    ("How much did the network cost?", "money"),
    ("What percentage of voters backed him?", "percent"),
    ("How long will Robben be out?", "duration"),
    ("What was her winning time?", "duration"),
    ("How long is the new bridge?", ""),  # a length or a time: not said
    ("He would reward women with a large sum of money if they give birth to how many "
     "children?", "count"),  # the counted noun decides, not a money word elsewhere
    ("How much have gas prices increased over the past year?", ""),  # a change: % or amount
    ("How much did prices fall?", ""),
    ("How much did the Barclay twins pay for the Telegraph?", "money"),
    ("How many billion dollars did Acme spend on the deal?", "money"),  # money, counted
    ("How many million pounds did the club pay?", "money"),
    ("How much did the fall festival cost?", "money"),  # "fall" here is no change
    ("What did the Huaral network for Peruvian farmers cost?", "money"),  # a sum, not a sentence
    ("What was the cost of the new bridge?", "money"),
])
def test_the_question_names_the_shape_of_its_number(question: str, shape: str) -> None:
    assert analyse_question(question).shape == shape


def test_how_old_takes_an_age_and_abstains_without_one(answerer: ExtractiveAnswerer) -> None:
    q = "How old is Patricia Hewitt?"
    none = answerer.run(q, [_passage("Patricia Hewitt has lifted the Sydney title four times "
                                     "in the last six years, a record for the event.")])
    assert none.abstained, none.text
    one = answerer.run(q, [_passage("Patricia Hewitt, 56, said the health service would "
                                    "meet its waiting-time targets this year.")])
    assert not one.abstained and "56" in one.text, one.text


def test_how_many_is_not_answered_with_a_percentage(answerer: ExtractiveAnswerer) -> None:
    q = "How many employees does Google have?"
    pct = answerer.run(q, [_passage("Shares in Google have fallen 6.7% after employees and "
                                    "early investors in the web search firm sold shares.")])
    assert pct.abstained, pct.text
    count = answerer.run(q, [_passage("Shares in Google have fallen 6.7% this week. The web "
                                      "search firm now has 3,021 employees, up from 1,628.")])
    assert not count.abstained and "3,021" in count.text, count.text


def test_a_day_with_none_of_the_asked_event_around_it_is_no_answer(
        answerer: ExtractiveAnswerer) -> None:
    q = "When was Time Warner founded?"
    other = answerer.run(q, [_passage("Time Warner said on Friday that it now owns 8% of "
                                      "search-engine Google, whose shares rose again.")])
    assert other.abstained, other.text
    asked = answerer.run(q, [_passage("Time Warner was founded in 1990, when Time Inc merged "
                                      "with Warner Communications.")])
    assert not asked.abstained and "1990" in asked.text, asked.text


def test_the_counted_noun_alone_does_not_bind_a_number(answerer: ExtractiveAnswerer) -> None:
    q = "How many people work for Parmalat?"
    lost = answerer.run(q, [_passage("More than 130,000 people lost money following the "
                                     "collapse of the Italian dairy firm Parmalat.")])
    assert lost.abstained, lost.text
    staff = answerer.run(q, [_passage("About 36,000 people work for Parmalat in 30 countries, "
                                      "the Italian dairy firm said.")])
    assert not staff.abstained and "36,000" in staff.text, staff.text


@pytest.mark.parametrize(("text", "expected"), [
    ("President Joe Biden says he is fine.", "President Joe Biden"),
    ("UK Prime Minister Boris Johnson resigned.", "UK Prime Minister Joe Biden"),  # his office's
    ("Russia's Prime Minister Boris Johnson spoke.", "Prime Minister Joe Biden"),
    ("Texas Gov. Joe Biden said so.", "Gov. Joe Biden"),  # a state is no country
    ("Then-President Joe Biden said so.", "Joe Biden"),  # a former title is not his
    ("Joe Biden said so.", "Joe Biden"),
    ("Reporters Joe Biden met said so.", "Joe Biden"),  # not a title word
])
def test_a_name_keeps_the_title_the_text_gives_it(text: str, expected: str) -> None:
    assert titled("Joe Biden", text.replace("Boris Johnson", "Joe Biden")) == expected


def test_which_official_is_answered_with_the_title(answerer: ExtractiveAnswerer) -> None:
    p = _passage("President Joe Biden tested positive for Covid-19 on Thursday, the White "
                 "House said.")
    titled_answer = answerer.run("Which US official tested positive for Covid-19?", [p])
    plain = answerer.run("Who tested positive for Covid-19?", [p])
    assert titled_answer.text.startswith("President Joe Biden")
    assert plain.text.startswith("Joe Biden")  # no role asked: the name


def test_a_counterpart_holds_the_same_office_in_the_asked_country() -> None:
    info = analyse_question("Which Russian official was the counterpart of France's defence "
                            "minister?")
    assert info.countries == {"russia"} and {"defens", "minist"} <= info.roles
    plain = analyse_question("Which Russian official met France's defence minister?")
    assert not {"defens"} & plain.roles  # the minister met is not the one asked for


def test_which_national_park_is_answered_with_the_park(answerer: ExtractiveAnswerer) -> None:
    q = "A wildfire forced people to evacuate communities near which national park?"
    info = analyse_question(q)
    assert info.type_words == {"national", "park"} and "park" not in info.words
    p = _passage("A wildfire raging in central California's Mariposa County outside Yosemite "
                 "National Park forced thousands of people to evacuate their communities.")
    assert answerer.run(q, [p]).text.startswith("Yosemite National Park")  # not the county


def test_how_long_takes_the_whole_duration_not_another_number(
        answerer: ExtractiveAnswerer) -> None:
    out = answerer.run("How long will Jan Berger be out with his broken wrist?", [_passage(
        "Winger Jan Berger has broken two bones in his wrist and will be out for at least "
        "five weeks, the club said.")])
    assert out.text.startswith("At least five weeks"), out.text  # not "two bones"
    race = answerer.run("What was Anna Kolar's winning time?", [_passage(
        "Anna Kolar won the indoor 3,000m in 8 minutes 21.05 seconds, a meeting record.")])
    assert race.text.startswith("8 minutes 21.05 seconds"), race.text


def test_a_figure_is_given_as_written_not_converted_nor_the_old_one(
        answerer: ExtractiveAnswerer) -> None:
    out = answerer.run("How much profit did Brightline Media make in the quarter?", [_passage(
        "Quarterly profit at Brightline Media rose 40% to $2.4bn (£1.3bn) in the quarter, "
        "from $1.7bn a year earlier.")])
    assert out.text.startswith("$2.4bn"), out.text


def test_a_passage_naming_the_asked_year_dates_its_sentences(
        answerer: ExtractiveAnswerer) -> None:
    q = ("How many minutes did the president let the violence go on at the Capitol on "
         "January 6, 2021?")
    later = date(2022, 7, 21)  # an article of the next year on the event
    framed = "The committee investigating the riot at the Capitol on January 6, 2021, met again."
    told = " Aides say the panel will show how the president let the violence go on for 187 minutes."
    dated = answerer.run(q, [replace(_passage(framed + told), published=later)])
    assert dated.text.startswith("187 minutes"), dated.text
    undated = answerer.run(q, [replace(_passage(framed.replace(" on January 6, 2021,", "")
                                                + told), published=later)])
    assert undated.abstained, undated.text  # nothing ties it to that year
