"""``newsdesk collections``: list, create, delete and rename collections (named archives).

The global ``--collection`` option that every command takes is in :mod:`qa.cli.common`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from qa.cli.common import UsageError, command, open_desk, print_json, shown

__all__ = ["add_commands", "cmd_collections"]


def cmd_collections(args: argparse.Namespace) -> int:
    """``newsdesk collections list | create NAME | delete NAME [--yes] | rename OLD NEW``."""
    from qa import collection_ops as ops

    desk = open_desk(args)
    if args.action == "list":
        found = desk.collections()
        if args.json:
            print_json([c.to_dict() for c in found])
        for c in found if not args.json else ():
            print(f"{c.name:48} {c.articles:6d} articles")
        return 0
    if args.action == "create":
        made = ops.create(desk, args.name)
        _done(args, f"created collection {args.name}" if made else
              f"collection {args.name} exists", action="create", created=made)
        return 0
    if args.action == "rename":
        n = ops.rename(desk, args.name, args.new)
        _done(args, f"renamed collection {args.name} to {args.new} ({n} articles)",
              action="rename", new=args.new, articles=n)
        return 0
    ops.require(desk, [args.name])
    if not args.yes:
        count = {c.name: c.articles for c in desk.collections()}[args.name]
        if not sys.stdin.isatty():
            raise UsageError(f"delete removes collection {args.name} and its {count} articles: "
                             "add --yes to confirm")
        reply = input(f"Delete collection {args.name} and its {count} articles? Type 'yes': ")
        if reply.strip().lower() != "yes":
            _done(args, "nothing deleted", action="delete", articles=0, deleted=False)
            return 0
    n = ops.delete(desk, args.name)
    _done(args, f"deleted collection {args.name} ({n} articles)", action="delete", articles=n,
          deleted=True)
    return 0


def _done(args: argparse.Namespace, text: str, **facts: object) -> None:
    """Say what was done: ``text``, or with ``--json`` the collection and ``facts``."""
    if args.json:
        print_json({"collection": args.name, **facts})
    else:
        print(shown(text))


def add_commands(sub: Any) -> None:
    """Register ``collections`` on the ``newsdesk`` sub-parsers."""
    p = command(sub, "collections", "list, create, delete or rename collections",
                ["newsdesk collections list", "newsdesk collections create sport"])
    acts = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    command(acts, "list", "every collection and its article count",
            "newsdesk collections list --json")
    s = command(acts, "create", "make an empty collection", "newsdesk collections create sport")
    s.add_argument("name", help="lowercase letters, digits, - and _ (1-48)")
    s.set_defaults(writes=True)
    s = command(acts, "delete", "delete a collection: its articles, vectors and index",
                "newsdesk collections delete sport --yes")
    s.add_argument("name", help="the collection to delete")
    s.add_argument("--yes", action="store_true", help="do not ask first")
    s = command(acts, "rename", "rename a collection, keeping its articles",
                "newsdesk collections rename sport football")
    s.add_argument("name", metavar="old", help="its name now")
    s.add_argument("new", help="its new name")
    p.set_defaults(fn=cmd_collections)
