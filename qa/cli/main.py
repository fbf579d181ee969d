"""``newsdesk``: the command line, a thin layer over :class:`qa.NewsDesk`.

This module builds the parser and dispatches; the commands live in one module per group:
:mod:`qa.cli.library` (ingest, stats, list, delete, reindex, reset), :mod:`qa.cli.feeds`
(add, feeds, watch), :mod:`qa.cli.collections` (collections), :mod:`qa.cli.questions`
(ask, chat) and :mod:`qa.cli.eval_command` (eval). Each group registers its commands with
``add_commands(sub)``; the global options (:data:`qa.cli.common.GLOBAL_OPTIONS`) are added
to every command last, so they work before or after it.

Exit status: 0 done, 1 failed (:data:`~qa.cli.common.EXIT_ERROR`), 2 usage error, 3 ``ask``
on an empty store.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from qa import apply_privacy_defaults
from qa.cli.collections import add_commands as add_collection_commands
from qa.cli.common import (
    EXIT_ERROR,
    EXIT_STATUS_HELP,
    EXIT_USAGE,
    UsageError,
    add_global_options,
    check_home,
    shown,
)
from qa.cli.doctor import add_commands as add_doctor_commands
from qa.cli.eval_command import add_command as add_eval_command
from qa.cli.feeds import add_commands as add_feed_commands
from qa.cli.history import add_commands as add_history_commands
from qa.cli.library import add_commands as add_library_commands
from qa.cli.questions import add_commands as add_question_commands
from qa.cli.users import add_commands as add_user_commands
from vectorstore.errors import NewsdeskError

__all__ = ["EXIT_ERROR", "EXIT_USAGE", "build_parser", "main"]

EXAMPLES = """examples:
  newsdesk ingest corpus/articles
  newsdesk ask "Who attended the 2+2 talks?" --k 8 --json
  newsdesk --home ~/news list | head

global options (--home, --create, --chroma-url, --llm, --collection, --json) go before or
after the command.

""" + EXIT_STATUS_HELP


def build_parser() -> argparse.ArgumentParser:
    """The ``newsdesk`` argument parser."""
    p = argparse.ArgumentParser(prog="newsdesk", epilog=EXAMPLES,
                                description="Ask questions about news articles, with citations.",
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_library_commands(sub)
    add_doctor_commands(sub)
    add_feed_commands(sub)
    add_question_commands(sub)
    add_history_commands(sub)
    add_eval_command(sub)
    add_collection_commands(sub)
    add_user_commands(sub)
    add_global_options(p, sub)  # last: every command takes them, before or after its name
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; errors become one line on stderr and a non-zero exit (see the module)."""
    apply_privacy_defaults()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        check_home(args)  # a mistyped --home is refused, not a new empty store
        code = int(args.fn(args))
        sys.stdout.flush()  # here, so that a closed pipe is seen while it can be handled
        return code
    except UsageError as e:
        print(f"newsdesk {args.command}: error: {shown(e)}", file=sys.stderr)
        return EXIT_USAGE
    except NewsdeskError as e:
        print(f"error: {shown(e)}", file=sys.stderr)  # one line, whatever it quotes
        return EXIT_ERROR
    except BrokenPipeError:  # `newsdesk list | head -1`: the reader has what it wanted
        _quiet_stdout()
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # last resort: never a traceback for the user
        print(f"error: unexpected {type(e).__name__}: {shown(e)} (set NEWSDESK_DEBUG=1 for "
              "details)", file=sys.stderr)
        if os.environ.get("NEWSDESK_DEBUG"):
            raise
        return EXIT_ERROR


def _quiet_stdout() -> None:
    """Point stdout at the null device, so that the interpreter's last flush of what is
    left in its buffer does not fail again on the closed pipe."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    finally:
        os.close(devnull)


if __name__ == "__main__":
    sys.exit(main())
