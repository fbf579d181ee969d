"""The Library tab's article table and statistics, as plain data and escaped HTML.

No Gradio here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from web.render import esc, one_line

LIBRARY_HEADERS = ["Title", "Date", "Source", "Chunks", "ID"]
"""The columns of the Library tab's article table."""
LIBRARY_WIDTHS: list[str | int] = ["44%", "11%", "21%", "8%", "16%"]
"""Their widths: a long title wraps instead of squeezing the others."""

_STATS = [("articles", "Articles"), ("duplicates", "Copies folded into them"), ("chunks", "Chunks"),
          ("bm25_chunks", "Chunks in the keyword index"), ("earliest", "Earliest article"),
          ("latest", "Newest article"), ("sources", "Sources"), ("model", "Embedding model"),
          ("dim", "Dimensions"), ("backend", "Encoder backend"), ("llm", "LLM"),
          ("store", "Store location")]
"""The statistics shown, in order, with their labels (other keys are left out)."""


def library_rows(articles: Iterable[Any], query: str = "") -> list[list[Any]]:
    """One row per article (title, date, sources, chunks, id), newest first and undated
    last, keeping those whose title, date, source, id or URL hold every word of ``query``."""
    words = (query or "").lower().split()
    dated: list[tuple[date | None, list[Any]]] = []
    for a in articles:
        srcs = ", ".join(a.sources) + (f" (+{len(a.copies)} copies)" if a.copies else "")
        row = [one_line(a.title) or a.id, a.published.isoformat() if a.published else "", srcs,
               a.n_chunks, a.id]
        hay = " ".join(str(x) for x in (*row, a.url)).lower()
        if all(w in hay for w in words):
            dated.append((a.published, row))
    dated.sort(key=lambda x: (x[0] is not None, x[0] or date.min), reverse=True)
    return [row for _, row in dated]


def table_label(shown: int, total: int) -> str:
    """The table's label: how many articles, how many shown when filtered."""
    count = f"{total} article{'s' if total != 1 else ''}" if shown == total else \
        f"{shown} of {total} articles"
    return f"{count} (click a row to pick it)"


def _value(key: str, value: Any) -> str:
    if isinstance(value, Sequence) and not isinstance(value, str):
        shown = ", ".join(str(v) for v in value[:12])
        return shown + (f" and {len(value) - 12} more" if len(value) > 12 else "") or "none"
    if key in {"llm"} and not value:
        return "none (extractive answers)"
    return "—" if value is None or value == "" else f"{value:,}" if isinstance(value, int) \
        else str(value)


def stats_html(stats: Mapping[str, Any]) -> str:
    """The store's statistics as a two-column table (an error as one line)."""
    if "error" in stats:
        return f'<p class="nd-error">{esc(str(stats["error"]))}</p>'
    rows = "".join(f"<tr><th scope='row'>{esc(label)}</th><td>{esc(_value(key, stats[key]))}</td></tr>"
                   for key, label in _STATS if key in stats)
    return f'<table class="nd-stats">{rows}</table>'
