"""Following RSS/Atom feeds: ``NewsDesk.feeds`` (``add``, ``list``, ``remove``, ``watch``).

Feeds and their fetch state live in the catalog, so every process sees them. A watch fetches
each due feed (conditional requests: an unchanged feed costs a 304), follows each new item's
link and ingests the article, or the item's summary (marked as such) when the page cannot be
fetched. An item already taken in is never fetched again, nor is a page already stored.
Only one watcher runs at a time across all processes: it holds a lease in the catalog,
renewed as it works, which another watcher takes over once it expires. A feed with ``keep``
has its articles older than that deleted on each watch.
"""

from __future__ import annotations

import os
import re
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from qa.fetching import Desk, fetch_article, is_url, note_issue
from vectorstore.catalog.feeds import FeedRow
from vectorstore.errors import ConfigError, NotFound
from vectorstore.fetch import (
    FeedInfo,
    FeedItem,
    FetchFailure,
    item_article,
    normalise_url,
    parse_feed,
)
from vectorstore.ingest import IngestReport
from vectorstore.loading import LoadIssue
from vectorstore.types import Article

__all__ = ["FeedResult", "Feeds", "WatchReport", "parse_duration"]

LEASE = "feed-watcher"
LEASE_S = 120.0
"""Seconds a watcher's lease lasts unless renewed (it renews after each feed)."""
DEFAULT_EVERY_S = 1800

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw]?)\s*$", re.IGNORECASE)


def parse_duration(text: str | int, name: str = "every") -> int:
    """Seconds in ``30m``, ``2h``, ``90d``, ``1w``, ``45s`` (a bare number is seconds).

    Raises:
        ConfigError: not such a duration, or zero.
    """
    m = _DURATION.match(str(text))
    if not m or int(m.group(1)) <= 0:
        raise ConfigError(f"--{name} {text!r} is not a duration: use a number and a unit, "
                          "e.g. 30m, 2h, 90d")
    return int(m.group(1)) * _UNITS[(m.group(2) or "s").lower()]


@dataclass(frozen=True)
class FeedResult:
    """What one watch did with one feed.

    Attributes:
        url: The feed.
        status: ``ok``, ``not modified`` or ``failed``; ``reason`` says why it failed.
        new_items: Items not seen before; ``added``: articles they added to the store;
            ``summaries``: of those, made from the item's summary (the page could not be
            fetched); ``deleted``: articles removed by the feed's retention.
        issues: Items (or the feed) that could not be read, with the reason.
    """

    url: str
    status: str
    reason: str = ""
    new_items: int = 0
    added: int = 0
    summaries: int = 0
    deleted: int = 0
    issues: tuple[LoadIssue, ...] = ()


@dataclass(frozen=True)
class WatchReport:
    """What one watch did: ``ran`` is False when another watcher (``holder``) holds the lease."""

    ran: bool
    feeds: tuple[FeedResult, ...] = ()
    holder: str = ""
    until: datetime | None = None

    @property
    def added(self) -> int:
        """Articles added over every feed."""
        return sum(f.added for f in self.feeds)


@dataclass
class _Pass:
    """One feed's watch under way."""

    feed: FeedRow
    report: IngestReport = field(default_factory=IngestReport)
    items: dict[str, str] = field(default_factory=dict)  # item id -> article id
    summaries: int = 0


