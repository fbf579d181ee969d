"""Read articles from files and folders: .txt, .md, .html, .json and .jsonl.

:func:`load_paths` walks what it is given and yields one :class:`Article` per
article found and one :class:`LoadIssue` per file (or record) that could not be
used. It never raises for a bad file: broken, binary, empty, too big,
unsupported or looping inputs all come back as issues.
"""

from __future__ import annotations

import json
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from vectorstore.hashing import short_hash
from vectorstore.text.dates import parse_date
from vectorstore.types import Article

PROJECT_FILES = frozenset({"README", "LICENSE", "CHANGELOG", "CONTRIBUTING", "NOTICE"})
"""Documentation files skipped when a folder is walked (they describe it, they are not news)."""

SUPPORTED = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 20 * MB

_SUPPORTED_HINT = "use .txt, .md, .html, .json or .jsonl"
_SNIFF_BYTES = 8192
_MAX_CONTROL_SHARE = 0.05
_MAX_LINE_ISSUES = 20
_TITLE_CHARS = 90

_TEXT_KEYS = ("text", "content", "body")
_TITLE_KEYS = ("title", "headline")
_DATE_KEYS = ("date", "published", "publish_date", "published_at", "pubdate")
_URL_KEYS = ("url", "link")
_SOURCE_KEYS = ("source", "publisher", "outlet")
_LIST_KEYS = ("articles", "items", "data")

_HEADER_KEYS = {
    "title": "title",
    "headline": "title",
    "url": "url",
    "link": "url",
    "source": "source",
    "publisher": "source",
    "outlet": "source",
    "date": "date",
    "published": "date",
}
_HEADER_LINE = re.compile(r"([A-Za-z_]+)[ \t]*:[ \t]*(.*)")
_DATE_LINE = re.compile(r"date[ \t]+(\d{4}-\d{2}-\d{2})(?:[ \t]+|(?=\n)|$)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")  # and lone surrogates
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_ABBREVIATION_WORDS = (
    "mr mrs ms dr st jr sr gen gov sen rep prof lt col capt sgt no vs etc inc corp co ltd "
    "jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.u"
)
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())


@dataclass(frozen=True)
class LoadIssue:
    """A file, or a record in it, that could not be used as an article.

    Attributes:
        path: The file (or folder) concerned.
        reason: One readable sentence: what is wrong, and the fix where there is one.
        kind: ``"failed"`` (broken, binary, empty, too big, unsupported, loop) or
            ``"skipped"`` (deliberately not read, e.g. a question set: "not articles").
    """

    path: str
    reason: str
    kind: str = "failed"


# --------------------------------------------------------------------------- walking


