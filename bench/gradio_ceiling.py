"""The ``gradio_client`` ceiling of ``bench/load_ui.py``: the same 20-user load on a Gradio
app whose ``/ask`` and ``/chat`` do nothing.

A minimal Gradio Blocks app (``gr.api`` endpoints that return ``{"text": "ok"}`` at once,
the same queue settings as ``web/server.py``) runs in a subprocess on a free 127.0.0.1 port,
analytics off; :func:`bench.load_ui.run_load` drives it exactly as it drives the app (same
users, questions, ``Client`` per user, ``/ask`` and ``/chat``). What it reaches is what
``gradio_client`` plus Gradio's queue can do on this machine with no work behind them; the
CPU it costs per request in the client (this process) and in the server is measured too.

Serve it alone with ``python -m bench.gradio_ceiling --port PORT``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import ROOT
from bench.serving import free_port


def build() -> Any:
    """The no-op app: ``/ask(question, collection)`` and ``/chat(question, conversation_id,
    collection)`` answer ``{"text": "ok", ...}`` at once."""
    import gradio as gr

    def ask(question: str, collection: str = "") -> dict[str, Any]:
        return {"text": "ok"}

    def chat(question: str, conversation_id: str = "", collection: str = "") -> dict[str, Any]:
        return {"text": "ok", "conversation_id": "c", "turn": 1}

    with gr.Blocks(analytics_enabled=False) as demo:
        gr.api(ask, api_name="ask")
        gr.api(chat, api_name="chat")
    from web.server import CONCURRENCY, QUEUE_SIZE  # the app's own queue settings

    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    return demo


def start(log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start the no-op app in a subprocess; its process and URL (not ready yet)."""
    port = free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "bench.gradio_ceiling", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    return proc, f"http://127.0.0.1:{port}/"


def wait_up(url: str, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    """Wait until ``/ask`` answers."""
    from bench.load_ui import _ask, _client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the no-op Gradio app exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                pass
            if _ask(_client(url), "/ask", "ready?") == "ok":
                return
        except Exception:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} not ready after {timeout} s")


def run_ceiling(folder: Path, users: int = 20, per_user: int = 10,
                questions: Sequence[tuple[str, tuple[str, ...]]] | None = None
                ) -> dict[str, Any]:
    """The load of :func:`bench.load_ui.run_load` (no upload) on the no-op app; its summary
    (``throughput_rps``, ``p50_s``, ``p95_s``, ``errors``, CPU ms per request in the client
    and in the server)."""
    from bench.load_ui import SEED_QUESTIONS, run_load

    qs = SEED_QUESTIONS if questions is None else questions
    proc, url = start(folder / "gradio-ceiling.log")
    try:
        wait_up(url, proc)
        result = run_load(url, users, per_user, qs, reference={q: "ok" for q, _ in qs},
                          server_pids=[proc.pid])
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
    s = result.summary()
    return {k: s[k] for k in ("users", "questions_per_user", "requests", "errors", "wall_s",
                              "throughput_rps", "p50_s", "p95_s", "max_s",
                              "client_cpu_ms_per_req", "server_cpu_ms_per_req")}


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the no-op app on ``--port`` (127.0.0.1) until killed."""
    p = argparse.ArgumentParser(prog="bench.gradio_ceiling", description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int, required=True)
    args = p.parse_args(argv)
    build().launch(server_name="127.0.0.1", server_port=args.port, quiet=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
