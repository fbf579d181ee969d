"""The one loader for word lists kept as data files in ``qa/text/data/``.

Lexicons (first names, titles, places, stop words...) live in files, not in code, and are
read once, on first use, through this module.

To add a list:

* a set of words: write ``qa/text/data/<name>.txt`` with the words separated by spaces or
  new lines (lower case if the caller compares lower-cased text), and read it with
  ``words("<name>")``;
* a list of phrases (entries that hold spaces, or where order matters): one entry a line
  in ``qa/text/data/<name>.txt``, read with ``phrases("<name>")``;
* a mapping: a JSON object of strings in ``qa/text/data/<name>.json``, read with
  ``mapping("<name>")``.

Lines starting with ``#`` are comments in ``.txt`` files. Keep the module-level constant in
the module that uses the list (``FEMALE = words("female_names")``), so callers never read files.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files

__all__ = ["mapping", "phrases", "words"]

_PACKAGE = "qa.text.data"


def _read(filename: str) -> str:
    resource = files(_PACKAGE).joinpath(filename)
    if not resource.is_file():
        raise FileNotFoundError(
            f"no word list {filename!r} in {_PACKAGE}: add qa/text/data/{filename} "
            "(see qa.text.wordlists for the format)")
    return resource.read_text(encoding="utf-8")


def _lines(name: str) -> list[str]:
    text = _read(f"{name}.txt")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


@cache
def words(name: str) -> frozenset[str]:
    """The whitespace-separated words of ``data/<name>.txt``, as written."""
    return frozenset(w for ln in _lines(name) for w in ln.split())


@cache
def phrases(name: str) -> tuple[str, ...]:
    """The entries of ``data/<name>.txt``, one a line (spaces kept), in file order."""
    return tuple(_lines(name))


@cache
def _mapping(name: str) -> tuple[tuple[str, str], ...]:
    data = json.loads(_read(f"{name}.json"))
    if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise ValueError(f"qa/text/data/{name}.json must be a JSON object of strings to strings")
    return tuple(data.items())


def mapping(name: str) -> dict[str, str]:
    """The JSON object in ``data/<name>.json`` (strings to strings), in file order.

    Each call returns a new dict, so a caller may change its copy.
    """
    return dict(_mapping(name))