def load_paths(
    paths: Iterable[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Article | LoadIssue]:
    """Yield one Article per article found, and one LoadIssue per file that could not be used.

    Folders are walked recursively in sorted order, skipping hidden entries
    (names starting with ``.``). Symbolic-link loops are detected and reported.
    Never raises for a bad file.

    Args:
        paths: Files and folders to read.
        max_bytes: Largest file read; bigger ones are reported, not read.

    Yields:
        :class:`Article` or :class:`LoadIssue`, in walk order.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    seen_dirs: dict[str, str] = {}
    seen_files: dict[str, str] = {}
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            yield from _walk(path, seen_dirs, seen_files, max_bytes)
        elif path.is_symlink() and not path.exists():
            yield LoadIssue(
                str(path), f"{path} is a broken or looping symbolic link: fix or remove it"
            )
        elif not path.exists():
            yield LoadIssue(str(path), f"{path} does not exist: check the path")
        else:
            yield from _load_once(path, seen_files, max_bytes, in_folder=False)


def _walk(
    root: Path, seen_dirs: dict[str, str], seen_files: dict[str, str], max_bytes: int
) -> Iterator[Article | LoadIssue]:
    """Sorted depth-first walk of ``root``, kept on an explicit stack so deep trees cannot overflow."""
    stack: list[tuple[Iterator[os.DirEntry[str]], frozenset[str]]] = []
    issue = _enter_dir(root, frozenset(), seen_dirs, stack)
    if issue:
        yield issue
    while stack:
        entries, ancestors = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        if entry.name.startswith("."):
            continue
        child = Path(entry.path)
        try:
            is_dir = entry.is_dir()
            is_file = not is_dir and entry.is_file()
        except OSError:
            is_dir = is_file = False
        if is_dir:
            issue = _enter_dir(child, ancestors, seen_dirs, stack)
            if issue:
                yield issue
        elif is_file and child.stem.upper() in PROJECT_FILES:
            yield LoadIssue(str(child), f"{child.name} documents the folder, it is not an article: "
                            "name the file directly to ingest it anyway", "skipped")
        elif is_file:
            yield from _load_once(child, seen_files, max_bytes, in_folder=True)
        elif entry.is_symlink():
            yield LoadIssue(
                str(child), f"{child} is a broken or looping symbolic link: fix or remove it"
            )
        else:
            yield LoadIssue(
                str(child), f"{child} is not a regular file (a device, pipe or socket?)", "skipped"
            )


def _enter_dir(
    folder: Path,
    ancestors: frozenset[str],
    seen_dirs: dict[str, str],
    stack: list[tuple[Iterator[os.DirEntry[str]], frozenset[str]]],
) -> LoadIssue | None:
    """Push ``folder``'s sorted entries on ``stack``, or return why it is not walked."""
    try:
        real = os.path.realpath(folder, strict=True)
    except (OSError, RuntimeError) as e:
        return LoadIssue(str(folder), f"cannot open folder {folder}: {_os_reason(e)}")
    if real in ancestors:
        return LoadIssue(
            str(folder),
            f"symbolic link loop: {folder} leads back to {real}, a folder above it; "
            "it was not walked again (remove the link to silence this)",
        )
    if real in seen_dirs:
        return LoadIssue(
            str(folder), f"already read as {seen_dirs[real]}; not read twice", kind="skipped"
        )
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as e:
        return LoadIssue(str(folder), f"cannot open folder {folder}: {_os_reason(e)}")
    seen_dirs[real] = str(folder)
    stack.append((iter(entries), ancestors | {real}))
    return None


def _load_once(
    path: Path, seen_files: dict[str, str], max_bytes: int, *, in_folder: bool
) -> list[Article | LoadIssue]:
    """Load ``path`` unless the same real file was already read in this walk."""
    if in_folder and path.suffix.lower() not in SUPPORTED:
        return [LoadIssue(str(path), _unsupported_reason(path), kind="skipped")]
    try:
        real = os.path.realpath(path)
    except (OSError, RuntimeError, ValueError):
        real = str(path)
    if real in seen_files:
        return [
            LoadIssue(str(path), f"already read as {seen_files[real]}; not read twice", "skipped")
        ]
    seen_files[real] = str(path)
    return load_file(path, max_bytes=max_bytes)


# --------------------------------------------------------------------------- one file


def load_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Article | LoadIssue]:
    """Read one file into its articles, or into the issues that stopped it.

    Args:
        path: A .txt, .md, .html, .htm, .json or .jsonl file.
        max_bytes: Largest size read; a bigger file gives one issue naming the cap.

    Returns:
        Articles and issues, in file order. Never raises for a bad file.
    """
    path = Path(path)
    where = str(path)
    ext = path.suffix.lower()
    if ext not in SUPPORTED:
        return [LoadIssue(where, _unsupported_reason(path))]
    try:
        st = path.stat()
    except (OSError, ValueError) as e:
        if isinstance(e, FileNotFoundError):
            return [LoadIssue(where, f"{path} does not exist: check the path")]
        return [LoadIssue(where, f"cannot read {path.name}: {_os_reason(e)}")]
    if not stat.S_ISREG(st.st_mode):
        return [LoadIssue(where, f"{path.name} is not a regular file (a folder, device or pipe?)")]
    if st.st_size > max_bytes:
        return [LoadIssue(where, _too_big_reason(st.st_size, max_bytes))]
    try:
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as e:
        return [LoadIssue(where, f"cannot read {path.name}: {_os_reason(e)}")]
    if len(data) > max_bytes:  # grew since stat
        return [LoadIssue(where, _too_big_reason(len(data), max_bytes))]
    decoded = _decode(data)
    if isinstance(decoded, LoadIssue):
        return [LoadIssue(where, decoded.reason, decoded.kind)]
    text = _normalise(decoded)
    if not text.strip():
        return [LoadIssue(where, "empty file: it holds no text (only whitespace, or nothing)")]
    try:
        if ext in (".txt", ".md"):
            return [_from_text(text, path, markdown=ext == ".md")]
        if ext in (".html", ".htm"):
            return [_from_html(text, path)]
        if ext == ".jsonl":
            return _from_jsonl(text, path)
        return _from_json(text, path)
    except Exception as e:  # a bad file must never stop a whole ingest
        return [LoadIssue(where, f"could not be read ({type(e).__name__}: {e})")]


