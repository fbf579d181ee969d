"""Saved conversations through the Python API: ``desk.chat()`` saves every turn in the
catalog, ``desk.chat(conversation_id=ID)`` resumes one in a new desk (as another process
would), ``desk.conversations()`` lists them, and they export as Markdown and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa import NewsDesk, NotFound
from qa.history import delete, rename, to_json
from tests.conftest import SEED_DIR


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the bundled corpus ingested."""
    path = tmp_path_factory.mktemp("history-desk")
    NewsDesk.open(home=path).ingest([SEED_DIR])
    return path


def test_a_conversation_resumes_in_a_new_desk_and_follow_ups_use_its_turns(home: Path) -> None:
    desk = NewsDesk.open(home=home)
    chat = desk.chat()
    first = chat.ask("Who attended the 2+2 talks?")
    pieces = list(chat.stream("Where did they meet?"))  # a streamed turn is saved too
    assert "Florence Parly" in first.text and chat.title == "Who attended the 2+2 talks?"

    again = NewsDesk.open(home=home)  # another process on the same store
    resumed = again.chat(conversation_id=chat.id)
    assert [t.question for t in resumed.turns] == ["Who attended the 2+2 talks?",
                                                   "Where did they meet?"]
    restored = resumed.turns[0].answer
    assert restored.text == first.text and restored.citations == first.citations
    assert resumed.turns[1].answer.text == pieces[-1].text  # type: ignore[union-attr]
    follow = resumed.ask("What did she say about misunderstanding?")
    assert "Parly" in follow.standalone_question and not follow.abstained
    listed = again.conversations()
    assert listed[0].id == chat.id and listed[0].turns == 3
    assert [t.question for t in again.chat(conversation_id=chat.id).turns][-1] == \
        "What did she say about misunderstanding?"


def test_markdown_and_json_carry_the_sources(home: Path) -> None:
    desk = NewsDesk.open(home=home)
    chat = desk.chat()
    answer = chat.ask("Who attended the 2+2 talks?")
    md = desk.chat(conversation_id=chat.id).to_markdown()
    assert md.startswith("# Who attended the 2+2 talks?") and answer.text.strip() in md
    for c in answer.citations:
        assert c.passage.title.replace("[", "\\[") in md and c.passage.url in md
        assert " ".join(c.quote_text.split()) in md
    data = json.loads(to_json(desk.chat(conversation_id=chat.id)))
    assert data["id"] == chat.id and data["title"] == chat.title
    cited = data["turns"][0]["answer"]["citations"]
    assert cited == [c.to_dict() for c in answer.citations]  # the one citation shape


def test_listing_is_newest_first_per_owner_and_rename_and_delete_work(home: Path) -> None:
    desk = NewsDesk.open(home=home)
    older, newer = desk.chat(owner="tester"), desk.chat(owner="tester")
    older.ask("Who attended the 2+2 talks?")
    newer.ask("Where did the talks take place?")
    assert [c.id for c in desk.conversations("tester")] == [newer.id, older.id]
    assert older.id not in {c.id for c in desk.conversations()}  # another owner's
    older.ask("When were the talks suspended?")
    assert [c.id for c in desk.conversations("tester")] == [older.id, newer.id]
    assert rename(desk, newer.id, "Venue").title == "Venue"
    assert desk.conversations("tester")[1].title == "Venue"
    with pytest.raises(NotFound):
        desk.chat(conversation_id=newer.id, owner="someone else")
    delete(desk, newer.id)
    assert [c.id for c in desk.conversations("tester")] == [older.id]
    with pytest.raises(NotFound, match="history list"):
        desk.chat(conversation_id=newer.id)


def test_a_chat_nobody_asked_in_is_not_listed_and_an_unsaved_chat_is_never_saved(
        home: Path) -> None:
    desk = NewsDesk.open(home=home)
    before = {c.id for c in desk.conversations(None)}
    desk.chat()
    quiet = desk.chat(save=False)
    quiet.ask("Who attended the 2+2 talks?")
    assert {c.id for c in desk.conversations(None)} == before
