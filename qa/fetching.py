"""Articles by URL: fetch each page with the desk's one polite client, extract it, ingest it.

Used by :meth:`qa.NewsDesk.add_urls` (``newsdesk add URL...``) and by the feed watcher
(:mod:`qa.feeds`). One failing URL never stops the others: each failure is an issue in the
report, with its reason.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from typing import Protocol

from vectorstore.fetch import Fetcher, FetchFailure, fetched_article
from vectorstore.ingest import IngestReport, Progress
from vectorstore.loading import LoadIssue
from vectorstore.store import ArticleRecord, Store
from vectorstore.types import Article

__all__ = ["FEED_TYPES", "Desk", "add_urls", "fetch_article", "is_url", "note_issue"]

FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})
"""Media types of feeds: given to ``add``, they are pointed to ``feeds add``."""


class Desk(Protocol):
    """What fetching and feeds need of :class:`qa.NewsDesk` (no import of it: no circle)."""

    store: Store

    @property
    def fetcher(self) -> Fetcher: ...

    def ingest_articles(self, articles: Sequence[Article], *, report: IngestReport | None = None,
                        progress: Progress | None = None) -> IngestReport: ...

    def articles(self) -> list[ArticleRecord]: ...

    def delete(self, article_id: str) -> int: ...


def is_url(text: str) -> bool:
    """True when ``text`` looks like a web address (``http://`` or ``https://``)."""
    return str(text).strip().lower().startswith(("http://", "https://"))


def note_issue(report: IngestReport, issue: LoadIssue) -> None:
    """Count ``issue`` in ``report`` (``skipped`` or ``failed``) and keep it."""
    report.issues.append(issue)
    if issue.kind == "skipped":
        report.skipped += 1
    else:
        report.failed += 1


def fetch_article(fetcher: Fetcher, url: str, *,
                  published: date | None = None) -> Article | LoadIssue:
    """Fetch ``url`` and extract its article (HTML or PDF), or say why not.

    ``published``: the date to use when the page itself names none (a feed item's date).
    """
    got = fetcher.get(url)
    if isinstance(got, FetchFailure):
        return got.as_issue()
    if got.content_type in FEED_TYPES:
        return LoadIssue(url, f"{url} is a feed, not an article page: follow it with "
                         f"`newsdesk feeds add {url}`")
    art = fetched_article(got)
    if isinstance(art, Article) and art.published is None and published is not None:
        art = replace(art, published=published)
    return art


def add_urls(desk: Desk, urls: Iterable[str], progress: Progress | None = None
             ) -> IngestReport:
    """Fetch each of ``urls`` and ingest its article like a file (duplicates recorded as
    copies, an unchanged page a no-op, a changed one an update)."""
    t0 = time.perf_counter()
    report = IngestReport()
    articles: list[Article] = []
    urls = [urls] if isinstance(urls, str) else urls
    for url in dict.fromkeys(u.strip() for u in urls if u.strip()):
        if not is_url(url):
            note_issue(report, LoadIssue(url, f"{url!r} is not a web address: give an "
                                         "http(s):// URL (for files use `newsdesk ingest`)",
                                         "skipped"))
            continue
        got = fetch_article(desk.fetcher, url)
        if isinstance(got, LoadIssue):
            note_issue(report, got)
        else:
            articles.append(got)
    if articles:
        desk.ingest_articles(articles, report=report, progress=progress)
    report.seconds = time.perf_counter() - t0
    return report
