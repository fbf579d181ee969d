"""The extractive answerer and the name spotter: real model, real Chroma, the bundled seed."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa import NewsDesk
from qa.answerers.extractive import DEFAULT_THRESHOLD, ExtractiveAnswerer, Weights
from qa.text.analysis import analyse_question, which_head
from qa.text.names import find_entities, find_people, gender_of
from qa.text.numbers import find_numbers
from qa.text.places import country_key, place_class
from qa.text.roles import affiliations, person_roles
from qa.types import Answer, Draft
from vectorstore.text.dates import find_dates
from vectorstore.text.sentences import split_sentences
from vectorstore.types import Passage

MEETING = ("Jean-Yves Le Drian and Florence Parly of France and Russia’s Sergei Lavrov and "
           "Sergei Shoigu on September 9 held the first meeting in the so-called \"2+2\" format "
           "that was suspended after Russia seized Ukraine's Crimea region in 2014.")
MINISTERS = ["Jean-Yves Le Drian", "Florence Parly", "Sergei Lavrov", "Sergei Shoigu"]
MARKER = re.compile(r"\[(\d+)\]")
RERANK = Weights().rerank


@pytest.fixture(scope="module")
def desk(seed_desk: NewsDesk) -> NewsDesk:
    return seed_desk


def _passage(text: str, published: date | None = date(2019, 9, 11), score: float = 0.6,
             article_id: str = "file:a.txt") -> Passage:
    return Passage(text=text, article_id=article_id, published=published, score=score,
                   end=len(text), sentences=tuple(split_sentences(text)), chunk_id=article_id)


def _check_citations(a: Answer | Draft) -> None:
    used = [int(n) for n in MARKER.findall(a.text)]
    ns = [c.n for c in a.citations]
    assert set(used) == set(ns), (a.text, ns)
    assert ns == list(range(1, len(ns) + 1))
    first_use = list(dict.fromkeys(used))
    assert first_use == sorted(first_use), "citations are numbered by first use"
    for c in a.citations:
        s, e = c.quote
        assert 0 <= s < e <= len(c.passage.text)
        assert c.quote_text.strip()


# -- through the desk, on the seed ----------------------------------------------------------


def test_who_names_all_four_ministers_and_cites_the_sentence(desk: NewsDesk) -> None:
    a = desk.ask("Who attended the 2+2 talks?")
    assert not a.abstained
    for name in MINISTERS:
        assert name in a.text
        assert name in a.citations[0].quote_text
    assert "[1]" in a.text
    assert len(a.text.split()) <= 20, "a who answer is a short phrase"
    assert "held the first meeting" in a.citations[0].quote_text
    _check_citations(a)


def test_when_gives_the_resolved_date(desk: NewsDesk) -> None:
    a = desk.ask("On what date did the French and Russian ministers sit down in the 2+2 format?")
    assert not a.abstained
    assert "9 September 2019" in a.text
    assert "September 9" in a.citations[0].quote_text
    _check_citations(a)


def test_when_a_phone_call_took_place(desk: NewsDesk) -> None:
    a = desk.ask("When did Macron and Putin talk on the phone?")
    assert "8 September 2019" in a.text
    assert "phone conversation" in a.citations[0].quote_text


def test_where_gives_the_place(desk: NewsDesk) -> None:
    a = desk.ask("Where were the French ministers holding talks with their Russian counterparts?")
    assert not a.abstained
    assert a.text.startswith("Moscow")
    assert "Moscow" in a.citations[0].quote_text
    _check_citations(a)


def test_how_many_gives_the_number_phrase(desk: NewsDesk) -> None:
    a = desk.ask("How many people have died in the war in eastern Ukraine?")
    assert "13,000" in a.text and "70" not in a.text
    b = desk.ask("How many prisoners were swapped between Russia and Ukraine?")
    assert "70" in b.text and "13,000" not in b.text
    for x in (a, b):
        assert len(x.text.split()) <= 8
        _check_citations(x)


def test_why_gives_the_reason_sentence(desk: NewsDesk) -> None:
    a = desk.ask("Why did Macron revive top-level diplomatic contact with Moscow?")
    assert not a.abstained
    assert "in from the cold" in a.text
    assert len(a.text.split()) <= 70
    _check_citations(a)


@pytest.mark.parametrize("question", [
    "Who won the football match between Arsenal and Chelsea on Saturday?",
    "Who won the presidential election in Brazil?",
    "What is the recipe for a good sourdough bread?",
])
def test_abstains_when_the_seed_cannot_answer(desk: NewsDesk, question: str) -> None:
    a = desk.ask(question)
    assert a.abstained
    assert a.citations == ()
    assert a.text.startswith("The articles don't say")
    assert not MARKER.search(a.text)


def test_citation_numbers_always_exist(desk: NewsDesk) -> None:
    for q in ["Who attended the 2+2 talks?", "What did Parly tell TASS?",
              "What did Lavrov say about France's efforts?", "Why did the talks stop in 2014?",
              "What does the European Union say about sanctions?",
              "What is the Normandy format?", "Who leads France?"]:
        a = desk.ask(q)
        _check_citations(a)
        assert a.abstained or a.citations


def test_stream_yields_the_same_text(desk: NewsDesk) -> None:
    pieces = list(desk.stream("Who attended the 2+2 talks?"))
    final = pieces[-1]
    assert isinstance(final, Answer)
    assert "".join(p for p in pieces if isinstance(p, str)) == final.text


# -- the answerer on hand-made passages -----------------------------------------------------


def test_relative_date_is_resolved_against_the_article_date() -> None:
    p = _passage("The two ministers met in Moscow on Monday. They agreed to meet again.")
    d = ExtractiveAnswerer().run("When did the two ministers meet in Moscow?", [p])
    assert "9 September 2019" in d.text  # 11 September 2019 was a Wednesday
    assert "Monday" in d.text and "11 September 2019" in d.text
    assert d.citations[0].quote_text.startswith("The two ministers met")


def test_surname_is_expanded_from_the_passage() -> None:
    p = _passage("Jean-Yves Le Drian arrived on Sunday. Le Drian told reporters that trust "
                 "had to be rebuilt.")
    d = ExtractiveAnswerer().run("Who told reporters that trust had to be rebuilt?", [p])
    assert d.text.startswith("Jean-Yves Le Drian")
    assert "Le Drian told reporters" in d.citations[0].quote_text


def test_no_passages_abstains() -> None:
    d = ExtractiveAnswerer().run("Who attended the talks?", [])
    assert d.abstained and not d.citations


def test_threshold_decides_abstention() -> None:
    p = _passage(MEETING)
    q = "Who attended the 2+2 meeting?"
    low = ExtractiveAnswerer(threshold=float("-inf")).run(q, [p])
    high = ExtractiveAnswerer(threshold=10.0).run(q, [p])
    assert not low.abstained and high.abstained
    assert low.score == high.score > DEFAULT_THRESHOLD


def test_two_passages_are_numbered_by_first_use() -> None:
    a = _passage("The summit was cancelled because the host country faced a general strike.",
                 article_id="file:a.txt")
    b = _passage("Officials said the summit was cancelled because of the strike, "
                 "which closed airports.", article_id="file:b.txt", score=0.55)
    d = ExtractiveAnswerer().run("Why was the summit cancelled?", [a, b])
    _check_citations(d)


def test_question_types() -> None:
    kinds = {
        "Who attended the talks?": "PERSON",
        "Which celebrity was found liable?": "PERSON",
        "When did they meet?": "DATE",
        "In what year was the format suspended?": "DATE",
        "Where did they meet?": "PLACE",
        "Which country elected a leftist leader?": "PLACE",
        "How many people died?": "NUMBER",
        "What percentage of adults disapprove?": "NUMBER",
        "Why did Paris reach out?": "REASON",
        "What did Parly tell TASS?": "SENTENCE",
    }
    for q, kind in kinds.items():
        assert analyse_question(q).kind == kind, q


# -- the name, date and number spotters ------------------------------------------------------


def test_name_extractor_finds_all_four_ministers() -> None:
    people = [e.text for e in find_people(MEETING)]
    assert people == MINISTERS


def test_name_extractor_leaves_out_places_months_and_orgs() -> None:
    ents = {e.text: e.kind for e in find_entities(MEETING + " Parly told TASS on Monday.")}
    assert ents["Russia"] == "PLACE" and ents["France"] == "PLACE"
    assert ents["TASS"] == "ORG"
    assert ents["Parly"] == "PERSON"
    people = {e.text for e in find_people(MEETING + " Parly told TASS on Monday.")}
    assert not people & {"Russia", "France", "September", "Monday", "TASS", "Crimea", "Ukraine"}


@pytest.mark.parametrize(("text", "name"), [
    ("Abu Bakr al-Baghdadi was killed in a raid.", "Abu Bakr al-Baghdadi"),
    ("George W. Bush met the press.", "George W. Bush"),
    ("Talks with Ursula von der Leyen went on.", "Ursula von der Leyen"),
    ("French President Emmanuel Macron hosted the talks.", "Emmanuel Macron"),
    ("Secretary of State Antony Blinken said so.", "Antony Blinken"),
    ("Germany's Olaf Scholz spoke first.", "Olaf Scholz"),
])
def test_name_shapes(text: str, name: str) -> None:
    assert name in [e.text for e in find_people(text)]


def test_gender_from_first_names_and_titles() -> None:
    assert gender_of("Florence Parly") == "f"
    assert gender_of("Jean-Yves Le Drian") == "m"
    assert gender_of("Queen Rania") == "f"
    assert gender_of("Parly") == ""


def test_dates_and_numbers_in_text() -> None:
    ds = find_dates("They met on Monday and again on September 20, 2019.", date(2019, 9, 11))
    assert [d.first for d in ds] == [date(2019, 9, 9), date(2019, 9, 20)]
    assert ds[0].relative and not ds[1].relative
    nums = [n[2] for n in find_numbers("It killed more than 13,000 people since April 2014 "
                                       "and cost $2.5 billion in the 2+2 years.")]
    assert nums == ["more than 13,000 people", "$2.5 billion"]


@settings(max_examples=150, deadline=None)
@given(question=st.text(min_size=1, max_size=80),
       texts=st.lists(st.lists(st.sampled_from(
           list("abcXYZ ,.;:'’\"-$%0123456789\n") + ["Monday ", "Sergei ", "Paris ", "Le ",
                                                       "2019 ", "13,000 ", "said "]),
           max_size=120).map("".join), max_size=5))
def test_any_text_gives_a_well_formed_draft(question: str, texts: list[str]) -> None:
    passages = [_passage(t, score=0.5, article_id=f"file:{i}") for i, t in enumerate(texts)]
    for q in (question, "Who met in Paris on Monday?", "How many said 2019?"):
        d = ExtractiveAnswerer(threshold=float("-inf")).run(q, passages, as_of=date(2020, 1, 1))
        _check_citations(d)
        assert d.abstained or d.citations or not any(t.strip() for t in texts)


# -- reading the question's constraints (paraphrases, not the question set's wording) ----------


def test_people_are_filtered_by_the_asked_country() -> None:
    p = _passage(MEETING, published=date(2019, 9, 9))
    russians = ExtractiveAnswerer().run("Which Russian ministers took part in the meeting?", [p])
    assert russians.text.startswith("Sergei Lavrov and Sergei Shoigu")
    assert "Le Drian" not in russians.text and "Parly" not in russians.text
    french = ExtractiveAnswerer().run("Which French ministers took part in the meeting?", [p])
    assert french.text.startswith("Jean-Yves Le Drian and Florence Parly")
    _check_citations(russians)


def test_a_role_named_later_in_the_text_picks_one_person(desk: NewsDesk) -> None:
    # "“...,” the French defense minister said." right after a sentence about Parly
    a = desk.ask("Who is France's minister of defence?")
    assert not a.abstained
    assert "Parly" in a.text and "Le Drian" not in a.text
    _check_citations(a)


def test_the_post_a_person_holds(desk: NewsDesk) -> None:
    a = desk.ask("What position does Parly hold?")
    assert not a.abstained
    assert "defense minister" in a.text.lower()
    assert "the French defense minister said" in a.citations[0].quote_text


def test_no_person_of_the_asked_country_abstains(desk: NewsDesk) -> None:
    a = desk.ask("Who is Ukraine's president?")  # Macron and Putin are presidents, not Ukraine's
    assert a.abstained and not a.citations


def test_where_and_which_city_give_the_place_of_the_event() -> None:
    p = _passage("Ana Torres of Spain and Italy's Marco Bruni met in Lisbon on Monday to "
                 "discuss fishing quotas.")
    d = ExtractiveAnswerer().run("Where did the ministers of Spain and Italy meet?", [p])
    assert d.text.startswith("Lisbon")  # not the countries the ministers come from
    q = _passage("Spain and Portugal signed the treaty in Lisbon on Monday.")
    assert ExtractiveAnswerer().run("In which city was the treaty signed?", [q]).text \
        .startswith("Lisbon")
    assert ExtractiveAnswerer().run("Which country signed the treaty in Lisbon?", [q]).text \
        .startswith("Spain and Portugal")


def test_city_question_on_the_seed(desk: NewsDesk) -> None:
    a = desk.ask("In which city did the French and Russian ministers hold their talks?")
    assert a.text.startswith("Moscow")


def test_a_year_question_gives_the_year_of_the_asked_event(desk: NewsDesk) -> None:
    a = desk.ask("Which year did Russia seize Crimea?")
    assert not a.abstained
    assert "2014" in a.text and "2019" not in a.text


def test_how_many_counts_the_listed_names() -> None:
    d = ExtractiveAnswerer().run("How many ministers took part in the meeting?",
                                 [_passage(MEETING, published=date(2019, 9, 9))])
    assert d.text.startswith("Four")
    for name in MINISTERS:
        assert name in d.text


def test_how_many_countries_counts_the_listed_countries(desk: NewsDesk) -> None:
    a = desk.ask("How many nations will be represented at the planned summit in Paris?")
    assert a.text.startswith("Four")
    assert "Germany" in a.text and "Ukraine" in a.text


def test_how_many_years_between_two_dated_events(desk: NewsDesk) -> None:
    a = desk.ask("How many years after the suspension did the 2+2 format resume?")
    assert a.text.startswith("5 years")


def test_a_count_of_other_things_is_no_answer() -> None:
    p = _passage("The talks between 70 delegates ended on Monday in Lisbon.")
    d = ExtractiveAnswerer().run("How many hours did the talks last?", [p])
    assert d.abstained


def test_the_day_before_an_event() -> None:
    p = _passage("The summit opened in Rome on 10 March 2021 with twenty leaders. Talks on trade "
                 "went on late. On 11 March 2021, protesters blocked the roads to the airport. "
                 "On 9 March 2021, the police closed the old town.")
    before = ExtractiveAnswerer().run("What happened the day before the summit?", [p])
    assert "police closed the old town" in before.text
    after = ExtractiveAnswerer().run("What happened the day after the summit?", [p])
    assert "protesters blocked" in after.text


def test_a_quote_must_come_from_the_asked_speaker() -> None:
    p = _passage("Ana Torres of Spain met Italy's Marco Bruni. Bruni told reporters that quotas "
                 "would fall.")
    said = ExtractiveAnswerer().run("What did Bruni tell reporters?", [p])
    assert not said.abstained and "quotas would fall" in said.text
    unsaid = ExtractiveAnswerer().run("What did Torres tell reporters?", [p])
    assert unsaid.abstained or unsaid.score < said.score * 0.6


@pytest.mark.parametrize("question", [
    "What did Shoigu tell the press?",                   # Shoigu is named, never quoted
    "On what exact date will the Normandy summit start?",  # only "later this month"
    "What is Florence Parly's favourite film?",          # nothing about films
])
def test_abstains_when_the_asked_kind_of_answer_is_missing(desk: NewsDesk, question: str) -> None:
    a = desk.ask(question)
    assert a.abstained, a.text


def test_british_spellings_match_american_ones() -> None:
    p = _passage("The defense minister said the program would be cut. Sales rose in March.")
    d = ExtractiveAnswerer().run("What did the defence minister say about the programme?", [p])
    assert not d.abstained and "program would be cut" in d.text


def test_the_embedding_reranks_a_few_sentences_and_caches_them(desk: NewsDesk) -> None:
    seen: list[str] = []

    def embed(texts):  # type: ignore[no-untyped-def]
        seen.extend(texts)
        return desk.embedder.embed(texts)

    passages = desk.search().run("Who attended the 2+2 talks?", 5)
    answerer = ExtractiveAnswerer(embed=embed)
    d = answerer.run("Who attended the 2+2 talks?", passages)
    assert not d.abstained and "Florence Parly" in d.text
    assert 2 <= len(seen) <= RERANK + 2  # the question, a few sentences, the chosen one
    n = len(seen)
    again = answerer.run("Who attended the 2+2 talks?", passages)
    assert again.text == d.text and len(seen) == n  # nothing embedded twice


def test_a_failing_embedding_leaves_the_lexical_answer() -> None:
    def broken(texts):  # type: ignore[no-untyped-def]
        raise RuntimeError("no model")

    p = _passage(MEETING, published=date(2019, 9, 9))
    d = ExtractiveAnswerer(embed=broken).run("Who attended the 2+2 meeting?", [p])
    assert d.text == ExtractiveAnswerer().run("Who attended the 2+2 meeting?", [p]).text


def test_question_constraints() -> None:
    info = analyse_question("Which Russian official was the counterpart of France's defence "
                            "minister?")
    assert info.kind == "PERSON" and info.countries == {"russia"}
    assert analyse_question("In which city were the talks held?").sub == "city"
    assert analyse_question("In what year was the format suspended?").sub == "year"
    assert analyse_question("On exactly which day will it open?").sub == "day"
    assert analyse_question("How many countries' leaders will come?").sub == "place"
    assert analyse_question("What did Lavrov tell TASS?").speaker == "lavrov"
    assert analyse_question("What post does Florence Parly hold?").kind == "ROLE"
    assert analyse_question("Which news agency did she call?").kind == "ENTITY"
    assert analyse_question("She visited which area this week?").sub == ""  # any place
    # the counted noun is the noun phrase's head, past its modifiers
    assert [analyse_question(q).unit for q in (
        "Approximately how many positive monkeypox cases were there?",
        "How many baby swings and rockers were recalled?", "How many US troops are there?",
        "How many people work for Parmalat?", "How many did they sell?")] == [
        "case", "swing", "troop", "peopl", ""]
    assert analyse_question("Which province did she visit?").sub == "region"
    assert analyse_question("Who is the chairman and chief executive of Veloce?").roles == {
        "chairman", "chief", "execut"}
    assert [which_head(q) for q in ("To respond to which virus outbreak?",
                                    "Shops cannot stock which condiment, sparking anger.",
                                    "Which team won?", "Which company reported a loss?",
                                    "Who won?")] == ["outbreak", "condiment", "team", "company", ""]


def test_affiliations_roles_and_places() -> None:
    aff = {e.text: set(c) for e, c in affiliations(MEETING)}
    assert aff == {"Jean-Yves Le Drian": {"france"}, "Florence Parly": {"france"},
                   "Sergei Lavrov": {"russia"}, "Sergei Shoigu": {"russia"}}
    roles = person_roles("Parly told TASS that ties mattered. \"We disagree on some issues,\" "
                         "the French defense minister said. Sergei Lavrov, Russia’s foreign "
                         "minister, agreed.")
    assert roles["parly"][0].phrase == "French defense minister"
    assert roles["lavrov"][0].countries == {"russia"}
    assert [place_class(x) for x in ("Moscow", "France", "Crimea")] == ["CITY", "COUNTRY", "REGION"]
    assert country_key("French") == country_key("France's") == "france"
    people = {e.text for e in find_people("When did Macron and Putin discuss it? "
                                          "A jury found comedian Bill Cosby liable.")}
    assert {"Macron", "Putin", "Bill Cosby"} <= people


def test_a_year_question_takes_the_year_of_the_asked_event_not_a_nearer_day() -> None:
    p = _passage("The ministers met on September 9 in the format, which was frozen in 2014 "
                 "after the war began.")
    d = ExtractiveAnswerer().run("In which year was the format frozen?", [p])
    assert d.text.startswith("In 2014")


def test_the_asked_role_picks_one_of_two_named_people() -> None:
    p = _passage("Florence Parly and Jean-Yves Le Drian of France arrived. Parly told TASS that "
                 "ties mattered. \"We disagree on some issues,\" the French defense minister said.")
    d = ExtractiveAnswerer().run("Who is France's minister of defence?", [p])
    assert d.text.startswith("Florence Parly") and "Le Drian" not in d.text


def test_an_exact_day_is_not_the_day_something_was_said() -> None:
    p = _passage("The summit will open later this month in Paris, the ministers said on Monday.")
    d = ExtractiveAnswerer().run("On exactly which day will the summit open?", [p])
    assert d.abstained


def test_a_sentence_without_the_asked_thing_is_no_answer() -> None:
    p = _passage("Florence Parly of France met Sergei Shoigu in Moscow. Parly told TASS that "
                 "ties mattered.")
    assert ExtractiveAnswerer().run("What is Parly's favourite film?", [p]).abstained
    assert not ExtractiveAnswerer().run("Whom did Parly meet in Moscow?", [p]).abstained
