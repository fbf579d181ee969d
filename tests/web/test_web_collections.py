"""The UI's collection picker (a browser test), on the running app (``python app.py``, the bundled corpus in ``default``), with
a second collection ingested beside it by the CLI (another process, the same embedded store)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from test_web_browser import ask, browser, page  # noqa: F401  (fixtures)
from web_fixtures import (  # noqa: F401
    CHROMIUM,
    RunningApp,
    app_env,
    newsdesk_app_fixture,
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
