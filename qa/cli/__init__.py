"""The `newsdesk` command, thin over :class:`qa.NewsDesk`."""

from qa.cli.main import main

__all__ = ["main"]
