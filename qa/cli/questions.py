"""``newsdesk`` commands that answer questions: ask (one question) and chat (a conversation)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from qa.cli.common import EXIT_EMPTY, K_HELP, command, k_arg, open_desk, print_json, shown
from qa.types import Answer
from vectorstore.errors import NewsdeskError

__all__ = ["add_commands", "answer_notes", "cmd_ask", "cmd_chat", "print_answer",
           "stream_answer"]


def print_answer(answer: Answer, as_json: bool, *, streamed: bool = False) -> None:
    """Print an answer with its numbered citations (or as JSON); notes go to stderr, each
    once. ``streamed``: the text was printed already, piece by piece (:func:`stream_answer`).
    """
    if as_json:
        print_json(answer.to_dict())
        return
    if not streamed:
        print(shown(answer.text, lines=True))
    if answer.standalone_question != answer.question:
        print(f"  (understood as: {shown(answer.standalone_question)})")
    for c in answer.citations:
        p = c.passage
        when = p.published.isoformat() if p.published else "undated"
        where = ", ".join(x for x in (p.source, p.url) if x)
        print(f"[{c.n}] {shown(p.title)} ({when}{'; ' + shown(where) if where else ''})")
        print(f"    \"{shown(c.quote_text)}\"")
    for note in answer_notes(answer):
        print(f"  note: {shown(note)}", file=sys.stderr)


def answer_notes(answer: Answer) -> list[str]:
    """The notes an answer carries, each once: sentences without support (kept and marked,
    or left out), then its warnings that do not repeat them."""
    kept = [w for w in answer.unsupported if w in answer.text]
    left = [w for w in answer.unsupported if w not in answer.text]
    notes = [f"not supported by the passage it cites: “{w}”" for w in kept]
    if left:
        notes.append(f"{len(left)} sentence{'s' if len(left) > 1 else ''} without support in "
                     "the sources left out: " + " ".join(f"“{w}”" for w in left))
    said = tuple(answer.unsupported)
    notes += [w for w in dict.fromkeys(answer.warnings) if not any(s in w for s in said)]
    return notes


def stream_answer(desk: Any, args: argparse.Namespace) -> tuple[Answer, bool]:
    """Print the answer's text as it comes (``desk.stream``); return the answer and whether
    any text was printed. On a terminal, text that the support check changed is replaced by
    the checked text; elsewhere the checked text follows under a line saying so."""
    from qa.cli.streaming import TerminalText

    out = TerminalText(sys.stdout)
    answer: Answer | None = None
    for piece in desk.stream(args.question, k=args.k, since=args.since, until=args.until,
                             sources=args.source or None):
        if isinstance(piece, Answer):
            answer = piece
        else:
            out.write(shown(piece, lines=True))
    assert answer is not None
    if out.written:
        out.settle(shown(answer.text, lines=True))
    return answer, bool(out.written)


def cmd_ask(args: argparse.Namespace) -> int:
    """``newsdesk ask QUESTION``: answer one question; exit 3 when the store is empty."""
    from qa.desk import EMPTY_STORE
    from qa.text.questions import clean_question

    clean_question(args.question)  # a bad question is refused before anything is opened
    desk = open_desk(args)
    streamed = False
    if not args.json and (sys.stdout.isatty() if args.stream is None else args.stream):
        answer, streamed = stream_answer(desk, args)
    else:
        answer = desk.ask(args.question, k=args.k, since=args.since, until=args.until,
                          sources=args.source or None)
    if answer.abstained and answer.text == EMPTY_STORE and not streamed:
        if args.json:
            print_json(answer.to_dict())
        else:
            print(shown(answer.text), file=sys.stderr)
        return EXIT_EMPTY
    print_answer(answer, args.json, streamed=streamed)
    return 0


QUIT_WORDS = frozenset({"quit", "exit"})
"""Lines that end ``newsdesk chat`` (as does the end of its input)."""


def cmd_chat(args: argparse.Namespace) -> int:
    """``newsdesk chat [--resume ID]``: ask questions with follow-ups, each turn saved, until
    ``quit``, ``exit`` or the end of input (empty lines are skipped; piped input works)."""
    desk = open_desk(args)
    conv = desk.chat(conversation_id=args.resume)
    tty = sys.stdin.isatty()
    if args.resume:
        print(f"Resuming “{shown(conv.title)}” ({len(conv.turns)} turns).", file=sys.stderr)
    if tty:
        print("Ask about the articles. `quit`, `exit` or Ctrl-D ends.", file=sys.stderr)
    while True:
        try:
            line = input("> " if tty else "")
        except (EOFError, KeyboardInterrupt):
            if tty:
                print(file=sys.stderr)
            break
        q = line.strip()
        if not q:
            continue
        if q.lower() in QUIT_WORDS:
            break
        try:
            print_answer(conv.ask(q, k=args.k), bool(getattr(args, "json", False)))
        except NewsdeskError as e:
            print(f"error: {e}", file=sys.stderr)
        sys.stdout.flush()
    if conv.turns:
        print(f"Saved as conversation {conv.id}: `newsdesk chat --resume {conv.id}` goes on.",
              file=sys.stderr)
    return 0


def add_commands(sub: Any) -> None:
    """Register ``ask`` and ``chat`` on the ``newsdesk`` sub-parsers."""
    s = command(sub, "ask", "answer one question, citing the articles",
                ['newsdesk ask "Who attended the 2+2 talks?"',
                 'newsdesk ask "What did Lavrov say?" --k 8 --since 2019-09-01 --json'])
    s.add_argument("question", help="the question, in quotes")
    s.add_argument("--since", help="only articles published on or after YYYY-MM-DD")
    s.add_argument("--until", help="only articles published on or before YYYY-MM-DD")
    s.add_argument("--source", action="append", help="only this outlet (repeatable)")
    s.add_argument("--k", type=k_arg, default=None, help=K_HELP)
    s.add_argument("--stream", action=argparse.BooleanOptionalAction, default=None,
                   help="print the answer as it is written (default: on a terminal)")
    s.set_defaults(fn=cmd_ask)

    s = command(sub, "chat", "ask questions with follow-ups; every turn is saved",
                ["newsdesk chat", "newsdesk chat --resume ID",
                 "printf 'Who attended the 2+2 talks?\\nWhere did they meet?\\n' | newsdesk chat"])
    s.add_argument("--resume", metavar="ID", help="go on with a saved conversation "
                   "(ids: `newsdesk history list`)")
    s.add_argument("--k", type=k_arg, default=None, help=K_HELP)
    s.set_defaults(fn=cmd_chat)
