"""Helpers of ``bench/load_ui.py``: the direct baseline (threads calling ``desk.ask()`` in
this process, on the app's own store) and the app processes it measures (one on an embedded
store, or several on one ``chroma run`` server and one shared catalog).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import ROOT, percentile
from bench.latency import chroma_server


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pids_cpu_s(pids: Sequence[int]) -> float:
    """CPU seconds (user + system) the processes ``pids`` have used so far, from
    ``/proc/<pid>/stat`` (0 for one that is gone)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / tick


@dataclass
class Cpu:
    """CPU seconds used during a measured window: by this process (the clients, all their
    threads) and by the server processes."""

    client_s: float = 0.0
    server_s: float | None = None


@contextmanager
def measure_cpu(server_pids: Sequence[int] = ()) -> Iterator[Cpu]:
    """Measure the CPU this process and ``server_pids`` use inside the ``with`` block."""
    cpu = Cpu()
    c0, s0 = time.process_time(), pids_cpu_s(server_pids)
    try:
        yield cpu
    finally:
        cpu.client_s = time.process_time() - c0
        cpu.server_s = pids_cpu_s(server_pids) - s0 if server_pids else None


def cpu_per_request(cpu: Cpu, requests: int) -> dict[str, float | None]:
    """``client_cpu_ms_per_req`` and ``server_cpu_ms_per_req`` (None when not measured)."""
    def ms(s: float | None) -> float | None:
        return round(1000 * s / requests, 1) if s is not None and requests else None

    return {"client_cpu_ms_per_req": ms(cpu.client_s), "server_cpu_ms_per_req": ms(cpu.server_s)}


@dataclass
class Direct:
    """What ``users`` threads calling ``desk.ask()`` (and ``Conversation.ask``) reached."""

    users: int
    per_user: int
    seconds: list[float] = field(default_factory=list)
    errors: int = 0
    wall_s: float = 0.0
    cpu: Cpu | None = None  # measured for the /v1 runs

    def summary(self) -> dict[str, Any]:
        """The numbers, JSON-ready."""
        n = len(self.seconds)
        return {"users": self.users, "questions_per_user": self.per_user, "requests": n,
                "errors": self.errors, "wall_s": round(self.wall_s, 2),
                "throughput_rps": round(n / self.wall_s, 2) if self.wall_s else 0.0,
                "p50_s": round(percentile(self.seconds, 50), 3),
                "p95_s": round(percentile(self.seconds, 95), 3),
                **(cpu_per_request(self.cpu, n + self.errors) if self.cpu else {})}


def run_threads(user: Callable[[int], None], users: int) -> float:
    """Run ``user(0)`` … ``user(users - 1)`` in threads at once; the wall seconds they took."""
    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return time.perf_counter() - t0


def run_direct(env: dict[str, str], questions: Sequence[str], users: int = 20,
               per_user: int = 10) -> Direct:
    """``users`` threads each asking ``per_user`` of ``questions`` straight on a desk opened on
    the store ``env`` names (``NEWSDESK_*``); even users through ``ask``, odd ones through a new
    conversation each time, as the load's ``/ask`` and ``/chat`` users do."""
    from qa import NewsDesk, Settings

    desk = NewsDesk.open(settings=Settings.from_env(env))
    desk.warm(background=False)
    desk.ask(questions[0])
    out = Direct(users, per_user)
    lock = threading.Lock()
    start = threading.Barrier(users)

    def user(i: int) -> None:
        start.wait()
        for j in range(per_user):
            q = questions[(i + j) % len(questions)]
            t = time.perf_counter()
            try:
                desk.ask(q) if i % 2 == 0 else desk.chat().ask(q)
            except Exception:
                with lock:
                    out.errors += 1
                continue
            with lock:
                out.seconds.append(time.perf_counter() - t)

    out.wall_s = run_threads(user, users)
    return out


def run_v1(urls: Sequence[str], questions: Sequence[str], users: int = 20,
           per_user: int = 10, api_key: str = "", server_pids: Sequence[int] = ()) -> Direct:
    """``users`` threads (one HTTP client each, user ``i`` on ``urls[i % len(urls)]``) asking
    ``per_user`` questions through ``POST /v1/chat/completions``: our own FastAPI route,
    without Gradio's queue (CPU measured in this process and in ``server_pids``)."""
    import httpx

    out = Direct(users, per_user)
    lock = threading.Lock()
    start = threading.Barrier(users)
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}

    def user(i: int) -> None:
        url = urls[i % len(urls)].rstrip("/") + "/v1/chat/completions"
        with httpx.Client(timeout=120, headers=headers) as client:
            start.wait()
            for j in range(per_user):
                q = questions[(i + j) % len(questions)]
                t = time.perf_counter()
                r = client.post(url, json={"model": "newsdesk",
                                           "messages": [{"role": "user", "content": q}]})
                with lock:
                    if r.status_code == 200:
                        out.seconds.append(time.perf_counter() - t)
                    else:
                        out.errors += 1

    with measure_cpu(server_pids) as out.cpu:
        out.wall_s = run_threads(user, users)
    return out


@dataclass
class Apps:
    """Running app processes (and the ``chroma run`` server they share, when several)."""

    urls: list[str]
    env: dict[str, str]
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def stop(self) -> None:
        """Stop every process (apps first, then the server)."""
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()


def _env(home: Path, shared: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    env.update({"NEWSDESK_HOME": str(home), "NEWSDESK_LLM": "none", "HF_HUB_OFFLINE": "1",
                "GRADIO_TEMP_DIR": str(home / "gradio-tmp"), **shared})
    return env


def start_apps(base: Path, n: int) -> Apps:
    """``n`` app processes under ``base``: one on an embedded store (``n`` = 1), or ``n`` on
    one ``chroma run`` server and one SQLite catalog file (each with a home of its own).
    The first ingests the bundled corpus; call :func:`bench.load_ui.wait_ready` next."""
    shared: dict[str, str] = {}
    procs: list[subprocess.Popen[bytes]] = []
    if n > 1:
        chroma, url = chroma_server(base / "chroma")
        procs.append(chroma)
        shared = {"NEWSDESK_CHROMA_URL": url,
                  "NEWSDESK_DATABASE_URL": f"sqlite:///{base / 'catalog.db'}"}
    urls = []
    for i in range(n):
        home = base / f"home{i}"
        home.mkdir(parents=True, exist_ok=True)
        port = free_port()
        log = (base / f"app{i}.log").open("wb")
        args = ["--port", str(port)] + (["--no-seed"] if i else [])
        procs.insert(i, subprocess.Popen([sys.executable, str(ROOT / "app.py"), *args], cwd=ROOT,
                                         env=_env(home, shared), stdout=log,
                                         stderr=subprocess.STDOUT))
        urls.append(f"http://127.0.0.1:{port}/")
    return Apps(urls, _env(base / "home0", shared), procs)
