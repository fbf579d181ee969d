"""Feeds: RSS 0.91, 1.0, 2.0 and Atom parsed from the bytes the client fetched."""

from __future__ import annotations

import pytest

from tests.fakes.news_server import NewsServer
from vectorstore.fetch import (
    FeedInfo,
    FeedItem,
    Fetched,
    Fetcher,
    is_feed_summary,
    item_article,
    parse_feed,
)
from vectorstore.loading.common import LoadIssue
from vectorstore.types import Article


def _feed(fetcher: Fetcher, url: str) -> tuple[Fetched, list[FeedItem], FeedInfo, tuple]:
    got = fetcher.get(url)
    assert isinstance(got, Fetched), got
    parsed = parse_feed(got.content, got.url, content_type=got.content_type)
    return got, list(parsed.items), parsed.info, parsed.issues


@pytest.mark.parametrize("path", ["/feed.rss", "/feed.atom", "/feed.rdf", "/feed-091.rss"])
def test_every_feed_format_gives_the_stories(site: NewsServer, fetcher: Fetcher,
                                             path: str) -> None:
    _, items, info, issues = _feed(fetcher, site.url(path))
    assert issues == ()
    assert info.title == NewsServer.site_name and info.link == site.url("/")
    assert [i.link for i in items] == [site.url(f"/story/{s.slug}")
                                       for s in reversed(site.stories)]
    assert [i.title for i in items] == [s.title for s in reversed(site.stories)]
    assert all(i.summary and i.id for i in items)
    if path != "/feed-091.rss":  # RSS 0.91 items carry no date
        assert [i.published for i in items] == [s.published for s in reversed(site.stories)]


def test_a_second_fetch_brings_the_new_items_only_when_changed(site: NewsServer,
                                                               fetcher: Fetcher) -> None:
    first, items, _, _ = _feed(fetcher, site.url("/feed.rss"))
    seen = {i.id for i in items}
    same = fetcher.get(site.url("/feed.rss"), etag=first.etag)
    assert isinstance(same, Fetched) and same.not_modified
    story = site.add_story(title="Ferry timetable changes")
    second = fetcher.get(site.url("/feed.rss"), etag=first.etag)
    assert isinstance(second, Fetched) and not second.not_modified
    new = [i for i in parse_feed(second.content, second.url).items if i.id not in seen]
    assert [i.title for i in new] == [story.title]


def test_a_malformed_feed_keeps_the_items_it_could_read(site: NewsServer,
                                                        fetcher: Fetcher) -> None:
    _, items, _, issues = _feed(fetcher, site.url("/broken.rss"))
    assert len(issues) == 1 and "malformed" in issues[0].reason
    assert {site.url(f"/story/{s.slug}") for s in site.stories} <= {i.link for i in items}


def test_a_web_page_is_not_a_feed(site: NewsServer, fetcher: Fetcher) -> None:
    _, items, _, issues = _feed(fetcher, site.url("/story/story-1"))
    assert items == [] and len(issues) == 1 and "not an RSS or Atom feed" in issues[0].reason


def test_relative_links_and_markup_in_items() -> None:
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T &amp; Co</title>
    <link>https://news.example/</link><item><title>A <b>bold</b> move</title>
    <link>/a/1</link><description>&lt;p&gt;First &lt;em&gt;para&lt;/em&gt;.&lt;/p&gt;</description>
    </item><item><title>No link</title><description>Just text.</description></item>
    <item><link>javascript:alert(1)</link><title>Bad link</title></item></channel></rss>"""
    feed = parse_feed(rss, "https://news.example/feed.xml")
    a, b, c = feed.items
    assert feed.info.title == "T & Co"
    assert (a.link, a.title, a.summary) == ("https://news.example/a/1", "A bold move",
                                             "First para.")
    assert b.link == "" and b.id.startswith("sha1:") and c.link == ""


def test_an_item_summary_becomes_an_article_marked_as_such() -> None:
    info = FeedInfo("https://news.example/feed.xml", "News Example", "https://news.example/")
    item = FeedItem("g1", "https://news.example/a/1?utm_source=rss", "Title", None,
                    "The council approved the budget on Tuesday.")
    a = item_article(item, info)
    assert isinstance(a, Article) and is_feed_summary(a)
    assert a.id == a.url == "https://news.example/a/1" and a.source == "News Example"
    assert a.text == item.summary
    no_link = item_article(FeedItem("g2", summary="Words."), info)
    assert isinstance(no_link, Article) and no_link.id == "https://news.example/feed.xml#g2"
    empty = item_article(FeedItem("g3", "https://news.example/a/3", "T"), info)
    assert isinstance(empty, LoadIssue) and "no summary" in empty.reason


def test_parsing_a_feed_fetches_nothing_it_names(site: NewsServer) -> None:
    """External entities and stylesheets in a feed are not fetched by the parser."""
    evil = f"""<?xml version="1.0"?>
    <?xml-stylesheet href="{site.url('/style.xsl')}"?>
    <!DOCTYPE rss [<!ENTITY leak SYSTEM "{site.url('/secret')}">]>
    <rss version="2.0"><channel><title>T</title><link>{site.url('/')}</link>
    <item><title>&leak;</title><link>{site.url('/story/story-1')}</link>
    <description>Words.</description></item></channel></rss>""".encode()
    feed = parse_feed(evil, site.url("/evil.rss"))
    assert [i.link for i in feed.items] == [site.url("/story/story-1")]
    assert site.hits == []
