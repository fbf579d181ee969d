"""Articles from fetched pages: trafilatura on the bytes fetched, ids by the canonical-URL rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from tests.fakes.news_server import NewsServer, make_pdf
from vectorstore.fetch import Fetched, Fetcher, fetched_article, page_article
from vectorstore.loading.common import LoadIssue
from vectorstore.types import Article


def _article(fetcher: Fetcher, url: str) -> Article | LoadIssue:
    got = fetcher.get(url)
    assert isinstance(got, Fetched), got
    return fetched_article(got)


def test_a_page_becomes_an_article(site: NewsServer, fetcher: Fetcher) -> None:
    story = site.stories[0]
    a = _article(fetcher, site.url(f"/story/{story.slug}?utm_source=rss"))
    assert isinstance(a, Article), a
    assert a.id == a.url == site.url(f"/story/{story.slug}")  # the canonical, same site
    assert a.title == story.title and a.source == NewsServer.site_name
    assert a.published == story.published
    # the headline, then the story: no navigation, byline or footer
    assert a.text.split("\n\n") == [story.title, *story.text.split("\n\n")]
    assert "All rights reserved" not in a.text


def test_the_seed_article_survives_the_round_trip(site: NewsServer, fetcher: Fetcher) -> None:
    seed = site.add_seed_story()
    a = _article(fetcher, site.url(f"/story/{seed.slug}"))
    assert isinstance(a, Article)
    assert a.published == date(2019, 9, 9) and "Le Drian" in a.text
    body = a.text.split("\n\n", 1)[1]  # after the headline
    assert body.split() == seed.text.split()


def test_a_cross_site_canonical_cannot_claim_another_article(site: NewsServer,
                                                             fetcher: Fetcher) -> None:
    a = _article(fetcher, site.url("/copied/story-1"))
    assert isinstance(a, Article)
    assert a.id == site.url("/copied/story-1")  # not https://other.example/story/story-1


def test_after_redirects_the_id_is_the_final_url(site: NewsServer, fetcher: Fetcher) -> None:
    a = _article(fetcher, site.url("/hop/2/story-2"))
    assert isinstance(a, Article) and a.id == site.url("/story/story-2")


def test_a_gzipped_page_reads_the_same(site: NewsServer, fetcher: Fetcher) -> None:
    plain = _article(fetcher, site.url("/story/story-1"))
    packed = _article(fetcher, site.url("/gzip/story-1"))
    assert isinstance(plain, Article)
    assert packed == replace(plain, path=site.url("/gzip/story-1"))


def test_other_content_types_are_issues(site: NewsServer, fetcher: Fetcher) -> None:
    issue = _article(fetcher, site.url("/data.json"))
    assert isinstance(issue, LoadIssue) and "application/json" in issue.reason
    assert "not a web page or PDF" in issue.reason


def test_a_page_without_article_text_is_an_issue() -> None:
    got = Fetched("https://example.com/empty", 200, b"<html><body><script>var a;</script></body></html>",
                  "text/html")
    issue = page_article(got)
    assert isinstance(issue, LoadIssue) and "no article text" in issue.reason


def test_a_pdf_by_url_is_read_with_its_pages(site: NewsServer, fetcher: Fetcher) -> None:
    site.files["report.pdf"] = ("application/pdf", make_pdf(
        ["Council report. The budget passed.", "Page two says more."], title="Budget report"))
    a = _article(fetcher, site.url("/files/report.pdf"))
    assert isinstance(a, Article), a
    assert a.id == site.url("/files/report.pdf") and a.title == "Budget report"
    assert len(a.page_starts) == 2 and a.page_at(a.text.index("Page two")) == 2


def test_a_page_without_a_declared_type_is_sniffed() -> None:
    page = b"<!doctype html><html><body><article>" + b"<p>Words of news here. </p>" * 30 + \
        b"</article></body></html>"
    a = fetched_article(Fetched("https://example.com/x", 200, page, ""))
    assert isinstance(a, Article) and a.source == "example.com"
