"""What every reader shares: the issue type and its reasons, text clean-up, file ids."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from vectorstore.text.dates import parse_date

SUPPORTED = (".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".pdf")
SUPPORTED_HINT = "use .txt, .md, .html, .json, .jsonl or .pdf"

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 20 * MB
DEFAULT_MAX_RECORDS = 100_000
"""Most records read from one JSON or JSON Lines file (``NEWSDESK_MAX_RECORDS``)."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")  # and lone surrogates


@dataclass(frozen=True)
class LoadIssue:
    """A file, or a record in it, that could not be used as an article.

    Attributes:
        path: The file (or folder) concerned.
        reason: One readable sentence: what is wrong, and the fix where there is one.
        kind: ``"failed"`` (broken, binary, empty, too big, unsupported, loop, records
            past the cap), ``"skipped"`` (deliberately not read, e.g. a question set: "not
            articles") or ``"warning"`` (the article was loaded, with a caveat: an invalid
            date, so it is stored undated).
    """

    path: str
    reason: str
    kind: str = "failed"


def read_date(raw: Any, path: str, label: str) -> tuple[date | None, LoadIssue | None]:
    """The date ``raw`` (an article's metadata), and a warning when a date is given but is
    not one (Feb 30, month 13, year 0, words): the article is then stored undated."""
    day = parse_date(raw)
    if day is not None or raw is None or isinstance(raw, bool) or not str(raw).strip():
        return day, None
    shown = str(raw).strip()[:40]
    return None, LoadIssue(path, f"{label}: the date {shown!r} is not a valid date, so the "
                                 "article is stored undated: fix it (YYYY-MM-DD)", "warning")


def too_many_records_reason(name: str, max_records: int) -> str:
    """Why the records of a file past the cap were not read, with the setting that raises it."""
    return (f"{name} holds more than {max_records:,} records: only the first {max_records:,} "
            f"were read; split the file or raise NEWSDESK_MAX_RECORDS")


def unsupported_reason(path: Path) -> str:
    """Why a file of another type is not read."""
    ext = path.suffix.lower()
    what = ext if ext else "(no extension)"
    return f"unsupported file type {what}: {SUPPORTED_HINT}"


def too_big_reason(size: int, max_bytes: int) -> str:
    """Why a file over the size cap is not read, with the setting that raises the cap."""
    need = -(-size // MB)  # ceiling, in whole MB
    return (
        f"file too big: {_fmt_mb(size)} is over the {_fmt_mb(max_bytes)} cap; "
        f"raise NEWSDESK_MAX_FILE_MB (e.g. NEWSDESK_MAX_FILE_MB={need}) or split the file"
    )


def _fmt_mb(n: int) -> str:
    mb = n / MB
    if mb >= 1:
        return f"{mb:.2f}".rstrip("0").rstrip(".") + " MB"
    return f"{mb:.6f}".rstrip("0").rstrip(".") + f" MB ({n:,} bytes)"


def os_reason(e: BaseException) -> str:
    """An operating-system error as a few readable words."""
    if isinstance(e, PermissionError):
        return "permission denied: check the file permissions"
    if isinstance(e, OSError) and e.strerror:
        return e.strerror.lower()
    return str(e) or type(e).__name__


def normalise(text: str) -> str:
    """Normalise newlines and drop control characters other than newline and tab."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def file_id(path: Path) -> str:
    """``file:<parent folder name>/<file name>``: the same from any root, on any machine."""
    parent = path.absolute().parent.name
    return f"file:{parent}/{path.name}" if parent else f"file:{path.name}"
