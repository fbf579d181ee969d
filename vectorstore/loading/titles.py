"""Titles for articles that have none: the first sentence of the lede, shortened."""

from __future__ import annotations

import re

from vectorstore.text.wordlists import words

TITLE_CHARS = 90

_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
# Not the sentence splitter's list (see the data file): merging them changes titles.
_ABBREVIATIONS = words("title_abbreviations")


def first_sentence(text: str) -> str:
    """Return the first sentence of ``text`` (the whole text when it has one sentence).

    A full stop after a common abbreviation (``Mr.``, ``U.S.``) or a single initial
    does not end the sentence.
    """
    text = " ".join(text.split())
    for m in _SENTENCE_END.finditer(text):
        word = text[: m.start()].rsplit(" ", 1)[-1].lower().lstrip("\"'“‘(")
        if text[m.start()] == "." and (word in _ABBREVIATIONS or len(word) == 1):
            continue
        return text[: m.end()]
    return text


def shorten(text: str, limit: int = TITLE_CHARS) -> str:
    """Shorten ``text`` to at most ``limit`` characters at a word boundary, ending in ``…``."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:-–—") + "…"


def title_from(line: str) -> str:
    """A title from a first line: kept whole when short, else its first sentence shortened."""
    line = " ".join(line.split())
    return line if len(line) <= TITLE_CHARS else shorten(first_sentence(line))


# A dateline standing alone before the lede: "New York CNN Business —", "LONDON (Reuters) -"
_DATELINE = re.compile(r"^(?:[\w.,'’()&]+\s+){0,7}[\w.,'’()&]+\s*(?:—|–|--|-)$")


def lede_title(text: str) -> str:
    """A title from an article's text: the first sentence of its first paragraph that is not
    a dateline ("New York CNN —"), shortened."""
    paragraphs = [p for p in (" ".join(x.split()) for x in text.split("\n")) if p]
    for p in paragraphs:
        if not _DATELINE.match(p):
            return shorten(first_sentence(p))
    return shorten(first_sentence(paragraphs[0])) if paragraphs else ""
