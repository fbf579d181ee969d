"""Uploads through ``gradio_client`` against the real app: each file keeps its original name
and becomes ``upload:<hash8>/<name>``, so that two files of one name are both kept, the same
bytes again are "unchanged", names in any script survive, and deleting the article removes its
upload record and every copy of the file (issue 19, finding 1 and part of 8)."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import App

pytestmark = pytest.mark.slow


def _story(folder: Path, name: str, words: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"Title: {words.split('.')[0]}\nDate: 2024-05-06\n\n{words}\n",
                    encoding="utf-8")
    return path


def _records(app: App) -> dict[str, tuple[str, str, int]]:
    """The app's upload records: article id -> (name, content hash, size)."""
    with sqlite3.connect(app.home / "catalog.db") as db:
        rows = db.execute("SELECT article_id, name, content_hash, size FROM uploads").fetchall()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def _ingest(client: Any, *paths: Path) -> dict[str, Any]:
    from gradio_client import handle_file

    return client.predict([handle_file(str(p)) for p in paths], api_name="/ingest")  # type: ignore[no-any-return]


def test_two_files_of_one_name_are_both_kept_and_the_same_bytes_again_are_unchanged(
        ui_app: App, tmp_path: Path):
    w = uuid.uuid4().hex[:6]
    a = _story(tmp_path / "a", "story.txt", f"The Brennick{w} lighthouse was repainted red on "
               "Tuesday by volunteers from the harbour town.")
    b = _story(tmp_path / "b", "story.txt", f"Orchard{w} growers expect a record cherry "
               "harvest after a mild spring, the cooperative said.")
    client = ui_app.client()
    ra, rb = _ingest(client, a), _ingest(client, b)
    assert (ra["added"], rb["added"], rb["updated"]) == (1, 1, 0)
    assert ra["files"] == rb["files"] == ["story.txt"]
    (ida,), (idb,) = ra["article_ids"], rb["article_ids"]
    assert ida != idb and ida.startswith("upload:") and ida.endswith("/story.txt")
    again = _ingest(client, a)
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, 1)
    assert again["article_ids"] == [ida]
    listed = {x["id"]: x for x in client.predict(api_name="/list")}
    assert f"Brennick{w}" in listed[ida]["title"] and f"Orchard{w}" in listed[idb]["title"]
    records = _records(ui_app)
    assert records[ida][0] == records[idb][0] == "story.txt"
    assert records[ida][2] == a.stat().st_size and records[ida][1] != records[idb][1]


def test_names_in_any_script_are_kept_in_one_batch(ui_app: App, tmp_path: Path):
    w = uuid.uuid4().hex[:6]
    zh = _story(tmp_path, "新闻.txt", f"The Quillon{w} ferry resumed service to the island "
                "after the storm, the operator announced.")
    ru = _story(tmp_path, "новости.txt", f"Marrow{w} council voted to extend the tram line "
                "to the new hospital by next year.")
    r = _ingest(ui_app.client(), zh, ru)
    assert r["added"] == 2 and r["failed"] == 0
    assert sorted(r["files"]) == sorted(["新闻.txt", "новости.txt"])
    assert sorted(i.split("/", 1)[1] for i in r["article_ids"]) == sorted(r["files"])
    records = _records(ui_app)
    assert {records[i][0] for i in r["article_ids"]} == {"新闻.txt", "новости.txt"}


def test_deleting_an_uploaded_article_removes_its_record_and_every_copy(
        ui_app: App, tmp_path: Path):
    w = uuid.uuid4().hex[:6]
    f = _story(tmp_path, "gone.txt", f"The Tessaly{w} museum reopened its north wing with "
               "a show of maritime charts.")
    body = f.read_bytes()
    client = ui_app.client()
    r = _ingest(client, f)
    (aid,) = r["article_ids"]
    assert aid in _records(ui_app)
    out = client.predict(aid, api_name="/delete")
    assert out["deleted"] == aid and aid not in _records(ui_app)
    assert aid not in {x["id"] for x in client.predict(api_name="/list")}
    base = ui_app.home.parent
    copies = [p for p in base.rglob("*") if p.is_file() and p.stat().st_size == len(body)
              and p.read_bytes() == body]
    assert not copies, copies  # neither under NEWSDESK_HOME nor in Gradio's cache
