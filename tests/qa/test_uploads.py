"""Uploads through the Python API (``qa.uploads``): the same ids, records and clean-up as the
web UI and ``/ingest`` (tests/reliability/test_uploads.py drives those). Real model, real
Chroma, real catalog."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from qa import NewsDesk
from qa.uploads import clean_name, ingest_files, upload_id

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("given", "kept"), [
    ("C:\\Users\\ann\\新闻.txt", "新闻.txt"),
    ("/tmp/x/новости.txt", "новости.txt"),
    ("e\u0301te\u0301.md", "\u00e9t\u00e9.md"),
    ("bad\x1b]0;title\x07name\n.txt", "bad]0;titlename.txt"),
    ("  spaced name (2).html  ", "spaced name (2).html"),
    ("../", "upload"),
    (".json", "upload.json"),
])
def test_clean_name_keeps_the_name_without_folders_or_controls(given: str, kept: str):
    assert clean_name(given) == kept


def test_the_python_api_records_uploads_and_delete_forgets_them(tmp_path: Path):
    desk = NewsDesk.open(home=tmp_path / "home")
    src = tmp_path / "gradio" / "abc" / "report.txt"
    src.parent.mkdir(parents=True)
    src.write_text("Title: Kelp farms\n\nKelp farms off the Orkney coast doubled their "
                   "harvest this year, the cooperative said.\n", encoding="utf-8")
    rep = ingest_files(desk, [(src, "Report.txt")], uploaded_by="ann")
    aid = upload_id(hashlib.sha256(src.read_bytes()).hexdigest(), "Report.txt")
    assert rep.added == 1 and rep.article_ids == [aid]
    row = desk.store.catalog.uploads.get(aid)
    assert row is not None and (row.name, row.uploaded_by, row.size) == (
        "Report.txt", "ann", src.stat().st_size)
    again = ingest_files(desk, [(src, "Report.txt")], uploaded_by="bob")
    assert (again.added, again.unchanged) == (0, 1)
    assert desk.store.catalog.uploads.get(aid).uploaded_by == "ann"  # type: ignore[union-attr]
    desk.delete(aid)
    assert desk.store.catalog.uploads.get(aid) is None and desk.articles() == []


def test_deleting_an_old_style_upload_removes_its_copy_in_the_uploads_folder(tmp_path: Path):
    home = tmp_path / "home"
    old = home / "uploads" / "harbour.txt"  # how uploads were stored before upload ids
    old.parent.mkdir(parents=True)
    old.write_text("Title: Harbour\n\nThe Stromness harbour wall was rebuilt in granite.\n")
    desk = NewsDesk.open(home=home)
    (aid,) = desk.ingest([old]).article_ids
    assert aid == "file:uploads/harbour.txt"
    desk.delete(aid)
    assert not old.exists() and old.parent.exists()


def test_read_issues_name_the_original_file(tmp_path: Path):
    desk = NewsDesk.open(home=tmp_path / "home")
    empty = tmp_path / "up" / "x.txt"
    empty.parent.mkdir()
    empty.write_text("   \n")
    rep = ingest_files(desk, [(empty, "Empty notes.txt")])
    assert rep.failed == 1 and rep.issues[0].path == "Empty notes.txt"
    assert "empty file" in rep.issues[0].reason