class Feeds:
    """The feeds a desk follows (``desk.feeds``); the catalog holds them."""

    def __init__(self, desk: Desk, collection: str = "") -> None:
        self.desk = desk
        self.catalog = desk.store.catalog.feeds
        self.collection = collection or str(getattr(desk.store, "collection", "") or "default")
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def add(self, url: str, every: str | int = DEFAULT_EVERY_S,
            keep: str | int | None = None) -> FeedRow:
        """Follow the feed at ``url``, fetched every ``every`` (``30m``), its articles kept
        ``keep`` (``90d``; ``None``: for ever). Nothing is fetched until a watch."""
        if not is_url(url):
            raise ConfigError(f"{url!r} is not a feed address: give an http(s):// URL")
        every_s = parse_duration(every)
        keep_days = None if keep in (None, "") else -(-parse_duration(keep, "keep") // 86400)
        row, _ = self.catalog.add_feed(normalise_url(url), every_s, keep_days, self.collection)
        return row

    def list(self) -> list[FeedRow]:
        """Every feed followed, by URL."""
        return self.catalog.feeds(self.collection)

    def remove(self, url: str) -> FeedRow:
        """Stop following ``url`` (its articles stay).

        Raises:
            NotFound: the feed is not followed.
        """
        key = normalise_url(url)
        row = self.catalog.get_feed(key, self.collection)
        if row is None or not self.catalog.remove_feed(key, self.collection):
            raise NotFound(f"no feed {url!r} is followed: see `newsdesk feeds list`")
        return row

    # -- watching -------------------------------------------------------------------------

    def watch(self, *, all: bool = False, now: datetime | None = None) -> WatchReport:  # noqa: A002
        """Fetch every due feed once (every feed with ``all``), holding the watcher lease
        meanwhile; a report with ``ran=False`` when another watcher holds it."""
        try:
            return self._watch(all, now)
        finally:
            self.catalog.release_lease(LEASE, self.holder)

    def _watch(self, all_feeds: bool, now: datetime | None) -> WatchReport:
        """One pass, the lease taken (and kept: :meth:`run` holds it between passes)."""
        taken, holder, until = self.catalog.take_lease(LEASE, self.holder, LEASE_S)
        if not taken:
            return WatchReport(False, holder=holder, until=until)
        at = now or datetime.now(UTC)
        results = []
        for feed in self.list():
            if all_feeds or feed.due(at):
                results.append(self._watch_feed(feed))
                self.catalog.take_lease(LEASE, self.holder, LEASE_S)  # still working
        return WatchReport(True, tuple(results), self.holder)

    def run(self, *, all: bool = False, stop: Callable[[], bool] = lambda: False,  # noqa: A002
            report: Callable[[WatchReport], None] = lambda r: None, tick: float = 5.0) -> None:
        """Watch until ``stop()``: each due feed when due, the lease renewed meanwhile."""
        first = True
        try:
            while not stop():
                got = self._watch(all and first, None)
                first = False
                report(got)
                deadline = time.monotonic() + self._wait_s()
                while not stop() and time.monotonic() < deadline:
                    time.sleep(min(tick, max(0.0, deadline - time.monotonic())))
                    if got.ran:  # kept between passes
                        self.catalog.take_lease(LEASE, self.holder, LEASE_S)
        finally:  # stopped (or interrupted): another watcher may take over at once
            self.catalog.release_lease(LEASE, self.holder)

    def _wait_s(self) -> float:
        """Seconds until the next feed is due (at most a minute, to notice new feeds)."""
        at = datetime.now(UTC)
        nexts = [(f.next_fetch - at).total_seconds() if f.next_fetch else 0.0
                 for f in self.list()]
        return max(1.0, min([60.0, *nexts]))

    def _watch_feed(self, feed: FeedRow) -> FeedResult:
        """Fetch one feed, take its new items in, apply its retention; record the fetch."""
        got = self.desk.fetcher.get(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        if isinstance(got, FetchFailure):
            self.catalog.record_fetch(feed.url, self.collection, status="failed",
                                      reason=got.reason)
            return FeedResult(feed.url, "failed", got.reason, deleted=self._retain(feed))
        if got.not_modified:
            self.catalog.record_fetch(feed.url, self.collection, status="not modified")
            return FeedResult(feed.url, "not modified", deleted=self._retain(feed))
        parsed = parse_feed(got.content, feed.url, content_type=got.content_type)
        if not parsed.items and parsed.issues:
            reason = parsed.issues[0].reason
            self.catalog.record_fetch(feed.url, self.collection, status="failed", reason=reason)
            return FeedResult(feed.url, "failed", reason, issues=parsed.issues)
        work = _Pass(feed)
        for issue in parsed.issues:
            note_issue(work.report, issue)
        seen = self.catalog.seen(feed.url, self.collection)
        new = list({i.id: i for i in parsed.items if i.id not in seen}.values())
        articles = [a for a in (self._article(item, parsed.info, work) for item in new) if a]
        if articles:
            self.desk.ingest_articles(articles, report=work.report)
        self.catalog.add_items(feed.url, work.items.items(), self.collection)
        self.catalog.record_fetch(feed.url, self.collection, status="ok",
                                  title=parsed.info.title, etag=got.etag,
                                  last_modified=got.last_modified, new_items=len(new),
                                  added=work.report.added)
        return FeedResult(feed.url, "ok", new_items=len(new), added=work.report.added,
                          summaries=work.summaries, deleted=self._retain(feed),
                          issues=tuple(work.report.issues))

    def _article(self, item: FeedItem, info: FeedInfo, work: _Pass) -> Article | None:
        """The article of a new item: its page, else its summary; ``None`` when already
        stored (recorded, not fetched) or unreadable (reported; tried again next watch)."""
        link = normalise_url(item.link) if item.link else ""
        if link and self.desk.store.get_article(link) is not None:
            work.items[item.id] = link  # stored already (added by URL, or another feed)
            return None
        page: Article | LoadIssue | None = None
        if link:
            page = fetch_article(self.desk.fetcher, item.link, published=item.published)
            if isinstance(page, Article):
                work.items[item.id] = page.id
                return page
        summary = item_article(item, info)
        if isinstance(summary, Article):
            work.summaries += 1
            work.items[item.id] = summary.id
            return summary
        note_issue(work.report, page if isinstance(page, LoadIssue) else summary)
        return None

    def _retain(self, feed: FeedRow) -> int:
        """Delete the feed's articles published (else fetched) more than ``keep_days`` ago."""
        if feed.keep_days is None:
            return 0
        cutoff = date.today() - timedelta(days=feed.keep_days)
        taken = self.catalog.articles_of(feed.url, self.collection)
        gone = 0
        for aid, fetched in taken.items():
            rec = self.desk.store.get_article(aid)
            if rec is None:
                continue
            if (rec.published or fetched.date()) < cutoff:
                try:
                    self.desk.delete(aid)
                    gone += 1
                except NotFound:
                    continue
        return gone


def delete_where(desk: Desk, *, source: str | None = None,
                 before: date | None = None) -> list[str]:
    """Delete in bulk every article from ``source`` (an outlet, any case) and/or published
    before ``before`` (undated articles are kept); return the ids deleted."""
    want = (source or "").strip().casefold()
    gone = []
    for rec in desk.articles():
        if want and rec.source.strip().casefold() != want:
            continue
        if before is not None and (rec.published is None or rec.published >= before):
            continue
        try:
            desk.delete(rec.id)
        except NotFound:  # deleted meanwhile
            continue
        gone.append(rec.id)
    return gone
