"""Security of the UI: no network use, uploads that cannot escape the data folder or reach
files on the server, upload limits, and a password for any bind beyond this machine.

Covered elsewhere, not repeated here: article HTML/JavaScript never runs in a real browser
(tests/web/test_web_browser.py::test_article_markup_is_shown_as_text_and_never_runs), a public
address without ``NEWSDESK_AUTH`` is refused (tests/web/test_web_app.py::
test_the_app_refuses_to_start_on_a_public_address_without_auth), ingest and questions make no
connection (test_no_network.py), and prompt injection in articles, through the whole desk
with the scripted LLM server (tests/qa/test_llm.py, "prompt injection").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import UI_MAX_FILE_MB, App, start_app
from web_fixtures import audited_env, net_events

pytestmark = pytest.mark.slow

TALKS = "Who attended the 2+2 talks?"


def _call(app: App, endpoint: str, data: list[Any]) -> tuple[int, str]:
    """Call ``/gradio_api/call/ENDPOINT`` over plain HTTP; return (status, the event stream)."""
    import httpx

    api = f"{app.url}gradio_api/call/{endpoint}"
    r = httpx.post(api, json={"data": data}, timeout=120)
    if r.status_code != 200:
        return r.status_code, r.text
    with httpx.stream("GET", f"{api}/{r.json()['event_id']}", timeout=120) as s:
        return 200, "\n".join(s.iter_lines())


def _result(events: str) -> Any:
    assert "event: complete" in events, events[-2000:]
    return json.loads(events.split("event: complete", 1)[1].split("data:", 1)[1].strip())[0]


def _upload_raw(app: App, name: str, body: bytes) -> str:
    """Upload ``body`` under the client-chosen file name ``name``; return the server path."""
    import httpx

    r = httpx.post(f"{app.url}gradio_api/upload", files=[("files", (name, body, "text/plain"))],
                   timeout=60)
    r.raise_for_status()
    (path,) = r.json()
    return str(path)


# --------------------------------------------------------------------------- no network


def test_the_ui_makes_no_network_connection(ui_app: App, tmp_path: Path):
    """The shared app runs with an audit hook that logs every non-loopback connect and name
    lookup; after questions, a chat, a listing and an upload (and the other UI tests of the
    session), the log is empty."""
    from gradio_client import handle_file

    assert ui_app.proc.pid in ui_app.audited_pids(), "the audit hook is not in the app"
    c = ui_app.client()
    c.predict(TALKS, api_name="/ask")
    r = c.predict(TALKS, "", api_name="/chat")
    c.predict("What did she tell TASS?", r["conversation_id"], api_name="/chat")
    c.predict(api_name="/list")
    f = tmp_path / "net-check.txt"
    f.write_text("Title: Net check\n\nThe Vellmoor ferry resumed service on Monday.\n")
    assert c.predict([handle_file(str(f))], api_name="/ingest")["failed"] == 0
    assert ui_app.net_events() == [], ui_app.net_events()[:10]


def test_the_audit_hook_does_log_a_connection(tmp_path: Path):
    """The same sitecustomize, in a process that tries a non-loopback address: it is logged."""
    code = ("import socket\ns = socket.socket()\ns.settimeout(0.2)\n"
            "try:\n    s.connect(('192.0.2.1', 9))\nexcept OSError:\n    pass\n")
    env = dict(os.environ)
    log = audited_env(env, tmp_path)
    subprocess.run([sys.executable, "-c", code], env=env, timeout=60, check=True)
    events = net_events(log)
    assert events and events[0][0] == "socket.connect" and "192.0.2.1" in events[0][1]


# --------------------------------------------------------------------------- uploads


@pytest.mark.parametrize("name", ["../../evil.txt", "..\\..\\evil.txt", "/tmp/evil.txt",
                                  "uploads/../../evil.txt"])
def test_an_upload_named_to_escape_keeps_only_its_base_name(ui_app: App, name: str):
    marker = f"Evilplan{abs(hash(name)) % 10**6}"
    body = f"Title: Evil plan\n\nThe {marker} society met on Monday in the harbour.\n".encode()
    path = _upload_raw(ui_app, name, body)
    file_data = {"path": path, "orig_name": name, "meta": {"_type": "gradio.FileData"}}
    status, events = _call(ui_app, "ingest", [[file_data]])
    assert status == 200
    out = _result(events)
    assert out["failed"] == 0 and len(out["files"]) == 1 and out["files"][0].endswith("evil.txt")
    assert "/" not in out["files"][0] and "\\" not in out["files"][0]
    assert out["article_ids"][0].endswith("/" + out["files"][0])
    # No copy with that content anywhere under the app's folders (the catalog keeps the
    # text), or above them.
    base = ui_app.home.parent
    copies = [p for p in base.rglob("*") if p.is_file() and p.stat().st_size == len(body)
              and p.read_bytes() == body]
    gradio_cache = (ui_app.gradio_tmp or base / "gradio-tmp").resolve()
    outside = [p for p in copies if gradio_cache not in p.resolve().parents]
    assert not outside, outside
    for up in (base.parent, base.parent.parent, Path("/tmp")):
        assert not (up / "evil.txt").exists() or (up / "evil.txt").read_bytes() != body


def test_a_client_cannot_make_the_server_ingest_one_of_its_files(ui_app: App, tmp_path: Path):
    """A path on the server (not uploaded) in an ``/ingest`` call is refused, so no file of
    the server can be read back through answers."""
    secret = tmp_path / "secret.txt"
    secret.write_text("Title: Secret\n\nThe Zanzibrook vault code is 4471 and nobody knows it.\n")
    status, events = _call(ui_app, "ingest",
                           [[{"path": str(secret), "meta": {"_type": "gradio.FileData"}}]])
    assert status != 200 or "event: error" in events, events[-1000:]
    assert "Traceback" not in events
    listed = ui_app.client().predict(api_name="/list")
    assert not any("Secret" in a["title"] or "secret" in a["id"] for a in listed)
    r = ui_app.client().predict("What is the Zanzibrook vault code?", api_name="/ask")
    assert "4471" not in json.dumps(r)


def test_an_upload_over_the_size_limit_is_refused(ui_app: App, tmp_path: Path):
    from gradio_client import handle_file

    big = tmp_path / "big.txt"
    line = b"The council met again on Monday and talked about the bridge.\n"
    big.write_bytes(line * ((UI_MAX_FILE_MB + 1) * 1024 * 1024 // len(line)))
    before = set((ui_app.home / "uploads").glob("*")) if (ui_app.home / "uploads").exists() \
        else set()
    with pytest.raises(Exception) as e:  # gradio refuses it before the app sees it
        ui_app.client().predict([handle_file(str(big))], api_name="/ingest")
    assert "Traceback" not in str(e.value)
    assert not any(p.name.startswith("big") for p in
                   set((ui_app.home / "uploads").glob("*")) - before)


# --------------------------------------------------------------------------- binding


def _listening(port: int) -> set[str]:
    """Local addresses listening on ``port`` (from /proc/net/tcp and tcp6)."""
    out = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            local, state = row.split()[1], row.split()[3]
            addr, p = local.rsplit(":", 1)
            if state == "0A" and int(p, 16) == port:
                out.add("0.0.0.0" if set(addr) == {"0"} else addr)
    return out


def test_a_public_bind_with_auth_starts_and_rejects_unauthenticated_requests(tmp_path: Path):
    import httpx
    from gradio_client import Client

    app = start_app(tmp_path, args=["--no-seed"], wait_for_articles=False,
                    NEWSDESK_HOST="0.0.0.0", NEWSDESK_AUTH="ann:s3cret pass",
                    NEWSDESK_API_KEY="k3y")
    try:
        port = int(app.url.rstrip("/").rsplit(":", 1)[1])
        if Path("/proc/net/tcp").exists():
            assert "0.0.0.0" in _listening(port)
        for method, path in (("GET", "config"), ("GET", "gradio_api/info"),
                             ("POST", "gradio_api/call/list"), ("POST", "gradio_api/upload"),
                             ("GET", "v1/models"), ("POST", "v1/chat/completions")):
            r = httpx.request(method, app.url + path, json={"data": []}, timeout=30)
            assert r.status_code in (401, 403), (path, r.status_code, r.text[:200])
        with pytest.raises(Exception, match="(?i)login|credentials"):
            Client(app.url, verbose=False)
        with pytest.raises(Exception, match="(?i)login"):
            Client(app.url, verbose=False, auth=("ann", "wrong"))
        assert Client(app.url, verbose=False, auth=("ann", "s3cret pass")).predict(
            api_name="/list") == []
        r = httpx.get(app.url + "v1/models", headers={"Authorization": "Bearer k3y"}, timeout=30)
        assert r.status_code == 200 and r.json()["data"][0]["id"] == "newsdesk"
    finally:
        app.stop()
