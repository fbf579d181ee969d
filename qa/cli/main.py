"""``newsdesk``: the command line, a thin layer over :class:`qa.NewsDesk`.

This module builds the parser and dispatches; the commands live in one module per group:
:mod:`qa.cli.library` (ingest, stats, list, delete, reindex, reset), :mod:`qa.cli.feeds`
(add, feeds, watch), :mod:`qa.cli.collections` (collections), :mod:`qa.cli.questions`
(ask, chat) and :mod:`qa.cli.eval_command` (eval).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from qa import apply_privacy_defaults
from qa.cli.collections import add_collection_option
from qa.cli.collections import add_commands as add_collection_commands
from qa.cli.common import EXIT_ERROR, EXIT_USAGE
from qa.cli.eval_command import add_command as add_eval_command
from qa.cli.feeds import add_commands as add_feed_commands
from qa.cli.library import add_commands as add_library_commands
from qa.cli.questions import add_commands as add_question_commands
from vectorstore.errors import NewsdeskError

__all__ = ["EXIT_ERROR", "EXIT_USAGE", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The ``newsdesk`` argument parser."""
    p = argparse.ArgumentParser(prog="newsdesk",
                                description="Ask questions about news articles, with citations.")
    p.add_argument("--home", help="data folder (default NEWSDESK_HOME or ./.newsdesk)")
    p.add_argument("--chroma-url", help="Chroma server, http://host:port (NEWSDESK_CHROMA_URL)")
    p.add_argument("--llm", help="none, ollama:MODEL or openai:MODEL (NEWSDESK_LLM)")
    sub = p.add_subparsers(dest="command", required=True)
    add_library_commands(sub)
    add_feed_commands(sub)
    add_question_commands(sub)
    add_eval_command(sub)
    add_collection_commands(sub)
    add_collection_option(p, sub)  # last: every command takes --collection, before or after
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; errors become one line on stderr and a non-zero exit."""
    apply_privacy_defaults()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.fn(args))
    except NewsdeskError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # last resort: never a traceback for the user
        print(f"error: unexpected {type(e).__name__}: {e} (set NEWSDESK_DEBUG=1 for details)",
              file=sys.stderr)
        if os.environ.get("NEWSDESK_DEBUG"):
            raise
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
