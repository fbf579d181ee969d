"""The UI in a real headless chromium (Debian's /usr/bin/chromium), driven by Playwright.

Skipped when /usr/bin/chromium or Playwright is missing. Screenshots go to test-artifacts/;
``NEWSDESK_UPDATE_SCREENSHOT=1`` refreshes docs/screenshot*.png (test_web_layout.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_fixtures import (  # noqa: F401
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    RunningApp,
    newsdesk_app_fixture,
    start_app,
    write_article,
)

from tests.fakes.news_server import NewsServer, make_pdf

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed "
                       "(apt-get install chromium)"),
]

TALKS = "Who attended the 2+2 talks?"
TALKS_NAMES = ("Le Drian", "Parly", "Lavrov", "Shoigu")
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=2">'
TIMEOUT_MS = 90_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian chromium."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, newsdesk_app: RunningApp) -> Iterator[Any]:
    """A fresh browser tab (a new Gradio session) on the running app."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 860})
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.set_default_timeout(TIMEOUT_MS)
    pg.goto(newsdesk_app.url, wait_until="load")
    pg.wait_for_selector("#nd-question textarea")
    yield pg
    ctx.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def ask(page: Any, question: str) -> Any:
    """Ask ``question`` in the chat; wait for its sources; return the answer bubble."""
    turns = page.locator("#nd-sources .nd-turn").count()
    page.fill("#nd-question textarea", question)
    page.click("#nd-ask")
    page.wait_for_function(
        "n => document.querySelectorAll('#nd-sources .nd-turn').length > n", arg=turns)
    return page.locator("#nd-chat [data-testid=bot]").last


def click_until(page: Any, target: Any, done_js: str, tries: int = 4) -> None:
    """Click ``target`` until ``done_js`` holds: a table that re-renders just after a filter
    can swallow a click landing between two renders (the next render has the handler)."""
    from playwright.sync_api import TimeoutError as WaitTimeout

    for attempt in range(tries):
        target.click()
        try:
            page.wait_for_function(done_js, timeout=TIMEOUT_MS // tries)
            return
        except WaitTimeout:
            if attempt == tries - 1:
                raise


def _norm(text: str) -> str:
    return " ".join(text.split())


def test_answer_cites_its_passage_and_highlights_the_supporting_sentence(page: Any):
    bot = ask(page, TALKS)
    text = _norm(bot.inner_text())
    assert "[1]" in text
    missing = [n for n in TALKS_NAMES if n not in text]
    assert not missing, f"answer {text!r} lacks {missing}"

    cite = bot.locator("a.nd-cite").first
    assert cite.inner_text() == "[1]"
    card = page.locator("#nd-sources #src-1-1")
    assert "2019-09-09" in card.locator(".nd-meta").inner_text()
    mark = _norm(card.locator("mark").inner_text())
    assert mark, "the supporting sentence is not highlighted"
    assert _norm(cite.get_attribute("title") or "") == mark  # the hover tooltip is the quote
    assert mark in _norm(card.locator(".nd-passage").inner_text())
    assert {"Lavrov", "Shoigu"} <= set(re.findall(r"\w+", mark))

    cite.click()
    page.wait_for_function("document.querySelector('#src-1-1').classList.contains('nd-active')")
    assert page.url.endswith("#src-1-1")
    ARTIFACTS.mkdir(exist_ok=True)
    page.mouse.move(0, 0)
    page.screenshot(path=str(ARTIFACTS / "chat.png"))


def test_follow_up_stays_in_the_conversation_and_clear_starts_over(page: Any):
    ask(page, TALKS)
    bot = ask(page, "What did she tell TASS?")
    assert "Parly" in bot.inner_text()
    assert page.locator("#nd-sources .nd-turn").count() == 2
    newest = page.locator("#nd-sources .nd-turn").first
    assert newest.get_attribute("id") == "turn-2"
    assert newest.locator("#src-2-1 mark").count() == 1

    page.click("#nd-clear")
    page.wait_for_function("document.querySelectorAll('#nd-sources .nd-turn').length === 0")
    assert page.locator("#nd-chat [data-testid=bot]").count() == 0
    ask(page, TALKS)  # a new conversation: numbering starts again
    assert page.locator("#nd-sources #src-1-1").count() == 1


def test_clicking_an_example_asks_it(page: Any):
    example = page.locator("button.gallery-item").first
    shown = _norm(example.inner_text()).removesuffix("...")
    assert len(shown) > 10
    example.click()
    page.wait_for_function("document.querySelectorAll('#nd-sources .nd-turn').length === 1")
    user = _norm(page.locator("#nd-chat [data-testid=user]").last.inner_text())
    assert user.startswith(shown)
    assert page.locator("#nd-chat [data-testid=bot]").count() == 1


def test_examples_and_answer_settings_are_in_view_at_1280_by_800(page: Any):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.evaluate("window.scrollTo(0, 0)")
    example = page.locator("button.gallery-item").first
    box = example.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 800, box
    settings = page.locator("#nd-settings")
    sbox = settings.bounding_box()
    assert sbox is not None and sbox["y"] < 800 and sbox["x"] > 640, sbox  # beside the chat
    settings.get_by_text("Answer settings").click()
    page.get_by_label("Passages per question (k)").first.wait_for(state="visible")


def test_an_abstention_is_plain_and_uncited(page: Any):
    ask(page, "What is the airspeed velocity of an unladen swallow?")
    bot = page.locator("#nd-chat [data-testid=bot]").last
    assert bot.locator(".nd-abstain").count() == 1
    assert bot.locator("a.nd-cite").count() == 0
    assert page.locator("#nd-sources .nd-turn").first.locator(".nd-card").count() == 0


def test_article_markup_is_shown_as_text_and_never_runs(page: Any, newsdesk_app: RunningApp,
                                                        tmp_path: Path):
    f = write_article(tmp_path, "zorblat.txt", title=f"Zorblat gala {SCRIPT} {IMG}",
                      body=f"The Zorblat gala in Lyon drew 900 guests {SCRIPT} and {IMG} to the "
                           "old opera house on Tuesday. Organisers said the gala raised money "
                           "for the city libraries.")
    page.get_by_role("tab", name="Library").click()
    page.set_input_files("#nd-upload input[type=file]", str(f))
    # While it uploads, Gradio shows the file name beside a progress bar; the component
    # holds the file (and the ingest button sends it) only once the preview table shows.
    page.wait_for_selector("#nd-upload table.file-preview")
    assert "zorblat" in page.locator("#nd-upload table.file-preview").inner_text()
    page.click("#nd-ingest")
    page.wait_for_function(
        "document.querySelector('#nd-ingest-out').innerText.includes('1 added')")
    page.wait_for_function(
        "document.querySelector('#nd-library').innerText.includes('Zorblat gala')")
    assert SCRIPT in page.locator("#nd-library").inner_text()

    page.get_by_role("tab", name="Chat").click()
    bot = ask(page, "How many guests did the Zorblat gala draw?")
    sources = page.locator("#nd-sources").inner_text()
    try:
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.locator('img[src="x"]').count() == 0
        assert "900" in bot.inner_text()
        assert f"Zorblat gala {SCRIPT} {IMG}" in sources  # the title, as text
        assert f"900 guests {SCRIPT} and {IMG}" in _norm(sources)  # the passage, as text
        assert page.locator("#nd-sources mark").count() >= 1
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "xss.png"))

    # pick it in the filtered library table and delete it
    page.get_by_role("tab", name="Library").click()
    page.fill("#nd-lib-filter textarea", "zorblat")
    page.wait_for_function("!document.querySelector('#nd-library').innerText.includes('2019-09-09')")
    click_until(page, page.locator("#nd-library [role=gridcell]").first,
                "document.querySelector('#nd-pick input').value.includes('Zorblat gala')")
    page.click("#nd-delete")
    page.wait_for_function(
        "document.querySelector('#nd-lib-status').innerText.includes('Deleted')")
    ids = {a["id"] for a in newsdesk_app.client().predict(api_name="/list")}
    assert not any(i.endswith("/zorblat.txt") for i in ids) and len(ids) >= 1