def _unsupported_reason(path: Path) -> str:
    ext = path.suffix.lower()
    what = ext if ext else "(no extension)"
    return f"unsupported file type {what}: {_SUPPORTED_HINT}"


def _too_big_reason(size: int, max_bytes: int) -> str:
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


def _os_reason(e: BaseException) -> str:
    if isinstance(e, PermissionError):
        return "permission denied: check the file permissions"
    if isinstance(e, OSError) and e.strerror:
        return e.strerror.lower()
    return str(e) or type(e).__name__


# --------------------------------------------------------------------------- bytes → text


def _decode(data: bytes) -> str | LoadIssue:
    """Decode file bytes: UTF-16 with BOM, UTF-8 (BOM stripped), cp1252, latin-1.

    Returns a LoadIssue (with an empty path, filled by the caller) for empty or binary data.
    """
    if not data.strip():
        return LoadIssue("", "empty file: it holds no text (only whitespace, or nothing)")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:_SNIFF_BYTES]:
        return _binary()
    text: str | None = None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        text = data.decode("latin-1")
    sample = text[:_SNIFF_BYTES]
    controls = sum(1 for c in sample if c not in "\n\r\t\f\v" and unicodedata.category(c) == "Cc")
    if controls > _MAX_CONTROL_SHARE * len(sample):
        return _binary()
    return text


def _binary() -> LoadIssue:
    return LoadIssue("", f"binary file: it does not hold readable text; {_SUPPORTED_HINT}")


def _normalise(text: str) -> str:
    """Normalise newlines and drop control characters other than newline and tab."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


# --------------------------------------------------------------------------- .txt / .md


def _from_text(text: str, path: Path, *, markdown: bool) -> Article | LoadIssue:
    meta, body = _split_header(text)
    body = body.strip("\n").rstrip()
    if not body.strip():
        return LoadIssue(str(path), "no article text: the file holds only header lines")
    published = parse_date(meta.get("date"))
    stripped = body.lstrip()
    m = _DATE_LINE.match(stripped)
    if m:
        published = published or parse_date(m.group(1))
        text_out = stripped[m.end() :].lstrip()
        if not text_out:
            return LoadIssue(str(path), "no article text: the file holds only a date line")
        lede = text_out.split("\n", 1)[0]
        title = meta.get("title") or shorten(first_sentence(lede))
    else:
        text_out = body.strip()
        first = next((ln.strip() for ln in text_out.split("\n") if ln.strip()), "")
        if markdown:
            first = first.strip("#").strip()
            if len(first) > 4 and first[:2] == first[-2:] and first[:2] in ("**", "__"):
                first = first[2:-2].strip()
        title = meta.get("title") or _title_from(first)
    url = meta.get("url", "").strip()
    return Article(
        id=url or _file_id(path),
        text=text_out,
        title=title,
        url=url,
        source=meta.get("source", "").strip(),
        published=published,
        path=str(path),
    )


def _split_header(text: str) -> tuple[dict[str, str], str]:
    """Split optional ``Key: value`` header lines (or ``---`` front matter) off the top.

    Only known keys (title, url, source, date and their synonyms) count as a bare
    header; inside ``---`` fences unknown keys are allowed and ignored.
    """
    lines = text.split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    meta: dict[str, str] = {}
    if i < len(lines) and lines[i].strip() == "---":
        end = next(
            (j for j in range(i + 1, min(len(lines), i + 60)) if lines[j].strip() == "---"), None
        )
        if end is not None and all(
            not ln.strip() or _HEADER_LINE.fullmatch(ln.strip()) for ln in lines[i + 1 : end]
        ):
            for ln in lines[i + 1 : end]:
                m = _HEADER_LINE.fullmatch(ln.strip())
                if m and m.group(1).lower() in _HEADER_KEYS:
                    meta.setdefault(_HEADER_KEYS[m.group(1).lower()], _unquote(m.group(2)))
            return meta, "\n".join(lines[end + 1 :])
        return {}, text
    j = i
    while j < len(lines):
        m = _HEADER_LINE.fullmatch(lines[j].strip())
        if not m or m.group(1).lower() not in _HEADER_KEYS:
            break
        meta.setdefault(_HEADER_KEYS[m.group(1).lower()], _unquote(m.group(2)))
        j += 1
    if not meta:
        return {}, text
    return meta, "\n".join(lines[j:])


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1].strip()
    return value


def _file_id(path: Path) -> str:
    """``file:<parent folder name>/<file name>``: the same from any root, on any machine."""
    parent = path.absolute().parent.name
    return f"file:{parent}/{path.name}" if parent else f"file:{path.name}"


# --------------------------------------------------------------------------- titles & dates


def first_sentence(text: str) -> str:
    """Return the first sentence of ``text`` (the whole text when it has one sentence).

    A full stop after a common abbreviation (``Mr.``, ``U.S.``) or a single initial
    does not end the sentence.
    """
    text = " ".join(text.split())
    for m in _SENTENCE_END.finditer(text):
        word = text[: m.start()].rsplit(" ", 1)[-1].lower().lstrip("\"'“‘(")
        if text[m.start()] == "." and (word in _ABBREVIATIONS or len(word) == 1):
            continue
        return text[: m.end()]
    return text


def shorten(text: str, limit: int = _TITLE_CHARS) -> str:
    """Shorten ``text`` to at most ``limit`` characters at a word boundary, ending in ``…``."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:-–—") + "…"


