"""Fixtures of the reliability tests.

``ui_app`` is one real ``python app.py`` for the whole session, started with a network
audit hook (see :data:`web_fixtures.AUDIT_SITECUSTOMIZE`) and without
``HF_HUB_OFFLINE``: the bad-question, load, upload and no-network tests share it, and the
no-network test reads what the hook logged during all of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from reliability_helpers import UI_MAX_FILE_MB, App, start_app


@pytest.fixture(scope="session")
def ui_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """The app on a free 127.0.0.1 port, seed corpus ingested, network use audited."""
    app = start_app(tmp_path_factory.mktemp("reliability-ui"), audit=True, offline=False,
                    NEWSDESK_MAX_FILE_MB=str(UI_MAX_FILE_MB))
    yield app
    app.stop()


@pytest.fixture(scope="session")
def chroma_server_class(request: pytest.FixtureRequest) -> type:
    """``ChromaServer`` from tests/conftest.py (looked up among the loaded conftests: every
    conftest module is named ``conftest``, so a plain import could find this one)."""
    want = Path(__file__).resolve().parents[1] / "conftest.py"
    for plugin in request.config.pluginmanager.get_plugins():
        if Path(getattr(plugin, "__file__", "") or ".").resolve() == want:
            return plugin.ChromaServer  # type: ignore[no-any-return]
    raise LookupError(f"{want} is not loaded")
