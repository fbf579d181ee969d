"""JSON and JSON Lines articles: one record per article, with the usual field names.

A file of records (a list, or an object with an ``articles``/``items``/``data`` list, or
one record per line) gives one article per record; records without text come back as
issues. JSON Lines saved as ``.json`` and pretty JSON saved as ``.jsonl`` are read too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vectorstore.ids import short_hash
from vectorstore.loading.common import (
    DEFAULT_MAX_RECORDS,
    LoadIssue,
    normalise,
    read_date,
    too_many_records_reason,
)
from vectorstore.loading.titles import lede_title
from vectorstore.types import Article

_MAX_LINE_ISSUES = 20

_TEXT_KEYS = ("text", "content", "body")
_TITLE_KEYS = ("title", "headline")
_DATE_KEYS = ("date", "published", "publish_date", "published_at", "pubdate")
_URL_KEYS = ("url", "link")
_SOURCE_KEYS = ("source", "publisher", "outlet")
_LIST_KEYS = ("articles", "items", "data")
_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def from_jsonl(text: str, path: Path, max_records: int = DEFAULT_MAX_RECORDS
               ) -> list[Article | LoadIssue]:
    """The articles (and issues) of a JSON Lines file's text (read line by line: each record
    becomes its article before the next is parsed; at most ``max_records``)."""
    records = _Records(path, max_records)
    bad: list[Article | LoadIssue] = []
    n_bad = 0
    for lineno, line in enumerate(_lines(text), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
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
            continue
        if not records.add(f"{path.name}:{lineno}", rec):
            break
    if n_bad > _MAX_LINE_ISSUES:
        bad.append(
            LoadIssue(str(path), f"{path.name}: {n_bad - _MAX_LINE_ISSUES} more invalid JSON lines")
        )
    if not records.count:
        whole = _parse_whole(text)  # a pretty-printed .json saved as .jsonl?
        if whole is not _INVALID:
            return _from_records(_records_of(whole, path), path, max_records)
        return bad
    return records.result(bad)


def from_json(text: str, path: Path, max_records: int = DEFAULT_MAX_RECORDS
              ) -> list[Article | LoadIssue]:
    """The articles (and issues) of a JSON file's text. A top-level array is read record by
    record (each becomes its article before the next is parsed); at most ``max_records``."""
    start = _WS.match(text).end()  # type: ignore[union-attr]
    try:
        if text.startswith("[", start):
            records = _Records(path, max_records)
            for i, rec in enumerate(_array_items(text, start), start=1):
                if not records.add(f"{path.name}: record {i}", rec):
                    break
            return records.result([])
        data = json.loads(text)
    except (ValueError, RecursionError) as e:
        lines = [ln for ln in text.split("\n") if ln.strip()]
        if len(lines) > 1 and _parse_whole(lines[0]) is not _INVALID:
            return from_jsonl(text, path, max_records)  # JSON Lines saved as .json
        return [
            LoadIssue(
                str(path),
                f"invalid JSON ({_json_error(e)}): fix the file, or save plain text as .txt",
            )
        ]
    return _from_records(_records_of(data, path), path, max_records)


def _lines(text: str) -> Iterator[str]:
    """``text.split("\\n")`` one line at a time (no list of every line)."""
    start = 0
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        yield text[start:end]
        start = end + 1


def _array_items(text: str, start: int) -> Iterator[Any]:
    """The items of the JSON array at ``text[start]`` (``[``), parsed one at a time.

    Raises:
        json.JSONDecodeError: the array is not valid JSON (positions in ``text``).
    """
    i = _WS.match(text, start + 1).end()  # type: ignore[union-attr]
    if text.startswith("]", i):
        i += 1
    else:
        while True:
            item, i = _DECODER.raw_decode(text, i)
            yield item
            i = _WS.match(text, i).end()  # type: ignore[union-attr]
            if text.startswith(",", i):
                i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
            elif text.startswith("]", i):
                i += 1
                break
            else:
                raise json.JSONDecodeError("Expecting ',' delimiter", text, i)
    i = _WS.match(text, i).end()  # type: ignore[union-attr]
    if i < len(text):
        raise json.JSONDecodeError("Extra data", text, i)


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


def _from_records(records: list[tuple[str, Any]], path: Path, max_records: int
                  ) -> list[Article | LoadIssue]:
    out = _Records(path, max_records)
    for label, rec in records:
        if not out.add(label, rec):
            break
    return out.result([])


class _Records:
    """Records turned into articles as they come, up to ``max_records``; what is said of
    the file as a whole (no records, not articles, the cap) is decided at the end."""

    def __init__(self, path: Path, max_records: int) -> None:
        self.path = path
        self.max_records = max_records
        self.out: list[Article | LoadIssue] = []
        self.count = 0
        self.with_text = False
        self.bad_dates = 0
        self.full = False

    def add(self, label: str, rec: Any) -> bool:
        """Read one record; ``False`` (and nothing read) once the cap is reached."""
        if self.count >= self.max_records:
            self.full = True
            return False
        self.count += 1
        if isinstance(rec, dict):
            rec = {str(k).lower(): v for k, v in rec.items()}
            self.with_text = self.with_text or any(k in rec for k in _TEXT_KEYS)
        item, warning = _from_record(rec, label, self.path)
        self.out.append(item)
        if warning is not None:
            self.bad_dates += 1
            if self.bad_dates <= _MAX_LINE_ISSUES:
                self.out.append(warning)
        return True

    def result(self, issues: list[Article | LoadIssue]) -> list[Article | LoadIssue]:
        """``issues``, then the articles and issues of the records, then the file's own."""
        where = str(self.path)
        if not self.count:
            return issues or [LoadIssue(where, "no records: the JSON holds no articles")]
        if not self.with_text:
            return [LoadIssue(where, "not articles: no record has a text, content or body "
                                     "field (a question set?)", kind="skipped")]
        out = issues + self.out
        if self.bad_dates > _MAX_LINE_ISSUES:
            out.append(LoadIssue(where, f"{self.path.name}: {self.bad_dates - _MAX_LINE_ISSUES} "
                                        "more records with an invalid date (stored undated)",
                                 "warning"))
        if self.full:
            out.append(LoadIssue(where, too_many_records_reason(self.path.name,
                                                                self.max_records)))
        return out


def _from_record(rec: Any, label: str, path: Path) -> tuple[Article | LoadIssue, LoadIssue | None]:
    """The article of one record (keys lower-cased), or why there is none; and a warning
    about its date, if any."""
    art = _article_of(rec, label, path)
    if not isinstance(art, Article) or not isinstance(rec, dict):
        return art, None
    return art, read_date(_pick(rec, _DATE_KEYS), str(path), label)[1]


def _article_of(rec: Any, label: str, path: Path) -> Article | LoadIssue:
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
    published, _ = read_date(_pick(rec, _DATE_KEYS), str(path), label)
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
