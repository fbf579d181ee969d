"""Saved conversations and their turns in the catalog, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from vectorstore.catalog import Catalog
from vectorstore.catalog.conversations import short_title
from vectorstore.catalog.tables import turns

T0 = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
ANSWER = {"text": "Florence Parly and Jean-Yves Le Drian [1]", "citations": [
    {"n": 1, "article_id": "a1", "title": "Talks", "url": "https://x.example/a1",
     "source": "X", "published": "2019-09-09", "quote": "Parly and Le Drian met",
     "quote_span": [10, 32], "page": None}]}


def test_turns_are_numbered_and_the_first_question_titles_the_conversation(cat: Catalog) -> None:
    convs = cat.conversations
    row = convs.add_turn("c1", "Who attended the 2+2 talks?", "Who attended the 2+2 talks?",
                         ANSWER, at=T0, owner="alice")
    assert (row.id, row.owner, row.title, row.turns, row.created, row.updated) == \
        ("c1", "alice", "Who attended the 2+2 talks?", 1, T0, T0)
    later = T0 + timedelta(minutes=1)
    row = convs.add_turn("c1", "What did she say?", "What did Florence Parly say?",
                         {"text": "x"}, at=later)
    assert (row.title, row.turns, row.updated, row.owner) == \
        ("Who attended the 2+2 talks?", 2, later, "alice")
    saved = convs.turns("c1")
    assert [(t.n, t.question, t.asked) for t in saved] == [
        (0, "Who attended the 2+2 talks?", "Who attended the 2+2 talks?"),
        (1, "What did she say?", "What did Florence Parly say?")]
    assert saved[0].answer == ANSWER and saved[1].at == later
    got = convs.get("c1")
    assert got is not None and got.turns == 2 and got.updated == later


def test_listing_is_per_owner_newest_first_with_turn_counts(cat: Catalog) -> None:
    convs = cat.conversations
    convs.add_turn("old", "First?", "First?", {}, at=T0, owner="bob")
    convs.add_turn("new", "Second?", "Second?", {}, at=T0 + timedelta(hours=1), owner="bob")
    convs.add_turn("other", "Hers?", "Hers?", {}, at=T0 + timedelta(hours=2), owner="carol")
    assert [(c.id, c.turns) for c in convs.listing("bob")] == [("new", 1), ("old", 1)]
    convs.add_turn("old", "Again?", "Again?", {}, at=T0 + timedelta(hours=3))
    assert [(c.id, c.turns) for c in convs.listing("bob")] == [("old", 2), ("new", 1)]
    assert [c.id for c in convs.listing(None)] == ["old", "other", "new"]
    assert convs.listing("") == [] and convs.get("other", owner="bob") is None
    empty = convs.create(owner="bob", at=T0 + timedelta(hours=4))
    assert convs.listing("bob")[0] == empty and empty.turns == 0 and len(empty.id) == 32


def test_rename_and_delete_only_touch_that_conversation(cat: Catalog) -> None:
    convs = cat.conversations
    convs.add_turn("a", "Who won?", "Who won?", {}, at=T0, owner="o")
    convs.add_turn("a", "Where?", "Where?", {}, at=T0, owner="o")
    convs.add_turn("b", "Why?", "Why?", {}, at=T0, owner="o")
    renamed = convs.rename("a", "  The  final ")
    assert renamed is not None and renamed.title == "The final" and renamed.turns == 2
    assert convs.rename("a", "", owner="o") is not None
    assert convs.get("a") is not None and convs.get("a").title == "Who won?"  # type: ignore[union-attr]
    assert convs.rename("a", "x", owner="someone else") is None
    assert convs.rename("nope", "x") is None
    assert not convs.delete("a", owner="someone else")
    assert convs.delete("a") and not convs.delete("a")
    assert convs.get("a") is None and convs.turns("a") == []
    with cat.engine.connect() as conn:  # its turns went with it, the other's stayed
        assert conn.execute(select(func.count()).select_from(turns)).scalar_one() == 1
    assert [c.id for c in convs.listing("o")] == ["b"]


def test_every_process_sees_the_same_conversations(open_cat: Callable[..., Catalog]) -> None:
    one, two = open_cat(), open_cat()
    one.conversations.add_turn("shared", "Who?", "Who?", ANSWER, at=T0)
    two.conversations.add_turn("shared", "And then?", "And then?", {}, at=T0)
    assert [t.n for t in one.conversations.turns("shared")] == [0, 1]
    assert two.conversations.turns("shared")[0].answer == ANSWER


def test_a_long_first_question_is_cut_at_a_word() -> None:
    q = "What did the French defence minister say about the future of the naval cooperation?"
    title = short_title(q)
    assert title.endswith("…") and len(title) <= 60 and q.startswith(title[:-1])
    assert short_title("  Who\n won?  ") == "Who won?"
