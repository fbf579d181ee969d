"""Word lists kept as data files (``vectorstore/text/data/<name>.txt``), each read once.

A list file holds whitespace-separated words; ``#`` starts a comment.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def word_list(name: str) -> frozenset[str]:
    """The words of ``data/<name>.txt``.

    Raises:
        FileNotFoundError: no such list (the package data is missing: reinstall Newsdesk).
    """
    text = (resources.files("vectorstore.text") / "data" / f"{name}.txt").read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() for w in line.split("#", 1)[0].split())
