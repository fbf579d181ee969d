"""Uploaded article files: safe names, the size limit, and ingesting them into the desk.

Shared by the Library tab and the ``/ingest`` endpoint. No Gradio here.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from qa import LoadError, NewsDesk
from web.render import ingest_html

UPLOAD_TYPES = (".txt", ".md", ".html", ".json", ".jsonl", ".pdf")
"""The file types the Library tab and ``/ingest`` accept."""

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_REPORT_FIELDS = ("added", "updated", "unchanged", "duplicates", "chunks", "skipped")


def safe_filename(name: str) -> str:
    """The file name an upload is stored under: basename only, ``[A-Za-z0-9._-]``.

    Raises:
        LoadError: the extension is not one of :data:`UPLOAD_TYPES`.
    """
    base = PurePosixPath(str(name).replace("\\", "/")).name
    stem, dot, ext = base.rpartition(".")
    ext = f".{ext.lower()}" if dot else ""
    if ext not in UPLOAD_TYPES:
        raise LoadError(f"{base!r} is not an article file: upload "
                        f"{', '.join(UPLOAD_TYPES[:-1])} or {UPLOAD_TYPES[-1]} files")
    stem = _SAFE_NAME.sub("_", stem).strip("._-")[:80] or "upload"
    return stem + ext


def store_upload(src: str | Path, uploads: Path, max_mb: int, name: str | None = None) -> Path:
    """Copy an uploaded file into ``uploads`` under a safe name and return the copy.

    Args:
        src: The uploaded file (Gradio's temporary copy).
        uploads: The uploads folder (``NEWSDESK_HOME/uploads``).
        max_mb: The size limit (``NEWSDESK_MAX_FILE_MB``).
        name: The name the user gave the file (default: ``src``'s name).

    Raises:
        LoadError: wrong type, too big, or unreadable.
    """
    src = Path(src)
    safe = safe_filename(name or src.name)
    try:
        size = src.stat().st_size
    except OSError as e:
        raise LoadError(f"{safe}: the upload cannot be read ({e.strerror}): upload it again") from e
    if size > max_mb * 1024 * 1024:
        raise LoadError(f"{safe}: {size / 1024 / 1024:.1f} MB is over the {max_mb} MB limit: "
                        "split the file, or raise NEWSDESK_MAX_FILE_MB")
    root = uploads.resolve()
    root.mkdir(parents=True, exist_ok=True)
    dest = (root / safe).resolve()
    if dest.parent != root:  # cannot happen with a sanitised name; kept as a guard
        raise LoadError(f"{safe}: not a plain file name: rename the file and upload it again")
    shutil.copyfile(src, dest)
    return dest


def _store_all(files: Sequence[Any], uploads: Path, max_mb: int
               ) -> tuple[list[Path], list[dict[str, str]]]:
    """Store each upload; return the stored copies and the rejected files (with the reason)."""
    stored: list[Path] = []
    rejected: list[dict[str, str]] = []
    for f in files:
        path = str(getattr(f, "name", None) or getattr(f, "path", None) or f)
        try:
            stored.append(store_upload(path, uploads, max_mb))
        except LoadError as e:
            rejected.append({"file": PurePosixPath(path.replace("\\", "/")).name,
                             "reason": str(e), "kind": "rejected"})
    return stored, rejected


def ingest_uploads(desk: NewsDesk, files: Sequence[Any] | None, uploads: Path, max_mb: int,
                   progress: Callable[[int, int, str], None] | None = None
                   ) -> tuple[dict[str, Any], str]:
    """Store the uploaded ``files`` in ``uploads`` and ingest them.

    Args:
        desk: The desk to add the articles to.
        files: Upload paths (or objects with ``name``/``path``), as Gradio passes them.
        uploads: The uploads folder.
        max_mb: The per-file size limit.
        progress: Called with ``(done, total, label)`` while ingesting.

    Returns:
        The ``/ingest`` JSON (``summary``, counts, ``issues``, ``article_ids``, ``files``) and
        its HTML for the Library tab.

    Raises:
        LoadError: no files were given.
    """
    stored, rejected = _store_all(files or [], uploads, max_mb)
    out: dict[str, Any] = {"summary": "", "added": 0, "updated": 0, "unchanged": 0,
                           "duplicates": 0, "failed": len(rejected), "chunks": 0,
                           "issues": list(rejected), "article_ids": [],
                           "files": [p.name for p in stored]}
    if not stored and not rejected:
        raise LoadError("no files given: choose .txt, .md, .html, .json, .jsonl or .pdf files")
    if stored:
        report = desk.ingest(stored, progress=progress)
        d = report.to_dict()
        out.update({k: d[k] for k in _REPORT_FIELDS})
        out["failed"] = d["failed"] + len(rejected)
        out["issues"] += [{"file": Path(i["path"]).name, "reason": i["reason"],
                           "kind": i["kind"]} for i in d["issues"]]
        out["article_ids"] = list(report.article_ids)
        out["summary"] = report.summary() + (f"; {len(rejected)} rejected" if rejected else "")
    else:
        out["summary"] = f"nothing ingested; {len(rejected)} rejected"
    return out, ingest_html(out)
