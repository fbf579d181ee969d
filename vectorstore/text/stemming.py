"""The one stemmer factory: PyStemmer's English (Porter 2) stemmer.

A PyStemmer object must not be used by two threads at once, so :func:`shared_stemmer`
keeps one per thread (the web server answers questions in several threads);
:func:`new_stemmer` gives a fresh one for a caller that keeps its own.
"""

from __future__ import annotations

import threading
from typing import Any

_LOCAL = threading.local()


def new_stemmer() -> Any:
    """A fresh English stemmer (``stemWord``/``stemWords``)."""
    import Stemmer

    return Stemmer.Stemmer("english")


def shared_stemmer() -> Any:
    """This thread's English stemmer, made on its first use in the thread."""
    stem = getattr(_LOCAL, "stem", None)
    if stem is None:
        stem = _LOCAL.stem = new_stemmer()
    return stem
