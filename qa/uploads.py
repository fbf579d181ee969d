"""Uploaded files: their original names, their article ids and their upload records.

An uploaded file keeps the name its user gave it (:func:`clean_name`) and becomes the article
``upload:<hash8>/<name>`` (:func:`upload_id`: the first 8 hex digits of its bytes' SHA-256,
then the name), so that two different files of one name are two articles, the same bytes
uploaded again are the same article ("unchanged"), and a name in any script is kept as it is.
Each upload is recorded in the catalog (``Catalog.uploads``: name, hash, size, uploader), so
that every process sharing the desk knows it; no copy of the file is kept (the catalog holds
the text). The web UI, ``/ingest`` and the Python API all come through :func:`ingest_files`.
"""

from __future__ import annotations

import hashlib
import re
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from vectorstore.catalog.uploads import UploadRow
from vectorstore.config import Settings
from vectorstore.ingest import IngestReport, Progress
from vectorstore.loading import MB, LoadIssue, load_file
from vectorstore.store import Store
from vectorstore.types import Article

UPLOAD_PREFIX = "upload:"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_MAX_NAME = 200


class Desk(Protocol):
    """What uploads need of :class:`qa.NewsDesk` (no import of it: no circle)."""

    settings: Settings
    store: Store

    def ingest_articles(self, articles: Sequence[Article], *, report: IngestReport | None = None,
                        progress: Progress | None = None) -> IngestReport: ...


def clean_name(name: str) -> str:
    """The name an upload is known by: Unicode NFC, no folders (``/`` or ``\\``), no control
    characters, no surrounding blanks; ``"upload"`` (with the extension) when nothing is left."""
    base = unicodedata.normalize("NFC", str(name)).replace("\\", "/").rsplit("/", 1)[-1]
    base = _CONTROL.sub("", base).strip()
    if base in {"", ".", ".."}:
        return "upload"
    if base.startswith("."):  # ".txt": an extension only
        base = "upload" + base
    return base[:_MAX_NAME]


def upload_id(content_hash: str, name: str) -> str:
    """``upload:<first 8 hex digits of the content hash>/<name>``."""
    return f"{UPLOAD_PREFIX}{content_hash[:8]}/{name}"


def ingest_files(desk: Desk, files: Sequence[tuple[str | Path, str]], *,
                 uploaded_by: str = "", progress: Progress | None = None) -> IngestReport:
    """Ingest uploaded files into ``desk`` under their original names, and record them.

    Args:
        desk: The desk (and so the collection) to add them to.
        files: ``(path of the uploaded bytes, the name its user gave it)`` per file.
        uploaded_by: Who uploaded them (``""``: unknown).
        progress: Called with ``(done, total, label)`` while ingesting.

    Returns:
        The ingest report; each file's read issues are in it under its original name.
    """
    report = IngestReport()
    articles: list[Article] = []
    rows: dict[str, UploadRow] = {}
    for path, given in files:
        name = clean_name(given)
        for item in _load(Path(path), name, desk.settings):
            if isinstance(item, LoadIssue):
                report.note(replace(item, path=name))
                continue
            articles.append(item[0])
            if item[1] is not None:
                rows[item[0].id] = replace(item[1], uploaded_by=uploaded_by,
                                           collection=desk.store.collection)
    t0 = time.perf_counter()
    if articles:
        report = desk.ingest_articles(articles, report=report, progress=progress)
    report.seconds = time.perf_counter() - t0
    for aid in dict.fromkeys(report.article_ids):
        if aid in rows:
            desk.store.catalog.uploads.put(rows[aid])
    return report


def _load(path: Path, name: str, settings: Settings
          ) -> list[LoadIssue | tuple[Article, UploadRow | None]]:
    """The articles of one upload, each with its upload record (one that takes its id from
    the file, rather than from a URL or record id inside it), and the issues."""
    max_bytes = settings.max_file_mb * MB
    try:
        data = path.read_bytes() if path.stat().st_size <= max_bytes else b""
    except OSError as e:
        return [LoadIssue(name, f"the upload cannot be read ({e.strerror}): upload it again")]
    digest = hashlib.sha256(data).hexdigest()
    aid = upload_id(digest, name)
    out: list[LoadIssue | tuple[Article, UploadRow | None]] = []
    for item in load_file(path, max_bytes=max_bytes, max_records=settings.max_records):
        if isinstance(item, LoadIssue):
            out.append(item)
        elif item.id.startswith("file:"):
            out.append((replace(item, id=aid, path=name),
                        UploadRow(aid, name, digest, len(data))))
        else:
            out.append((replace(item, path=name), None))
    return out


def forget_upload(desk: Desk, article_id: str) -> bool:
    """Delete the upload record of ``article_id`` and any cached copy of its file under
    ``NEWSDESK_HOME/uploads`` (uploads made before upload ids were stored there as
    ``file:uploads/<name>``); return whether there was anything to forget."""
    gone = desk.store.catalog.uploads.delete(article_id, desk.store.collection) is not None
    folder = (Path(desk.settings.home) / "uploads").resolve()
    cached: list[Path] = []
    if article_id.startswith("file:uploads/"):
        cached.append(folder / article_id.removeprefix("file:uploads/"))
    elif article_id.startswith(UPLOAD_PREFIX):
        cached.append(folder / article_id.removeprefix(UPLOAD_PREFIX))
    for p in cached:
        target = p.resolve()
        if target.parent.is_relative_to(folder) and target.is_file():
            target.unlink()
            gone = True
    return gone
