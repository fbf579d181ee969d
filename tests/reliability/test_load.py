"""Concurrency: 20 UI users at once (``gradio_client``), with an upload going on, get the same
correct answers as one user alone, and no errors.

"The same as one user alone": the upload changes the store, and a new article can change an
answer for a lone user too (the answerer weighs the passages it is given); so each answer
must be the lone-user answer of the store before or after the upload, and the expected words
must be in every answer to a question the upload did not change.

The full 20 × 10 run, with its timings, is ``python -m bench.load_ui`` (bench/README.md);
here 20 × 3, and nothing is timed.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from reliability_helpers import App

from bench.load_ui import (
    SEED_QUESTIONS,
    check_questions,
    reference_answers,
    run_load,
    serving_table,
    write_articles,
)
from bench.serving import Cpu, cpu_per_request

pytestmark = pytest.mark.slow


def test_the_seed_questions_are_answerable_from_the_seed_article():
    check_questions()
    with pytest.raises(ValueError, match="not in the seed article"):
        check_questions([("Who?", ("Napoleon Bonaparte",))])


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


def test_twenty_users_at_once_while_articles_are_uploaded(ui_app: App, tmp_path: Path):
    ref = reference_answers(ui_app.url, SEED_QUESTIONS)
    wrong_alone = {q: ref[q] for q, words in SEED_QUESTIONS if not all(w in ref[q] for w in words)}
    assert not wrong_alone, f"wrong even for one user: {wrong_alone}"

    files = write_articles(tmp_path / "upload", 3, "t")
    before = len(ui_app.client().predict(api_name="/list"))
    result = run_load(ui_app.url, users=20, per_user=3, reference=ref,
                      ingest_files=list(files), ingest_names=list(files.values()))

    assert len(result.calls) == 60
    assert {c.endpoint for c in result.calls} == {"/ask", "/chat"}
    assert not result.errors, [(c.question, c.error) for c in result.errors[:5]]
    assert not result.inconsistent, [(c.question, c.text[:200]) for c in result.inconsistent[:5]]
    assert not result.wrong_alone(), result.wrong_alone()
    assert not result.wrong, [(c.question, c.text[:200]) for c in result.wrong[:5]]
    assert len(result.changed_by_upload) < len(SEED_QUESTIONS) / 2
    for q in result.changed_by_upload:
        warnings.warn(f"uploading 3 unrelated articles changed the answer to {q!r} from "
                      f"{result.before[q][:80]!r} to {result.after[q][:80]!r}", stacklevel=1)

    assert not result.ingest_error, result.ingest_error
    assert result.ingest["added"] == 3 and result.ingest["failed"] == 0
    assert len(ui_app.client().predict(api_name="/list")) == before + 3
    assert result.uploaded_answerable == 3
    # The upload was ingested while users were asking (so the test does test that).
    assert result.during_ingest, "no question was in flight during the upload"
