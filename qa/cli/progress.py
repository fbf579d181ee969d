"""Progress on stderr for long commands (one wrapper for every command).

On a terminal: a labelled tqdm bar, drawn from the start (before the first article is
done: loading the model takes seconds). Elsewhere (a pipe, a log file): one summary line
per :data:`EVERY` items, and one at the end, so that a log shows the work going on.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from typing import Any, TextIO

from vectorstore.ingest import Progress

__all__ = ["EVERY", "Progress", "tqdm_progress"]

EVERY = 100
"""Items between two summary lines when stderr is not a terminal."""


@contextlib.contextmanager
def tqdm_progress(unit: str, desc: str | None = None, *,
                  stream: TextIO | None = None) -> Iterator[Progress]:
    """A progress callback ``update(done, total, label)``: a tqdm bar on a terminal, a
    summary line per :data:`EVERY` items elsewhere; closed on exit.

    Args:
        unit: What is counted ("article", "question").
        desc: The label shown first ("ingest", "eval"); default the unit.
        stream: Where to draw (default stderr).
    """
    out = stream or sys.stderr
    label = desc or unit
    if out.isatty():
        from tqdm import tqdm  # loaded on first use: `newsdesk --help` stays fast

        bar: Any = tqdm(total=None, unit=f" {unit}s", file=out, leave=False, desc=label,
                        dynamic_ncols=True)

        def update(done: int, total: int, item: str) -> None:
            grown = bar.total != total
            bar.total = total
            bar.update(done - bar.n)
            if grown:  # drawn now, not at the next interval: the bar gets its length
                bar.refresh()

        try:
            yield update
        finally:
            bar.close()
        return
    start = time.monotonic()
    reported, last = [0], [0, 0]  # the last count printed; the last (done, total) seen

    def line(done: int, total: int) -> None:
        reported[0] = done
        print(f"{label}: {done}/{total} {unit}s ({time.monotonic() - start:.0f} s)",
              file=out, flush=True)

    def update_lines(done: int, total: int, item: str) -> None:
        last[:] = [done, total]
        if done // EVERY > reported[0] // EVERY:
            line(done, total)

    try:
        yield update_lines
    finally:
        if last[0] >= EVERY and reported[0] < last[0]:
            line(*last)
