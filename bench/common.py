"""Shared helpers for the benchmarks: data sets, the machine, timing, tables and JSON output."""

from __future__ import annotations

import json
import os
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
from vectorstore.privacy import apply_privacy_defaults  # noqa: E402  (needs ROOT on sys.path)

apply_privacy_defaults()  # the LangChain baselines load chromadb and HF directly

OUT = ROOT / "bench" / "out"
SHARED = Path(os.environ.get("NEWSDESK_SHARED", ROOT.parent / "shared"))
BBC = SHARED / "data" / "bbc"
RTQA = SHARED / "data" / "realtimeqa-dev"


class Skip(Exception):
    """A benchmark cannot run here (its data set is absent); the runner reports and goes on."""


def bbc_files(n: int | None = None) -> list[Path]:
    """The first ``n`` BBC article files in sorted path order (all when ``n`` is None).

    Raises:
        Skip: the BBC data set is not on this machine.
    """
    files = sorted(BBC.glob("**/*.txt")) if BBC.exists() else []
    if not files:
        raise Skip(f"BBC articles not found under {BBC}")
    return files[:n] if n else files


def machine() -> dict[str, Any]:
    """Cores, CPU model, memory, Python and key library versions, and the load now."""
    cpu = ""
    try:
        m = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = m.group(1).strip() if m else ""
    except OSError:
        pass
    mem_gb = 0.0
    try:
        m = re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text())
        mem_gb = int(m.group(1)) / 1024 / 1024 if m else 0.0
    except OSError:
        pass
    versions = {}
    for mod in ("torch", "onnxruntime", "openvino", "chromadb", "sentence_transformers", "bm25s"):
        try:
            versions[mod] = __import__(mod).__version__
        except Exception:
            versions[mod] = None
    gpu = None
    if Path("/proc/driver/nvidia").exists():
        try:
            import torch

            gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
        except Exception:
            gpu = None
    return {"cores": os.cpu_count(), "cpu": cpu, "ram_gb": round(mem_gb, 1), "gpu": gpu,
            "python": platform.python_version(), "load_avg": [round(x, 2) for x in os.getloadavg()],
            "versions": versions, "when": time.strftime("%Y-%m-%d %H:%M:%S")}


def machine_line(m: dict[str, Any]) -> str:
    """One line describing the machine for a report."""
    gpu = f", GPU {m['gpu']}" if m.get("gpu") else ""
    return (f"{m['cores']} cores, {m['cpu']}, {m['ram_gb']} GB RAM{gpu}; load average at start "
            f"{m['load_avg'][0]} (shared machine)")


def median(xs: Iterable[float]) -> float:
    """Median of ``xs`` (0.0 for none)."""
    xs = list(xs)
    return float(statistics.median(xs)) if xs else 0.0


def percentile(xs: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank) of ``xs``."""
    if not xs:
        return 0.0
    s = sorted(xs)
    k = max(0, min(len(s) - 1, round(p / 100 * len(s) + 0.5) - 1))
    return float(s[k])


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """Run ``fn``; return (wall seconds, CPU seconds of this process, result)."""
    t, c = time.perf_counter(), time.process_time()
    r = fn()
    return time.perf_counter() - t, time.process_time() - c, r


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table."""
    def cell(v: Any) -> str:
        if isinstance(v, float):
            return f"{v:,.3f}" if abs(v) < 10 else f"{v:,.1f}"
        if isinstance(v, int):
            return f"{v:,}"
        return str(v)

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in r) + " |" for r in rows]
    return "\n".join(lines)


def write_json(name: str, data: dict[str, Any]) -> Path:
    """Write ``bench/out/<name>.json`` and return its path."""
    OUT.mkdir(parents=True, exist_ok=True)
    p = OUT / f"{name}.json"
    p.write_text(json.dumps(data, indent=2, default=str))
    return p


def publish(name: str, out: dict[str, Any], heading: str) -> dict[str, Any]:
    """Write ``bench/out/<name>.json`` and print ``heading`` over the result's table; return it."""
    write_json(name, out)
    print(f"\n## {heading}\n")
    print(out["table"], flush=True)
    return out


def _status_mb(field: str, pid: int | None) -> float:
    """A memory line of ``/proc/<pid>/status`` (this process by default), in MB; 0 if absent."""
    try:
        m = re.search(rf"{field}:\s*(\d+)", Path(f"/proc/{pid or 'self'}/status").read_text())
        return int(m.group(1)) / 1024 if m else 0.0
    except OSError:
        return 0.0


def rss_mb(pid: int | None = None) -> float:
    """Resident memory of a process (this one by default), in MB."""
    return _status_mb("VmRSS", pid)


def peak_rss_mb(pid: int | None = None) -> float:
    """Peak resident memory (VmHWM) of a process, in MB."""
    return _status_mb("VmHWM", pid)


def rtqa(n_questions: int | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """realtimeqa-dev questions (sorted by date, then id; the first ``n``) and all articles.

    Raises:
        Skip: the data set is not on this machine.
    """
    qf, af = RTQA / "questions.jsonl", RTQA / "articles.jsonl"
    if not (qf.exists() and af.exists()):
        raise Skip(f"realtimeqa-dev not found under {RTQA}")
    qs = [json.loads(line) for line in qf.read_text().splitlines() if line.strip()]
    qs.sort(key=lambda q: (day(q["date"]), q["id"]))
    arts = [json.loads(line) for line in af.read_text().splitlines() if line.strip()]
    return (qs[:n_questions] if n_questions else qs), arts


def day(s: str) -> date:
    """``2022/06/16`` or ``2022-06-16`` as a date."""
    y, m, d = (int(x) for x in s[:10].replace("-", "/").split("/"))
    return date(y, m, d)


def norm_url(url: str) -> str:
    """A URL without query, fragment, trailing ``/index.html`` or slash (copies compare equal)."""
    u = url.split("#", 1)[0].split("?", 1)[0].strip()
    if u.endswith("/index.html"):
        u = u[: -len("/index.html")]
    return u.rstrip("/").lower()
