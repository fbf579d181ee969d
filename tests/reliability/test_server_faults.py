"""Server faults: with ``NEWSDESK_CHROMA_URL``, a Chroma server that stops mid-session gives a
clear "vector store unavailable" message in the UI and the CLI, with no traceback, and the
running app recovers when the server comes back, without a restart.

A real ``chroma run`` is stopped and started again (on the same port and data), using an own
instance of tests/conftest.py's ``ChromaServer``: the session's server is left alone.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import ROOT, cli_cmd, cli_env, free_port, one_line_error, start_app

pytestmark = [pytest.mark.slow, pytest.mark.server]

TALKS = "Who attended the 2+2 talks?"
UNAVAILABLE = "vector store unavailable"


@pytest.fixture
def own_chroma(chroma_server_class: type, tmp_path: Path) -> Iterator[Any]:
    server = chroma_server_class(tmp_path / "chroma-data", free_port())
    server.start()
    yield server
    server.stop()


def _unavailable(call: Any) -> str:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as e:
        call()
    msg = str(e.value)
    assert UNAVAILABLE in msg and "chroma run" in msg, msg
    assert "Traceback" not in msg and "File \"" not in msg
    return msg


def test_a_stopped_chroma_server_is_a_clear_message_and_the_app_recovers(own_chroma: Any,
                                                                        tmp_path: Path):
    app = start_app(tmp_path / "app", NEWSDESK_CHROMA_URL=own_chroma.url)
    try:
        client = app.client()
        assert "Lavrov" in client.predict(TALKS, api_name="/ask")["text"]

        own_chroma.stop()
        _unavailable(lambda: client.predict(TALKS, api_name="/ask"))
        _unavailable(lambda: client.predict(TALKS, "", api_name="/chat"))
        assert client.predict(api_name="/list")  # the article list is the catalog's

        # The CLI, meanwhile: one line on stderr, exit 1.
        home = tmp_path / "cli-home"
        home.mkdir()  # a home that exists: ask and list refuse a mistyped one before connecting
        runs = [subprocess.Popen(cli_cmd(home, "--chroma-url", own_chroma.url, *args), cwd=ROOT,
                                 env=cli_env(home), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE)
                for args in (("ask", TALKS), ("ingest", str(ROOT / "corpus")), ("list",))]
        for p in runs:
            out, err = p.communicate(timeout=300)
            line = one_line_error(subprocess.CompletedProcess(p.args, p.returncode, out, err))
            assert UNAVAILABLE in line and own_chroma.url in line, line

        own_chroma.start()  # same port, same data
        assert app.proc.poll() is None
        r = client.predict(TALKS, api_name="/ask")
        assert "Lavrov" in r["text"] and r["citations"]
        assert client.predict(api_name="/list")
        assert "Traceback" not in app.log_text(), app.log_text()[-3000:]
    finally:
        app.stop()
