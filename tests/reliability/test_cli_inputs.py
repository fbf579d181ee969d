"""Odd inputs and outputs of the command line (issue 19, findings 6 and 7): ``k`` out of its
range (CLI, library, settings), output into a pipe that closes early, control characters
in stored names and titles, and a question about 5000 years ago.

The CLI runs as a user runs it (a subprocess); the library checks use the real desk.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from reliability_helpers import ROOT, cli_cmd, cli_env, run_cli

from vectorstore.errors import ConfigError, NewsdeskError, OutOfRange

TALKS = "Who attended the 2+2 talks?"
_RAW_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Control characters that must never reach a terminal (newlines end lines: checked apart)."""


# --------------------------------------------------------------------------- k


@pytest.mark.parametrize("k", ["0", "-1", "100000", "101", "five"])
def test_cli_refuses_k_outside_1_to_100(tmp_path: Path, k: str) -> None:
    p = run_cli(tmp_path, "ask", TALKS, "--k", k)
    err = p.stderr.decode()
    assert p.returncode == 2, err
    assert "from 1 to 100" in err and "Traceback" not in err and p.stdout == b""


def test_cli_refuses_k_from_the_environment(tmp_path: Path) -> None:
    p = run_cli(tmp_path, "stats", NEWSDESK_K="500")
    err = p.stderr.decode()
    assert p.returncode == 1 and "NEWSDESK_K" in err and "from 1 to 100" in err, err


@pytest.mark.parametrize("k", [0, -1, 101, 100000, 2.5, True])
def test_the_library_refuses_k_outside_1_to_100(seed_desk, k: object) -> None:
    with pytest.raises(OutOfRange) as e:
        seed_desk.ask(TALKS, k=k)
    assert isinstance(e.value, ValueError) and isinstance(e.value, NewsdeskError)
    assert "from 1 to 100" in str(e.value)
    with pytest.raises(OutOfRange):
        seed_desk.retriever(k=k)


def test_k_at_the_limits_answers(seed_desk) -> None:
    for k in (1, 100):
        answer = seed_desk.ask(TALKS, k=k)
        assert "Lavrov" in answer.text and 1 <= len(answer.passages) <= k


def test_settings_refuse_k_outside_1_to_100() -> None:
    from vectorstore.config import Settings

    with pytest.raises(ConfigError, match="NEWSDESK_K.*from 1 to 100"):
        Settings.from_env({"NEWSDESK_K": "101"})
    with pytest.raises(OutOfRange):
        Settings.from_env({}).with_(k=1000)
    assert Settings.from_env({"NEWSDESK_K": "100"}).k == 100


# --------------------------------------------------------------------------- a closed pipe


def test_a_closed_pipe_ends_quietly(seed_desk) -> None:
    """The reader is gone before the first line (`newsdesk list | head -0`): exit 0, nothing
    on stderr (no traceback, no 'Exception ignored')."""
    home = seed_desk.settings.home
    for args in (["list"], ["list", "--json"], ["ask", TALKS]):
        proc = subprocess.Popen(cli_cmd(home, *args), cwd=ROOT, env=cli_env(home),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        err = proc.stderr.read().decode()
        assert proc.wait(timeout=600) == 0, (args, err)
        assert err == "", (args, err)


def test_newsdesk_list_into_head(seed_desk) -> None:
    home = seed_desk.settings.home
    cmd = " ".join(f"'{c}'" for c in map(str, cli_cmd(home, "list"))) + " | head -1"
    done = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], cwd=ROOT, env=cli_env(home),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert len(done.stdout.splitlines()) == 1


# --------------------------------------------------------------------------- control characters


def test_control_characters_in_names_and_titles_are_escaped(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    hostile = "clear\x1b[2J\x1b]0;owned\x07name\nnext\u202eline.txt"
    (corpus / hostile).write_text(
        "Title: Budget \x9b31m vote \u202etxt.exe\nDate: 2021-02-03\nSource: Wire\x1b[5m\n\n"
        "The Zorvex council approved the budget on Monday after a long debate.\n",
        encoding="utf-8")
    (corpus / "empty\x1b[31m.txt").write_text("", encoding="utf-8")  # a file that fails
    home = tmp_path / "home"
    ingested = run_cli(home, "ingest", str(corpus))
    err = ingested.stderr.decode()
    assert ingested.returncode == 1, err  # the empty file failed
    assert "empty\\x1b[31m.txt" in err and not _RAW_CONTROL.search(err), err
    listed = run_cli(home, "list")
    out = listed.stdout.decode()
    assert listed.returncode == 0, listed.stderr.decode()
    assert not _RAW_CONTROL.search(out), out
    assert "clear\\x1b[2J\\x1b]0;owned\\x07name\\nnext\\u202eline.txt" in out
    assert len(out.splitlines()) == 3  # title line, id line, count: no injected line
    asked = run_cli(home, "ask", "What did the Zorvex council approve?")
    assert asked.returncode == 0 and not _RAW_CONTROL.search(asked.stdout.decode())
    as_json = json.loads(run_cli(home, "list", "--json").stdout)
    assert as_json[0]["id"].endswith(hostile)  # JSON escapes, and keeps the value


# --------------------------------------------------------------------------- odd questions


def test_a_question_about_5000_years_ago_answers_or_abstains(seed_desk) -> None:
    home = seed_desk.settings.home
    for args in (["ask", "What happened 5000 years ago?"],
                 ["ask", "What happened 5000 years ago?", "--json"]):
        done = run_cli(home, *args)
        err = done.stderr.decode()
        assert done.returncode == 0, err
        assert "Traceback" not in err and "unexpected" not in err and "error" not in err
        assert done.stdout.strip()
    answer = json.loads(done.stdout)
    assert answer["abstained"] or answer["citations"]
