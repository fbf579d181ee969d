"""Text printed as an answer is written, then settled to the checked answer.

An LLM's streamed reply is raw (its citation numbers unchecked, sentences without support
still in it); the finished answer's text is the one to keep. On a terminal the streamed
lines are erased and replaced by it; into a file or pipe the checked text follows under
a line saying so (only when it differs).
"""

from __future__ import annotations

import math
import shutil
import unicodedata
from typing import TextIO

__all__ = ["TerminalText", "rows_taken"]

ERASE_BELOW = "\x1b[J"
"""The terminal code that clears from the cursor to the end of the screen."""


def _cells(line: str) -> int:
    """The terminal columns ``line`` takes (wide East Asian characters take two)."""
    return sum(0 if unicodedata.combining(ch) else
               2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def rows_taken(text: str, columns: int) -> int:
    """The terminal rows ``text`` takes when printed from the start of a row."""
    return sum(max(1, math.ceil(_cells(line) / max(1, columns))) for line in text.split("\n"))


class TerminalText:
    """Pieces of text written to ``stream`` at once; :meth:`settle` leaves ``final`` shown."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.written: list[str] = []

    def write(self, piece: str) -> None:
        """Print ``piece`` now."""
        self.stream.write(piece)
        self.stream.flush()
        self.written.append(piece)

    def settle(self, final: str) -> None:
        """End the streamed text with ``final``, the checked answer: nothing more when it is
        what was streamed; else, on a terminal, the streamed rows are replaced by it, and
        elsewhere it follows under a line."""
        done = "".join(self.written)
        if done.strip() == final.strip():
            self.stream.write("" if done.endswith("\n") else "\n")
        elif not done:
            self.stream.write(final + "\n")
        elif self.tty:
            rows = rows_taken(done, shutil.get_terminal_size().columns)
            up = f"\x1b[{rows - 1}A" if rows > 1 else ""
            self.stream.write(f"\r{up}{ERASE_BELOW}{final}\n")
        else:
            self.stream.write(f"\n(the answer after the support check:)\n{final}\n")
        self.stream.flush()
