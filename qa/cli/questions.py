"""``newsdesk`` commands that answer questions: ask (one question) and chat (a conversation)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from qa.cli.common import open_desk
from qa.types import Answer
from vectorstore.errors import NewsdeskError

__all__ = ["add_commands", "cmd_ask", "cmd_chat", "print_answer"]


def print_answer(answer: Answer, as_json: bool) -> None:
    """Print an answer with its numbered citations (or as JSON); notes go to stderr."""
    if as_json:
        print(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
        return
    print(answer.text)
    if answer.standalone_question != answer.question:
        print(f"  (understood as: {answer.standalone_question})")
    for c in answer.citations:
        p = c.passage
        when = p.published.isoformat() if p.published else "undated"
        where = ", ".join(x for x in (p.source, p.url) if x)
        print(f"[{c.n}] {p.title} ({when}{'; ' + where if where else ''})")
        print(f"    \"{c.quote_text}\"")
    for w in answer.unsupported:
        shown = w in answer.text
        print(f"  {'not supported by its source' if shown else 'left out, no support'}: {w}")
    for w in answer.warnings:
        print(f"  note: {w}", file=sys.stderr)


def cmd_ask(args: argparse.Namespace) -> int:
    """``newsdesk ask QUESTION``: answer one question."""
    desk = open_desk(args)
    answer = desk.ask(args.question, k=args.k, since=args.since, until=args.until,
                      sources=args.source or None)
    print_answer(answer, args.json)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    """``newsdesk chat``: ask questions with follow-ups until an empty line or Ctrl-D."""
    desk = open_desk(args)
    conv = desk.chat()
    print("Ask about the articles. Empty line or Ctrl-D to quit.", file=sys.stderr)
    while True:
        try:
            q = input("> ")
        except (EOFError, KeyboardInterrupt):
            print(file=sys.stderr)
            return 0
        if not q.strip():
            return 0
        try:
            print_answer(conv.ask(q, k=args.k), False)
        except NewsdeskError as e:
            print(f"error: {e}", file=sys.stderr)


def add_commands(sub: Any) -> None:
    """Register ``ask`` and ``chat`` on the ``newsdesk`` sub-parsers."""
    s = sub.add_parser("ask", help="answer one question")
    s.add_argument("question")
    s.add_argument("--json", action="store_true")
    s.add_argument("--since", help="only articles published on or after YYYY-MM-DD")
    s.add_argument("--until", help="only articles published on or before YYYY-MM-DD")
    s.add_argument("--source", action="append", help="only this outlet (repeatable)")
    s.add_argument("--k", type=int, default=None, help="passages to retrieve")
    s.set_defaults(fn=cmd_ask)

    s = sub.add_parser("chat", help="interactive conversation")
    s.add_argument("--k", type=int, default=None, help="passages to retrieve")
    s.set_defaults(fn=cmd_chat)
