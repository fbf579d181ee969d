"""Uploaded article files: their type and size checked, then handed to :mod:`qa.uploads`.

Shared by the Library tab and the ``/ingest`` endpoint. No Gradio here. Each file keeps the
name its user gave it; :func:`qa.uploads.ingest_files` makes its article id
(``upload:<hash8>/<name>``) and records it in the catalog, so the UI and the Python API
agree. No copy is kept: once ingested, Gradio's temporary copy of an upload is removed, so
that a deleted article is not still served from Gradio's cache.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from qa import LoadError, NewsDesk
from qa.uploads import clean_name, ingest_files
from web.render import ingest_html

log = logging.getLogger("newsdesk.ui")

UPLOAD_TYPES = (".txt", ".md", ".html", ".json", ".jsonl", ".pdf")
"""The file types the Library tab and ``/ingest`` accept."""

_REPORT_FIELDS = ("added", "updated", "unchanged", "duplicates", "chunks", "skipped")


def upload_name(name: str) -> str:
    """The name an upload is known by (:func:`qa.uploads.clean_name`: NFC, no folders, no
    control characters; any script kept).

    Raises:
        LoadError: the extension is not one of :data:`UPLOAD_TYPES`.
    """
    clean = clean_name(name)
    ext = PurePosixPath(clean).suffix.lower()
    if ext not in UPLOAD_TYPES:
        raise LoadError(f"{clean!r} is not an article file: upload "
                        f"{', '.join(UPLOAD_TYPES[:-1])} or {UPLOAD_TYPES[-1]} files")
    return clean


def check_upload(src: str | Path, max_mb: int, name: str | None = None) -> str:
    """Check an uploaded file's type and size; return the name it is known by.

    Args:
        src: The uploaded file (Gradio's temporary copy).
        max_mb: The size limit (``NEWSDESK_MAX_FILE_MB``).
        name: The name the user gave the file (default: ``src``'s name).

    Raises:
        LoadError: wrong type, too big, or unreadable.
    """
    src = Path(src)
    clean = upload_name(name or src.name)
    try:
        size = src.stat().st_size
    except OSError as e:
        raise LoadError(f"{clean}: the upload cannot be read ({e.strerror}): upload it again"
                        ) from e
    if size > max_mb * 1024 * 1024:
        raise LoadError(f"{clean}: {size / 1024 / 1024:.1f} MB is over the {max_mb} MB limit: "
                        "split the file, or raise NEWSDESK_MAX_FILE_MB")
    return clean


def gradio_cache() -> Path:
    """Where Gradio keeps uploaded files (``GRADIO_TEMP_DIR``, else ``<tmp>/gradio``)."""
    return Path(os.environ.get("GRADIO_TEMP_DIR") or Path(tempfile.gettempdir()) / "gradio"
                ).resolve()


def _drop_cached(paths: Sequence[Path]) -> None:
    """Remove Gradio's temporary copies of ingested uploads (only inside its cache)."""
    cache = gradio_cache()
    for p in paths:
        try:
            real = p.resolve()
            if cache in real.parents and real.is_file():
                real.unlink()
                if real.parent != cache and not any(real.parent.iterdir()):
                    real.parent.rmdir()
        except OSError as e:  # a copy left behind is only a cache; Gradio ages it out
            log.warning("could not remove the upload copy %s: %s", p, e.strerror)


def _check_all(files: Sequence[Any], max_mb: int
               ) -> tuple[list[tuple[Path, str]], list[dict[str, str]]]:
    """Check each upload; return ``(path, name)`` of the good ones and the rejected files."""
    good: list[tuple[Path, str]] = []
    rejected: list[dict[str, str]] = []
    for f in files:
        path = str(getattr(f, "name", None) or getattr(f, "path", None) or f)
        try:
            good.append((Path(path), check_upload(path, max_mb)))
        except LoadError as e:
            rejected.append({"file": clean_name(path), "reason": str(e), "kind": "rejected"})
    return good, rejected


def ingest_uploads(desk: NewsDesk, files: Sequence[Any] | None, uploads: Path, max_mb: int,
                   progress: Callable[[int, int, str], None] | None = None,
                   uploaded_by: str = "") -> tuple[dict[str, Any], str]:
    """Ingest the uploaded ``files`` under their original names.

    Args:
        desk: The desk to add the articles to.
        files: Upload paths (or objects with ``name``/``path``), as Gradio passes them.
        uploads: ``NEWSDESK_HOME/uploads``, where uploads were copied before upload ids
            (nothing is written there now; :func:`qa.uploads.forget_upload` cleans it).
        max_mb: The per-file size limit.
        progress: Called with ``(done, total, label)`` while ingesting.
        uploaded_by: Who uploaded them, for the upload records (``""``: unknown).

    Returns:
        The ``/ingest`` JSON (``summary``, counts, ``issues``, ``article_ids``, ``files``: the
        names kept) and its HTML for the Library tab.

    Raises:
        LoadError: no files were given.
    """
    del uploads  # kept for callers; see the docstring
    good, rejected = _check_all(files or [], max_mb)
    out: dict[str, Any] = {"summary": "", "added": 0, "updated": 0, "unchanged": 0,
                           "duplicates": 0, "failed": len(rejected), "chunks": 0,
                           "issues": list(rejected), "article_ids": [],
                           "files": [name for _, name in good]}
    if not good and not rejected:
        raise LoadError("no files given: choose .txt, .md, .html, .json, .jsonl or .pdf files")
    if good:
        report = ingest_files(desk, good, uploaded_by=uploaded_by, progress=progress)
        _drop_cached([p for p, _ in good])
        d = report.to_dict()
        out.update({k: d[k] for k in _REPORT_FIELDS})
        out["failed"] = d["failed"] + len(rejected)
        out["issues"] += [{"file": i["path"], "reason": i["reason"], "kind": i["kind"]}
                          for i in d["issues"]]
        out["article_ids"] = list(report.article_ids)
        out["summary"] = report.summary() + (f"; {len(rejected)} rejected" if rejected else "")
    else:
        out["summary"] = f"nothing ingested; {len(rejected)} rejected"
    return out, ingest_html(out)
