"""``newsdesk doctor``: check the store and name the fix for each problem (thin over
:func:`qa.doctor.diagnose`)."""

from __future__ import annotations

import argparse
from typing import Any

from qa.cli.common import EXIT_ERROR, EXIT_OK, command, print_json, shown

__all__ = ["add_commands", "cmd_doctor"]


def cmd_doctor(args: argparse.Namespace) -> int:
    """``newsdesk doctor``: one line per check; exit 0 when healthy, 1 otherwise."""
    from qa.doctor import COMMANDS, diagnose

    health = diagnose(home=args.home, chroma_url=args.chroma_url,
                      collection=getattr(args, "collection", None))
    if getattr(args, "json", False):
        print_json(health.to_dict())
        return EXIT_OK if health.ok else EXIT_ERROR
    def todo(fix: str) -> str:
        return f"`{COMMANDS[fix]}`" if fix in COMMANDS else fix

    for f in health.findings:
        fix = f"  -> fix: {todo(f.fix)}" if not f.ok and f.fix else ""
        print(f"{'ok' if f.ok else 'FAIL':4}  {f.name:15} {shown(f.detail)}{fix}")
    if health.ok:
        print(f"the store at {shown(health.location)} is healthy")
        return EXIT_OK
    print(f"the store at {shown(health.location)} has problems; to fix them: "
          f"{', then '.join(todo(x) for x in health.fixes)}")
    return EXIT_ERROR


def add_commands(sub: Any) -> None:
    """Register ``doctor`` on the ``newsdesk`` sub-parsers."""
    s = command(sub, "doctor", "check the store (catalog, Chroma, schema record, vector and "
                               "BM25 indexes, counts) and name the fix for each problem",
                ["newsdesk doctor", "newsdesk --home ~/news doctor --json"])
    s.set_defaults(fn=cmd_doctor)
