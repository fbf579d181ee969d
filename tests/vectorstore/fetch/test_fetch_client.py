"""The polite client against a real local server: what the server sees is what is asserted."""

from __future__ import annotations

import gzip

from tests.fakes.news_server import NewsServer
from vectorstore.config import Settings
from vectorstore.fetch import Fetched, Fetcher, FetchFailure


def test_fetches_a_page_and_says_who_it_is(site: NewsServer, fetcher: Fetcher) -> None:
    got = fetcher.get(site.url("/story/story-1"))
    assert isinstance(got, Fetched), got
    assert got.status == 200 and got.content_type == "text/html" and got.charset == "utf-8"
    assert b"<article>" in got.content and got.url == got.requested
    hit = site.hits_for("/story/")[0]
    assert hit.headers["user-agent"].startswith("Newsdesk/")
    assert "gzip" in hit.headers["accept-encoding"]
    assert hit.headers["host"] == site.base.removeprefix("http://")


def test_gzip_bodies_are_decoded(site: NewsServer, fetcher: Fetcher) -> None:
    got = fetcher.get(site.url("/gzip/story-1"))
    assert isinstance(got, Fetched) and got.content.startswith(b"<!doctype html>")
    assert not got.content.startswith(gzip.compress(b"")[:2])


def test_not_modified_with_etag_and_last_modified(site: NewsServer, fetcher: Fetcher) -> None:
    first = fetcher.get(site.url("/feed.rss"))
    assert isinstance(first, Fetched) and first.etag and first.last_modified
    again = fetcher.get(site.url("/feed.rss"), etag=first.etag,
                        last_modified=first.last_modified)
    assert isinstance(again, Fetched) and again.not_modified and again.status == 304
    assert again.content == b""
    sent = site.hits_for("/feed.rss")[-1].headers
    assert sent["if-none-match"] == first.etag
    assert sent["if-modified-since"] == first.last_modified
    site.add_story()
    changed = fetcher.get(site.url("/feed.rss"), etag=first.etag)
    assert isinstance(changed, Fetched) and not changed.not_modified
    assert changed.etag != first.etag


def test_a_redirect_chain_is_followed_and_reported(site: NewsServer, fetcher: Fetcher) -> None:
    got = fetcher.get(site.url("/hop/5/story-2"))
    assert isinstance(got, Fetched), got
    assert got.url == site.url("/story/story-2")
    assert got.requested == site.url("/hop/5/story-2")
    assert [r.removeprefix(site.base) for r in got.redirects] == [
        "/hop/5/story-2", "/hop/4/story-2", "/hop/3/story-2", "/hop/2/story-2", "/hop/1/story-2"]


def test_more_than_five_redirects_is_a_failure(site: NewsServer, fetcher: Fetcher) -> None:
    got = fetcher.get(site.url("/hop/6/story-2"))
    assert isinstance(got, FetchFailure) and "too many redirects" in got.reason
    assert len(site.hits_for("/hop/")) == 6 and not site.hits_for("/story/")


def test_error_statuses_are_values_with_reasons(site: NewsServer, fetcher: Fetcher) -> None:
    missing = fetcher.get(site.url("/story/nope"))
    assert isinstance(missing, FetchFailure) and missing.status == 404
    assert "404" in missing.reason and "check the URL" in missing.reason
    assert not missing.transient
    failing = fetcher.get(site.url("/status/500"))
    assert isinstance(failing, FetchFailure) and failing.status == 500 and failing.transient
    assert len(site.hits_for("/status/500")) == 3  # the first try and two more, backing off


def test_429_waits_for_retry_after_then_succeeds(site: NewsServer, fetcher: Fetcher) -> None:
    got = fetcher.get(site.url("/flaky/429/1/story-1?retry_after=1"))
    assert isinstance(got, Fetched) and got.status == 200
    first, second = site.hits_for("/flaky/")
    assert second.at - first.at >= 0.95  # the server's Retry-After: 1, honoured


def test_503_backs_off_exponentially(site: NewsServer, local: Settings) -> None:
    with Fetcher(local, backoff=0.2) as f:
        got = f.get(site.url("/flaky/503/2/story-1"))
    assert isinstance(got, Fetched)
    a, b, c = (h.at for h in site.hits_for("/flaky/"))
    assert b - a >= 0.19 and c - b >= 0.39


