"""Word lists of the answer side, kept as data files in ``qa/text/data/``.

The same reader as :mod:`vectorstore.text.wordlists` (formats and how to add a list are
described there), bound to this package's ``data/`` folder.
"""

from __future__ import annotations

from vectorstore.text import wordlists as _reader

__all__ = ["mapping", "phrases", "words"]

_PACKAGE = "qa.text"


def words(name: str) -> frozenset[str]:
    """The whitespace-separated words of ``qa/text/data/<name>.txt``."""
    return _reader.words(name, _PACKAGE)


def phrases(name: str) -> tuple[str, ...]:
    """The entries of ``qa/text/data/<name>.txt``, one a line, in file order."""
    return _reader.phrases(name, _PACKAGE)


def mapping(name: str) -> dict[str, str]:
    """A fresh copy of the JSON object in ``qa/text/data/<name>.json``."""
    return _reader.mapping(name, _PACKAGE)
