"""What every ``newsdesk`` command shares: exit codes, the global options, opening the desk,
and printing stored text safely (control characters escaped, JSON on stdout)."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vectorstore.errors import OutOfRange
from vectorstore.limits import K_MAX, K_MIN, check_k
from vectorstore.text.dates import iso_day

if TYPE_CHECKING:
    from qa.desk import NewsDesk

__all__ = ["EXIT_EMPTY", "EXIT_ERROR", "EXIT_OK", "EXIT_USAGE", "GLOBAL_OPTIONS", "UsageError",
           "add_global_options", "check_home", "command", "day_arg", "k_arg", "open_desk",
           "print_json", "shown"]

EXIT_OK = 0
"""The command did what was asked."""
EXIT_ERROR = 1
"""It did not, or not all of it: a file failed to ingest, a fetch failed, an error."""
EXIT_USAGE = 2
"""The command line cannot be run as given (a bad option, a missing --home, no --yes)."""
EXIT_EMPTY = 3
"""``ask`` on a store holding no article."""

EXIT_STATUS_HELP = ("exit status: 0 done; 1 failed (a file not ingested, a fetch or a check\n"
                    "failed, an error); 2 usage error; 3 `ask` on an empty store")


class UsageError(Exception):
    """A command line that cannot be run as given (exit 2); the message names the fix."""


GLOBAL_OPTIONS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("--home", {"metavar": "DIR", "help": "data folder (default NEWSDESK_HOME or ./.newsdesk); "
                "it must exist, unless the command writes or --create is given"}),
    ("--create", {"action": "store_true",
                  "help": "create the --home folder when it does not exist"}),
    ("--chroma-url", {"metavar": "URL",
                      "help": "Chroma server, http://host:port (NEWSDESK_CHROMA_URL)"}),
    ("--llm", {"metavar": "SPEC", "help": "none, ollama:MODEL or openai:MODEL (NEWSDESK_LLM)"}),
    ("--collection", {"metavar": "NAME", "help": "the collection to read and write "
                      "(NEWSDESK_COLLECTION; default 'default'); ingesting into a new one "
                      "creates it"}),
    ("--json", {"action": "store_true", "help": "print JSON to stdout instead of text"}),
)
"""The options every command takes, before or after its name (after wins)."""


def add_global_options(parser: argparse.ArgumentParser, sub: Any) -> None:
    """Add :data:`GLOBAL_OPTIONS` to ``parser`` and to every command under ``sub`` (nested
    ones included), so that they can come before or after the command. A command that
    defines one of them itself keeps its own."""
    for flag, kw in GLOBAL_OPTIONS:
        parser.add_argument(flag, **kw)
    todo = list(sub.choices.values())
    while todo:
        command_parser = todo.pop()
        for flag, kw in GLOBAL_OPTIONS:
            if flag not in command_parser._option_string_actions:
                command_parser.add_argument(flag, **{**kw, "default": argparse.SUPPRESS})
        for action in command_parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                todo.extend(action.choices.values())


def command(sub: Any, name: str, help: str, examples: str | Sequence[str]
            ) -> argparse.ArgumentParser:
    """A sub-command parser whose ``--help`` ends with ``examples`` (one command line each)."""
    lines = [examples] if isinstance(examples, str) else list(examples)
    head = "example:" if len(lines) == 1 else "examples:"
    return sub.add_parser(name, help=help, description=help[:1].upper() + help[1:] + ".",
                          epilog="\n".join([head, *("  " + x for x in lines)]),
                          formatter_class=argparse.RawDescriptionHelpFormatter)


def check_home(args: argparse.Namespace) -> None:
    """Refuse a ``--home`` (or ``NEWSDESK_HOME``) that does not exist, unless the command
    writes (its parser sets ``writes=True``) or ``--create`` is given (then it is made).

    :func:`qa.cli.main.main` calls it before every command.

    Raises:
        UsageError: the folder does not exist or is not a folder (the message names --create).
    """
    given = getattr(args, "home", None) or os.environ.get("NEWSDESK_HOME", "")
    if not given:
        return
    name = "--home" if getattr(args, "home", None) else "NEWSDESK_HOME"
    home = Path(given).expanduser()
    if home.is_dir():
        return
    if home.exists():
        raise UsageError(f"{name} {shown(str(home))} is a file, not a folder: give the data "
                         "folder")
    if getattr(args, "create", False):
        home.mkdir(parents=True)
    elif not getattr(args, "writes", False):
        raise UsageError(f"{name} {shown(str(home))} does not exist: check the path, or add "
                         "--create to start a new store there (`newsdesk ingest` creates it "
                         "too)")


def open_desk(args: argparse.Namespace) -> NewsDesk:
    """The :class:`qa.NewsDesk` named by the global options (``--home``, ``--chroma-url``,
    ``--llm``, ``--collection``), else by the ``NEWSDESK_*`` environment (whose home
    :func:`check_home` has checked before the command ran)."""
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


def k_arg(value: str) -> int:
    """An argparse ``type`` for ``--k`` (passages per question, :data:`K_MIN` to
    :data:`K_MAX`; anything else exits 2 naming the range)."""
    number: object = value
    with contextlib.suppress(ValueError):
        number = int(value)
    try:
        return check_k(number)
    except OutOfRange as e:
        raise argparse.ArgumentTypeError(str(e)) from None


K_HELP = f"passages to retrieve, {K_MIN} to {K_MAX} (default NEWSDESK_K or 5)"

# --------------------------------------------------------------------------- printing

_SHOWN = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
_SHOWN.update({ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"})
_SHOWN.update({c: f"\\u{c:04x}" for c in (0x2028, 0x2029, *range(0x202A, 0x202F),
                                          *range(0x2066, 0x206A))})
_SHOWN_LINES = {c: e for c, e in _SHOWN.items() if c not in (ord("\n"), ord("\t"))}
_JSON = {c: f"\\u{c:04x}" for c in _SHOWN if c >= 0x7F}  # json.dumps escapes the rest


def shown(text: object, *, lines: bool = False) -> str:
    """``text`` safe to print on a terminal: control characters (escape sequences, newlines,
    C1 codes, bidirectional overrides) written as ``\\x1b``, ``\\n``, ``\\u202e``.

    Every piece of stored text the CLI prints (titles, ids, sources, file names, reasons)
    goes through it. ``lines=True`` keeps newlines and tabs (an answer's paragraphs).
    """
    return str(text).translate(_SHOWN_LINES if lines else _SHOWN)


def print_json(value: Any) -> None:
    """Print ``value`` as indented JSON on stdout: non-ASCII text kept readable, control
    characters escaped (JSON escapes, so the parsed values are unchanged)."""
    print(json.dumps(value, indent=2, ensure_ascii=False, default=str).translate(_JSON))
