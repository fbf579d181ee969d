"""``newsdesk chat`` and ``newsdesk history``, run as a user runs them (subprocesses on a home
holding the bundled article): piped chats end on ``quit`` and skip empty lines, every turn is
saved, ``chat --resume`` goes on with a saved conversation, and ``history`` lists, shows,
exports and deletes them with the right exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEED_DIR


def newsdesk(home: Path, *args: str, stdin: str | None = None
             ) -> subprocess.CompletedProcess[str]:
    """Run `python -m qa.cli --home HOME ARGS...` without an LLM; capture its output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    return subprocess.run([sys.executable, "-m", "qa.cli", "--home", str(home), "--llm", "none",
                           *args], input=stdin if stdin is not None else "", capture_output=True,
                          text=True, env=env, timeout=300, check=False)


def listed(home: Path) -> list[dict[str, object]]:
    out = newsdesk(home, "history", "list", "--json")
    assert out.returncode == 0, out.stderr
    rows: list[dict[str, object]] = json.loads(out.stdout)
    return rows


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home holding the bundled article."""
    path = tmp_path_factory.mktemp("history-cli") / "home"
    done = newsdesk(path, "ingest", str(SEED_DIR))
    assert done.returncode == 0, done.stderr
    return path


@pytest.mark.slow
def test_a_piped_chat_skips_empty_lines_ends_on_quit_and_is_saved(home: Path) -> None:
    before = {r["id"] for r in listed(home)}
    out = newsdesk(home, "chat", stdin="Who attended the 2+2 talks?\n\n   \n"
                                        "Where did they meet?\nquit\nWhat did Lavrov say?\n")
    assert out.returncode == 0, out.stderr
    assert "Florence Parly" in out.stdout and "Moscow" in out.stdout
    assert "Lavrov say" not in out.stdout + out.stderr  # nothing after `quit` is asked
    assert "> " not in out.stdout  # no prompt when the input is piped
    new = [r for r in listed(home) if r["id"] not in before]
    assert len(new) == 1 and new[0]["turns"] == 2
    assert new[0]["title"] == "Who attended the 2+2 talks?"
    assert str(new[0]["id"]) in out.stderr  # says how to resume it

    ended = newsdesk(home, "chat", stdin="Who attended the 2+2 talks?\nexit\n")
    assert ended.returncode == 0 and ended.stdout.count("[1]") >= 1
    eof = newsdesk(home, "chat", stdin="Who attended the 2+2 talks?")  # no newline, no quit
    assert eof.returncode == 0 and "Parly" in eof.stdout


@pytest.mark.slow
def test_resume_goes_on_with_the_saved_turns(home: Path) -> None:
    newsdesk(home, "chat", stdin="Who attended the 2+2 talks?\nquit\n")
    cid = str(listed(home)[0]["id"])
    out = newsdesk(home, "chat", "--resume", cid,
                   stdin="What did she say about misunderstanding?\n")
    assert out.returncode == 0, out.stderr
    assert "understood as: What did Florence Parly say" in out.stdout
    assert listed(home)[0]["id"] == cid and listed(home)[0]["turns"] == 2
    missing = newsdesk(home, "chat", "--resume", "no-such-id", stdin="Who?\n")
    assert missing.returncode == 1 and "history list" in missing.stderr


@pytest.mark.slow
def test_history_shows_exports_renames_and_deletes(home: Path, tmp_path: Path) -> None:
    newsdesk(home, "chat", stdin="Who attended the 2+2 talks?\n")
    cid = str(listed(home)[0]["id"])
    text = newsdesk(home, "history")
    assert text.returncode == 0 and cid in text.stdout and "2+2 talks" in text.stdout

    shown = newsdesk(home, "history", "show", cid)
    assert shown.returncode == 0 and "Florence Parly" in shown.stdout and "Sources" in shown.stdout
    md = newsdesk(home, "history", "export", cid, "--format", "md")
    assert md.returncode == 0 and md.stdout.startswith("# Who attended the 2+2 talks?")
    data = json.loads(newsdesk(home, "history", "export", cid, "--format", "json").stdout)
    citation = data["turns"][0]["answer"]["citations"][0]
    assert set(citation) == {"n", "article_id", "title", "url", "source", "published", "quote",
                             "quote_span", "page"}
    assert citation["quote"] in md.stdout
    out_file = tmp_path / "chat.json"
    wrote = newsdesk(home, "history", "export", cid, "--format", "json", "--out", str(out_file))
    assert wrote.returncode == 0 and json.loads(out_file.read_text())["id"] == cid
    as_json = json.loads(newsdesk(home, "history", "show", cid, "--json").stdout)
    assert as_json["turns"][0]["question"] == "Who attended the 2+2 talks?"

    renamed = newsdesk(home, "history", "rename", cid, "Ministers")
    assert renamed.returncode == 0 and listed(home)[0]["title"] == "Ministers"
    gone = newsdesk(home, "history", "delete", cid)
    assert gone.returncode == 0 and cid not in {r["id"] for r in listed(home)}
    again = newsdesk(home, "history", "delete", cid)
    assert again.returncode == 1 and "no saved conversation" in again.stderr
    assert newsdesk(home, "history", "show", cid).returncode == 1
    assert newsdesk(home, "history", "export", cid, "--format", "pdf").returncode == 2
