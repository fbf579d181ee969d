"""The one reader of word lists kept as data files (``<package>/data/<name>.txt|json``).

Lexicons (abbreviations, first names, titles, places, stop words...) live in files, not in
code, and each is read once, on first use. ``vectorstore`` reads its lists from
``vectorstore/text/data/``; :mod:`qa.text.wordlists` binds the same functions to
``qa/text/data/``.

Formats:

* a set of words: ``<name>.txt``, words separated by spaces or new lines; read with
  :func:`words`;
* a list of phrases (entries holding spaces, or where order matters): ``<name>.txt``, one
  entry a line; read with :func:`phrases`;
* a mapping: ``<name>.json``, a JSON object of strings to strings; read with :func:`mapping`.

Lines starting with ``#`` are comments in ``.txt`` files. Keep the module-level constant in
the module that uses the list (``FEMALE = words("female_names")``), so callers never read files.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files

__all__ = ["mapping", "phrases", "words"]

_HERE = "vectorstore.text"


def _read(filename: str, package: str) -> str:
    resource = files(package).joinpath("data").joinpath(filename)
    if not resource.is_file():
        folder = package.replace(".", "/") + "/data"
        raise FileNotFoundError(
            f"no word list {filename!r} in {folder}: add {folder}/{filename} "
            "(see vectorstore.text.wordlists for the format), or reinstall Newsdesk")
    return resource.read_text(encoding="utf-8")


def _lines(name: str, package: str) -> list[str]:
    text = _read(f"{name}.txt", package)
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


@cache
def words(name: str, package: str = _HERE) -> frozenset[str]:
    """The whitespace-separated words of ``<package>/data/<name>.txt``, as written."""
    return frozenset(w for ln in _lines(name, package) for w in ln.split())


@cache
def phrases(name: str, package: str = _HERE) -> tuple[str, ...]:
    """The entries of ``<package>/data/<name>.txt``, one a line (spaces kept), in file order."""
    return tuple(_lines(name, package))


@cache
def _mapping(name: str, package: str) -> tuple[tuple[str, str], ...]:
    data = json.loads(_read(f"{name}.json", package))
    if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise ValueError(f"{package}/data/{name}.json must be a JSON object of strings to strings")
    return tuple(data.items())


def mapping(name: str, package: str = _HERE) -> dict[str, str]:
    """The JSON object in ``<package>/data/<name>.json`` (strings to strings), in file order.

    Each call returns a new dict, so a caller may change its copy.
    """
    return dict(_mapping(name, package))
