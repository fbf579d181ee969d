"""The page's layout in a real headless chromium: phone width, answer settings kept across a
reload, full titles on hover in the Library, the LLM backend's state in the status line.

Also the LLM status check itself against the fake LLM server (no browser), and, with
``NEWSDESK_UPDATE_SCREENSHOT=1``, the screenshots in ``docs/`` (desktop and phone).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import numpy as np
import pytest
from test_web_browser import TALKS, TIMEOUT_MS, ask, browser  # noqa: F401
from web_fixtures import (  # noqa: F401
    ARTIFACTS,
    CHROMIUM,
    ROOT,
    RunningApp,
    newsdesk_app_fixture,
    start_app,
)

from qa import Settings
from qa.answerers.llm import LLMAnswerer, make_chat_model
from tests.fakes.llm_server import FakeLLMServer, free_port
from web.answer_settings import restored, saved
from web.llm_status import LLMStatus

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not "
                                    "installed (apt-get install chromium)")
in_browser = [pytest.mark.browser, pytest.mark.slow, needs_chromium]


def open_page(chromium: Any, url: str, viewport: dict[str, int]) -> Any:
    """A fresh tab (a new Gradio session) on ``url``, loaded, in a new browser context."""
    ctx = chromium.new_context(viewport=viewport)
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.set_default_timeout(TIMEOUT_MS)
    pg.goto(url, wait_until="load")
    pg.wait_for_selector("#nd-question textarea")
    pg.nd_errors = errors
    return pg


def _tab(chromium: Any, url: str, size: dict[str, int]) -> Iterator[Any]:
    """A tab of ``size`` on ``url``, closed after the test, which its page must not have
    raised JavaScript errors in."""
    pg = open_page(chromium, url, size)
    yield pg
    pg.context.close()
    assert not pg.nd_errors, f"JavaScript errors on the page: {pg.nd_errors}"


@pytest.fixture
def phone(browser: Any, newsdesk_app: RunningApp) -> Iterator[Any]:  # noqa: F811
    """A tab 390×844 (a phone) on the shared app."""
    yield from _tab(browser, newsdesk_app.url, PHONE)


@pytest.fixture
def desktop(browser: Any, newsdesk_app: RunningApp) -> Iterator[Any]:  # noqa: F811
    """A tab 1280×800 on the shared app."""
    yield from _tab(browser, newsdesk_app.url, DESKTOP)


def in_view(page: Any, selector: str) -> tuple[bool, Any]:
    """Whether the element is wholly inside the viewport (without scrolling), and its box."""
    box = page.locator(selector).first.bounding_box()
    size = page.viewport_size
    ok = box is not None and box["y"] >= 0 and box["x"] >= 0 and \
        box["y"] + box["height"] <= size["height"] and box["x"] + box["width"] <= size["width"]
    return ok, box


# -- phone ------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.slow
@needs_chromium
def test_phone_question_box_is_in_view_on_open_and_after_an_answer(phone: Any):
    assert phone.evaluate("window.scrollY") == 0
    ok, box = in_view(phone, "#nd-question textarea")
    assert ok, f"the question box is not in view at 390×844 on open: {box}"
    assert in_view(phone, "#nd-ask")[0]
    ask(phone, TALKS)
    ok, box = in_view(phone, "#nd-question textarea")
    assert ok, f"the question box left the view after an answer: {box}"
    assert phone.locator("#nd-chat [data-testid=bot]").count() == 1


@pytest.mark.browser
@pytest.mark.slow
@needs_chromium
def test_phone_sources_come_right_after_the_answer_before_the_examples(phone: Any):
    ask(phone, TALKS)
    ask_row = phone.locator("#nd-ask-row").bounding_box()
    sources = phone.locator("#nd-sources").bounding_box()
    examples = phone.locator("#nd-examples").bounding_box()
    settings = phone.locator("#nd-settings").bounding_box()
    assert ask_row and sources and examples and settings
    assert ask_row["y"] + ask_row["height"] <= sources["y"], (ask_row, sources)
    assert sources["y"] + sources["height"] <= examples["y"], (sources, examples)
    assert sources["y"] < settings["y"], (sources, settings)
    # the first source card starts on the first screen below the question box
    card = phone.locator("#nd-sources #src-1-1").bounding_box()
    assert card is not None and card["y"] < PHONE["height"], card
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "phone-answer.png"))


@pytest.mark.browser
@pytest.mark.slow
@needs_chromium
def test_desktop_keeps_the_sources_beside_the_chat(desktop: Any):
    chat = desktop.locator("#nd-chat").bounding_box()
    sources = desktop.locator("#nd-sources").bounding_box()
    assert chat and sources and sources["x"] >= chat["x"] + chat["width"], (chat, sources)
    assert in_view(desktop, "#nd-question textarea")[0]


# -- answer settings ----------------------------------------------------------------------


def _open_settings(page: Any) -> Any:
    acc = page.locator("#nd-settings")
    if not acc.get_by_label("Published since").is_visible():
        acc.get_by_text("Answer settings").click()
    acc.get_by_label("Published since").wait_for(state="visible")
    return acc


def _k_box(acc: Any) -> Any:
    return acc.locator("input[type=number]").first


@pytest.mark.browser
@pytest.mark.slow
@needs_chromium
def test_answer_settings_are_kept_after_a_reload(desktop: Any):
    acc = _open_settings(desktop)
    before = int(_k_box(acc).input_value())
    k = 7 if before != 7 else 9
    _k_box(acc).fill(str(k))
    _k_box(acc).press("Enter")
    acc.get_by_label("Published since").fill("2019-01-02")
    acc.get_by_label("Published since").press("Tab")
    acc.get_by_label("Published until (as of)").fill("2019-12-30")
    acc.get_by_label("Published until (as of)").press("Tab")
    desktop.wait_for_function(
        "() => Object.keys(localStorage).some(k => k.includes('newsdesk-answer-settings'))")
    desktop.wait_for_timeout(500)  # the last input's save reaches the browser's storage

    desktop.reload(wait_until="load")
    desktop.wait_for_selector("#nd-question textarea")
    acc = _open_settings(desktop)
    desktop.wait_for_function(
        "() => [...document.querySelectorAll('#nd-settings textarea, #nd-settings input')]"
        ".some(e => e.value === '2019-01-02')")
    assert int(_k_box(acc).input_value()) == k
    assert acc.get_by_label("Published since").input_value() == "2019-01-02"
    assert acc.get_by_label("Published until (as of)").input_value() == "2019-12-30"

    # a new browser (another session) starts from the defaults
    other = open_page(desktop.context.browser, desktop.url, DESKTOP)
    try:
        acc2 = _open_settings(other)
        other.wait_for_timeout(1000)
        assert acc2.get_by_label("Published since").input_value() == ""
        assert int(_k_box(acc2).input_value()) == before
    finally:
        other.context.close()


def test_kept_settings_come_back_only_where_they_still_make_sense():
    state = saved(7, " 2019-01-02 ", "", ["Reuters", "Gone Wire"], "news")
    assert state == {"k": 7, "since": "2019-01-02", "until": "", "sources": ["Reuters", "Gone Wire"],
                     "collection": "news"}
    k, since, until, src, coll = restored(state, ["default", "news"], ["Reuters", "AP"])
    assert (k["value"], since["value"], until["value"]) == (7, "2019-01-02", "")
    assert src["value"] == ["Reuters"]  # a source no longer in the store is dropped
    assert coll["value"] == "news" and coll["choices"] == ["default", "news"]
    # a deleted collection, a k out of range, or nothing kept: the controls stay as they are
    gone = restored({**state, "collection": "old", "k": 99}, ["default"], [])
    assert "value" not in gone[0] and "value" not in gone[4]
    assert all("value" not in u for u in restored(None, ["default"], ["AP"]))
    assert all("value" not in u for u in restored("not a dict", ["default"], ["AP"]))


# -- library ------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.slow
@needs_chromium
def test_library_titles_show_in_full_on_hover(desktop: Any, newsdesk_app: RunningApp):
    titles = {" ".join(a["title"].split()) for a in newsdesk_app.client().predict(api_name="/list")}
    desktop.get_by_role("tab", name="Library").click()
    cell = desktop.locator('#nd-library [role=gridcell][data-col="0"]').first
    cell.wait_for(state="visible")
    desktop.wait_for_function(
        "() => { const c = document.querySelector('#nd-library [role=gridcell][data-col=\"0\"]');"
        " return c && c.getAttribute('title'); }")
    full = cell.get_attribute("title")
    assert full in titles, (full, titles)
    assert " ".join(cell.inner_text().split()) == full


# -- the LLM backend's state ------------------------------------------------------------------


def _status_desk(llm_settings: Settings) -> Any:
    """What :class:`LLMStatus` reads of a desk: its settings and its (real) LLM answerer."""
    def embed(texts: Any) -> Any:
        return np.ones((len(texts), 4), dtype=np.float32) / 2.0

    answerer = LLMAnswerer(make_chat_model(llm_settings), embed=embed)
    return SimpleNamespace(settings=llm_settings, answerer=answerer)


def test_llm_status_follows_the_server_up_missing_model_and_down():
    with FakeLLMServer(models=["llama3:latest"]) as server:
        s = Settings().with_(llm="ollama:llama3", ollama_host=server.url)
        desk = _status_desk(s)
        status = LLMStatus(cast(Any, desk), echo=False)
        assert status.text == "LLM: ollama:llama3 — checking…"
        assert status.check() == "LLM: ollama:llama3 — reachable, model present"
        assert desk.answerer._resting() is None
        assert any(r.path == "/api/tags" for r in server.requests)

        missing = _status_desk(s.with_(llm="ollama:mistral"))
        line = LLMStatus(cast(Any, missing), echo=False).check()
        assert line.startswith("LLM: ollama:mistral — reachable, but the model is missing")
        assert "ollama pull mistral" in str(missing.answerer._resting())
        url = server.url
    # the server is gone: unreachable, and the answerer rests without trying it
    assert status.check() == "LLM: ollama:llama3 — unreachable, answering without it"
    assert status.kind == "warn"
    assert url in str(desk.answerer._resting())
    # it is back (on another port: a new configuration): reachable, the rest is over
    with FakeLLMServer(models=["gpt-x"]) as server:
        s2 = Settings().with_(llm="openai:gpt-x", llm_base_url=server.openai_url)
        back = _status_desk(s2)
        back.answerer.rest(RuntimeError("down a moment ago"))  # type: ignore[arg-type]
        assert LLMStatus(cast(Any, back), echo=False).check() == \
            "LLM: openai:gpt-x — reachable, model present"
        assert back.answerer._resting() is None
        # an OpenAI-compatible server that does not list the model is still asked
        other = _status_desk(s2.with_(llm="openai:local-gguf"))
        assert LLMStatus(cast(Any, other), echo=False).check() == \
            "LLM: openai:local-gguf — reachable, model not listed (asked anyway)"
        assert other.answerer._resting() is None


def test_no_llm_means_no_status_line_and_no_check():
    status = LLMStatus(cast(Any, SimpleNamespace(settings=Settings().with_(llm="none"))),
                       echo=False)
    assert status.start() is None
    assert status.line() == ("", "info")


@pytest.fixture(scope="module")
def llm_server() -> Iterator[FakeLLMServer]:
    """The fake LLM server, answering every question with the bundled article's names."""
    def reply(req: Any) -> str:
        return "Jean-Yves Le Drian and Florence Parly met Sergei Lavrov and Sergei Shoigu [1]."

    with FakeLLMServer(handler=reply, models=["llama3:latest"]) as server:
        yield server


