"""Fetching from the web: one polite, safe HTTP client, and articles from pages, PDFs and feeds.

* :mod:`~vectorstore.fetch.client`: :class:`Fetcher`, the one client (timeouts, User-Agent,
  ETag / Last-Modified, redirects, size cap, rate per host, back-off, robots.txt);
* :mod:`~vectorstore.fetch.safety`: :class:`Guard`, http(s) only, no private addresses;
* :mod:`~vectorstore.fetch.urls`: :func:`normalise_url`, :func:`same_site`, :func:`article_url`;
* :mod:`~vectorstore.fetch.pages`: :func:`fetched_article`, the article of a fetched page;
* :mod:`~vectorstore.fetch.feeds`: :func:`parse_feed` (RSS, Atom) and :func:`item_article`.

Nothing here fetches unless given a URL.
"""

from vectorstore.fetch.client import Fetcher, user_agent
from vectorstore.fetch.feeds import (
    FeedInfo,
    FeedItem,
    ParsedFeed,
    is_feed_summary,
    item_article,
    parse_feed,
)
from vectorstore.fetch.pages import fetched_article, page_article
from vectorstore.fetch.results import Fetched, FetchFailure
from vectorstore.fetch.safety import Guard, Target
from vectorstore.fetch.urls import article_url, normalise_url, same_site

__all__ = [
    "FeedInfo", "FeedItem", "FetchFailure", "Fetched", "Fetcher", "Guard", "ParsedFeed",
    "Target", "article_url", "fetched_article", "is_feed_summary", "item_article",
    "normalise_url", "page_article", "parse_feed", "same_site", "user_agent",
]
