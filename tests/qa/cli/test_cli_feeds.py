"""``newsdesk add``, ``feeds`` and ``watch`` run as a user runs them (a subprocess), against
a local news site (NEWSDESK_ALLOW_PRIVATE_URLS=1 lets them reach it): exit codes and output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakes.news_server import NewsServer

pytestmark = pytest.mark.slow

BRIDGE = ("The harbour bridge in Porto Vale will reopen on Friday after two years of repairs, "
          "the city council said.\n\nThe repairs cost 40 million euros, paid by the port "
          "authority and the regional government.")


def newsdesk(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m qa.cli --home HOME ARGS...``, allowed to reach 127.0.0.1."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    env.update(NEWSDESK_ALLOW_PRIVATE_URLS="1", NEWSDESK_FETCH_RATE="1000")
    return subprocess.run([sys.executable, "-m", "qa.cli", "--home", str(home), "--llm", "none",
                           *args], capture_output=True, text=True, env=env, timeout=300,
                          check=False)


def test_a_feed_is_followed_watched_and_asked_about(site: NewsServer, tmp_path: Path) -> None:
    home = tmp_path / "home"
    added = newsdesk(home, "feeds", "add", site.url("/feed.rss"), "--every", "1h")
    assert added.returncode == 0, added.stderr
    assert "following" in added.stdout and not site.hits_for("/")  # nothing fetched yet
    first = newsdesk(home, "watch", "--once")
    assert first.returncode == 0, first.stderr
    assert "2 new items, 2 added" in first.stdout
    site.add_story(text=BRIDGE)
    second = newsdesk(home, "watch", "--once", "--all")
    assert second.returncode == 0 and "1 new items, 1 added" in second.stdout, second.stderr
    third = newsdesk(home, "watch", "--once", "--all")
    assert third.returncode == 0 and "not modified; 0 new items, 0 added" in third.stdout
    listed = newsdesk(home, "feeds", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    (row,) = json.loads(listed.stdout)
    assert (row["items_seen"], row["articles_added"], row["every_s"]) == (3, 3, 3600)
    assert row["last_fetch"] and row["next_fetch"] and row["title"] == "Riverton Gazette"
    asked = newsdesk(home, "ask", "--json",
                     "How much did the repairs of the harbour bridge in Porto Vale cost?")
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["citations"][0]["url"] == site.url("/story/story-3")
    removed = newsdesk(home, "feeds", "remove", site.url("/feed.rss"))
    assert removed.returncode == 0 and "no longer following" in removed.stdout
    again = newsdesk(home, "feeds", "remove", site.url("/feed.rss"))
    assert again.returncode == 1 and "feeds list" in again.stderr


def test_add_url_twice_is_a_no_op_and_ingest_points_to_add(site: NewsServer,
                                                           tmp_path: Path) -> None:
    home, url = tmp_path / "home", site.url("/story/story-1")
    first = newsdesk(home, "add", url, site.url("/status/404"))
    assert first.returncode == 1 and "1 added" in first.stdout and "1 failed" in first.stdout
    assert "404" in first.stderr
    second = newsdesk(home, "add", url)
    assert second.returncode == 0 and "0 added, 0 updated, 1 unchanged" in second.stdout
    ingest = newsdesk(home, "ingest", url)
    assert ingest.returncode == 2 and "newsdesk add" in ingest.stderr
    nothing = newsdesk(home, "add", site.url("/status/500?retry_after=0"))
    assert nothing.returncode == 1 and "500" in nothing.stderr


def test_usage_errors_exit_2(site: NewsServer, tmp_path: Path) -> None:
    home = tmp_path / "home"
    bad = newsdesk(home, "feeds", "add", site.url("/feed.rss"), "--every", "soon")
    assert bad.returncode == 2 and "30m" in bad.stderr
    none = newsdesk(home, "watch", "--once")
    assert none.returncode == 2 and "feeds add" in none.stderr
    delete = newsdesk(home, "delete")  # (`watch` made the home: it writes)
    assert delete.returncode == 2 and "--source" in delete.stderr
    not_url = newsdesk(home, "add", "notes.txt")
    assert not_url.returncode == 2 and "newsdesk ingest" in not_url.stderr


def test_a_second_watcher_does_not_run_while_the_lease_is_held(site: NewsServer,
                                                                tmp_path: Path) -> None:
    from qa.feeds import LEASE
    from vectorstore.catalog import default_url, open_catalog

    home = tmp_path / "home"
    assert newsdesk(home, "feeds", "add", site.url("/feed.rss")).returncode == 0
    cat = open_catalog(default_url(home))
    try:
        assert cat.feeds.take_lease(LEASE, "another-host:42", 60)[0]
        blocked = newsdesk(home, "watch", "--once")
        assert blocked.returncode == 1 and "another-host:42" in blocked.stderr
        assert site.hits_for("/feed") == []
        cat.feeds.release_lease(LEASE, "another-host:42")
        done = newsdesk(home, "watch", "--once")
        assert done.returncode == 0 and "2 added" in done.stdout, done.stderr
    finally:
        cat.close()