@pytest.mark.browser
@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize("up", [True, False], ids=["server-up", "server-down"])
def test_status_line_shows_the_llm_backend(browser: Any, llm_server: FakeLLMServer,  # noqa: F811
                                           tmp_path: Path, up: bool):
    host = llm_server.url if up else f"http://127.0.0.1:{free_port()}"
    app = start_app(tmp_path / "app", args=["--corpus", str(ROOT / "corpus")],
                    NEWSDESK_LLM="ollama:llama3", OLLAMA_HOST=host)
    try:
        pg = open_page(browser, app.url, DESKTOP)
        want = "reachable, model present" if up else "unreachable, answering without it"
        pg.wait_for_function(
            "w => document.querySelector('#nd-status').innerText.includes(w)", arg=want)
        line = " ".join(pg.locator("#nd-status").inner_text().split())
        assert "LLM: ollama:llama3 — " + want in line
        assert "Loaded the bundled articles" in line and "Loading" not in line  # not stale
        assert pg.locator("#nd-status .nd-warn").count() == (0 if up else 1)
        assert f"LLM: ollama:llama3 — {want}" in app.log_text()  # and on the console

        asked = len(llm_server.requests)
        bot = ask(pg, TALKS)
        chats = [r for r in llm_server.requests[asked:] if r.path == "/api/chat"]
        text = " ".join(bot.inner_text().split())
        assert "Lavrov" in text and "[1]" in text
        if up:
            assert chats, "the LLM was not asked"
        else:  # the start check found it down: answered without trying it
            assert "not tried again" in text and "answered without the LLM" in text
        pg.context.close()
        assert not pg.nd_errors, pg.nd_errors
    finally:
        app.stop()


