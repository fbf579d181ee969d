"""Tests for the `newsdesk` command line, run as a user runs it: `python -m qa.cli --home DIR ...`
in a subprocess, on a two-article corpus written here (real embedding model, real embedded
Chroma). Each test checks the exit code and what the command prints.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qa.cli import main

BRIDGE = ("date 2021-05-04 The harbour bridge in Porto Vale will reopen on Friday after two "
          "years of repairs, the city council said. Repairs cost 40 million euros.\n")
ORCHARD = ("date 2021-05-06 Apple growers in the valley expect a record harvest this autumn, "
           "helped by a warm spring and few frosts.\n")


def newsdesk(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m qa.cli --home HOME ARGS...` without an LLM; capture its output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    return subprocess.run([sys.executable, "-m", "qa.cli", "--home", str(home), "--llm", "none",
                           *args], capture_output=True, text=True, env=env, timeout=300,
                          check=False)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """A home holding the two articles, and the result of the `ingest` that filled it."""
    root = tmp_path_factory.mktemp("cli")
    corpus = root / "articles"
    corpus.mkdir()
    (corpus / "bridge.txt").write_text(BRIDGE, encoding="utf-8")
    (corpus / "orchard.txt").write_text(ORCHARD, encoding="utf-8")
    home = root / "home"
    return home, newsdesk(home, "ingest", str(corpus))


@pytest.mark.slow
def test_ingest_reports_the_counts_and_exits_0(store: tuple[Path, subprocess.CompletedProcess[str]]
                                               ) -> None:
    _, done = store
    assert done.returncode == 0, done.stderr
    assert "2 added" in done.stdout and "0 failed" in done.stdout
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_stats_shows_the_article_count(store: tuple[Path, subprocess.CompletedProcess[str]]
                                       ) -> None:
    home, _ = store
    plain = newsdesk(home, "stats")
    assert plain.returncode == 0, plain.stderr
    rows = dict(line.split(None, 1) for line in plain.stdout.splitlines() if line.strip())
    assert rows["articles"] == "2"
    as_json = newsdesk(home, "stats", "--json")
    assert json.loads(as_json.stdout)["articles"] == 2


@pytest.mark.slow
def test_ask_json_gives_an_answer_with_citations(
        store: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    home, _ = store
    done = newsdesk(home, "ask", "When will the harbour bridge reopen?", "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["question"] == "When will the harbour bridge reopen?"
    assert not answer["abstained"] and answer["text"].strip()
    assert answer["citations"], answer
    first = answer["citations"][0]
    assert f"[{first['n']}]" in answer["text"]
    assert first["article_id"].endswith("bridge.txt")
    assert first["quote"] in BRIDGE


@pytest.mark.slow
def test_an_empty_question_exits_non_zero_naming_the_fix(
        store: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    home, _ = store
    done = newsdesk(home, "ask", "")
    assert done.returncode != 0
    assert done.stdout == ""
    assert "the question is empty" in done.stderr and "type a question" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_deleting_an_unknown_id_exits_non_zero(
        store: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    home, _ = store
    done = newsdesk(home, "delete", "file:articles/no-such-story.txt")
    assert done.returncode != 0
    assert "no-such-story.txt" in done.stderr and "newsdesk list" in done.stderr
    assert json.loads(newsdesk(home, "stats", "--json").stdout)["articles"] == 2  # nothing gone


@pytest.mark.slow
def test_eval_exits_1_when_a_min_threshold_is_not_met(
        store: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path) -> None:
    home, _ = store
    qs = tmp_path / "q.jsonl"
    qs.write_text(json.dumps({"id": "bridge", "question": "When will the harbour bridge reopen?",
                              "answers": ["Friday"], "sources": ["bridge.txt"]}) + "\n")
    passed = newsdesk(home, "eval", str(qs))  # the configured store: the two articles
    assert passed.returncode == 0, passed.stderr
    assert "accuracy" in passed.stdout and "1 questions" in passed.stdout
    failed = newsdesk(home, "eval", str(qs), "--min-accuracy", "1.01")
    assert failed.returncode == 1, failed.stderr
    assert "FAIL: accuracy" in failed.stderr and "below --min-accuracy 1.01" in failed.stderr
    assert "quality gate passed" not in failed.stderr


def test_usage_errors_exit_2_before_opening_anything(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval"]) == 2  # the question set is missing (`eval --json QUESTIONS` works)
    assert "the following arguments are required: questions" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        main(["ask"])  # argparse's own usage errors exit 2 as well
    assert stop.value.code == 2
    assert "the following arguments are required: question" in capsys.readouterr().err
