"""The `newsdesk` command behaves like a Unix tool (issue 17, point 8): exit statuses, global
options before or after the command, a --home that must exist, --json on every command,
progress lines when piped, help with examples, streaming with each note once.

Run as a user runs it: `python -m qa.cli` in a subprocess (real model, real embedded Chroma),
on a small corpus written here and on the bundled article.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa.cli.main import build_parser
from tests.fakes.llm_server import FakeLLMServer

ROOT = Path(__file__).resolve().parents[3]
SEED_DIR = ROOT / "corpus" / "articles"
TALKS = "Who attended the 2+2 talks?"
ATTENDED = "Jean-Yves Le Drian, Florence Parly, Sergei Lavrov and Sergei Shoigu attended [1]."
PARIS = "The talks were held in Paris [1]."


def newsdesk(*args: str | Path, env: dict[str, str] | None = None,
             timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``python -m qa.cli ARGS...`` (no NEWSDESK_* variables but ``env``, no LLM)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    base.update({"NEWSDESK_LLM": "none", "HF_HUB_OFFLINE": "1", **(env or {})})
    return subprocess.run([sys.executable, "-m", "qa.cli", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, env=base, timeout=timeout,
                          check=False)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home made by `ingest` (it did not exist before): the bundled article."""
    home = tmp_path_factory.mktemp("conventions") / "made-by-ingest"
    assert not home.exists()
    done = newsdesk("ingest", SEED_DIR, "--home", home)
    assert done.returncode == 0, done.stderr
    assert home.is_dir() and "1 added" in done.stdout
    return home


# --------------------------------------------------------------------------- exit statuses


@pytest.mark.slow
def test_a_missing_path_makes_ingest_exit_1_and_the_rest_is_stored(home: Path,
                                                                   tmp_path: Path) -> None:
    story = tmp_path / "bridge.txt"
    story.write_text("date 2021-05-04 The harbour bridge in Porto Vale will reopen on Friday "
                     "after two years of repairs, the city council said.\n", encoding="utf-8")
    other = tmp_path / "home"
    done = newsdesk("ingest", story, tmp_path / "no-such-file.txt", "--home", other)
    assert done.returncode == 1, done.stderr
    assert "1 added" in done.stdout and "1 failed" in done.stdout
    assert "no-such-file.txt" in done.stderr
    listed = newsdesk("list", "--json", "--home", other)
    assert [a["id"].rsplit("/", 1)[-1] for a in json.loads(listed.stdout)] == ["bridge.txt"]
    again = newsdesk("ingest", story, "--home", other)
    assert again.returncode == 0 and "1 unchanged" in again.stdout, again.stderr