def _title_from(line: str) -> str:
    """A title from a first line: kept whole when short, else its first sentence shortened."""
    line = " ".join(line.split())
    return line if len(line) <= _TITLE_CHARS else shorten(first_sentence(line))


# --------------------------------------------------------------------------- .html


def _from_html(html: str, path: Path) -> Article | LoadIssue:
    import trafilatura  # heavy; only needed for HTML

    # Given a string (never a URL), trafilatura parses locally and does no network.
    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=True
    )
    raw = getattr(doc, "text", None) if doc is not None else None
    if not raw or not str(raw).strip():
        return LoadIssue(str(path), "no article text found in the HTML")
    # trafilatura puts one block per line; blank lines keep paragraphs apart for the chunker.
    text = "\n\n".join(ln.strip() for ln in _normalise(str(raw)).split("\n") if ln.strip())
    url = str(getattr(doc, "url", None) or "").strip()
    if not urlsplit(url).scheme.startswith("http"):
        url = ""
    source = str(getattr(doc, "sitename", None) or "").strip()
    if not source and url:
        source = urlsplit(url).hostname or ""
    title = " ".join(str(getattr(doc, "title", None) or "").split())
    return Article(
        id=url or _file_id(path),
        text=text,
        title=title or shorten(first_sentence(text.split("\n", 1)[0])),
        url=url,
        source=source,
        published=parse_date(getattr(doc, "date", None)),
        path=str(path),
    )


# --------------------------------------------------------------------------- .json / .jsonl


def _from_jsonl(text: str, path: Path) -> list[Article | LoadIssue]:
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


def _from_json(text: str, path: Path) -> list[Article | LoadIssue]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as e:
        lines = [ln for ln in text.split("\n") if ln.strip()]
        if len(lines) > 1 and _parse_whole(lines[0]) is not _INVALID:
            return _from_jsonl(text, path)  # JSON Lines saved as .json
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
    text = _normalise(raw_text).strip()
    if not text:
        return LoadIssue(str(path), f"{label}: record has empty text")
    title = " ".join(_field(rec, _TITLE_KEYS).split())
    published = parse_date(_pick(rec, _DATE_KEYS))
    url = _field(rec, _URL_KEYS).strip()
    source_raw = _pick(rec, _SOURCE_KEYS)
    if isinstance(source_raw, dict):  # e.g. NewsAPI: {"id": ..., "name": ...}
        source_raw = {k.lower(): v for k, v in source_raw.items()}.get("name")
    source = " ".join(_normalise(source_raw).split()) if isinstance(source_raw, str) else ""
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
        title=title or shorten(first_sentence(text.split("\n", 1)[0])),
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
    return _normalise(value) if isinstance(value, str) else ""


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
