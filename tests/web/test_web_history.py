"""Saved conversations in the UI, in a real headless chromium: the sidebar lists the
browser's conversations, a click resumes one, and they survive a page reload and an app
restart (same data folder); rename, export, new chat and delete work. The gradio_client
``/chat`` conversations are saved too, resumable by id after a restart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

# the chromium fixture, and the marks: browser tests, skipped without chromium
from test_web_browser import TALKS, TIMEOUT_MS, browser, pytestmark  # noqa: F401
from test_web_browser import ask as ask_bubble
from web_fixtures import ARTIFACTS, ROOT, RunningApp, start_app

LISTED = """t => [...document.querySelectorAll('#nd-conversations label')]
               .some(l => l.innerText.includes(t))"""


def open_page(pg: Any, url: str) -> None:
    pg.goto(url, wait_until="load")
    pg.wait_for_selector("#nd-question textarea")


def ask(pg: Any, question: str) -> str:
    """Ask in the chat (as the browser tests do); the answer's text."""
    text: str = ask_bubble(pg, question).inner_text()
    return text


def titles(pg: Any) -> list[str]:
    return [" ".join(t.split()) for t in
            pg.locator("#nd-conversations label").all_inner_texts()]


def bubbles(pg: Any) -> int:
    n: int = pg.locator("#nd-chat [data-testid=bot]").count()
    return n


def test_a_conversation_survives_reload_and_restart(browser: Any, tmp_path: Path) -> None:  # noqa: F811
    base = tmp_path / "app"
    corpus = ["--corpus", str(ROOT / "corpus")]
    app: RunningApp = start_app(base, args=corpus)
    ctx = browser.new_context(viewport={"width": 1280, "height": 860}, accept_downloads=True)
    pg = ctx.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    try:
        open_page(pg, app.url)
        assert "Parly" in ask(pg, TALKS)
        ask(pg, "Where did they meet?")
        pg.wait_for_function(LISTED, arg=TALKS)

        pg.reload()  # the same browser: its conversations are listed, a click resumes one
        open_page(pg, app.url)
        pg.wait_for_function(LISTED, arg=TALKS)
        assert bubbles(pg) == 0
        pg.locator("#nd-conversations label", has_text=TALKS).click()
        pg.wait_for_function("() => document.querySelectorAll("
                             "'#nd-chat [data-testid=bot]').length == 2")
        assert "Parly" in ask(pg, "What did she say about misunderstanding?")

        port = app.url.rstrip("/").rsplit(":", 1)[1]
        app.stop()  # a restart on the same data folder and address
        app = start_app(base, args=corpus, NEWSDESK_PORT=port)
        open_page(pg, app.url)
        pg.wait_for_function(LISTED, arg=TALKS)
        pg.locator("#nd-conversations label", has_text=TALKS).click()
        pg.wait_for_function("() => document.querySelectorAll("
                             "'#nd-chat [data-testid=bot]').length == 3")
        assert "misunderstanding" in pg.locator("#nd-chat").inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / "history.png"))

        pg.fill("#nd-conv-title input", "Ministers in Moscow")
        pg.click("#nd-conv-rename")
        pg.wait_for_function(LISTED, arg="Ministers in Moscow")
        with pg.expect_download() as got:
            pg.click("#nd-export-md")
        md = Path(got.value.path()).read_text(encoding="utf-8")
        assert md.startswith("# Ministers in Moscow") and "Sources" in md
        assert "misunderstanding" in md
        with pg.expect_download() as got:
            pg.click("#nd-export-json")
        assert '"quote_span"' in Path(got.value.path()).read_text(encoding="utf-8")

        pg.click("#nd-new-chat")
        pg.wait_for_function("() => document.querySelectorAll("
                             "'#nd-chat [data-testid=bot]').length == 0")
        ask(pg, "When were the talks suspended?")
        pg.wait_for_function(LISTED, arg="When were the talks suspended?")
        assert titles(pg) == ["When were the talks suspended?", "Ministers in Moscow"]
        pg.click("#nd-conv-delete")  # the open one
        pg.wait_for_function("t => !(" + LISTED + ")(t)", arg="When were the talks suspended?")
        assert titles(pg) == ["Ministers in Moscow"] and bubbles(pg) == 0
        pg.locator("#nd-conversations label", has_text="Ministers in Moscow").click()
        pg.wait_for_function("() => document.querySelector('#nd-conversations input:checked')"
                             " && document.querySelectorAll('#nd-chat [data-testid=bot]')"
                             ".length == 3")
        pg.click("#nd-clear")  # Clear starts a new conversation: the list has none selected
        pg.wait_for_function("() => !document.querySelector('#nd-conversations input:checked')")

        # another browser (a phone) sees none of them, and the sidebar starts closed there
        other = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        op = other.new_page()
        op.set_default_timeout(TIMEOUT_MS)
        open_page(op, app.url)
        op.wait_for_function("() => !document.querySelector('#nd-history.open')")
        assert titles(op) == []
        box = op.locator("#nd-question textarea").bounding_box()
        assert box["x"] >= 0 and box["y"] + box["height"] <= 844
        op.locator("#nd-history > .toggle-button").click()  # it opens on demand
        op.wait_for_selector("#nd-history.open #nd-new-chat")
        other.close()
        assert not errors, f"JavaScript errors on the page: {errors}"
    finally:
        ctx.close()
        app.stop()


def test_api_chat_conversations_are_saved_and_resume_after_a_restart(tmp_path: Path) -> None:
    base = tmp_path / "api"
    app = start_app(base, args=["--corpus", str(ROOT / "corpus")])
    try:
        r1 = app.client().predict(TALKS, "", api_name="/chat")
        cid = r1["conversation_id"]
        port = app.url.rstrip("/").rsplit(":", 1)[1]
        app.stop()
        app = start_app(base, args=["--corpus", str(ROOT / "corpus")], NEWSDESK_PORT=port)
        r2 = app.client().predict("What did she tell TASS?", cid, api_name="/chat")
        assert r2["conversation_id"] == cid and r2["turn"] == 2 and "Parly" in r2["text"]
    finally:
        app.stop()
