"""``newsdesk users add | remove | list`` in a subprocess: exit codes, output, and no password
or hash anywhere it should not be."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from qa import Settings
from qa.accounts import Accounts

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "tr0ub4dor&3 horse"


def users(home: Path, *args: str, stdin: str | None = None,
          **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``newsdesk --home HOME users ARGS`` with ``stdin`` piped in."""
    e = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    e.update(env)
    return subprocess.run([sys.executable, "-m", "qa.cli", "--home", str(home), "users", *args],
                          input=stdin if stdin is not None else "", capture_output=True,
                          text=True, env=e, cwd=ROOT, timeout=120)


def test_add_list_verify_and_remove(tmp_path: Path) -> None:
    home = tmp_path / "home"
    r = users(home, "add", "ann", "--password-stdin", stdin=PASSWORD + "\n")
    assert r.returncode == 0 and "added user ann" in r.stdout, r.stderr
    assert users(home, "add", "bob", "--password-stdin", stdin="hunter2").returncode == 0
    listed = users(home, "list")
    assert listed.returncode == 0
    assert [ln.split("\t")[0] for ln in listed.stdout.splitlines()] == ["ann", "bob"]
    as_json = users(home, "list", "--json")
    assert [u["name"] for u in json.loads(as_json.stdout)] == ["ann", "bob"]
    for out in (listed.stdout + listed.stderr, as_json.stdout):
        assert "scrypt" not in out and PASSWORD not in out and "hunter2" not in out
    acc = Accounts.open(Settings(home=home))
    try:  # the password typed in is the one that signs in, trailing newline left out
        assert acc.verify("ann", PASSWORD) and acc.verify("bob", "hunter2")
    finally:
        acc.close()
    r = users(home, "remove", "ann")
    assert r.returncode == 0 and "removed user ann" in r.stdout
    assert json.loads(users(home, "list", "--json").stdout)[0]["name"] == "bob"


def test_the_catalog_keeps_a_salted_hash_never_the_password(tmp_path: Path) -> None:
    home = tmp_path / "home"
    for name in ("ann", "eve"):
        assert users(home, "add", name, "--password-stdin", stdin=PASSWORD).returncode == 0
    with sqlite3.connect(home / "catalog.db") as db:
        hashes = [h for (h,) in db.execute("SELECT password_hash FROM users ORDER BY name")]
    assert len(hashes) == 2 and hashes[0] != hashes[1]  # same password, different salts
    for h in hashes:
        assert h.startswith("scrypt$") and PASSWORD not in h and "horse" not in h
    raw = b"".join(p.read_bytes() for p in home.glob("catalog.db*"))
    assert PASSWORD.encode() not in raw


def test_failures_exit_1_and_name_the_fix(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert users(home, "add", "ann", "--password-stdin", stdin="pw").returncode == 0
    taken = users(home, "add", "ann", "--password-stdin", stdin="other")
    assert taken.returncode == 1 and "exists" in taken.stderr and "users remove" in taken.stderr
    unknown = users(home, "remove", "nobody")
    assert unknown.returncode == 1 and "no user 'nobody'" in unknown.stderr
    assert "Traceback" not in taken.stderr + unknown.stderr


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    home = tmp_path / "home"
    empty_pw = users(home, "add", "ann", "--password-stdin", stdin="\n")
    assert empty_pw.returncode == 2 and "password is empty" in empty_pw.stderr
    no_name = users(home, "add", "  ", "--password-stdin", stdin="pw")
    assert no_name.returncode == 2 and "empty" in no_name.stderr
    colon = users(home, "add", "session:1", "--password-stdin", stdin="pw")
    assert colon.returncode == 2 and "':'" in colon.stderr
    no_tty = users(home, "add", "ann", stdin="pw\n")  # piped, but no --password-stdin
    assert no_tty.returncode == 2 and "--password-stdin" in no_tty.stderr
    assert users(home, "frobnicate").returncode == 2 and users(home).returncode == 2
    assert not home.exists()  # refused before anything was written
    missing = users(home, "list")
    assert missing.returncode == 2 and "does not exist" in missing.stderr


def test_help_shows_examples(tmp_path: Path) -> None:
    r = users(tmp_path, "add", "--help")
    assert r.returncode == 0 and "newsdesk users add ann" in r.stdout
    assert "--password-stdin" in r.stdout
