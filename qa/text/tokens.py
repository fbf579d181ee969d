"""The word tokenizer the name finders share: words, initials, abbreviations, possessives."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.text.wordlists import words

__all__ = ["PARTICLES", "Tok", "sentence_start", "tokens"]

PARTICLES = words("name_particles")
"""Lower-case particles inside names: ``von der Leyen``, ``al-Assad``, ``bin Salman``."""

_TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}"                                       # U.S., U.K.
    r"|[A-Z]\.(?=\s)"                                        # initial: George W. Bush
    r"|(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Rev|Prof|St|Jr|Sr)\.(?=\s)"
    r"|\w+(?:[-'’]\w+)*(?:['’]s\b)?"                         # words, hyphens, O'Brien, possessive
    r"|\S", re.UNICODE)

_OPENERS = frozenset({".", "!", "?", ":", ";", "\"", "“", "‘", "'", "(", "—", "–", "-"})


@dataclass(frozen=True)
class Tok:
    """One token: its text and offsets in the tokenized text."""

    text: str
    start: int
    end: int

    @property
    def cap(self) -> bool:
        """True for a capitalised word (or a particle joined to one: ``al-Assad``)."""
        t = self.text
        if not t[0].isalpha():
            return False
        if t[0].isupper():
            return True
        # al-Assad, el-Sisi, bin-Salman: a lowercase particle then a capital
        head, _, tail = t.partition("-")
        return bool(tail) and head in PARTICLES and tail[:1].isupper()

    @property
    def possessive(self) -> bool:
        """True when the token ends in ``'s``."""
        return len(self.text) > 2 and self.text[-2:] in ("'s", "’s")


def tokens(text: str) -> list[Tok]:
    """The tokens of ``text``, in order."""
    return [Tok(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def sentence_start(toks: list[Tok], i: int, text: str) -> bool:
    """True when token ``i`` starts a sentence, a quote, a clause or a line."""
    if i == 0:
        return True
    if toks[i - 1].text in _OPENERS:
        return True
    gap = text[toks[i - 1].end:toks[i].start]
    return "\n" in gap