@pytest.mark.slow
def test_ask_on_an_empty_store_exits_3(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    plain = newsdesk("ask", TALKS, "--home", empty, "--create")
    assert plain.returncode == 3, plain.stderr
    assert plain.stdout == "" and "newsdesk ingest" in plain.stderr
    as_json = newsdesk("--json", "--home", empty, "ask", TALKS)
    assert as_json.returncode == 3, as_json.stderr
    answer = json.loads(as_json.stdout)
    assert answer["abstained"] and answer["citations"] == []


@pytest.mark.parametrize(("args", "says"), [
    (["ask"], "required: question"),
    (["ask", TALKS, "--k", "0"], "from 1 to 100"),
    (["delete"], "--source"),
    (["ingest", "https://example.com/story"], "newsdesk add"),
    (["no-such-command"], "invalid choice"),
    (["eval", "--out", "x.json"], "required: questions"),
])
def test_usage_errors_exit_2(home: Path, args: list[str], says: str) -> None:
    done = newsdesk(*args, "--home", home)
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert says in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


# --------------------------------------------------------------------------- global options


@pytest.mark.slow
def test_global_options_work_before_or_after_the_command(home: Path) -> None:
    runs: list[list[str | Path]] = [["--home", home, "--llm", "none", "--json", "ask", TALKS],
                                     ["ask", TALKS, "--home", home, "--llm", "none", "--json"],
                                     ["--json", "ask", TALKS, "--home", home, "--collection",
                                      "default"]]
    for args in runs:
        done = newsdesk(*args)
        assert done.returncode == 0, (args, done.stderr)
        assert "Lavrov" in json.loads(done.stdout)["text"]
    nested = newsdesk("feeds", "list", "--home", home, "--json")
    assert nested.returncode == 0 and json.loads(nested.stdout) == [], nested.stderr
    collections = newsdesk("collections", "list", "--json", "--home", home)
    assert {c["name"] for c in json.loads(collections.stdout)} == {"default"}


def test_a_home_that_does_not_exist_is_refused_unless_created(tmp_path: Path) -> None:
    typo = tmp_path / "new-sdesk"
    typos: list[list[str | Path]] = [["stats", "--home", typo], ["--home", typo, "list"]]
    for args in typos:
        done = newsdesk(*args)
        assert done.returncode == 2, done.stderr
        assert "--home" in done.stderr and "does not exist" in done.stderr
        assert "--create" in done.stderr and "Traceback" not in done.stderr
    from_env = newsdesk("stats", env={"NEWSDESK_HOME": str(typo)})
    assert from_env.returncode == 2 and "NEWSDESK_HOME" in from_env.stderr
    assert not typo.exists()  # nothing was made on the way
    made = newsdesk("stats", "--json", "--home", typo, "--create")
    assert made.returncode == 0, made.stderr
    assert typo.is_dir() and json.loads(made.stdout)["articles"] == 0
    file = tmp_path / "a-file"
    file.write_text("x")
    assert newsdesk("stats", "--home", file, "--create").returncode == 2


# --------------------------------------------------------------------------- --json everywhere


@pytest.mark.slow
def test_json_goes_to_stdout_on_every_command(home: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    dump = tmp_path / "desk.jsonl"
    runs: list[list[str | Path]] = [
        ["stats"], ["list"], ["ask", TALKS], ["feeds", "list"], ["collections", "list"],
        ["collections", "create", "spare"], ["collections", "rename", "spare", "extra"],
        ["collections", "delete", "extra", "--yes"], ["export", dump],
        ["ingest", SEED_DIR, "--home", copy], ["import", dump, "--home", copy],
        ["delete", json.loads(newsdesk("list", "--json", "--home", home).stdout)[0]["id"],
         "--home", copy],
        ["repair", "--home", copy],
    ]
    for args in runs:
        where: list[str | Path] = [] if "--home" in args else ["--home", home]
        done = newsdesk(*args, "--json", *where)
        assert done.returncode == 0, (args, done.stderr)
        assert json.loads(done.stdout) is not None, args
    assert json.loads(newsdesk("stats", "--json", "--home", copy).stdout)["articles"] == 0


# --------------------------------------------------------------------------- eval output


def _scores(report: dict[str, object]) -> dict[str, object]:
    """A JSON report's metrics but its timings (which differ from run to run)."""
    metrics = report["metrics"]
    assert isinstance(metrics, dict) and "accuracy" in metrics
    return {k: v for k, v in metrics.items() if "latency" not in k}


@pytest.mark.slow
def test_eval_prints_json_writes_out_and_keeps_the_old_json_file(home: Path,
                                                                 tmp_path: Path) -> None:
    qs = tmp_path / "q.jsonl"
    qs.write_text(json.dumps({"id": "talks", "question": TALKS, "answers": ["Lavrov"],
                              "sources": ["000_0777dc97777bf6e9.txt"]}) + "\n")
    printed = newsdesk("eval", qs, "--json", "--home", home)
    assert printed.returncode == 0, printed.stderr
    report = json.loads(printed.stdout)
    flag_first = newsdesk("eval", "--json", qs, "--home", home)  # the flag, then the set
    assert flag_first.returncode == 0, flag_first.stderr
    assert _scores(json.loads(flag_first.stdout)) == _scores(report)
    out = tmp_path / "out" / "eval.json"
    written = newsdesk("eval", qs, "--out", out, "--home", home)
    assert written.returncode == 0 and "accuracy" in written.stdout, written.stderr
    assert _scores(json.loads(out.read_text())) == _scores(report)
    assert "deprecated" not in written.stderr
    legacy = tmp_path / "legacy.json"
    old = newsdesk("eval", qs, "--json", legacy, "--home", home)
    assert old.returncode == 0, old.stderr
    assert "deprecated" in old.stderr and f"--out {legacy}" in old.stderr
    assert _scores(json.loads(legacy.read_text())) == _scores(report)
    assert "accuracy" in old.stdout  # the old form printed the tables, and still does


# --------------------------------------------------------------------------- progress


@pytest.mark.slow
def test_progress_is_one_line_per_100_files_when_piped(tmp_path: Path) -> None:
    corpus = tmp_path / "many"
    corpus.mkdir()
    for i in range(150):
        (corpus / f"n{i:03d}.txt").write_text(
            f"Brief {i}: the Qorvald{i:03d} committee met on a Tuesday to discuss the budget.\n",
            encoding="utf-8")
    done = newsdesk("ingest", corpus, "--home", tmp_path / "home")
    assert done.returncode == 0, done.stderr
    lines = [ln for ln in done.stderr.splitlines() if ln.startswith("ingest: ")]
    assert [re.sub(r" \(\d+ s\)$", "", ln) for ln in lines] == \
        ["ingest: 100/150 articles", "ingest: 150/150 articles"], done.stderr
    assert "\r" not in done.stderr and "it/s" not in done.stderr  # no bar into a pipe


def test_a_terminal_gets_a_labelled_bar_from_the_start() -> None:
    """The bar is drawn before the first article is done (loading the model takes seconds)."""
    import io

    from qa.cli.progress import tqdm_progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    term = Terminal()
    with tqdm_progress("article", desc="ingest", stream=term) as update:
        assert "ingest" in term.getvalue()  # before any article
        update(1, 3, "a.txt")
        assert "1/3" in term.getvalue()  # the total is shown once known
        update(3, 3, "c.txt")


# --------------------------------------------------------------------------- help


def _commands(parser: argparse.ArgumentParser, path: str = "newsdesk"
              ) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield f"{path} {name}", sub
                yield from _commands(sub, f"{path} {name}")


def test_every_option_has_help_and_every_command_an_example() -> None:
    commands = dict(_commands(build_parser()))
    assert {"newsdesk ingest", "newsdesk ask", "newsdesk eval", "newsdesk feeds add",
            "newsdesk collections create"} <= set(commands)
    for path, parser in commands.items():
        assert parser.epilog and "example" in parser.epilog, path
        assert f"{path} " in parser.epilog or path.split()[-1] in parser.epilog, path
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help and action.help != argparse.SUPPRESS, (path, action.dest)


def test_help_shows_the_examples_and_the_exit_statuses() -> None:
    top = newsdesk("--help")
    assert top.returncode == 0 and "examples:" in top.stdout and "exit status" in top.stdout
    ask = newsdesk("ask", "--help")
    assert ask.returncode == 0 and 'newsdesk ask "' in ask.stdout and "--stream" in ask.stdout


# --------------------------------------------------------------------------- streaming


@pytest.mark.slow
def test_streaming_prints_the_same_answer(home: Path) -> None:
    streamed = newsdesk("ask", TALKS, "--stream", "--home", home)
    plain = newsdesk("ask", TALKS, "--no-stream", "--home", home)
    assert streamed.returncode == plain.returncode == 0, streamed.stderr
    assert streamed.stdout == plain.stdout and "Lavrov" in plain.stdout


@pytest.fixture(scope="module")
def llm() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as server:
        yield server


def _llm_env(server: FakeLLMServer) -> dict[str, str]:
    return {"NEWSDESK_LLM": "openai:fake-model", "NEWSDESK_LLM_BASE_URL": server.openai_url,
            "NEWSDESK_LLM_API_KEY": "test-key"}


@pytest.mark.slow
def test_a_sentence_without_support_is_printed_once(home: Path, llm: FakeLLMServer) -> None:
    llm.push(f"{ATTENDED} {PARIS}")
    done = newsdesk("ask", TALKS, "--home", home, env=_llm_env(llm))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == ATTENDED
    both = done.stdout + done.stderr
    assert both.count("Paris") == 1, both
    assert "left out" in done.stderr and "Paris" in done.stderr
    notes = [ln for ln in done.stderr.splitlines() if "note:" in ln]
    assert len(notes) == len(set(notes))


@pytest.mark.slow
def test_streamed_into_a_pipe_the_checked_answer_follows(home: Path,
                                                         llm: FakeLLMServer) -> None:
    llm.push(f"{ATTENDED} {PARIS}")
    done = newsdesk("ask", TALKS, "--stream", "--home", home, env=_llm_env(llm))
    assert done.returncode == 0, done.stderr
    raw, checked = done.stdout.split("(the answer after the support check:)\n")
    assert PARIS in raw and checked.splitlines()[0] == ATTENDED


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_on_a_terminal_the_answer_streams_and_is_replaced_by_the_checked_one(
        home: Path, llm: FakeLLMServer) -> None:
    llm.push(f"{ATTENDED} {PARIS}")
    master, slave = os.openpty()
    base = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    proc = subprocess.Popen([sys.executable, "-m", "qa.cli", "ask", TALKS, "--home", str(home)],
                            cwd=ROOT, stdout=slave, stderr=subprocess.PIPE, text=True,
                            env={**base, "HF_HUB_OFFLINE": "1", "COLUMNS": "200",
                                 **_llm_env(llm)})
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    err = proc.stderr.read() if proc.stderr else ""
    assert proc.wait(timeout=300) == 0, err
    out = b"".join(chunks).decode()
    assert PARIS in out  # streamed as it came ...
    before, after = out.split("\x1b[J", 1)  # ... then erased
    assert PARIS in before and PARIS not in after
    assert after.replace("\r\n", "\n").splitlines()[0] == ATTENDED
