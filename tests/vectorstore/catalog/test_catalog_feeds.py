"""Feeds, feed items and leases in the catalog, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from vectorstore.catalog import Catalog
from vectorstore.catalog.tables import feed_items

T0 = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
FEED = "https://news.example/feed.rss"


def test_a_new_feed_is_due_at_once_and_due_again_every_seconds_after_a_fetch(cat: Catalog) -> None:
    row, new = cat.feeds.add_feed(FEED, 1800, keep_days=90)
    assert new and row.status == "new" and row.due(T0) and row.keep_days == 90
    done = cat.feeds.record_fetch(FEED, status="ok", at=T0, title="News", etag='"a"',
                                  last_modified="Sun, 29 Nov 2026 08:00:00 GMT", new_items=3,
                                  added=2)
    assert done is not None
    assert done.next_fetch == T0 + timedelta(seconds=1800) and done.last_fetch == T0
    assert not done.due(T0 + timedelta(seconds=1799)) and done.due(T0 + timedelta(seconds=1800))
    assert (done.title, done.etag, done.items_seen, done.articles_added) == ("News", '"a"', 3, 2)
    again = cat.feeds.record_fetch(FEED, status="not modified", at=T0 + timedelta(hours=1))
    assert again is not None and (again.items_seen, again.articles_added, again.etag) == (3, 2, '"a"')


def test_adding_a_followed_feed_changes_its_settings_only(cat: Catalog) -> None:
    cat.feeds.add_feed(FEED, 1800)
    cat.feeds.record_fetch(FEED, status="ok", at=T0, new_items=1)
    row, new = cat.feeds.add_feed(FEED, 600, keep_days=7)
    assert not new and (row.every_s, row.keep_days, row.items_seen) == (600, 7, 1)
    assert [f.url for f in cat.feeds.feeds()] == [FEED]


def test_each_process_sees_the_same_feeds_and_items(open_cat: Callable[..., Catalog]) -> None:
    one, two = open_cat(), open_cat()
    one.feeds.add_feed(FEED, 60)
    assert one.feeds.add_items(FEED, [("i1", "https://news.example/a"), ("i2", "")], at=T0) == 2
    assert two.feeds.add_items(FEED, [("i1", "https://news.example/a")]) == 0  # already in
    assert two.feeds.seen(FEED) == {"i1", "i2"}
    assert two.feeds.articles_of(FEED) == {"https://news.example/a": T0}
    assert two.feeds.get_feed(FEED) is not None


def test_removing_a_feed_forgets_its_items(cat: Catalog) -> None:
    cat.feeds.add_feed(FEED, 60)
    cat.feeds.add_items(FEED, [("i1", "a")])
    assert cat.feeds.remove_feed(FEED) and not cat.feeds.remove_feed(FEED)
    assert cat.feeds.seen(FEED) == set() and cat.feeds.feeds() == []
    assert cat.feeds.record_fetch(FEED, status="ok") is None


def test_feeds_belong_to_a_collection(cat: Catalog) -> None:
    cat.ensure_collection("sport")
    cat.feeds.add_feed(FEED, 60, collection="sport")
    assert cat.feeds.feeds() == [] and [f.collection for f in cat.feeds.feeds(None)] == ["sport"]


def test_a_lease_has_one_holder_until_it_expires(open_cat: Callable[..., Catalog]) -> None:
    one, two = open_cat(), open_cat()
    taken, holder, until = one.feeds.take_lease("watcher", "a", 60, at=T0)
    assert taken and holder == "a" and until == T0 + timedelta(seconds=60)
    taken, holder, _ = two.feeds.take_lease("watcher", "b", 60, at=T0 + timedelta(seconds=30))
    assert not taken and holder == "a"
    assert one.feeds.take_lease("watcher", "a", 60, at=T0 + timedelta(seconds=50))[0]  # renewed
    assert not two.feeds.take_lease("watcher", "b", 60, at=T0 + timedelta(seconds=100))[0]
    taken, holder, _ = two.feeds.take_lease("watcher", "b", 60, at=T0 + timedelta(seconds=111))
    assert taken and holder == "b"  # a stopped renewing: b takes over
    assert not one.feeds.release_lease("watcher", "a") and two.feeds.release_lease("watcher", "b")
    assert one.feeds.take_lease("watcher", "a", 60, at=T0 + timedelta(seconds=112))[0]


def test_deleting_a_collection_deletes_its_feeds_and_their_items(cat: Catalog) -> None:
    cat.ensure_collection("world")
    cat.feeds.add_feed(FEED, 60, collection="world")
    cat.feeds.add_items(FEED, [("i1", "a"), ("i2", "b")], collection="world")
    cat.feeds.add_feed(FEED, 60)  # the same feed, followed by another collection
    cat.feeds.add_items(FEED, [("i1", "a")])
    assert cat.feeds.take_lease("watcher", "me", 60)[0]
    cat.delete_collection("world")
    assert [(f.collection, f.url) for f in cat.feeds.feeds(None)] == [("default", FEED)]
    assert cat.feeds.seen(FEED, "world") == set() and cat.feeds.seen(FEED) == {"i1"}
    with cat.engine.connect() as conn:
        left = conn.execute(select(feed_items.c.collection)).scalars().all()
    assert left == ["default"]
    assert cat.feeds.take_lease("watcher", "me", 60)[0]  # leases are no collection's
    cat.ensure_collection("world")  # made again: it follows nothing
    assert cat.feeds.feeds("world") == []


def test_renaming_a_collection_takes_its_feeds_along(cat: Catalog) -> None:
    cat.ensure_collection("world")
    cat.feeds.add_feed(FEED, 60, collection="world")
    cat.feeds.add_items(FEED, [("i1", "a")], collection="world")
    cat.rename_collection("world", "globe")
    assert cat.feeds.feeds("world") == [] and [f.url for f in cat.feeds.feeds("globe")] == [FEED]
    assert cat.feeds.seen(FEED, "globe") == {"i1"} and cat.feeds.seen(FEED, "world") == set()
