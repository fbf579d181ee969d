"""The feeds a collection follows, the items taken in from them, and leases (``Catalog.feeds``).

Every process sees the same feeds and fetch state, since they live in the catalog. A lease
is a named row with a holder and an expiry: the feed watcher takes one so that only one
watcher runs at a time across all processes; a holder that stops renewing it loses it once
it expires.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, func, select, update

from vectorstore.catalog.engine import reading, writing
from vectorstore.catalog.rows import DEFAULT_COLLECTION, now, utc
from vectorstore.catalog.tables import feed_items, feeds, leases

FEED_STATUSES = ("new", "ok", "not modified", "failed")


@dataclass(frozen=True)
class FeedRow:
    """A followed feed and its fetch state.

    Attributes:
        url: The feed's address (normalised); with ``collection``, its key.
        title: The feed's title, as last fetched.
        every_s: Seconds between fetches; ``keep_days``: its articles older than this are
            deleted on each watch (``None``: kept).
        etag, last_modified: Sent with the next fetch (conditional request).
        last_fetch, next_fetch: When it was last fetched, and when it is due (``None``: now).
        status: ``new``, ``ok``, ``not modified`` or ``failed``; ``reason`` says why it failed.
        items_seen, articles_added: Counts over every fetch.
    """

    url: str
    every_s: int
    collection: str = DEFAULT_COLLECTION
    title: str = ""
    keep_days: int | None = None
    etag: str = ""
    last_modified: str = ""
    last_fetch: datetime | None = None
    status: str = "new"
    reason: str = ""
    items_seen: int = 0
    articles_added: int = 0
    next_fetch: datetime | None = None
    created_at: datetime | None = None

    def due(self, at: datetime) -> bool:
        """True when the feed should be fetched at ``at`` (a new feed is due at once)."""
        return self.next_fetch is None or self.next_fetch <= at

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (times as ISO text)."""
        def iso(t: datetime | None) -> str | None:
            return t.isoformat() if t else None

        return {"url": self.url, "collection": self.collection, "title": self.title,
                "every_s": self.every_s, "keep_days": self.keep_days, "status": self.status,
                "reason": self.reason, "last_fetch": iso(self.last_fetch),
                "next_fetch": iso(self.next_fetch), "items_seen": self.items_seen,
                "articles_added": self.articles_added}


def _row(m: Mapping[Any, Any]) -> FeedRow:
    def at(t: datetime | None) -> datetime | None:
        return utc(t) if t is not None else None

    return FeedRow(url=m["url"], every_s=int(m["every_s"]), collection=m["collection"],
                   title=m["title"], keep_days=m["keep_days"], etag=m["etag"],
                   last_modified=m["last_modified"], last_fetch=at(m["last_fetch"]),
                   status=m["status"], reason=m["reason"], items_seen=int(m["items_seen"]),
                   articles_added=int(m["articles_added"]), next_fetch=at(m["next_fetch"]),
                   created_at=at(m["created_at"]))


