"""PDF documents, read with pypdf (BSD): the text of each page, title and date from the metadata.

The article keeps where each page begins (:attr:`Article.page_starts`), so each chunk can
know its page. A PDF without a text layer (scanned pages) is reported, never stored empty.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

from vectorstore.loading.common import LoadIssue, file_id, normalise
from vectorstore.loading.titles import TITLE_CHARS, lede_title
from vectorstore.text.dates import parse_date
from vectorstore.types import Article

PAGE_BREAK = "\n\n"
"""What separates the text of two pages in the article."""


def from_pdf(data: bytes, path: str | Path) -> Article | LoadIssue:
    """The article of a PDF's bytes, or why there is none (broken, encrypted, scanned)."""
    from pypdf import PdfReader  # only needed for PDFs
    from pypdf.errors import PdfReadError

    where = str(path)
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # warnings on sloppy PDFs: not ours
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return LoadIssue(where, "encrypted PDF: it needs a password; save an unprotected "
                             "copy and ingest that")
        raw = [normalise(p.extract_text() or "") for p in reader.pages]
    except (PdfReadError, RecursionError, Exception) as e:  # pypdf raises many kinds on bad files
        return LoadIssue(where, f"broken PDF ({type(e).__name__}: {e}): re-save or re-export it")
    pages = [_paragraphs(r) for r in raw]
    if not pages:
        return LoadIssue(where, "empty PDF: it has no pages")
    if not any(pages):
        return LoadIssue(where, f"scanned PDF: its {len(pages)} page(s) hold no text layer (only "
                         "images); run OCR on it (e.g. ocrmypdf) and ingest the result")
    starts, pos = [], 0
    for text in pages:
        starts.append(pos)
        pos += len(text) + len(PAGE_BREAK)
    body = PAGE_BREAK.join(pages)
    meta = _metadata(reader)
    return Article(
        id=file_id(Path(where)),
        text=body,
        title=meta["title"] or _heading(raw) or lede_title(body),
        source=meta["source"],
        published=meta["published"],
        path=where,
        page_starts=tuple(starts),
    )


def _heading(raw_pages: list[str]) -> str:
    """The first line of the first page, when it reads like a heading (short, no full stop)."""
    for page in raw_pages:
        for line in page.split("\n"):
            line = " ".join(line.split())
            if line:
                short = len(line) <= TITLE_CHARS and not line.endswith((".", ",", ";", ":"))
                return line if short else ""
    return ""


def _paragraphs(raw: str) -> str:
    """A page's text: blank-line paragraphs kept, the lines inside one joined."""
    blocks, current = [], []
    for line in raw.split("\n"):
        if line.strip():
            current.append(" ".join(line.split()))
        elif current:
            blocks.append(" ".join(current))
            current = []
    if current:
        blocks.append(" ".join(current))
    return "\n\n".join(blocks)


def _metadata(reader: Any) -> dict[str, Any]:
    """Title, date and source from the document information, where present and readable."""
    out: dict[str, Any] = {"title": "", "published": None, "source": ""}
    try:
        meta = reader.metadata
        if meta is None:
            return out
        out["title"] = " ".join(str(meta.title or "").split())
        out["source"] = " ".join(str(meta.get("/Publisher") or "").split())
        try:
            out["published"] = parse_date(meta.creation_date)
        except (ValueError, TypeError):
            out["published"] = None
    except Exception:  # metadata is optional; a broken info dictionary loses nothing else
        return out
    return out
