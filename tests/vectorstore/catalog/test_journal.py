"""The journal: one numbered entry per write, in order, naming the writer."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable

from catalog_helpers import row

from vectorstore.catalog import Catalog


def test_journal_since_gives_what_came_after(open_cat: Callable[..., Catalog]) -> None:
    cat = open_cat(process="cli")
    cat.put_articles([row(n) for n in range(1, 4)])
    mid = cat.journal_head()
    cat.put_articles([row(4)], process="ui")
    cat.delete_articles([row(2).id])
    entries = cat.journal_since(0)
    assert [e.seq for e in entries] == sorted({e.seq for e in entries}) and len(entries) == 5
    assert [(e.kind, e.article_id) for e in cat.journal_since(mid)] == [
        ("added", row(4).id), ("removed", row(2).id)]
    assert [e.process for e in entries] == ["cli", "cli", "cli", "ui", "cli"]
    assert {(e.pid, e.host) for e in entries} == {(os.getpid(), socket.gethostname())}
    assert all(e.at.tzinfo is not None for e in entries)
    assert [e.seq for e in cat.journal_since(0, limit=2)] == [e.seq for e in entries[:2]]
    assert cat.journal_since(cat.journal_head()) == []


def test_numbers_are_never_reused(cat: Catalog) -> None:
    cat.put_articles([row(1), row(2)])
    cat.delete_articles([row(1).id, row(2).id])
    before = cat.journal_head()
    cat.put_articles([row(1)])
    assert cat.journal_head() == before + 1 == 5


def test_collections_are_made_once_and_deleted_with_their_articles(cat: Catalog) -> None:
    made = cat.ensure_collection("world", embed_model="m1", dim=384,
                                 chunking={"tokens": 200, "overlap": 32})
    again = cat.ensure_collection("world", embed_model="other", dim=1)
    assert again == made and made.chunking == {"tokens": 200, "overlap": 32}
    assert cat.update_collection("world", dim=768).dim == 768
    cat.put_articles([row(1, collection="world"), row(2, collection="world"), row(3)])
    assert cat.count("world") == 2 and cat.count() == 1
    # the same text may live in two collections
    assert cat.put_articles([row(3, collection="world")]).added == (row(3).id,)
    assert cat.delete_collection("world") == 3
    assert [c.name for c in cat.collections()] == ["default"] and cat.count() == 1
    assert [e.kind for e in cat.journal_since(4)] == ["removed"] * 3


def test_the_schema_record_and_meta(cat: Catalog) -> None:
    assert cat.schema().embed_model == "" and cat.schema().catalog_version == 4
    rec = cat.set_schema(embed_model="all-MiniLM-L6-v2", dim=384, backend="onnx-int8")
    assert (rec.embed_model, rec.dim, rec.backend) == ("all-MiniLM-L6-v2", 384, "onnx-int8")
    assert cat.schema() == rec
    cat.set_meta("migrated", {"from": "chroma", "articles": 20})
    cat.set_meta("migrated", {"from": "chroma", "articles": 21})
    assert cat.get_meta("migrated") == {"from": "chroma", "articles": 21}
    assert cat.get_meta("absent", 0) == 0
