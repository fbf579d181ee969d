"""The Library tab's web addresses and feed list, and ``app.py --watch``, against a local
news site (real HTTP, the real model and store)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest
from web_fixtures import start_app

from qa import NewsDesk, Settings
from tests.fakes.news_server import NewsServer
from vectorstore.catalog import default_url, open_catalog
from web.ui import NewsdeskUI

pytestmark = pytest.mark.slow


def no_progress(*_: Any, **__: Any) -> None:
    """Stands in for Gradio's progress bar outside an event."""


def test_addresses_are_fetched_added_and_listed(site: NewsServer, tmp_path: Path) -> None:
    desk = NewsDesk.open(home=tmp_path / "home", llm="none",
                         settings=Settings(allow_private_urls=True, fetch_rate=1000.0))
    ui = NewsdeskUI(desk, echo=False)
    text = f"{site.url('/story/story-1')}\n{site.url('/status/404')}  {site.url('/story/story-2')}"
    summary, box, table, *_ = ui.ui_add_urls(text, "", progress=no_progress)
    assert "2 added" in summary and "404" in summary and box == ""
    assert len(table["value"]) == 2
    empty, *_ = ui.ui_add_urls("  ", "", progress=no_progress)
    assert "no web address" in empty
    assert "No feeds followed" in ui.feeds_panel()
    desk.feeds.add(site.url("/feed.rss"))
    panel = html.unescape(ui.feeds_panel())
    assert site.url("/feed.rss") in panel and "<td>new</td><td>never</td>" in panel


def test_the_app_started_with_watch_follows_the_feeds(site: NewsServer, tmp_path: Path) -> None:
    home = tmp_path / "app" / "home"
    cat = open_catalog(default_url(home))
    cat.feeds.add_feed(site.url("/feed.rss"), 3600)
    cat.close()
    app = start_app(tmp_path / "app", args=["--no-seed", "--watch"], wait_for_articles=True,
                    NEWSDESK_ALLOW_PRIVATE_URLS="1", NEWSDESK_FETCH_RATE="1000")
    try:
        listed = app.client().predict(api_name="/list")
        assert {a["url"] for a in listed} == {site.url("/story/story-1"),
                                              site.url("/story/story-2")}
    finally:
        app.stop()
