"""``newsdesk history``: the saved conversations (list, show, export, rename, delete).

Conversations are saved by ``newsdesk chat``, ``desk.chat()`` and the web UI
(:mod:`qa.history`). ``list`` shows the CLI's and Python API's own (owner ``""``) unless
``--owner`` or ``--all`` says otherwise; the commands that take an id work on any.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from qa.cli.common import command, open_desk, print_json, shown

__all__ = ["add_commands"]


def _json(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "json", False))


def cmd_list(args: argparse.Namespace) -> int:
    """``newsdesk history [list]``: the saved conversations, most recently changed first."""
    from qa.history import conversations

    owner = None if getattr(args, "all", False) else getattr(args, "owner", "") or ""
    rows = conversations(open_desk(args), owner)
    if _json(args):
        print_json([r.to_dict() for r in rows])
        return 0
    if not rows:
        print("No saved conversations yet: `newsdesk chat` starts one.", file=sys.stderr)
        return 0
    for r in rows:
        who = f"  [{shown(r.owner)}]" if owner is None and r.owner else ""
        print(f"{r.id}  {r.updated:%Y-%m-%d %H:%M}  {r.turns:>3} turn{'' if r.turns == 1 else 's'}"
              f"  {shown(r.title)}{who}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """``newsdesk history show ID``: every turn of one conversation, with its sources."""
    from qa.history import load

    conv = load(open_desk(args), args.id)
    if _json(args):
        print_json(conv.to_dict())
    else:
        print(shown(conv.to_markdown(), lines=True), end="")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """``newsdesk history export ID --format md|json [--out FILE]``."""
    from qa.history import load, to_json

    conv = load(open_desk(args), args.id)
    fmt = "json" if _json(args) and args.format is None else args.format or "md"
    text = to_json(conv) + "\n" if fmt == "json" else conv.to_markdown()
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"Wrote {shown(args.out)} ({len(conv.turns)} turns, {fmt}).", file=sys.stderr)
    else:
        sys.stdout.write(text if fmt == "json" else shown(text, lines=True))
    return 0


def cmd_rename(args: argparse.Namespace) -> int:
    """``newsdesk history rename ID TITLE``."""
    from qa.history import rename

    row = rename(open_desk(args), args.id, args.title)
    if _json(args):
        print_json(row.to_dict())
    else:
        print(f"Renamed {row.id}: {shown(row.title)}")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    """``newsdesk history delete ID``: the conversation and its turns."""
    from qa.history import delete

    delete(open_desk(args), args.id)
    if _json(args):
        print_json({"deleted": args.id})
    else:
        print(f"Deleted conversation {shown(args.id)}.")
    return 0


def add_commands(sub: Any) -> None:
    """Register ``history`` (with ``list``, ``show``, ``export``, ``rename``, ``delete``)."""
    h = command(sub, "history", "list, show, export, rename or delete saved conversations",
                ["newsdesk history", "newsdesk history show ID",
                 "newsdesk history export ID --format md --out chat.md",
                 "newsdesk history delete ID"])
    h.set_defaults(fn=cmd_list, owner="", all=False)
    hs = h.add_subparsers(dest="history_command", metavar="ACTION")
    s = command(hs, "list", "the saved conversations, most recently changed first",
                ["newsdesk history list", "newsdesk history list --all --json"])
    s.add_argument("--owner", default="", help="whose conversations: a user name or "
                   "session:<id> of the web UI (default: the CLI's and Python API's own)")
    s.add_argument("--all", action="store_true", help="every owner's conversations")
    s.set_defaults(fn=cmd_list)
    s = command(hs, "show", "print one conversation: each question, answer and its sources",
                "newsdesk history show 3f2c9a0e5b1d4c7e8a6f0b2d4e6a8c0e")
    s.add_argument("id", help="the conversation's id (from `newsdesk history list`)")
    s.set_defaults(fn=cmd_show)
    s = command(hs, "export", "write one conversation as Markdown (with its sources) or JSON",
                ["newsdesk history export ID --format md > chat.md",
                 "newsdesk history export ID --format json --out chat.json"])
    s.add_argument("id", help="the conversation's id (from `newsdesk history list`)")
    s.add_argument("--format", choices=("md", "json"), default=None,
                   help="md (default) or json (citations in the shape of `ask --json`)")
    s.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout")
    s.set_defaults(fn=cmd_export)
    s = command(hs, "rename", "give a conversation a new title (blank: its first question)",
                'newsdesk history rename ID "The 2+2 talks"')
    s.add_argument("id", help="the conversation's id (from `newsdesk history list`)")
    s.add_argument("title", help="the new title")
    s.set_defaults(fn=cmd_rename)
    s = command(hs, "delete", "delete one conversation and its turns",
                "newsdesk history delete ID")
    s.add_argument("id", help="the conversation's id (from `newsdesk history list`)")
    s.set_defaults(fn=cmd_delete)
