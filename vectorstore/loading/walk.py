"""Walking files and folders: paths, loops, project files, size limits, decoding bytes to text.

:func:`load_paths` walks what it is given and yields one :class:`Article` per
article found and one :class:`LoadIssue` per file (or record) that could not be
used. It never raises for a bad file: broken, binary, empty, too big,
unsupported or looping inputs all come back as issues.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from vectorstore.loading.common import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_RECORDS,
    SUPPORTED,
    SUPPORTED_HINT,
    LoadIssue,
    normalise,
    os_reason,
    too_big_reason,
    unsupported_reason,
)
from vectorstore.loading.html import from_html
from vectorstore.loading.json import from_json, from_jsonl
from vectorstore.loading.pdf import from_pdf
from vectorstore.loading.text import from_text
from vectorstore.types import Article

PROJECT_FILES = frozenset({"README", "LICENSE", "CHANGELOG", "CONTRIBUTING", "NOTICE"})
"""Documentation files skipped when a folder is walked (they describe it, they are not news)."""

_SNIFF_BYTES = 8192
_MAX_NUL_SHARE = 0.01
"""NUL bytes beyond this share of the sniffed bytes make a file binary; fewer are dropped."""
_MAX_CONTROL_SHARE = 0.05


def load_paths(
    paths: Iterable[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES,
    max_records: int = DEFAULT_MAX_RECORDS,
) -> Iterator[Article | LoadIssue]:
    """Yield one Article per article found, and one LoadIssue per file that could not be used.

    Folders are walked recursively in sorted order, skipping hidden entries
    (names starting with ``.``). Symbolic-link loops are detected and reported.
    Never raises for a bad file.

    Args:
        paths: Files and folders to read.
        max_bytes: Largest file read; bigger ones are reported, not read.
        max_records: Most records read from one JSON or JSON Lines file.

    Yields:
        :class:`Article` or :class:`LoadIssue`, in walk order.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    seen_dirs: dict[str, str] = {}
    seen_files: dict[str, str] = {}
    limits = (max_bytes, max_records)
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            yield from _walk(path, seen_dirs, seen_files, limits)
        elif path.is_symlink() and not path.exists():
            yield LoadIssue(
                str(path), f"{path} is a broken or looping symbolic link: fix or remove it"
            )
        elif not path.exists():
            yield LoadIssue(str(path), f"{path} does not exist: check the path")
        else:
            yield from _load_once(path, seen_files, limits, in_folder=False)


def _walk(
    root: Path, seen_dirs: dict[str, str], seen_files: dict[str, str], limits: tuple[int, int]
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
            yield from _load_once(child, seen_files, limits, in_folder=True)
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
        return LoadIssue(str(folder), f"cannot open folder {folder}: {os_reason(e)}")
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
        return LoadIssue(str(folder), f"cannot open folder {folder}: {os_reason(e)}")
    seen_dirs[real] = str(folder)
    stack.append((iter(entries), ancestors | {real}))
    return None


def _load_once(
    path: Path, seen_files: dict[str, str], limits: tuple[int, int], *, in_folder: bool
) -> list[Article | LoadIssue]:
    """Load ``path`` unless the same real file was already read in this walk."""
    if in_folder and path.suffix.lower() not in SUPPORTED:
        return [LoadIssue(str(path), unsupported_reason(path), kind="skipped")]
    try:
        real = os.path.realpath(path)
    except (OSError, RuntimeError, ValueError):
        real = str(path)
    if real in seen_files:
        return [
            LoadIssue(str(path), f"already read as {seen_files[real]}; not read twice", "skipped")
        ]
    seen_files[real] = str(path)
    return load_file(path, max_bytes=limits[0], max_records=limits[1])


def load_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES,
              max_records: int = DEFAULT_MAX_RECORDS) -> list[Article | LoadIssue]:
    """Read one file into its articles, or into the issues that stopped it.

    Args:
        path: A .txt, .md, .html, .htm, .json, .jsonl or .pdf file.
        max_bytes: Largest size read; a bigger file gives one issue naming the cap.
        max_records: Most records read from a JSON or JSON Lines file; one issue says so.

    Returns:
        Articles and issues, in file order. Never raises for a bad file.
    """
    path = Path(path)
    where = str(path)
    ext = path.suffix.lower()
    if ext not in SUPPORTED:
        return [LoadIssue(where, unsupported_reason(path))]
    try:
        st = path.stat()
    except (OSError, ValueError) as e:
        if isinstance(e, FileNotFoundError):
            return [LoadIssue(where, f"{path} does not exist: check the path")]
        return [LoadIssue(where, f"cannot read {path.name}: {os_reason(e)}")]
    if not stat.S_ISREG(st.st_mode):
        return [LoadIssue(where, f"{path.name} is not a regular file (a folder, device or pipe?)")]
    if st.st_size > max_bytes:
        return [LoadIssue(where, too_big_reason(st.st_size, max_bytes))]
    try:
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as e:
        return [LoadIssue(where, f"cannot read {path.name}: {os_reason(e)}")]
    if len(data) > max_bytes:  # grew since stat
        return [LoadIssue(where, too_big_reason(len(data), max_bytes))]
    if ext == ".pdf":
        return [from_pdf(data, path)]
    decoded = _decode(data)
    if isinstance(decoded, LoadIssue):
        return [LoadIssue(where, decoded.reason, decoded.kind)]
    text = normalise(decoded)
    if not text.strip():
        return [LoadIssue(where, "empty file: it holds no text (only whitespace, or nothing)")]
    try:
        if ext in (".txt", ".md"):
            return from_text(text, path, markdown=ext == ".md")
        if ext in (".html", ".htm"):
            return [from_html(text, path)]
        if ext == ".jsonl":
            return from_jsonl(text, path, max_records)
        return from_json(text, path, max_records)
    except Exception as e:  # a bad file must never stop a whole ingest
        return [LoadIssue(where, f"could not be read ({type(e).__name__}: {e})")]


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
    nuls = data[:_SNIFF_BYTES].count(b"\x00")
    if nuls > _MAX_NUL_SHARE * min(len(data), _SNIFF_BYTES):
        return _binary()
    if b"\x00" in data:
        data = data.replace(b"\x00", b"")  # a few stray NUL bytes in a text: dropped
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
    return LoadIssue("", f"binary file: it does not hold readable text; {SUPPORTED_HINT}")
