"""Privacy: ingest and questions make no network connection (only loopback, where configured)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from web_fixtures import audited_env, audited_pids, net_events

ROOT = Path(__file__).resolve().parents[2]

PROBE = textwrap.dedent("""
    import json, sys
    from qa import NewsDesk
    desk = NewsDesk.open(home=sys.argv[1])
    report = desk.ingest([sys.argv[2]])
    answer = desk.ask("Who attended the 2+2 talks?")
    conv = desk.chat(); conv.ask("Who attended the talks?"); conv.ask("What did Lavrov say?")
    print(json.dumps({"added": report.added, "text": answer.text}))
""")


def test_ingest_and_ask_make_no_network_connection(tmp_path):
    """The probe runs under the audit hook that the UI tests use (tests/web/web_fixtures.py),
    which logs every non-loopback connect, bind and name lookup; test_security checks that it
    does log a real attempt."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "HF_HUB_OFFLINE"))}
    env.update({"NEWSDESK_HOME": str(tmp_path / "home")})  # no HF_HUB_OFFLINE: we must not need it
    net_log = audited_env(env, tmp_path)
    out = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path / "home"),
                          str(ROOT / "corpus" / "articles")],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["added"] == 1 and result["text"]
    assert audited_pids(net_log), "the audit hook was not on in the probe"
    assert net_events(net_log) == [], f"network activity: {net_events(net_log)[:10]}"
