"""The answer settings beside the chat (k, date range, sources, collection), kept in the
browser (a ``gr.BrowserState``) so that a reload brings them back.

:func:`saved` turns the controls into the stored dict; :func:`restored` turns a stored dict
back into updates for the controls, keeping only what still makes sense (a collection or
a source that is gone is dropped).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gradio as gr

STORAGE_KEY = "newsdesk-answer-settings"
"""The browser's localStorage key."""
K_RANGE = (1, 20)
"""The passages-per-question slider's range."""


def saved(k: float | None, since: str | None, until: str | None, sources: Sequence[str] | None,
          collection: str | None) -> dict[str, Any]:
    """The settings as the browser keeps them."""
    return {"k": int(k) if k else None, "since": (since or "").strip(),
            "until": (until or "").strip(), "sources": list(sources or []),
            "collection": collection or ""}


def restored(state: Any, collections: Sequence[str], sources: Sequence[str]
             ) -> tuple[Any, Any, Any, Any, Any]:
    """Updates for the k slider, the two dates, the source filter and the collection picker
    from a stored dict (``gr.skip()`` for each thing not stored or no longer valid)."""
    s = state if isinstance(state, dict) else {}
    k = s.get("k")
    k_up = gr.update(value=int(k)) if isinstance(k, int) and K_RANGE[0] <= k <= K_RANGE[1] \
        else gr.skip()
    since = gr.update(value=s["since"]) if isinstance(s.get("since"), str) else gr.skip()
    until = gr.update(value=s["until"]) if isinstance(s.get("until"), str) else gr.skip()
    picked = [x for x in s.get("sources") or [] if isinstance(x, str) and x in sources]
    src = gr.update(choices=list(sources), value=picked) if "sources" in s else gr.skip()
    name = s.get("collection")
    coll = gr.update(choices=list(collections), value=name) \
        if isinstance(name, str) and name in collections else gr.skip()
    return k_up, since, until, src, coll
