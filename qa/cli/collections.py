"""``newsdesk collections``: list, create, delete and rename collections (named archives),
and the global ``--collection`` option that every command reading or writing takes."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from qa.cli.common import EXIT_USAGE, open_desk

__all__ = ["add_collection_option", "add_commands", "cmd_collections"]

COLLECTION_HELP = ("the collection to read and write (NEWSDESK_COLLECTION; default 'default'); "
                   "ingesting into a new one creates it")


def add_collection_option(parser: argparse.ArgumentParser, sub: Any) -> None:
    """Add ``--collection NAME`` to ``parser`` and to every sub-command of ``sub``, so that
    it can come before or after the sub-command (after wins)."""
    parser.add_argument("--collection", metavar="NAME", help=COLLECTION_HELP)
    for command in sub.choices.values():
        command.add_argument("--collection", metavar="NAME", default=argparse.SUPPRESS,
                             help=COLLECTION_HELP)


def cmd_collections(args: argparse.Namespace) -> int:
    """``newsdesk collections list | create NAME | delete NAME [--yes] | rename OLD NEW``."""
    from qa import collection_ops as ops

    desk = open_desk(args)
    if args.action == "list":
        found = desk.collections()
        if args.json:
            print(json.dumps([c.to_dict() for c in found], indent=2))
        for c in found if not args.json else ():
            print(f"{c.name:48} {c.articles:6d} articles")
        return 0
    if args.action == "create":
        made = ops.create(desk, args.name)
        print(f"created collection {args.name}" if made else f"collection {args.name} exists")
        return 0
    if args.action == "rename":
        n = ops.rename(desk, args.name, args.new)
        print(f"renamed collection {args.name} to {args.new} ({n} articles)")
        return 0
    ops.require(desk, [args.name])
    if not args.yes:
        count = {c.name: c.articles for c in desk.collections()}[args.name]
        if not sys.stdin.isatty():
            print(f"delete removes collection {args.name} and its {count} articles: add --yes "
                  "to confirm", file=sys.stderr)
            return EXIT_USAGE
        reply = input(f"Delete collection {args.name} and its {count} articles? Type 'yes': ")
        if reply.strip().lower() != "yes":
            print("nothing deleted")
            return 0
    n = ops.delete(desk, args.name)
    print(f"deleted collection {args.name} ({n} articles)")
    return 0


def add_commands(sub: Any) -> None:
    """Register ``collections`` on the ``newsdesk`` sub-parsers."""
    p = sub.add_parser("collections", help="list, create, delete or rename collections")
    acts = p.add_subparsers(dest="action", required=True)
    s = acts.add_parser("list", help="every collection and its article count")
    s.add_argument("--json", action="store_true")
    s = acts.add_parser("create", help="make an empty collection")
    s.add_argument("name")
    s = acts.add_parser("delete", help="delete a collection: its articles, vectors and index")
    s.add_argument("name")
    s.add_argument("--yes", action="store_true", help="do not ask first")
    s = acts.add_parser("rename", help="rename a collection, keeping its articles")
    s.add_argument("name", metavar="old")
    s.add_argument("new")
    p.set_defaults(fn=cmd_collections)