# -- screenshots ------------------------------------------------------------------------------


def _save_png(raw: Path, out: Path) -> None:
    """``raw`` as ``out``, in 256 colours when Pillow is there (a fraction of the size)."""
    try:
        from PIL import Image
    except ImportError:
        out.write_bytes(raw.read_bytes())
        return
    with Image.open(raw) as im:
        im.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(
            out, optimize=True)


@pytest.mark.browser
@pytest.mark.slow
@needs_chromium
@pytest.mark.skipif(os.environ.get("NEWSDESK_UPDATE_SCREENSHOT") != "1",
                    reason="set NEWSDESK_UPDATE_SCREENSHOT=1 to refresh docs/screenshot*.png")
@pytest.mark.parametrize(("name", "viewport"), [("screenshot.png", DESKTOP),
                                                ("screenshot-phone.png", PHONE)])
def test_refresh_docs_screenshots(browser: Any, newsdesk_app: RunningApp,  # noqa: F811
                                  name: str, viewport: dict[str, int]):
    pg = open_page(browser, newsdesk_app.url, viewport)
    try:
        ask(pg, TALKS)
        if viewport is DESKTOP:
            pg.locator("#nd-chat a.nd-cite").first.click()
            pg.wait_for_function(
                "document.querySelector('#src-1-1').classList.contains('nd-active')")
        pg.evaluate("window.scrollTo(0, 0)")
        pg.mouse.move(0, 0)
        ARTIFACTS.mkdir(exist_ok=True)
        raw = ARTIFACTS / f"raw-{name}"
        pg.screenshot(path=str(raw))
        out = ROOT / "docs" / name
        _save_png(raw, out)
        assert 10_000 < out.stat().st_size < 400_000
    finally:
        pg.context.close()
