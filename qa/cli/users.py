"""``newsdesk users``: add, remove and list the people who may sign in to the UI.

Users live in the catalog (only their scrypt hashes, see :mod:`qa.accounts`), so every
replica of the app knows them; the password is read from a prompt (never an argument: it
would show in the process list and the shell history) or, with ``--password-stdin``, as
one line from standard input. Exit status: 0 done; 1 failed (an unknown user, a name
taken: ``NotFound`` and ``AccountError`` reach :func:`qa.cli.main.main`); 2 usage (an unusable
name or password, no password to read).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from qa.cli.common import EXIT_USAGE, command, print_json, shown

__all__ = ["add_commands", "cmd_users"]

NOTE = """The app asks for a sign-in once users exist (restart it after adding the first one);
NEWSDESK_AUTH=user:password keeps working beside them."""


def _read_password(args: argparse.Namespace) -> str | None:
    """The new password: one line of stdin, or typed twice at a prompt; ``None`` (with a
    message) when it cannot be read."""
    if args.password_stdin:
        return sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    if not sys.stdin.isatty():
        print("no terminal to ask for the password on: pipe it with --password-stdin",
              file=sys.stderr)
        return None
    first = getpass.getpass(f"Password for {args.name}: ")
    if getpass.getpass("Again: ") != first:
        print("the two passwords differ: nothing changed", file=sys.stderr)
        return None
    return first


def cmd_users(args: argparse.Namespace) -> int:
    """``newsdesk users add NAME [--password-stdin] | remove NAME | list [--json]``."""
    from qa.accounts import Accounts, name_problem, password_problem
    from vectorstore.config import Settings

    if args.action == "add" and (problem := name_problem(args.name)):
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    password = _read_password(args) if args.action == "add" else None
    if args.action == "add" and password is None:
        return EXIT_USAGE
    if password is not None and (problem := password_problem(password)):
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    settings = Settings.from_env().with_(home=Path(args.home) if args.home else None)
    accounts = Accounts.open(settings)
    try:
        if args.action == "list":
            found = accounts.list_users()
            if args.json:
                print_json([u.to_dict() for u in found])
            for u in found if not args.json else ():
                print(f"{shown(u.name)}\t{u.created_at:%Y-%m-%d %H:%M} UTC")
            return 0
        if args.action == "remove":
            accounts.remove(args.name)
        else:
            assert password is not None
            accounts.add(args.name, password)
        done = "removed" if args.action == "remove" else "added"
        if args.json:
            print_json({"user": args.name, done: True})
        else:
            print(f"{done} user {shown(args.name)}")
        return 0
    finally:
        accounts.close()


def add_commands(sub: Any) -> None:
    """Register ``users`` on the ``newsdesk`` sub-parsers."""
    p = command(sub, "users", "add, remove or list the people who may sign in to the UI",
                ["newsdesk users add ann", "newsdesk users list --json"])
    p.epilog = f"{p.epilog}\n\n{NOTE}"
    acts = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    s = command(acts, "add", "add a user (asks for the password twice)",
                ["newsdesk users add ann",
                 "printf '%s\\n' \"$PASSWORD\" | newsdesk users add ann --password-stdin"])
    s.add_argument("name", help="the name to sign in with (no ':', no control characters)")
    s.add_argument("--password-stdin", action="store_true",
                   help="read the password as one line from standard input")
    s.set_defaults(writes=True)
    s = command(acts, "remove", "remove a user", "newsdesk users remove ann")
    s.add_argument("name", help="the user to remove")
    command(acts, "list", "the users, by name (never their passwords or hashes)",
            "newsdesk users list --json")
    p.set_defaults(fn=cmd_users)
