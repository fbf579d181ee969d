"""JSON reading: a top-level array is read record by record, and a file holds at most
``max_records`` records (``NEWSDESK_MAX_RECORDS``); the rest is reported, not read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vectorstore.config import Settings
from vectorstore.errors import ConfigError
from vectorstore.loading import LoadIssue, load_file
from vectorstore.types import Article


def _records(n: int) -> list[dict[str, str]]:
    return [{"title": f"T{i}", "text": f"Story number {i} about the Kestrel harbour."}
            for i in range(n)]


def _split(items: list[Article | LoadIssue]) -> tuple[list[Article], list[LoadIssue]]:
    return ([a for a in items if isinstance(a, Article)],
            [i for i in items if isinstance(i, LoadIssue)])


def test_each_json_shape_is_read_up_to_the_cap_with_one_issue(tmp_path: Path):
    shapes = {
        "array.json": json.dumps(_records(7), indent=1),
        "wrapped.json": json.dumps({"articles": _records(7)}),
        "lines.jsonl": "\n".join(json.dumps(r) for r in _records(7)) + "\n",
        "lines-as.json": "\n".join(json.dumps(r) for r in _records(7)),
    }
    for name, body in shapes.items():
        (tmp_path / name).write_text(body)
        arts, issues = _split(load_file(tmp_path / name, max_records=5))
        assert [a.title for a in arts] == [f"T{i}" for i in range(5)], name
        assert len(issues) == 1 and "more than 5 records" in issues[0].reason, name
        assert "NEWSDESK_MAX_RECORDS" in issues[0].reason and issues[0].kind == "failed"
        arts, issues = _split(load_file(tmp_path / name, max_records=7))
        assert len(arts) == 7 and not issues, name


def test_a_broken_array_is_still_one_invalid_json_issue_with_its_position(tmp_path: Path):
    f = tmp_path / "broken.json"
    f.write_text('[\n {"text": "One."},\n {"text": "Two."}\n {"text": "Three."}\n]')
    (issue,) = load_file(f)
    assert isinstance(issue, LoadIssue)
    assert "invalid JSON" in issue.reason and "line 4" in issue.reason
    f.write_text('[{"text": "One."}] trailing')
    (issue,) = load_file(f)
    assert isinstance(issue, LoadIssue) and "Extra data" in issue.reason
    f.write_text("[ ]")
    (issue,) = load_file(f)
    assert isinstance(issue, LoadIssue) and "no records" in issue.reason


def test_the_cap_is_a_setting_of_at_least_one_record():
    assert Settings.from_env({}).max_records == 100_000
    assert Settings.from_env({"NEWSDESK_MAX_RECORDS": "250"}).max_records == 250
    with pytest.raises(ConfigError, match="NEWSDESK_MAX_RECORDS"):
        Settings.from_env({"NEWSDESK_MAX_RECORDS": "0"})
