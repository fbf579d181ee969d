"""The sentences of a retrieved passage: the spans stored with it, or split now."""

from __future__ import annotations

from vectorstore.text.sentences import Span, split_sentences
from vectorstore.types import Passage


def passage_sentences(p: Passage, *, keep_blank: bool = False) -> list[Span]:
    """Sentence spans of ``p.text``: its stored ones that lie inside the text, else split now.

    Args:
        p: A passage (``p.sentences`` may be empty or stale).
        keep_blank: Keep stored spans of nothing but whitespace (the support check does;
            the extractive answerer drops them).

    Returns:
        ``(start, end)`` offsets, in order; the whole text as one span when nothing else
        is found (only for a blank text).
    """
    n = len(p.text)
    spans = [(a, b) for a, b in p.sentences
             if 0 <= a < b <= n and (keep_blank or p.text[a:b].strip())]
    return spans or split_sentences(p.text) or [(0, n)]
