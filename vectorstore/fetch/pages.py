"""Articles from fetched pages: HTML through trafilatura, PDF through the PDF reader.

trafilatura only ever gets the bytes (or text) the :class:`~vectorstore.fetch.client.Fetcher`
fetched, never a URL to fetch by itself: its own downloader would bypass the client's rules.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from vectorstore.fetch.results import Fetched
from vectorstore.fetch.urls import article_url
from vectorstore.loading.common import LoadIssue, normalise
from vectorstore.loading.pdf import from_pdf
from vectorstore.loading.titles import lede_title
from vectorstore.text.dates import parse_date
from vectorstore.types import Article

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})


def fetched_article(fetched: Fetched) -> Article | LoadIssue:
    """The article of a fetched page (HTML or PDF), or why there is none."""
    kind = fetched.content_type or _sniff(fetched.content)
    if kind in HTML_TYPES:
        return page_article(fetched)
    if kind in PDF_TYPES:
        url = article_url(fetched.url)
        got = from_pdf(fetched.content, fetched.url)
        if isinstance(got, LoadIssue):
            return got
        return replace(got, id=url, url=url, source=got.source or _host(fetched.url))
    return LoadIssue(fetched.url, f"{fetched.url} is {kind or 'of no declared type'}, not a web "
                     "page or PDF: give the address of an article page")


def page_article(fetched: Fetched) -> Article | LoadIssue:
    """The article of a fetched HTML page: main text, title, date, site name, canonical URL.

    The id (and ``url``) is the canonical URL when it is on the same site as the page
    fetched, else the fetched URL after redirects (see :func:`~vectorstore.fetch.urls.article_url`).
    """
    import trafilatura  # heavy; only needed for HTML

    if fetched.not_modified or not fetched.content.strip():
        return LoadIssue(fetched.url, f"{fetched.url} sent an empty page: nothing to read")
    page: str | bytes = fetched.text() if fetched.charset else fetched.content
    # Given the page itself (never a URL), trafilatura parses locally and does no network.
    doc = trafilatura.bare_extraction(page, url=fetched.url, with_metadata=True,
                                      include_comments=False, include_tables=True)
    raw = getattr(doc, "text", None) if doc is not None else None
    if not raw or not str(raw).strip():
        return LoadIssue(fetched.url, f"no article text found on {fetched.url}: is it an "
                         "article page (not a front page, login or consent wall)?")
    text = "\n\n".join(ln.strip() for ln in normalise(str(raw)).split("\n") if ln.strip())
    url = article_url(fetched.url, _canonical(doc, fetched.url))
    title = " ".join(str(getattr(doc, "title", None) or "").split())
    return Article(
        id=url,
        text=text,
        title=title or lede_title(text),
        url=url,
        source=" ".join(str(getattr(doc, "sitename", None) or "").split()) or _host(fetched.url),
        published=parse_date(getattr(doc, "date", None)),
        path=fetched.url,
    )


def _canonical(doc: Any, fetched_url: str) -> str:
    """The page's canonical URL as trafilatura read it (``""`` when none, or the page's own)."""
    url = str(getattr(doc, "url", None) or "").strip()
    return "" if url == fetched_url else url


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _sniff(content: bytes) -> str:
    """A media type for a response that declared none: PDF, HTML, or ``""``."""
    head = content[:1024].lstrip().lower()
    if head.startswith(b"%pdf-"):
        return "application/pdf"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "text/html"
    return ""

