"""Follow-up questions: rule-based rewriting, the LLM branch, and a chat on the real seed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fakes.llm_server import FakeLLMServer, Reply
from hypothesis import given, settings
from hypothesis import strategies as st

from qa import NewsDesk
from qa.conversation import QuestionRewriter, rewrite
from qa.types import Answer, Turn
from vectorstore.config import Settings

WHO = "Jean-Yves Le Drian, Florence Parly, Sergei Lavrov and Sergei Shoigu [1]"


def _turn(question: str, answer: str, standalone: str | None = None,
          abstained: bool = False) -> Turn:
    return Turn(question, Answer(question=question, standalone_question=standalone or question,
                                 text=answer, abstained=abstained))


HISTORY = [_turn("Who attended the 2+2 talks?", WHO)]


# -- rules ------------------------------------------------------------------------------------


def test_she_is_the_most_recent_woman() -> None:
    assert rewrite("What did she tell TASS?", HISTORY) == "What did Florence Parly tell TASS?"


def test_he_is_the_most_recent_man() -> None:
    h = HISTORY + [_turn("Who is the French foreign minister?", "Jean-Yves Le Drian [1]")]
    assert rewrite("What did he say about sanctions?", h) == \
        "What did Jean-Yves Le Drian say about sanctions?"


def test_her_as_a_possessive() -> None:
    assert rewrite("What was her main point?", HISTORY) == "What was Florence Parly’s main point?"


def test_they_is_the_group_from_the_last_answer() -> None:
    out = rewrite("Where did they meet?", HISTORY)
    assert out == "Where did Jean-Yves Le Drian, Florence Parly, Sergei Lavrov and Sergei Shoigu meet?"


def test_it_is_the_last_topic() -> None:
    assert rewrite("When did it start?", HISTORY) == "When did the 2+2 talks start?"


def test_elliptical_follow_ups_reuse_the_previous_frame() -> None:
    h = [_turn("What did Parly tell TASS?", "Ahead of the meeting, Parly told TASS that ... [1]")]
    assert rewrite("And Lavrov?", h) == "What did Lavrov tell TASS?"
    assert rewrite("What about the defense minister?", h) == "What did the defense minister tell TASS?"
    h2 = [_turn("Who is the French foreign minister?", "Jean-Yves Le Drian [1]")]
    assert rewrite("And the defense minister?", h2) == "Who is the French defense minister?"
    assert rewrite("And in 2014?", h2) == "Who is the French foreign minister in 2014?"


def test_standalone_questions_are_left_alone() -> None:
    q = "Where did Jean-Yves Le Drian meet Sergei Lavrov?"
    assert rewrite(q, HISTORY) == q
    assert rewrite("What did she tell TASS?", []) == "What did she tell TASS?"


def test_an_abstained_answer_gives_no_referents() -> None:
    h = [_turn("Who won the match?", "The articles don't say.", abstained=True)]
    assert rewrite("What did she say?", h) == "What did she say?"


def test_she_never_means_a_man() -> None:
    h = [_turn("Who spoke by phone?", "Emmanuel Macron and Vladimir Putin [1]")]
    assert rewrite("What did she say?", h) == "What did she say?"


def test_he_is_the_man_of_the_last_answer_and_a_dummy_it_stays() -> None:
    h = [_turn("Who is France's top diplomat?", "Jean-Yves Le Drian [1]")]
    assert rewrite("What did he say it was too early to do?", h) == \
        "What did Jean-Yves Le Drian say it was too early to do?"


def test_they_are_the_people_named_together_in_the_last_question() -> None:
    h = [_turn("When did Macron and Putin speak by phone?", "On 8 September 2019 [1]")]
    assert rewrite("What did they agree on?", h) == "What did Macron and Putin agree on?"


def test_a_month_in_an_answer_is_no_topic() -> None:
    h = [_turn("When did the talks start?", "On 9 September 2019 (“September 9”) [1]")]
    assert "September" not in rewrite("Why did it happen?", h)


def test_gender_falls_back_to_the_most_recent_person() -> None:
    h = [_turn("Who spoke to TASS?", "Parly [1]")]
    assert rewrite("What did she say?", h) == "What did Parly say?"


def test_a_follow_up_that_names_its_own_subject_is_left_as_asked() -> None:
    # issue 13: "its" means Time Warner, not the 2+2 talks of the earlier turn
    for q in ("What did Time Warner say about its profits?",
              "What did the company say about its profits?",
              "What did Putin say about his plans?",
              "What did the ministers say about their talks?"):
        assert rewrite(q, HISTORY) == q


def test_her_and_him_are_two_people_of_earlier_turns() -> None:
    h = [_turn("Who won the award?", "Kylie Minogue [1]"),
         _turn("Who is her partner?", "Olivier Martinez [1]", "Who is Kylie Minogue’s partner?")]
    assert rewrite("Who introduced her to him?", h) == \
        "Who introduced Kylie Minogue to Olivier Martinez?"
    # a name given to "her" does not stop "him" from being resolved
    assert rewrite("Who introduced her to him?", HISTORY) == \
        "Who introduced Florence Parly to Jean-Yves Le Drian?"


def test_an_object_pronoun_means_someone_the_question_does_not_name() -> None:
    h = [_turn("Who spoke by phone?", "Emmanuel Macron and Vladimir Putin [1]")]
    assert rewrite("What did Putin tell him?", h) == "What did Putin tell Emmanuel Macron?"
    assert rewrite("What did he say about his talks?", h) == \
        "What did Emmanuel Macron say about his talks?"


def test_the_two_leaders_are_the_two_latest_people() -> None:
    h = [_turn("Who spoke by phone?", "Emmanuel Macron and Vladimir Putin [1]")]
    both = "Emmanuel Macron and Vladimir Putin"
    assert rewrite("What did the two leaders agree?", h) == f"What did {both} agree?"
    assert rewrite("What did both say?", h) == f"What did {both} say?"
    assert rewrite("What did both men discuss?", h) == f"What did {both} discuss?"
    h2 = [_turn("Who is Russia's foreign minister?", "Sergei Lavrov [1]"),
          _turn("Whom did he meet?", "Jean-Yves Le Drian [1]", "Whom did Sergei Lavrov meet?")]
    assert rewrite("Where did the two men meet?", h2) == \
        "Where did Sergei Lavrov and Jean-Yves Le Drian meet?"


def test_two_that_are_not_people_or_not_clear_stay() -> None:
    h = [_turn("Who spoke by phone?", "Emmanuel Macron and Vladimir Putin [1]")]
    for q in ("What did both countries agree?", "Did both Macron and Putin attend?",
              "What did the two sides sign?"):
        assert rewrite(q, h) == q
    # four people in the last answer: which two is unclear
    assert rewrite("What did the two leaders agree?", HISTORY) == \
        "What did the two leaders agree?"


def test_it_is_what_a_which_question_was_answered_with() -> None:
    h = [_turn("Which company owns AOL?", "Time Warner [1]")]
    assert rewrite("Who founded it?", h) == "Who founded Time Warner?"
    h2 = [_turn("Which book won the award?", "Andrea Levy has seen her book Small Island win "
                "the Whitbread Novel of the Year Award. [1]")]
    assert rewrite("Who wrote it?", h2) == "Who wrote Small Island?"


def test_that_company_is_the_one_a_which_company_question_was_answered_with() -> None:
    h = [_turn("Which company owns AOL?", "Time Warner said on Friday that it owns 8% of "
                "Google. But its own internet business, AOL, had mixed fortunes. [1]")]
    assert rewrite("Who founded that company?", h) == "Who founded Time Warner?"
    assert rewrite("Who runs that website?", h) == "Who runs that website?"  # no such answer


def test_there_is_the_place_and_it_the_product_of_the_last_question() -> None:
    h = [_turn("When will Sony's PlayStation Portable go on sale in the US?", "24 March [1]")]
    assert rewrite("How much will it cost there?", h) == \
        "How much will Sony's PlayStation Portable cost in the US?"
    # an existential "there" is no place
    assert rewrite("Is there a cheaper model?", h) == "Is there a cheaper model?"


def test_it_is_the_subject_not_the_scene_of_the_last_question() -> None:
    h = [_turn("How many subscribers did AOL lose in the fourth quarter?", "464,000 [1]")]
    assert rewrite("Which company owns it?", h) == "Which company owns AOL?"
    h2 = [_turn("Who is developing a laptop that will sell for less than $100?",
                "Nicholas Negroponte [1]")]
    assert rewrite("What operating system will it run?", h2) == \
        "What operating system will the laptop run?"
    h3 = [_turn("When will the console go on sale in the US?", "24 March [1]")]
    assert rewrite("How much will it cost there?", h3) == \
        "How much will the console cost in the US?"
    # only a scene ("in the US") or places after "between": "it" is left as asked
    for first in ("When will Sony go on sale in the US?",
                  "How many prisoners were exchanged between Russia and Ukraine?"):
        h4 = [_turn(first, "70 [1]")]
        assert rewrite("When did Macron and Putin discuss it?", h4) == \
            "When did Macron and Putin discuss it?"


# -- the LLM branch: a hosted LLM faked as a local HTTP server -------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as s:
        yield s


def _llm(server: FakeLLMServer):  # type: ignore[no-untyped-def]
    from qa.answerers.llm import make_chat_model

    return make_chat_model(Settings().with_(llm="openai:fake-model",
                                            llm_base_url=server.openai_url))


def test_the_llm_rewrites_when_set(server: FakeLLMServer) -> None:
    server.push("What did Florence Parly tell the TASS news agency?")
    out = QuestionRewriter(_llm(server)).run("What did she tell TASS?", HISTORY)
    assert out == "What did Florence Parly tell the TASS news agency?"
    assert "she tell TASS" in server.requests[-1].last_user


def test_a_failing_llm_falls_back_to_the_rules(server: FakeLLMServer) -> None:
    for _ in range(4):  # enough for the client's retries
        server.push(Reply(status=400, error="bad request"))
    out = QuestionRewriter(_llm(server)).run("What did she tell TASS?", HISTORY)
    assert out == "What did Florence Parly tell TASS?"


# -- a chat on the seed ----------------------------------------------------------------------


def test_follow_up_chat_on_the_seed(seed_desk: NewsDesk) -> None:
    c = seed_desk.chat()
    first = c.ask("Who attended the 2+2 talks?")
    assert "Florence Parly" in first.text
    a = c.ask("What did she say about misunderstanding?")
    assert "Parly" in a.standalone_question
    assert not a.abstained
    assert any("misunderstanding" in x.quote_text and "Parly" in x.quote_text
               for x in a.citations)
    b = c.ask("Where did they meet?")
    assert "Sergei Lavrov" in b.standalone_question
    assert "Moscow" in b.text
    own = "What did Time Warner say about its profits?"
    assert c.ask(own).standalone_question == own  # names its own subject: left as asked


def test_a_follow_up_names_the_woman_of_the_previous_answer(seed_desk: NewsDesk) -> None:
    c = seed_desk.chat()
    first = c.ask("Who is France's minister of defence?")
    assert "Parly" in first.text and "Le Drian" not in first.text
    a = c.ask("Which agency did she talk to ahead of the meeting?")
    assert "Parly" in a.standalone_question
    assert "TASS" in a.text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["she", "her", "he", "his", "they", "them", "it", "its", "And",
                                 "what", "about", "Lavrov", "the", "minister", "?", "in",
                                 "2014", "Paris", "x", "’s", ",", "did", "say"]),
                min_size=1, max_size=10).map(" ".join))
def test_any_follow_up_rewrites_without_error(question: str) -> None:
    out = rewrite(question, HISTORY)
    assert isinstance(out, str) and out.strip()
