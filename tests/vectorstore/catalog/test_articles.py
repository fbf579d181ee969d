"""Articles: stored and read back whole, updated, duplicates refused by content hash, deleted."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC

import pytest
from catalog_helpers import row

from vectorstore.catalog import Catalog
from vectorstore.errors import NotFound


def test_put_then_get_gives_every_field_back(cat: Catalog) -> None:
    rows = [row(n) for n in range(1, 6)]
    res = cat.put_articles(rows)
    assert res.added == tuple(r.id for r in rows) and res.head == 5
    assert not (res.changed or res.unchanged or res.duplicates)
    for r in rows:
        got = cat.get_article(r.id, with_text=True)
        assert got == r  # every field (timestamps aside), the 64-bit SimHash included
        assert got is not None and got.created_at is not None
        assert got.created_at.tzinfo == UTC and not got.indexed
    assert cat.get_article(rows[0].id) == replace(rows[0], text=None)  # text read only if asked
    assert cat.article_text(rows[2].id) == rows[2].text
    assert max(r.simhash for r in rows) >= 2**63  # the high bit did round-trip above
    assert cat.count() == 5 and cat.get_article("nope") is None
    assert cat.get_article(rows[2].id).page_starts == (0, 40, 80)  # type: ignore[union-attr]


def test_new_page_offsets_change_an_article(cat: Catalog) -> None:
    cat.put_articles([row(3)])
    moved = replace(row(3), page_starts=(0, 50, 90))
    assert cat.put_articles([moved]).changed == (moved.id,)
    assert cat.get_article(moved.id) == replace(moved, text=None)
    assert cat.put_articles([moved]).unchanged == (moved.id,)


def test_listing_and_lookups(cat: Catalog) -> None:
    rows = [row(n) for n in range(1, 8)]
    cat.put_articles(rows)
    listed = cat.articles()
    assert [r.id for r in listed] == sorted(r.id for r in rows)
    assert all(r.text is None for r in listed)
    assert [r.text for r in cat.articles(with_text=True)] == [
        r.text for r in sorted(rows, key=lambda r: r.id)]
    found = cat.find_by_hashes([rows[1].content_hash, rows[4].content_hash, "absent"])
    assert {h: r.id for h, r in found.items()} == {rows[1].content_hash: rows[1].id,
                                                    rows[4].content_hash: rows[4].id}
    got = cat.get_articles([rows[0].id, "absent", rows[6].id])
    assert set(got) == {rows[0].id, rows[6].id}
    assert cat.simhashes() == {r.id: r.simhash for r in rows}
    with pytest.raises(NotFound, match="newsdesk list"):
        cat.article_text("absent")


def test_the_same_text_under_another_id_is_a_duplicate(cat: Catalog) -> None:
    first = row(1)
    cat.put_articles([first])
    twin = replace(row(2), content_hash=first.content_hash, text=first.text)
    res = cat.put_articles([twin, row(3)])
    assert res.duplicates == ((twin.id, first.id),) and res.added == (row(3).id,)
    assert cat.count() == 2 and cat.get_article(twin.id) is None
    assert [e.article_id for e in cat.journal_since(1)] == [row(3).id]


def test_a_twin_in_the_same_batch_is_a_duplicate_too(cat: Catalog) -> None:
    a = row(1)
    b = replace(row(2), content_hash=a.content_hash)
    res = cat.put_articles([a, b])
    assert res.added == (a.id,) and res.duplicates == ((b.id, a.id),) and cat.count() == 1


def test_putting_again_is_unchanged_and_a_change_is_journalled(cat: Catalog) -> None:
    rows = [row(n) for n in range(1, 4)]
    cat.put_articles(rows)
    cat.mark_indexed({r.id: 3 for r in rows})
    head = cat.journal_head()
    again = cat.put_articles([replace(r, n_chunks=3) for r in rows])
    assert again.unchanged == tuple(r.id for r in rows) and not again.added + again.changed
    assert cat.journal_head() == head  # nothing written, nothing journalled
    retitled = replace(rows[0], title="New title", n_chunks=3, text=None)  # None: keep the text
    rewritten = replace(rows[1], text="A new text.", content_hash="h-new", n_chunks=3)
    res = cat.put_articles([retitled, rewritten])
    assert res.changed == (rows[0].id, rows[1].id)
    got = cat.get_article(rows[0].id, with_text=True)
    assert got is not None and got.title == "New title" and got.text == rows[0].text
    assert got.indexed  # metadata only: its vectors stand
    assert cat.pending() == [rows[1].id]  # a new text needs new vectors
    assert [(e.kind, e.article_id) for e in cat.journal_since(head)] == [
        ("changed", rows[0].id), ("changed", rows[1].id)]


def test_a_change_to_another_articles_text_is_refused(cat: Catalog) -> None:
    a, b = row(1), row(2)
    cat.put_articles([a, b])
    res = cat.put_articles([replace(b, content_hash=a.content_hash, text=a.text)])
    assert res.duplicates == ((b.id, a.id),) and not res.changed
    got = cat.get_article(b.id, with_text=True)
    assert got is not None and got.text == b.text


def test_mark_indexed_and_pending(cat: Catalog) -> None:
    rows = [row(n) for n in range(1, 5)]
    cat.put_articles(rows)
    assert cat.pending() == sorted(r.id for r in rows)
    head = cat.mark_indexed({rows[0].id: 7, rows[2].id: 2, "absent": 1})
    assert cat.pending() == sorted([rows[1].id, rows[3].id])
    got = cat.get_article(rows[0].id)
    assert got is not None and got.indexed and got.n_chunks == 7
    assert [(e.kind, e.article_id) for e in cat.journal_since(4)] == [
        ("changed", rows[0].id), ("changed", rows[2].id)] and head == 6


def test_add_copy_records_another_outlet_once(cat: Catalog) -> None:
    cat.put_articles([row(1, copies=())])
    copy = {"id": "c1", "url": "https://other.org/1", "source": "Other", "title": "T", "path": ""}
    cat.add_copy(row(1).id, copy)
    got = cat.add_copy(row(1).id, {**copy, "source": "Other Ltd"})
    assert got.copies == ({**copy, "source": "Other Ltd"},)
    assert [e.kind for e in cat.journal_since(0)] == ["added", "changed", "changed"]
    with pytest.raises(NotFound):
        cat.add_copy("absent", copy)


def test_delete_removes_and_journals(cat: Catalog) -> None:
    rows = [row(n) for n in range(1, 6)]
    cat.put_articles(rows)
    gone = cat.delete_articles([rows[1].id, "absent", rows[3].id, rows[1].id])
    assert gone == (rows[1].id, rows[3].id)
    assert cat.count() == 3 and cat.get_article(rows[1].id) is None
    assert [(e.kind, e.article_id) for e in cat.journal_since(5)] == [
        ("removed", rows[1].id), ("removed", rows[3].id)]
    assert cat.delete_articles(["absent"]) == () and cat.journal_head() == 7
    # its text may come back under the same or another id
    assert cat.put_articles([replace(rows[1], id="again")]).added == ("again",)


def test_an_unknown_collection_is_named(cat: Catalog) -> None:
    with pytest.raises(NotFound, match="ensure_collection"):
        cat.put_articles([row(1, collection="nowhere")])
    assert cat.count() == 0 and cat.journal_head() == 0


def test_pending_writes_and_marks_are_journalled(cat: Catalog) -> None:
    """What the store's order of a write uses: rows put pending (even unchanged ones), then
    marked indexed; marked pending again for a delete or a repair."""
    rows = [row(n) for n in range(1, 4)]
    cat.put_articles(rows)
    head = cat.mark_indexed({r.id: 2 for r in rows})
    assert cat.pending() == []
    res = cat.put_articles([replace(rows[0], title="New title"), replace(rows[1], n_chunks=2)],
                           pending=True)
    assert res.changed == (rows[0].id,) and res.unchanged == (rows[1].id,)
    assert cat.pending() == sorted([rows[0].id, rows[1].id])
    assert cat.mark_indexed({rows[0].id: 3, rows[1].id: 2}) > head and cat.pending() == []
    before = cat.journal_head()
    assert cat.mark_pending([rows[2].id, "absent"]) == before + 1
    assert cat.pending() == [rows[2].id]
    assert [(e.kind, e.article_id) for e in cat.journal_since(before)] == [("changed", rows[2].id)]


def test_copies_are_merged_on_request_and_removed_one_by_one(cat: Catalog) -> None:
    r = row(1)
    cat.put_articles([r])
    theirs = {"id": "theirs", "url": "u", "source": "S", "title": "", "path": ""}
    cat.add_copy(r.id, theirs)  # recorded by another writer since r was read
    cat.put_articles([replace(r, title="Again")], merge_copies=True)
    got = cat.get_article(r.id)
    assert got is not None and [c["id"] for c in got.copies] == ["theirs", f"copy-{1}"]
    cat.put_articles([replace(r, title="Replaced")])
    got = cat.get_article(r.id)
    assert got is not None and [c["id"] for c in got.copies] == [f"copy-{1}"]
    head = cat.journal_head()
    after = cat.remove_copy(r.id, f"copy-{1}")
    assert after is not None and after.copies == () and cat.journal_head() == head + 1
    assert cat.remove_copy("absent", "x") is None
