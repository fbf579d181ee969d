"""The UI's collection picker (a browser test), on the running app (``python app.py``, the bundled corpus in ``default``), with
a second collection ingested beside it by the CLI (another process, the same embedded store)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_web_browser import ask, browser, page  # noqa: F401  (fixtures)
from web_fixtures import (  # noqa: F401
    CHROMIUM,
    RunningApp,
    app_env,
    newsdesk_app_fixture,
    write_article,
)

from tests.vectorstore.store_helpers import OTHER, write

STORMS = "storms-ui"
STORM = "How many homes lost power in Pellow?"


@pytest.fixture(scope="module")
def storms(newsdesk_app: RunningApp, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The collection ``storms-ui`` (the storm article) in the running app's store."""
    path = write(tmp_path_factory.mktemp("storms") / "storm.txt", OTHER)
    r = subprocess.run([sys.executable, "-m", "qa.cli", "--collection", STORMS, "ingest",
                        str(path)], env=app_env(newsdesk_app.home), capture_output=True,
                       text=True, timeout=300, check=False)
    assert r.returncode == 0, r.stderr
    yield STORMS


def _pick(page: Any, name: str) -> None:  # noqa: F811  (the fixture's name)
    page.locator("#nd-collection input").click()
    page.get_by_role("option", name=name, exact=True).click()
    page.wait_for_function(
        "v => document.querySelector('#nd-collection input').value === v", arg=name)


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed")
def test_the_collection_picker_beside_the_chat_asks_the_chosen_one(
        page: Any, storms: str) -> None:  # noqa: F811  (the fixture)
    page.reload(wait_until="load")
    page.wait_for_selector("#nd-question textarea")
    box = page.locator("#nd-collection").bounding_box()
    assert box is not None and box["x"] > 640  # beside the chat
    assert page.locator("#nd-collection input").input_value() == "default"
    _pick(page, storms)
    assert "30,000" in ask(page, STORM).inner_text()
    _pick(page, "default")
    assert "30,000" not in ask(page, STORM).inner_text()


# --------------------------------------------------------------------------- gradio_client

BRIDGE = ("The Quorvex bridge in Taldon reopened on Monday after 14 months of repairs, "
          "the transport office said. Engineers replaced 212 steel cables on the span.")


@pytest.mark.slow
def test_the_api_ingests_lists_asks_and_deletes_per_collection(
        newsdesk_app: RunningApp, tmp_path: Path) -> None:
    from gradio_client import handle_file

    client = newsdesk_app.client()
    f = write_article(tmp_path, "quorvex.txt", title="Quorvex bridge reopens", body=BRIDGE)
    r = client.predict([handle_file(str(f))], "bridges-api", api_name="/ingest")
    assert r["added"] == 1, r
    aid = r["article_ids"][0]
    own = client.predict("bridges-api", api_name="/list")
    assert [a["id"] for a in own] == [aid]
    assert aid not in {a["id"] for a in client.predict(api_name="/list")}  # default: as before
    assert len(client.predict("default", api_name="/list")) == len(client.predict(
        api_name="/list"))

    q = "How many steel cables were replaced on the Quorvex bridge?"
    here = client.predict(q, "bridges-api", api_name="/ask")
    assert "212" in here["text"] and {c["article_id"] for c in here["citations"]} == {aid}
    assert "212" not in client.predict(q, api_name="/ask")["text"]  # the default collection
    talks = client.predict("Who attended the 2+2 talks in Moscow?", "bridges-api",
                           api_name="/ask")
    assert "Lavrov" not in talks["text"]  # the seed articles are in another collection
    chat = client.predict(q, "", "bridges-api", api_name="/chat")
    assert "212" in chat["text"] and chat["turn"] == 1

    with pytest.raises(Exception, match="no collection 'no-such-one'.*default"):
        client.predict(q, "no-such-one", api_name="/ask")
    with pytest.raises(Exception, match="not valid"):
        client.predict("Bad Name", api_name="/list")
    assert client.predict(aid, "bridges-api", api_name="/delete")["chunks"] >= 1
    assert client.predict("bridges-api", api_name="/list") == []


@pytest.mark.slow
def test_a_raw_call_without_the_collection_uses_the_servers(newsdesk_app: RunningApp) -> None:
    """``/call`` with the first data items alone works as before the ``collection`` input."""
    import httpx

    def call(name: str, data: list[Any]) -> Any:
        url = f"{newsdesk_app.url}gradio_api/call/{name}"
        eid = httpx.post(url, json={"data": data}, timeout=60).json()["event_id"]
        with httpx.stream("GET", f"{url}/{eid}", timeout=120) as s:
            events = "\n".join(s.iter_lines())
        assert "event: complete" in events, events[-800:]
        return json.loads(events.split("data:", 1)[1].strip().splitlines()[0])[0]

    listed = call("list", [])
    assert listed and listed == newsdesk_app.client().predict(api_name="/list")
    assert "Lavrov" in call("ask", ["Who attended the 2+2 talks in Moscow?"])["text"]
    assert call("chat", ["Who attended the 2+2 talks in Moscow?"])["turn"] == 1


# --------------------------------------------------------------------------- Library tab


def _library_pick(pg: Any, name: str) -> None:
    """Choose (or type) collection ``name`` in the Library tab's picker."""
    box = pg.locator("#nd-lib-collection input")
    box.fill(name)
    box.press("Enter")
    pg.wait_for_function(
        "v => document.querySelector('#nd-lib-collection input').value === v", arg=name)


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed")
def test_the_library_picker_uploads_into_a_new_collection_and_shows_each_own(
        page: Any, newsdesk_app: RunningApp, tmp_path: Path) -> None:  # noqa: F811
    f = write_article(tmp_path, "quorvex.txt", title="Quorvex bridge reopens", body=BRIDGE)
    page.get_by_role("tab", name="Library").click()
    page.wait_for_function("document.querySelectorAll('#nd-library tbody tr').length > 0")
    _library_pick(page, "bridges-ui")
    page.wait_for_function("document.querySelector('#nd-library').innerText.includes('0 articles')")
    page.set_input_files("#nd-upload input[type=file]", str(f))
    page.wait_for_selector("#nd-upload table.file-preview")
    page.click("#nd-ingest")
    page.wait_for_function(
        "document.querySelector('#nd-ingest-out').innerText.includes('1 added')")
    page.wait_for_function(
        "document.querySelector('#nd-library').innerText.includes('Quorvex bridge')")
    assert "1 article " in page.locator("#nd-library").inner_text()

    _library_pick(page, "default")
    page.wait_for_function(
        "!document.querySelector('#nd-library').innerText.includes('Quorvex bridge')")
    assert "0 articles" not in page.locator("#nd-library").inner_text()
    listed = newsdesk_app.client().predict("bridges-ui", api_name="/list")
    assert [a["title"] for a in listed] == ["Quorvex bridge reopens"]

    page.get_by_role("tab", name="Chat").click()  # the new collection can be asked, too
    page.locator("#nd-collection input").click()
    page.get_by_role("option", name="bridges-ui", exact=True).wait_for()