def test_a_retry_after_longer_than_the_wait_cap_fails_at_once(site: NewsServer,
                                                               fetcher: Fetcher) -> None:
    got = fetcher.get(site.url("/status/429?retry_after=3600"))
    assert isinstance(got, FetchFailure) and got.transient
    assert "3600 s" in got.reason and "Retry-After" in got.reason
    assert len(site.hits_for("/status/429")) == 1


def test_a_slow_server_times_out(site: NewsServer, local: Settings) -> None:
    with Fetcher(local, timeout=0.3) as f:
        got = f.get(site.url("/slow/3"))
    assert isinstance(got, FetchFailure) and got.transient
    assert "timed out" in got.reason and "0.3 s" in got.reason


def test_an_oversized_body_is_refused(site: NewsServer, fetcher: Fetcher) -> None:
    got = fetcher.get(site.url("/big/1500000"))  # Content-Length over the 1 MB cap
    assert isinstance(got, FetchFailure) and "NEWSDESK_MAX_FILE_MB" in got.reason
    assert isinstance(fetcher.get(site.url("/big/900000")), Fetched)


def test_an_endless_body_is_cut_at_the_cap(site: NewsServer, fetcher: Fetcher) -> None:
    got = fetcher.get(site.url("/endless"))
    assert isinstance(got, FetchFailure) and "too big" in got.reason
    assert "more than 1 MB" in got.reason


def test_robots_txt_is_respected_and_read_once(site: NewsServer, fetcher: Fetcher) -> None:
    refused = fetcher.get(site.url("/private/story-1"))
    assert isinstance(refused, FetchFailure) and refused.refused
    assert "robots.txt" in refused.reason
    assert isinstance(fetcher.get(site.url("/story/story-1")), Fetched)
    assert not site.hits_for("/private/")
    assert len(site.hits_for("/robots.txt")) == 1
    assert site.hits_for("/robots.txt")[0].headers["user-agent"].startswith("Newsdesk/")


def test_robots_rules_name_newsdesk(site: NewsServer, fetcher: Fetcher) -> None:
    site.robots = "User-agent: Newsdesk\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    got = fetcher.get(site.url("/story/story-1"))
    assert isinstance(got, FetchFailure) and got.refused


def test_a_missing_robots_txt_allows_everything(site: NewsServer, fetcher: Fetcher) -> None:
    site.robots = None
    assert isinstance(fetcher.get(site.url("/private/story-1")), Fetched)


def test_requests_to_one_host_are_spaced_by_the_rate(site: NewsServer) -> None:
    rate = Settings(allow_private_urls=True, fetch_rate=2.5)  # one request per 0.4 s
    with Fetcher(rate) as f:
        for n in (1, 2, 1, 2):
            assert isinstance(f.get(site.url(f"/story/story-{n}")), Fetched)
    times = [h.at for h in site.hits]  # robots.txt counts too: the same host
    assert len(times) == 5
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    # each request leaves 0.4 s after the one before; a new connection's set-up (the first
    # one, robots.txt) may delay an arrival a little, never speed one up
    assert min(gaps) >= 0.3, gaps
    assert times[-1] - times[0] >= 4 * 0.4 - 0.1, gaps


def test_one_failing_url_does_not_stop_the_others(site: NewsServer, fetcher: Fetcher) -> None:
    urls = [site.url("/story/story-1"), "http://[not-an-address/", site.url("/status/404"),
            "ftp://example.com/x", site.url("/story/story-2")]
    got = [fetcher.get(u) for u in urls]
    assert [type(g).__name__ for g in got] == [
        "Fetched", "FetchFailure", "FetchFailure", "FetchFailure", "Fetched"]
    assert all(g.reason for g in got if isinstance(g, FetchFailure))


def test_a_refused_connection_is_a_failure(local: Settings, fetcher: Fetcher) -> None:
    with NewsServer() as gone:
        url = gone.url("/story/story-1")
    got = fetcher.get(url)
    assert isinstance(got, FetchFailure) and got.transient
    assert "could not be read" in got.reason or "cannot connect" in got.reason


def test_an_unreadable_robots_txt_blocks_the_site_for_now(site: NewsServer,
                                                          fetcher: Fetcher) -> None:
    site.robots_status = 503  # RFC 9309: a server error means "assume complete disallow"
    got = fetcher.get(site.url("/story/story-1"))
    assert isinstance(got, FetchFailure) and got.refused and got.transient
    assert "robots.txt could not be read" in got.reason and "try again later" in got.reason
    assert not site.hits_for("/story/")
