"""Upload records in the catalog, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

from vectorstore.catalog import Catalog
from vectorstore.catalog.uploads import UploadRow

A = UploadRow("upload:1a2b3c4d/story.txt", "story.txt", "1a2b3c4d" + "0" * 56, 120, "alice")
B = UploadRow("upload:9f8e7d6c/story.txt", "story.txt", "9f8e7d6c" + "1" * 56, 99, "bob")


def test_two_files_of_one_name_are_both_recorded_under_their_own_ids(cat: Catalog) -> None:
    assert cat.uploads.put(A) and cat.uploads.put(B)
    rows = cat.uploads.list()
    assert sorted(r.article_id for r in rows) == sorted([A.article_id, B.article_id])
    assert {r.name for r in rows} == {"story.txt"}
    got = cat.uploads.get(B.article_id)
    assert got is not None and (got.content_hash, got.size, got.uploaded_by) == (
        B.content_hash, 99, "bob") and got.created_at is not None


def test_the_same_upload_twice_keeps_its_first_record(cat: Catalog) -> None:
    assert cat.uploads.put(A)
    assert not cat.uploads.put(UploadRow(A.article_id, A.name, A.content_hash, A.size, "carol"))
    rows = cat.uploads.list()
    assert len(rows) == 1 and rows[0].uploaded_by == "alice"


def test_non_latin_names_are_kept_as_they_are(cat: Catalog) -> None:
    for name in ("新闻.txt", "новости.txt"):
        cat.uploads.put(UploadRow(f"upload:00000000/{name}", name, "0" * 64, 1))
    assert sorted(r.name for r in cat.uploads.list()) == sorted(["新闻.txt", "новости.txt"])


def test_delete_returns_the_record_once_and_collections_are_apart(
        open_cat: Callable[..., Catalog]) -> None:
    one, two = open_cat(), open_cat()
    one.uploads.put(A)
    two.uploads.put(UploadRow(A.article_id, A.name, A.content_hash, 1, collection="sport"))
    assert two.uploads.get(A.article_id) is not None  # every process sees the record
    gone = two.uploads.delete(A.article_id)
    assert gone is not None and gone.name == "story.txt"
    assert two.uploads.delete(A.article_id) is None and one.uploads.get(A.article_id) is None
    assert [r.collection for r in one.uploads.list(None)] == ["sport"]
    assert one.uploads.list("sport")[0].size == 1


def test_a_collection_renamed_moves_its_records_and_one_deleted_drops_them(cat: Catalog) -> None:
    cat.ensure_collection("sport")
    cat.uploads.put(UploadRow(A.article_id, A.name, A.content_hash, 1, collection="sport"))
    cat.uploads.put(B)
    cat.rename_collection("sport", "games")
    assert cat.uploads.list("sport") == [] and cat.uploads.get(A.article_id, "games") is not None
    cat.delete_collection("games")
    assert cat.uploads.list(None) == [cat.uploads.get(B.article_id)]  # the default's stays
