"""What every ``newsdesk`` command shares: exit codes and opening the desk."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qa.desk import NewsDesk

__all__ = ["EXIT_ERROR", "EXIT_USAGE", "open_desk"]

EXIT_ERROR = 1
EXIT_USAGE = 2


def open_desk(args: argparse.Namespace) -> NewsDesk:
    """The :class:`qa.NewsDesk` named by the global options (``--home``, ``--chroma-url``,
    ``--llm``), else by the ``NEWSDESK_*`` environment."""
    from qa.desk import NewsDesk  # loaded on first use: `newsdesk --help` stays fast

    return NewsDesk.open(home=args.home, chroma_url=args.chroma_url, llm=args.llm)
