"""Pages by URL and followed feeds, end to end: real HTTP to a local news site, the real
embedding model, a real embedded Chroma and SQLite catalog."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from qa import NewsDesk
from qa.feeds import LEASE, delete_where, parse_duration
from tests.fakes.news_server import NewsServer, generated_text, make_pdf
from vectorstore.config import Settings
from vectorstore.errors import ConfigError, NotFound
from vectorstore.fetch import is_feed_summary
from vectorstore.types import Article

BRIDGE = ("The harbour bridge in Porto Vale will reopen on Friday after two years of repairs, "
          "the city council said.\n\nThe repairs cost 40 million euros, paid by the port "
          "authority and the regional government.")

pytestmark = pytest.mark.slow


@pytest.fixture
def desk(tmp_path: Path) -> NewsDesk:
    """A desk allowed to reach 127.0.0.1 (the test site), fetching without waiting."""
    return NewsDesk.open(home=tmp_path / "home", llm="none",
                         settings=Settings(allow_private_urls=True, fetch_rate=1000.0))


def story_url(site: NewsServer, n: int) -> str:
    return site.url(f"/story/story-{n}")


def test_urls_are_added_once_and_a_changed_page_is_an_update(site: NewsServer,
                                                             desk: NewsDesk) -> None:
    first = desk.add_urls([story_url(site, 1), site.url("/status/404"), story_url(site, 2)])
    assert (first.added, first.failed) == (2, 1)
    assert "404" in first.issues[0].reason and first.issues[0].path.endswith("/status/404")
    assert sorted(a.id for a in desk.articles()) == [story_url(site, 1), story_url(site, 2)]
    again = desk.add_urls([story_url(site, 1)])
    assert (again.added, again.updated, again.unchanged) == (0, 0, 1)
    old = site.stories[0]
    site.stories[0] = replace(old, text=old.text + "\n\nThe mayor welcomed the decision.")
    changed = desk.add_urls([story_url(site, 1)])
    assert (changed.added, changed.updated) == (0, 1)
    assert "mayor welcomed" in desk.store.article_text(story_url(site, 1))


def test_a_cross_site_canonical_cannot_claim_another_sites_address(site: NewsServer,
                                                                   desk: NewsDesk) -> None:
    report = desk.add_urls([site.url("/copied/story-1"), site.url("/feed.rss")])
    assert report.added == 1 and report.failed == 1
    assert [a.id for a in desk.articles()] == [site.url("/copied/story-1")]
    assert "newsdesk feeds add" in report.issues[0].reason  # a feed given to add


def test_a_feed_is_taken_in_then_only_its_new_item(site: NewsServer, desk: NewsDesk) -> None:
    feed = desk.feeds.add(site.url("/feed.rss"), every="30m")
    assert feed.status == "new" and desk.articles() == []  # nothing fetched on add
    first = desk.feeds.watch()
    assert first.ran and [(f.status, f.new_items, f.added) for f in first.feeds] == [("ok", 2, 2)]
    assert {a.url for a in desk.articles()} == {story_url(site, 1), story_url(site, 2)}
    assert desk.feeds.watch().feeds == ()  # not due again for 30 minutes
    site.add_story(text=BRIDGE)
    pages_before = len(site.hits_for("/story/"))
    second = desk.feeds.watch(all=True)
    assert [(f.new_items, f.added) for f in second.feeds] == [(1, 1)]
    assert len(site.hits_for("/story/")) == pages_before + 1  # old items are not fetched again
    third = desk.feeds.watch(all=True)
    assert [(f.status, f.new_items, f.added) for f in third.feeds] == [("not modified", 0, 0)]
    row = desk.feeds.list()[0]
    assert (row.items_seen, row.articles_added, row.status) == (3, 3, "not modified")
    answer = desk.ask("How much did the repairs of the harbour bridge in Porto Vale cost?")
    assert not answer.abstained and "40 million" in answer.text
    assert answer.citations[0].to_dict()["url"] == story_url(site, 3)
    assert answer.citations[0].to_dict()["page"] is None


def test_an_item_whose_page_cannot_be_fetched_is_taken_from_its_summary(
        site: NewsServer, desk: NewsDesk) -> None:
    site.robots = "User-agent: *\nDisallow: /story/\n"
    desk.feeds.add(site.url("/feed.atom"))
    got = desk.feeds.watch().feeds[0]
    assert (got.added, got.summaries) == (2, 2)
    arts = desk.articles()
    assert len(arts) == 2 and all(is_feed_summary(Article(a.id, "", path=a.path)) for a in arts)
    assert {a.url for a in arts} == {story_url(site, 1), story_url(site, 2)}


def test_the_same_story_in_two_feeds_is_stored_once_with_both_outlets(desk: NewsDesk) -> None:
    with NewsServer() as one, NewsServer() as two:
        two.site_name = "Lakeside Herald"
        wire = BRIDGE + "\n\n" + generated_text("wire story")  # an agency story, two outlets
        one.add_story("Bridge to reopen", wire, date(2026, 11, 20))
        two.add_story("Porto Vale bridge reopens Friday",
                      wire + "\n\nFollow the Lakeside Herald for more local news.",
                      date(2026, 11, 20))
        desk.feeds.add(one.url("/feed.rss"))
        desk.feeds.add(two.url("/feed.atom"))
        report = desk.feeds.watch()
    assert sorted(f.new_items for f in report.feeds) == [1, 1]
    arts = desk.articles()
    assert len(arts) == 1
    assert set(arts[0].sources) == {"Riverton Gazette", "Lakeside Herald"}


def test_one_watcher_at_a_time_and_an_expired_lease_is_taken_over(site: NewsServer,
                                                                  desk: NewsDesk) -> None:
    desk.feeds.add(site.url("/feed.rss"))
    leases = desk.store.catalog.feeds
    assert leases.take_lease(LEASE, "elsewhere:1", 60)[0]
    blocked = desk.feeds.watch()
    assert not blocked.ran and blocked.holder == "elsewhere:1" and site.hits_for("/feed") == []
    stale = datetime.now(UTC) - timedelta(seconds=300)
    assert leases.take_lease(LEASE, "elsewhere:1", 60, at=stale)[0]  # it stopped renewing
    taken = desk.feeds.watch()
    assert taken.ran and taken.added == 2
    assert leases.take_lease(LEASE, "elsewhere:2", 60)[0]  # released after the watch


def test_retention_deletes_a_feeds_old_articles_on_each_watch(site: NewsServer,
                                                              desk: NewsDesk) -> None:
    site.add_story(published=date.today())
    desk.feeds.add(site.url("/feed.rss"), keep="2d")
    got = desk.feeds.watch().feeds[0]
    assert (got.added, got.deleted) == (3, 2)  # the two from November 2 and 3 are too old
    assert [a.id for a in desk.articles()] == [story_url(site, 3)]


def test_bulk_delete_by_source_and_date(site: NewsServer, desk: NewsDesk) -> None:
    desk.add_urls([story_url(site, 1), story_url(site, 2)])
    assert delete_where(desk, source="Somewhere Else") == []
    assert delete_where(desk, before=date(2026, 11, 3)) == [story_url(site, 1)]
    assert delete_where(desk, source="riverton gazette") == [story_url(site, 2)]
    assert desk.articles() == []


def test_feed_settings_are_checked_and_unknown_feeds_named(desk: NewsDesk) -> None:
    assert parse_duration("30m") == 1800 and parse_duration("90d") == 90 * 86400
    with pytest.raises(ConfigError, match="30m"):
        desk.feeds.add("http://127.0.0.1:9/feed.rss", every="soon")
    with pytest.raises(ConfigError, match="http"):
        desk.feeds.add("ftp://example.com/feed.rss")
    with pytest.raises(NotFound, match="feeds list"):
        desk.feeds.remove("https://example.com/feed.rss")


def test_each_chunk_of_a_pdf_knows_its_page(site: NewsServer, desk: NewsDesk,
                                            tmp_path: Path) -> None:
    def lines(text: str) -> str:
        return "\n".join(s.strip() + "." for s in text.replace("\n\n", " ").split(".") if s.strip())

    pages = [lines(generated_text(f"pdf page {n}")) for n in (1, 2)] + [lines(BRIDGE)]
    pdf = make_pdf(pages, title="Council report")
    (tmp_path / "report.pdf").write_bytes(pdf)
    assert desk.ingest([tmp_path / "report.pdf"]).added == 1
    answer = desk.ask("How much did the repairs of the harbour bridge in Porto Vale cost?")
    assert not answer.abstained and "40 million" in answer.text
    cited = answer.citations[0].to_dict()
    assert cited["page"] in (2, 3) and "40 million" in answer.citations[0].passage.text
    assert all(p.page in (1, 2, 3) for p in answer.passages)
    site.files["report.pdf"] = ("application/pdf", pdf)
    by_url = desk.add_urls([site.url("/files/report.pdf")])
    assert by_url.duplicates == 1  # the same text: a copy of the file's article


def test_a_running_watcher_holds_the_lease_until_it_stops(site: NewsServer,
                                                          desk: NewsDesk) -> None:
    desk.feeds.add(site.url("/feed.rss"))
    seen = []
    leases = desk.store.catalog.feeds

    def report(r: object) -> None:
        seen.append(r)
        assert not leases.take_lease(LEASE, "elsewhere:1", 60)[0]  # held while it runs

    desk.feeds.run(report=report, stop=lambda: len(seen) >= 1)
    assert len(seen) == 1 and seen[0].ran and seen[0].added == 2
    assert leases.take_lease(LEASE, "elsewhere:1", 60)[0]  # released when it stopped
