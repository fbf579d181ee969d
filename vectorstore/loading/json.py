"""JSON and JSON Lines articles: one record per article, with the usual field names.

A file of records (a list, or an object with an ``articles``/``items``/``data`` list, or
one record per line) gives one article per record; records without text come back as
issues. JSON Lines saved as ``.json`` and pretty JSON saved as ``.jsonl`` are read too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from vectorstore.ids import short_hash
from vectorstore.loading.common import LoadIssue, normalise
from vectorstore.loading.titles import lede_title
from vectorstore.text.dates import parse_date
from vectorstore.types import Article

_MAX_LINE_ISSUES = 20

_TEXT_KEYS = ("text", "content", "body")
_TITLE_KEYS = ("title", "headline")
_DATE_KEYS = ("date", "published", "publish_date", "published_at", "pubdate")
_URL_KEYS = ("url", "link")
_SOURCE_KEYS = ("source", "publisher", "outlet")
_LIST_KEYS = ("articles", "items", "data")


def from_jsonl(text: str, path: Path) -> list[Article | LoadIssue]:
    """The articles (and issues) of a JSON Lines file's text."""
    records: list[tuple[str, Any]] = []
    bad: list[Article | LoadIssue] = []
    n_bad = 0
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            records.append((f"{path.name}:{lineno}", json.loads(line)))
        except (ValueError, RecursionError) as e:
            n_bad += 1
            if n_bad <= _MAX_LINE_ISSUES:
                bad.append(
                    LoadIssue(
                        str(path),
                        f"{path.name}:{lineno}: invalid JSON ({_json_error(e)}); "
                        "fix or remove that line",
                    )
                )
    if n_bad > _MAX_LINE_ISSUES:
        bad.append(
            LoadIssue(str(path), f"{path.name}: {n_bad - _MAX_LINE_ISSUES} more invalid JSON lines")
        )
    if not records:
        whole = _parse_whole(text)  # a pretty-printed .json saved as .jsonl?
        if whole is not _INVALID:
            return _from_records(_records_of(whole, path), path)
        return bad
    return _from_records(records, path, bad)


def from_json(text: str, path: Path) -> list[Article | LoadIssue]:
    """The articles (and issues) of a JSON file's text."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as e:
        lines = [ln for ln in text.split("\n") if ln.strip()]
        if len(lines) > 1 and _parse_whole(lines[0]) is not _INVALID:
            return from_jsonl(text, path)  # JSON Lines saved as .json
        return [
            LoadIssue(
                str(path),
                f"invalid JSON ({_json_error(e)}): fix the file, or save plain text as .txt",
            )
        ]
    return _from_records(_records_of(data, path), path)


class _Invalid:
    pass


_INVALID: Any = _Invalid()


def _parse_whole(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return _INVALID


def _json_error(e: BaseException) -> str:
    if isinstance(e, json.JSONDecodeError):
        return (
            f"{e.msg} at line {e.lineno} column {e.colno}"
            if e.lineno > 1
            else f"{e.msg} at column {e.colno}"
        )
    if isinstance(e, RecursionError):
        return "nested too deeply"
    return str(e)


def _records_of(data: Any, path: Path) -> list[tuple[str, Any]]:
    """The records of a parsed JSON document, each with a label for issues."""
    if isinstance(data, dict) and not any(k.lower() in _TEXT_KEYS for k in data):
        for key in _LIST_KEYS:
            value = next((v for k, v in data.items() if k.lower() == key), None)
            if isinstance(value, list):
                data = value
                break
    if isinstance(data, list):
        return [(f"{path.name}: record {i}", rec) for i, rec in enumerate(data, start=1)]
    return [(path.name, data)]


def _from_records(
    records: list[tuple[str, Any]], path: Path, issues: list[Article | LoadIssue] | None = None
) -> list[Article | LoadIssue]:
    out: list[Article | LoadIssue] = list(issues or [])
    lowered = [
        (label, {k.lower(): v for k, v in rec.items()} if isinstance(rec, dict) else rec)
        for label, rec in records
    ]
    if not records:
        return out or [LoadIssue(str(path), "no records: the JSON holds no articles")]
    if not any(isinstance(rec, dict) and any(k in rec for k in _TEXT_KEYS) for _, rec in lowered):
        return [
            LoadIssue(
                str(path),
                "not articles: no record has a text, content or body field (a question set?)",
                kind="skipped",
            )
        ]
    for label, rec in lowered:
        out.append(_from_record(rec, label, path))
    return out


def _from_record(rec: Any, label: str, path: Path) -> Article | LoadIssue:
    if not isinstance(rec, dict):
        return LoadIssue(str(path), f"{label}: not an article object (it is {_json_type(rec)})")
    raw_text = _pick(rec, _TEXT_KEYS)
    if isinstance(raw_text, list) and all(isinstance(p, str) for p in raw_text):
        raw_text = "\n\n".join(raw_text)
    if raw_text is None:
        if any(k in rec for k in _TEXT_KEYS):
            return LoadIssue(str(path), f"{label}: record has empty text")
        return LoadIssue(str(path), f"{label}: record has no text, content or body field")
    if not isinstance(raw_text, str):
        return LoadIssue(str(path), f"{label}: the text field is {_json_type(raw_text)}, not text")
    text = normalise(raw_text).strip()
    if not text:
        return LoadIssue(str(path), f"{label}: record has empty text")
    title = " ".join(_field(rec, _TITLE_KEYS).split())
    published = parse_date(_pick(rec, _DATE_KEYS))
    url = _field(rec, _URL_KEYS).strip()
    source_raw = _pick(rec, _SOURCE_KEYS)
    if isinstance(source_raw, dict):  # e.g. NewsAPI: {"id": ..., "name": ...}
        source_raw = {k.lower(): v for k, v in source_raw.items()}.get("name")
    source = " ".join(normalise(source_raw).split()) if isinstance(source_raw, str) else ""
    rec_id = _field(rec, ("id",), numbers=True).strip()
    if url:
        article_id = url
    elif rec_id:
        article_id = f"id:{rec_id}"
    else:
        day = published.isoformat() if published else ""
        article_id = "sha:" + short_hash(title + "\n" + day + "\n" + text)
    return Article(
        id=article_id,
        text=text,
        title=title or lede_title(text),
        url=url,
        source=source,
        published=published,
        path=str(path),
    )


def _pick(rec: dict[str, Any], keys: tuple[str, ...]) -> Any:
    """The first present, non-null value among ``keys`` (already lower-cased)."""
    for key in keys:
        value = rec.get(key)
        if value is not None:
            return value
    return None


def _field(rec: dict[str, Any], keys: tuple[str, ...], *, numbers: bool = False) -> str:
    """The first of ``keys`` that holds a string (or, with ``numbers``, an integer), cleaned."""
    value = _pick(rec, keys)
    if numbers and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return normalise(value) if isinstance(value, str) else ""


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)