def test_pages_by_url_and_a_pdf_upload_are_added_in_the_library(browser: Any, tmp_path: Path):
    pdf = tmp_path / "council-report.pdf"
    pdf.write_bytes(make_pdf(["Council report\nThe Riverton council approved the budget.",
                              "The ferry timetable changes in March."], title="Council report"))
    with NewsServer() as site:
        story = site.add_story()
        app = start_app(tmp_path / "app", args=["--no-seed"], wait_for_articles=False,
                        NEWSDESK_ALLOW_PRIVATE_URLS="1", NEWSDESK_FETCH_RATE="1000")
        ctx = browser.new_context(viewport={"width": 1280, "height": 860})
        try:
            pg = ctx.new_page()
            pg.set_default_timeout(TIMEOUT_MS)
            pg.goto(app.url, wait_until="load")
            pg.get_by_role("tab", name="Library").click()
            pg.fill("#nd-urls textarea", site.url(f"/story/{story.slug}"))
            pg.click("#nd-add-urls")
            pg.wait_for_function(
                "document.querySelector('#nd-ingest-out').innerText.includes('1 added')")
            pg.wait_for_function(f"document.querySelector('#nd-library').innerText"
                                 f".includes({story.title!r})")
            pg.set_input_files("#nd-upload input[type=file]", str(pdf))
            pg.wait_for_selector("#nd-upload table.file-preview")
            pg.click("#nd-ingest")
            pg.wait_for_function(
                "document.querySelector('#nd-library').innerText.includes('Council report')")
            listed = {a["url"] or a["id"] for a in app.client().predict(api_name="/list")}
            assert site.url(f"/story/{story.slug}") in listed
            assert any(i.startswith("upload:") and i.endswith("/council-report.pdf")
                       for i in listed)
        finally:
            ctx.close()
            app.stop()
