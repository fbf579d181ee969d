"""Progress bars on stderr for long commands (one tqdm wrapper for every command)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any

from vectorstore.ingest import Progress

__all__ = ["Progress", "tqdm_progress"]


@contextlib.contextmanager
def tqdm_progress(unit: str, desc: str | None = None) -> Iterator[Progress]:
    """A progress callback drawing a tqdm bar on stderr; the bar is closed on exit.

    The bar appears on the first call (so commands that finish at once draw nothing), is
    hidden when stderr is not a terminal, and follows a changing ``total``.

    Args:
        unit: What is counted ("article", "question").
        desc: A label shown before the bar.
    """
    bar: list[Any] = []

    def update(done: int, total: int, label: str) -> None:
        if not bar:
            from tqdm import tqdm  # loaded on first use: `newsdesk --help` stays fast

            bar.append(tqdm(total=total, unit=unit, file=sys.stderr, leave=False,
                            disable=None, desc=desc))
        b = bar[0]
        b.total = total
        b.update(done - b.n)

    try:
        yield update
    finally:
        if bar:
            bar[0].close()
