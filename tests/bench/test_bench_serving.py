"""The serving benchmark's pure parts: its table and CPU-per-request figures."""

from __future__ import annotations

from bench.load_ui import serving_table
from bench.serving import Cpu, cpu_per_request


def test_the_serving_table_gives_the_gradio_client_runs_over_the_no_op_ceiling():
    def run(rps: float, client_ms: float | None, server_ms: float | None) -> dict:
        return {"users": 20, "requests": 200, "errors": 0, "throughput_rps": rps,
                "p50_s": 0.5, "p95_s": 1.0, "client_cpu_ms_per_req": client_ms,
                "server_cpu_ms_per_req": server_ms}

    direct = run(80.0, None, None)
    ceiling = run(25.0, 50.0, 4.0)
    text, ratios = serving_table([0.1] * 20, direct, {1: run(20.0, 55.0, 22.0)},
                                 {1: run(72.0, 5.0, 13.0)}, ceiling)
    rows = {r[0]: r[1:] for r in ([c.strip() for c in x.strip("|").split("|")]
                                  for x in text.splitlines())}
    assert rows["run"][-3:] == ["answers/s ÷ ceiling", "client CPU ms/req", "server CPU ms/req"]
    assert [float(x) for x in rows["20 gradio_client users, 1 app process"][-3:]] == [0.8, 55, 22]
    v1 = rows["20 HTTP clients on /v1, 1 app process"][-3:]
    assert v1[0] == "-" and [float(x) for x in v1[1:]] == [5, 13]  # no ceiling for /v1
    top = rows["20 gradio_client users, no-op Gradio endpoint (the client's ceiling)"]
    assert [float(x) for x in top[-3:]] == [1.0, 50, 4]
    assert ratios["1_process"]["answers_per_s_vs_ceiling"] == 0.8
    assert ratios["ceiling"] is ceiling
    without, _ = serving_table([0.1] * 20, direct, {1: run(20.0, 55.0, 22.0)})
    assert "no-op" not in without


def test_cpu_per_request_in_milliseconds():
    assert cpu_per_request(Cpu(11.0, 4.0), 200) == {"client_cpu_ms_per_req": 55.0,
                                                   "server_cpu_ms_per_req": 20.0}
    assert cpu_per_request(Cpu(1.0, None), 0) == {"client_cpu_ms_per_req": None,
                                                 "server_cpu_ms_per_req": None}
