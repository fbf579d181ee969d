"""The server's own rules: telemetry off when ``web`` is imported, and where it listens."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from qa import Settings
from web.server import check_bind, listen

ROOT = Path(__file__).resolve().parents[2]
TELEMETRY = ("ANONYMIZED_TELEMETRY", "GRADIO_ANALYTICS_ENABLED", "ORT_DISABLE_TELEMETRY",
             "HF_HUB_DISABLE_TELEMETRY", "TOKENIZERS_PARALLELISM")


def test_importing_the_web_wing_turns_telemetry_off_before_gradio_loads():
    """An app that mounts ``create_app`` itself never calls ``app.main``: importing ``web``
    must set the defaults before Gradio and huggingface_hub read them (once, at import)."""
    env = {k: v for k, v in os.environ.items() if k not in TELEMETRY}
    code = ("import os, web.server, huggingface_hub.constants as c; "
            "print(c.HF_HUB_DISABLE_TELEMETRY, os.environ['GRADIO_ANALYTICS_ENABLED'], "
            "'gradio' in __import__('sys').modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120, check=True).stdout.split()
    assert out == ["True", "False", "True"]


def test_a_blank_host_listens_on_this_machine_only():
    sockets = listen("  ", 0)
    try:
        addrs = {s.getsockname()[0] for s in sockets}
    finally:
        for s in sockets:
            s.close()
    assert addrs == {"127.0.0.1"}


def test_a_blank_host_needs_no_password_but_a_public_one_does():
    assert check_bind(Settings().with_(host="")) is None
    with pytest.raises(Exception, match="NEWSDESK_AUTH"):
        check_bind(Settings().with_(host="0.0.0.0"))


def test_localhost_by_name_binds_loopback_addresses_only():
    sockets = listen("localhost", 0)
    try:
        for s in sockets:
            host = s.getsockname()[0]
            assert host in ("127.0.0.1", "::1"), host
            assert s.family in (socket.AF_INET, socket.AF_INET6)
    finally:
        for s in sockets:
            s.close()
