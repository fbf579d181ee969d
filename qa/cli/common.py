"""What every ``newsdesk`` command shares: exit codes and opening the desk."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING

from vectorstore.text.dates import iso_day

if TYPE_CHECKING:
    from qa.desk import NewsDesk

__all__ = ["EXIT_ERROR", "EXIT_USAGE", "day_arg", "open_desk"]

EXIT_ERROR = 1
EXIT_USAGE = 2


def open_desk(args: argparse.Namespace) -> NewsDesk:
    """The :class:`qa.NewsDesk` named by the global options (``--home``, ``--chroma-url``,
    ``--llm``, ``--collection``), else by the ``NEWSDESK_*`` environment."""
    from qa.desk import NewsDesk  # loaded on first use: `newsdesk --help` stays fast

    return NewsDesk.open(home=args.home, chroma_url=args.chroma_url, llm=args.llm,
                         collection=getattr(args, "collection", None))


def day_arg(value: str) -> date:
    """An argparse ``type`` for a day given as ``YYYY-MM-DD`` (a bad one exits 2, naming it)."""
    try:
        return iso_day(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a day: use YYYY-MM-DD, e.g. 2022-06-17") from None
