"""Inputs that used to change silently (issue 19, findings 8 and 9): an invalid article date
is reported as a load issue while the article is kept undated, a source filter naming no
stored outlet gets a note with the close matches, and a JSON file over the record cap is read
up to the cap with an issue naming ``NEWSDESK_MAX_RECORDS``. Real model, real Chroma, and
the CLI in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import run_cli

pytestmark = pytest.mark.slow

STORIES = {
    "www.cnn.com": "The Halvorsen bridge over the Tay reopened on Monday after two years of "
                   "repairs, the transport minister said at the ceremony.",
    "apnews.com": "Farmers in the Vellan valley expect a poor wheat harvest after the driest "
                  "spring in forty years, the growers' union said on Friday.",
}


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A desk with two stories from two outlets."""
    from qa import NewsDesk

    home = tmp_path_factory.mktemp("inputs")
    folder = home / "stories"
    folder.mkdir()
    for i, (source, text) in enumerate(STORIES.items()):
        (folder / f"story{i}.txt").write_text(f"Source: {source}\nDate: 2024-03-0{i + 1}\n\n"
                                              f"{text}\n", encoding="utf-8")
    d = NewsDesk.open(home=home / "home")
    assert d.ingest([folder]).added == 2
    return d


def test_invalid_article_dates_are_reported_and_the_articles_kept_undated(desk: Any,
                                                                          tmp_path: Path):
    (tmp_path / "feb30.txt").write_text(
        "Title: Leap mix-up\nDate: 2019-02-30\n\nThe Ostrava clock tower chimed thirteen "
        "times at noon, puzzling residents.\n", encoding="utf-8")
    (tmp_path / "month13.json").write_text(json.dumps([
        {"title": "Canal", "date": "2019-13-01",
         "text": "The Brevik canal froze solid for the first time since 1987."}]))
    (tmp_path / "year0.jsonl").write_text(json.dumps(
        {"title": "Museum", "published": "0000-01-01",
         "text": "The Lindqvist museum found a lost Viking comb in its basement."}) + "\n")
    rep = desk.ingest([tmp_path])
    assert (rep.added, rep.failed) == (3, 0)
    warnings = {Path(i.path).name: i.reason for i in rep.issues if i.kind == "warning"}
    assert set(warnings) == {"feb30.txt", "month13.json", "year0.jsonl"}
    for name, raw in (("feb30.txt", "2019-02-30"), ("month13.json", "2019-13-01"),
                      ("year0.jsonl", "0000-01-01")):
        assert raw in warnings[name] and "undated" in warnings[name]
    by_title = {a.title: a for a in desk.articles()}
    assert all(by_title[t].published is None for t in ("Leap mix-up", "Canal", "Museum"))


def test_an_unknown_source_filter_gets_a_note_naming_the_close_match(desk: Any):
    q = "When did the Halvorsen bridge reopen?"
    note = [w for w in desk.ask(q, sources=["CNN"]).warnings if "'CNN'" in w]
    assert len(note) == 1 and "www.cnn.com" in note[0] and "apnews.com" not in note[0]
    exact = desk.ask(q, sources=["www.cnn.com"])
    assert not any("source" in w for w in exact.warnings) and not exact.abstained


def test_a_json_file_over_the_record_cap_is_read_up_to_the_cap_with_a_clear_issue(
        tmp_path: Path):
    records = [{"title": f"Regatta {n}", "date": "2024-06-0" + str(n + 1),
                "text": f"Boat {n} of the Lakeside{n}x club won heat {n} of the regatta."}
               for n in range(5)]
    f = tmp_path / "records.json"
    f.write_text(json.dumps(records))
    home = tmp_path / "home"
    proc = run_cli(home, "ingest", str(f), NEWSDESK_MAX_RECORDS="3")
    err = proc.stderr.decode()
    assert proc.returncode == 1 and "Traceback" not in err, err[-2000:]
    assert "more than 3 records" in err and "NEWSDESK_MAX_RECORDS" in err
    assert "3 added" in proc.stdout.decode()
    stats = json.loads(run_cli(home, "stats", "--json").stdout)
    assert stats["articles"] == 3
