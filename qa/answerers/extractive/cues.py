"""Cues in a sentence's wording: quoting, naming, giving a reason, continuing the one before."""

from __future__ import annotations

import re

from qa.answerers.extractive.context import Sent
from qa.text.names import find_entities
from qa.text.roles import ROLE_NOUNS
from qa.text.stems import WORD, stem

SAY_TEXT = re.compile(r"\b(?:say|says|said|saying|tell|tells|told|telling|add|adds|added|"
                      r"wrote|write|writes|tweeted|stated|announced|claimed|argued|explained|"
                      r"insisted|noted|warned|declared|cautioned|welcomed|urged|described)\b",
                      re.IGNORECASE)
NAMING_TEXT = re.compile(r"\b(?:so-called|known\s+as|called|dubbed|named|nicknamed|titled|"
                         r"branded)\b", re.IGNORECASE)
REASON_TEXT = re.compile(r"\b(because|due to|in order to|so that|in a bid to|aimed at|as a result|"
                    r"amid|reason|after|since|caused by|blamed|to help|to avoid|to prevent|"
                    r"prompts?|following)\b",
                    re.IGNORECASE)
PRONOUN_START = re.compile(r"^[\"“'‘]?(?:She|He|They|It|This|That|These|Those|The \w+ "
                           r"(?:minister|president|official|company)|But|And|Also)\b")
_ROLE_SUBJECT = re.compile(r"\bthe\s+(?:[\w'’-]+\s+){0,3}?(?:" + "|".join(sorted(ROLE_NOUNS)) +
                           r")\s+(?:said|says|told|added|wrote|noted|stated|warned)\b",
                           re.IGNORECASE)


def reason_after_term(text: str, weight: dict[str, float]) -> bool:
    """A reason word right after a question term ("suspended *after* ...")."""
    for m in REASON_TEXT.finditer(text):
        before = WORD.findall(text[max(0, m.start() - 40):m.start()])[-3:]
        if any(stem(w) in weight for w in before):
            return True
    return False


def refers_back(text: str) -> bool:
    """A sentence about the one before: "He said...", "“...,” she told reporters."""
    if PRONOUN_START.match(text):
        return True
    t = text.strip()
    if t[:1] in "\"“'‘" and re.search(r"[,?!][\"”'’]?\s+(?:he|she|they)\s+(?:\w+\s+)?"
                                     r"(?:said|told|added|says|wrote|noted)\b", t):
        return True
    return continues(text) and not PRONOUN_START.match(text)


def continues(text: str) -> bool:
    """A sentence that goes on about the one before: a pronoun, or an unnamed role speaking."""
    if PRONOUN_START.match(text):
        return True
    return bool(_ROLE_SUBJECT.search(text)) and not any(
        e.kind == "PERSON" for e in find_entities(text))


def quotes(s: Sent | str, speaker: str, prev: Sent | str | None) -> bool:
    """True when the sentence gives words of ``speaker`` (by name, or by pronoun after them)."""
    text = s.text if isinstance(s, Sent) else s
    if not SAY_TEXT.search(text):
        return False
    low = text.lower()
    if re.search(rf"\b{re.escape(speaker)}\b", low):
        return True
    ptext = (prev.text if isinstance(prev, Sent) else prev) or ""
    return bool(re.search(rf"\b{re.escape(speaker)}\b", ptext.lower())) and bool(
        re.search(r"\b(he|she|they)\s+(?:\w+\s+)?(?:said|told|added|says)\b|^[\"“]", text.strip(),
                  re.IGNORECASE) or continues(text))


def same_content(a: Sent, b: Sent) -> bool:
    """Two sentences sharing most of their content words (a repeat)."""
    if not a.stems or not b.stems:
        return False
    return len(a.stems & b.stems) / len(a.stems | b.stems) > 0.6
