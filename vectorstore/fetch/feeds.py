"""RSS (0.9x, 1.0, 2.0) and Atom feeds, parsed by feedparser from the bytes the client fetched.

feedparser is only ever given bytes: given a string it may take it for a URL and fetch it
with its own downloader, which would bypass the client's rules.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from vectorstore.fetch.urls import normalise_url
from vectorstore.loading.common import LoadIssue, normalise
from vectorstore.loading.titles import lede_title
from vectorstore.text.dates import parse_date
from vectorstore.types import Article

SUMMARY_MARK = "feed summary"
"""Marks an article made from a feed item's summary (its ``path`` starts with it)."""


@dataclass(frozen=True)
class FeedInfo:
    """A feed's own description.

    Attributes:
        url: The feed's URL (as fetched).
        title: The feed's title (the outlet, usually).
        link: The site the feed belongs to.
    """

    url: str
    title: str = ""
    link: str = ""


@dataclass(frozen=True)
class FeedItem:
    """One item (RSS) or entry (Atom) of a feed.

    Attributes:
        id: The item's guid / Atom id; else its link; else a hash of its title and summary.
        link: The article's address (absolute, http(s)), or ``""``.
        title: The item's title.
        published: When it was published (or last updated), when the feed says.
        summary: The item's summary (or content) as plain text.
    """

    id: str
    link: str = ""
    title: str = ""
    published: date | None = None
    summary: str = ""


@dataclass(frozen=True)
class ParsedFeed:
    """What a feed's bytes hold: its description, its items, and what was wrong with it."""

    info: FeedInfo
    items: tuple[FeedItem, ...]
    issues: tuple[LoadIssue, ...] = ()


def parse_feed(data: bytes, url: str, *, content_type: str = "") -> ParsedFeed:
    """Parse an RSS or Atom feed's bytes. A malformed feed gives an issue, and the items
    feedparser could still read; bytes that are no feed at all give no items and an issue."""
    import feedparser  # only needed for feeds

    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(bytes(data), response_headers=headers, sanitize_html=True)
    feed = parsed.get("feed", {})
    info = FeedInfo(url, _plain(feed.get("title", "")), _link(feed.get("link", ""), url))
    items = tuple(_item(e, url) for e in parsed.get("entries", []))
    issues: list[LoadIssue] = []
    if not items and not parsed.get("version"):
        issues.append(LoadIssue(url, f"{url} is not an RSS or Atom feed ({_bozo(parsed)}): give "
                                "the feed's address (often linked as RSS on the site)"))
    elif parsed.get("bozo"):
        issues.append(LoadIssue(url, f"{url} is a malformed feed ({_bozo(parsed)}); "
                                f"{len(items)} item(s) could still be read", "skipped"))
    return ParsedFeed(info, items, tuple(issues))


def _bozo(parsed: Any) -> str:
    e = parsed.get("bozo_exception")
    return f"{type(e).__name__}: {e}" if e else "no feed elements found"


def _item(entry: Any, feed_url: str) -> FeedItem:
    """One feed entry as a :class:`FeedItem`."""
    link = _link(entry.get("link", ""), feed_url)
    title = _plain(entry.get("title", ""))
    contents = entry.get("content") or []
    summary = _plain(entry.get("summary", "") or (contents[0].get("value", "") if contents else ""))
    published = None
    for key in ("published", "updated", "created"):
        published = parse_date(entry.get(key)) or _struct_date(entry.get(f"{key}_parsed"))
        if published:
            break
    ident = str(entry.get("id") or "").strip() or link
    if not ident:
        ident = "sha1:" + hashlib.sha1(f"{title}\n{summary}".encode()).hexdigest()[:16]
    return FeedItem(ident, link, title, published, summary)


def _struct_date(value: Any) -> date | None:
    """feedparser's parsed time (a ``time.struct_time`` in UTC) as a date."""
    try:
        return parse_date(datetime(*value[:6])) if value else None
    except (TypeError, ValueError):
        return None


def _link(value: Any, base: str) -> str:
    """An absolute http(s) link, or ``""``."""
    value = str(value or "").strip()
    if not value:
        return ""
    link = urljoin(base, value)
    return link if urlsplit(link).scheme in {"http", "https"} else ""


def _plain(markup: Any) -> str:
    """Text of an HTML fragment (feed titles and summaries may hold markup)."""
    raw = str(markup or "")
    if "<" in raw or "&" in raw:
        import lxml.html  # installed with trafilatura

        with contextlib.suppress(ValueError, TypeError, lxml.etree.ParserError):
            raw = lxml.html.fragment_fromstring(raw, create_parent="div").text_content()
    return " ".join(normalise(raw).split())


def item_article(item: FeedItem, feed: FeedInfo) -> Article | LoadIssue:
    """An article made from an item's summary, for when its page cannot be fetched.

    Its ``path`` starts with :data:`SUMMARY_MARK` (see :func:`is_feed_summary`).
    """
    where = item.link or feed.url
    if not item.summary:
        return LoadIssue(where, f"the feed item {item.title or item.id!r} has no summary, and its "
                         "page could not be fetched: nothing to read")
    url = normalise_url(item.link) if item.link else ""
    return Article(
        id=url or f"{normalise_url(feed.url)}#{item.id}",
        text=item.summary,
        title=item.title or lede_title(item.summary),
        url=url,
        source=feed.title or (urlsplit(feed.url).hostname or ""),
        published=item.published,
        path=f"{SUMMARY_MARK} from {feed.url} (the page could not be fetched)",
    )


def is_feed_summary(article: Article) -> bool:
    """True for an article made by :func:`item_article` from a feed item's summary."""
    return article.path.startswith(SUMMARY_MARK)
