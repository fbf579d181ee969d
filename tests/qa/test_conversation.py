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
