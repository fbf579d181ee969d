"""Tests for `newsdesk eval` (qa.cli.eval_command) on real stores (real model, real Chroma):
exit codes of the --min-* gate, source matching, realtimeqa with a store cache, reports.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.cli import main
from qa.eval import GATED_METRICS, METRICS, load_cases
from tests.qa.eval.eval_builders import (
    QUESTIONS,
    SEED_DIR,
    SEED_NAME,
    fake_realtimeqa,
    tiny_corpus,
    write_jsonl,
)

# --------------------------------------------------------------------------- end to end


@pytest.mark.slow
def test_gate_exit_codes_and_source_matching_on_a_real_store(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]
                                                               ) -> None:
    home = tmp_path / "home"
    corpus = tiny_corpus(tmp_path / "articles")
    assert main(["--home", str(home), "ingest", str(corpus)]) == 0
    qs = write_jsonl(tmp_path / "q.jsonl", [
        {"id": "by-url", "question": "When will the harbour bridge reopen?",
         "answers": ["Friday"], "sources": ["https://news.example/bridge#:~:text=Friday"]},
        {"id": "by-copy", "question": "How much did the bridge repairs cost?",
         "answers": ["40 million euros"], "sources": ["bridge_copy.txt"]},
        {"id": "by-id", "question": "What harvest do apple growers expect?",
         "answers": ["record harvest"], "sources": ["file:articles/orchard.txt"]},
        {"id": "missing", "question": "Who repaired the bridge?", "answers": ["a company"],
         "sources": ["not-in-the-store.txt"]},
    ])
    out = tmp_path / "out.json"
    # 2 stored chunks (the copy has none) < k: every article is retrieved, so hit@5 is 3/4.
    rc = main(["--home", str(home), "eval", str(qs), "--json", str(out),
               "--min-hit-at-k", "0.75"])
    assert rc == 0
    data = json.loads(out.read_text())
    ranks = {c["id"]: c["rank"] for c in data["cases"]}
    assert ranks["by-url"] > 0 and ranks["by-copy"] > 0 and ranks["by-id"] > 0
    assert ranks["missing"] == 0
    assert data["metrics"]["hit_at_k"] == 0.75
    capsys.readouterr()
    rc = main(["--home", str(home), "eval", str(qs), "--min-hit-at-k", "0.8",
               "--min-mrr", "0", "--min-abstention-recall", "0.5"])
    assert rc == 1
    err = capsys.readouterr().err
    assert "hit_at_k 0.750 is below --min-hit-at-k 0.8" in err
    assert "abstention_recall could not be measured" in err
    assert "mrr" not in err


@pytest.mark.slow
def test_realtimeqa_command_with_store_cache(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    folder = fake_realtimeqa(tmp_path / "rtqa")
    cache, out = tmp_path / "cache", tmp_path / "r.json"
    args = ["eval", str(folder), "--format", "realtimeqa", "--window-days", "5", "--limit", "2",
            "--store-cache", str(cache), "--json", str(out)]
    assert main(args) == 0
    first = capsys.readouterr().err
    assert "2 questions, 2 articles" in first and "2 added" in first
    data = json.loads(out.read_text())
    assert [c["id"] for c in data["cases"]] == ["20220617_0", "20220624_0"]
    assert data["support"]["hit_at_1"] == 2
    # the window holds no 'late' article, and the as_of filter is applied per question
    assert all(p["url"] != "https://news.example/late" for c in data["cases"]
               for p in c["passages"])
    assert all(c["rank"] > 0 for c in data["cases"])
    # as of 06/16 the Madrid story (06/20) is not yet published
    assert {p["url"] for p in data["cases"][0]["passages"]} == {
        "https://news.example/2022/06/12/squid/index.html"}
    assert main(args) == 0
    assert "0 added" in capsys.readouterr().err  # reused, not re-embedded


@pytest.mark.slow
def test_eval_command_end_to_end(tmp_path: Path) -> None:
    out, html = tmp_path / "out" / "eval.json", tmp_path / "out" / "eval.html"
    rc = main(["eval", str(QUESTIONS), "--corpus", str(SEED_DIR), "--json", str(out),
               "--report", str(html)])
    assert rc == 0
    data = json.loads(out.read_text())
    assert set(data["metrics"]) == set(METRICS)
    for m in GATED_METRICS:
        v = data["metrics"][m]
        assert v is None or 0.0 <= v <= 1.0, m
    n_questions = sum(len(c.turns) for c in load_cases(QUESTIONS))
    assert data["counts"]["questions"] == len(data["cases"]) == n_questions
    assert data["support"]["abstention_recall"] >= 8
    page = html.read_text()
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    assert all(f'<details class="case failed" open>\n<summary><span class="tag failed">failed'
               f"</span> <b>{c}</b>" in page for c in data["failures"])


# --------------------------------------------------------------------------- --today, --half


@pytest.mark.parametrize("bad", ["next tuesday", "2022-13-01", "17/06/2022"])
def test_today_must_be_a_day(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["eval", str(QUESTIONS), "--today", bad])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "--today" in err and "YYYY-MM-DD" in err


def test_half_needs_the_realtimeqa_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(QUESTIONS), "--half", "tune"]) == 2
    assert "--format realtimeqa" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["eval", str(QUESTIONS), "--format", "realtimeqa", "--half", "train"])
    assert exit_.value.code == 2


@pytest.mark.slow
def test_today_makes_relative_dates_reproducible(tmp_path: Path) -> None:
    qs = write_jsonl(tmp_path / "q.jsonl", [
        {"id": "week", "question": "Who held talks in Moscow this week?",
         "answers": ["Lavrov"], "sources": [SEED_NAME]}])
    runs = {}
    for today in ("2019-09-11", "2020-01-15"):
        out = tmp_path / f"{today}.json"
        assert main(["eval", str(qs), "--corpus", str(SEED_DIR), "--today", today,
                     "--json", str(out)]) == 0
        runs[today] = json.loads(out.read_text())
        assert runs[today]["meta"]["today"] == today
    assert runs["2019-09-11"]["cases"][0]["rank"] == 1  # the talks were that week
    # nothing published the week of 2020-01-15: the newest matching article answers instead
    assert runs["2020-01-15"]["cases"][0]["rank"] == 1


@pytest.mark.slow
def test_realtimeqa_half(tmp_path: Path) -> None:
    folder = fake_realtimeqa(tmp_path / "rtqa")
    out = tmp_path / "held.json"
    assert main(["eval", str(folder), "--format", "realtimeqa", "--half", "held-back",
                 "--window-days", "5", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert [c["id"] for c in data["cases"]] == ["20220624_0"]
    assert data["meta"]["half"] == "held-back"
