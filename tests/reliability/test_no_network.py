"""Privacy: ingest and questions make no network connection (only loopback, where configured)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = textwrap.dedent("""
    import json, sys, socket
    events = []
    LOCAL = ("127.", "::1", "localhost", "/")  # loopback and unix sockets are not the network
    def hook(event, args):
        if event in ("socket.connect", "socket.sendto", "socket.bind"):
            addr = args[1]
        elif event == "socket.getaddrinfo":
            addr = args[0]
        else:
            return
        host = addr[0] if isinstance(addr, tuple) else addr
        host = host.decode() if isinstance(host, bytes) else str(host)
        if not host.startswith(LOCAL):
            events.append([event, repr(addr)])
    sys.addaudithook(hook)
    from qa import NewsDesk
    desk = NewsDesk.open(home=sys.argv[1])
    report = desk.ingest([sys.argv[2]])
    answer = desk.ask("Who attended the 2+2 talks?")
    conv = desk.chat(); conv.ask("Who attended the talks?"); conv.ask("What did Lavrov say?")
    print(json.dumps({"events": events, "added": report.added, "text": answer.text}))
""")


def test_ingest_and_ask_make_no_network_connection(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "HF_HUB_OFFLINE"))}
    env.update({"NEWSDESK_HOME": str(tmp_path / "home")})  # no HF_HUB_OFFLINE: we must not need it
    out = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path / "home"),
                          str(ROOT / "corpus" / "articles")],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["added"] == 1 and result["text"]
    assert result["events"] == [], f"network activity: {result['events'][:10]}"


def test_the_probe_sees_a_connection(tmp_path):
    """The audit hook used above does catch a real connection attempt (to a closed local port)."""
    code = textwrap.dedent("""
        import sys, socket, json
        events = []
        sys.addaudithook(lambda e, a: events.append(e) if e == "socket.connect" else None)
        s = socket.socket()
        try:
            s.connect(("127.0.0.1", 9))
        except OSError:
            pass
        print(json.dumps(events))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert json.loads(out.stdout) == ["socket.connect"]