class FeedCatalog:
    """Feeds, feed items and leases in one catalog database (each call one transaction)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- feeds ----------------------------------------------------------------------------

    def add_feed(self, url: str, every_s: int, keep_days: int | None = None,
            collection: str = DEFAULT_COLLECTION) -> tuple[FeedRow, bool]:
        """Follow ``url`` (due at once); a followed feed gets the new ``every_s`` and
        ``keep_days``. Returns the feed and whether it is new."""
        with writing(self.engine) as conn:
            key = (feeds.c.collection == collection, feeds.c.url == url)
            known = conn.execute(select(feeds.c.url).where(*key)).first() is not None
            if known:
                conn.execute(update(feeds).where(*key).values(every_s=every_s,
                                                              keep_days=keep_days))
            else:
                conn.execute(feeds.insert().values(
                    collection=collection, url=url, every_s=every_s, keep_days=keep_days,
                    title="", etag="", last_modified="", status="new", reason="",
                    items_seen=0, articles_added=0, created_at=now()))
            m = conn.execute(select(feeds).where(*key)).mappings().one()
        return _row(m), not known

    def get_feed(self, url: str, collection: str = DEFAULT_COLLECTION) -> FeedRow | None:
        """The feed ``url``, or ``None``."""
        with reading(self.engine) as conn:
            m = conn.execute(select(feeds).where(feeds.c.collection == collection,
                                                 feeds.c.url == url)).mappings().first()
        return None if m is None else _row(m)

    def feeds(self, collection: str | None = DEFAULT_COLLECTION) -> list[FeedRow]:
        """The feeds of ``collection`` (every collection's with ``None``), by URL."""
        stmt = select(feeds).order_by(feeds.c.collection, feeds.c.url)
        if collection is not None:
            stmt = stmt.where(feeds.c.collection == collection)
        with reading(self.engine) as conn:
            return [_row(m) for m in conn.execute(stmt).mappings()]

    def remove_feed(self, url: str, collection: str = DEFAULT_COLLECTION) -> bool:
        """Stop following ``url`` and forget its items (its articles stay); False if unknown."""
        with writing(self.engine) as conn:
            conn.execute(delete(feed_items).where(feed_items.c.collection == collection,
                                                  feed_items.c.feed_url == url))
            gone = conn.execute(delete(feeds).where(feeds.c.collection == collection,
                                                    feeds.c.url == url))
        return bool(gone.rowcount)

    def record_fetch(self, url: str, collection: str = DEFAULT_COLLECTION, *, status: str,
                     reason: str = "", at: datetime | None = None, title: str | None = None,
                     etag: str | None = None, last_modified: str | None = None,
                     new_items: int = 0, added: int = 0) -> FeedRow | None:
        """Record a fetch of ``url``: its status, validators, counts; due again ``every_s``
        later. ``None`` when the feed was removed meanwhile."""
        at = at or now()
        values: dict[str, Any] = {"status": status, "reason": reason, "last_fetch": at,
                                  "items_seen": feeds.c.items_seen + new_items,
                                  "articles_added": feeds.c.articles_added + added}
        for name, value in (("title", title), ("etag", etag), ("last_modified", last_modified)):
            if value is not None:
                values[name] = value
        with writing(self.engine) as conn:
            key = (feeds.c.collection == collection, feeds.c.url == url)
            got = conn.execute(select(feeds.c.every_s).where(*key)).first()
            if got is None:
                return None
            values["next_fetch"] = at + timedelta(seconds=int(got[0]))
            conn.execute(update(feeds).where(*key).values(**values))
            m = conn.execute(select(feeds).where(*key)).mappings().one()
        return _row(m)

    # -- items ----------------------------------------------------------------------------

    def seen(self, url: str, collection: str = DEFAULT_COLLECTION) -> set[str]:
        """The ids of the items of ``url`` already taken in."""
        with reading(self.engine) as conn:
            return set(conn.execute(select(feed_items.c.item_id).where(
                feed_items.c.collection == collection, feed_items.c.feed_url == url)).scalars())

    def add_items(self, url: str, items: Iterable[tuple[str, str]],
                  collection: str = DEFAULT_COLLECTION, at: datetime | None = None) -> int:
        """Record items ``(item id, article id)`` of ``url`` as taken in; return how many new."""
        at, wanted = at or now(), dict(items)
        if not wanted:
            return 0
        with writing(self.engine) as conn:  # one writer at a time: the check holds
            known = set(conn.execute(select(feed_items.c.item_id).where(
                feed_items.c.collection == collection, feed_items.c.feed_url == url,
                feed_items.c.item_id.in_(list(wanted)))).scalars())
            rows = [{"collection": collection, "feed_url": url, "item_id": i, "article_id": a,
                     "fetched_at": at} for i, a in wanted.items() if i not in known]
            if rows:
                conn.execute(feed_items.insert(), rows)
        return len(rows)

    def articles_of(self, url: str, collection: str = DEFAULT_COLLECTION
                    ) -> dict[str, datetime]:
        """The article ids the items of ``url`` gave, each with when it was first fetched."""
        with reading(self.engine) as conn:
            got = conn.execute(select(feed_items.c.article_id, func.min(feed_items.c.fetched_at))
                               .where(feed_items.c.collection == collection,
                                      feed_items.c.feed_url == url,
                                      feed_items.c.article_id != "")
                               .group_by(feed_items.c.article_id))
            return {aid: utc(at) for aid, at in got}

    # -- leases ---------------------------------------------------------------------------

    def take_lease(self, name: str, holder: str, seconds: float,
                   at: datetime | None = None) -> tuple[bool, str, datetime]:
        """Take (or renew) the lease ``name`` for ``seconds`` when it is free, expired, or
        ``holder``'s already. Returns ``(taken, the holder now, until when)``."""
        at = at or now()
        with writing(self.engine) as conn:
            m = conn.execute(select(leases).where(leases.c.name == name)).mappings().first()
            if m is not None and m["holder"] != holder and utc(m["expires"]) > at:
                return False, str(m["holder"]), utc(m["expires"])
            until = at + timedelta(seconds=seconds)
            if m is None:
                conn.execute(leases.insert().values(name=name, holder=holder, expires=until))
            else:
                conn.execute(update(leases).where(leases.c.name == name)
                             .values(holder=holder, expires=until))
        return True, holder, until

    def release_lease(self, name: str, holder: str) -> bool:
        """Give the lease ``name`` up, if ``holder`` holds it."""
        with writing(self.engine) as conn:
            gone = conn.execute(delete(leases).where(leases.c.name == name,
                                                     leases.c.holder == holder))
        return bool(gone.rowcount)
