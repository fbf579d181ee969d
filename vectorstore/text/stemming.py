"""The one stemmer factory: PyStemmer's English (Porter 2) stemmer.

A stemmer object is not safe to share between threads that use it at the same time:
:func:`new_stemmer` gives a fresh one (one per thread), :func:`shared_stemmer` the
process-wide one for callers that already serialise their use.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


def new_stemmer() -> Any:
    """A fresh English stemmer (``stemWord``/``stemWords``)."""
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def shared_stemmer() -> Any:
    """The process-wide English stemmer, made on first use."""
    return new_stemmer()
