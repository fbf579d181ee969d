"""HTML articles: the main text and metadata, extracted by trafilatura (locally, no network)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from vectorstore.loading.common import LoadIssue, file_id, normalise
from vectorstore.loading.titles import first_sentence, shorten
from vectorstore.text.dates import parse_date
from vectorstore.types import Article


def from_html(html: str, path: Path) -> Article | LoadIssue:
    """The article of an HTML page, or why there is none."""
    import trafilatura  # heavy; only needed for HTML

    # Given a string (never a URL), trafilatura parses locally and does no network.
    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=True
    )
    raw = getattr(doc, "text", None) if doc is not None else None
    if not raw or not str(raw).strip():
        return LoadIssue(str(path), "no article text found in the HTML")
    # trafilatura puts one block per line; blank lines keep paragraphs apart for the chunker.
    text = "\n\n".join(ln.strip() for ln in normalise(str(raw)).split("\n") if ln.strip())
    url = str(getattr(doc, "url", None) or "").strip()
    if not urlsplit(url).scheme.startswith("http"):
        url = ""
    source = str(getattr(doc, "sitename", None) or "").strip()
    if not source and url:
        source = urlsplit(url).hostname or ""
    title = " ".join(str(getattr(doc, "title", None) or "").split())
    return Article(
        id=url or file_id(path),
        text=text,
        title=title or shorten(first_sentence(text.split("\n", 1)[0])),
        url=url,
        source=source,
        published=parse_date(getattr(doc, "date", None)),
        path=str(path),
    )
