"""Read articles from files and folders: .txt, .md, .html, .json, .jsonl and .pdf.

:func:`load_paths` walks what it is given and yields one :class:`~vectorstore.types.Article`
per article found and one :class:`LoadIssue` per file (or record) that could not be
used; it never raises for a bad file.

* :mod:`~vectorstore.loading.walk`: paths and folders, size limits, decoding.
* :mod:`~vectorstore.loading.text`, :mod:`~vectorstore.loading.html`,
  :mod:`~vectorstore.loading.json`: one reader per format.
* :mod:`~vectorstore.loading.titles`: titles for articles without one.
* :mod:`~vectorstore.loading.common`: :class:`LoadIssue` and its reasons.
"""

from vectorstore.loading.common import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_RECORDS,
    MB,
    SUPPORTED,
    LoadIssue,
)
from vectorstore.loading.titles import first_sentence, shorten
from vectorstore.loading.walk import PROJECT_FILES, load_file, load_paths

__all__ = [
    "DEFAULT_MAX_BYTES", "DEFAULT_MAX_RECORDS", "MB", "PROJECT_FILES", "SUPPORTED", "LoadIssue", "first_sentence",
    "load_file", "load_paths", "shorten",
]
