"""Word normalising for matching questions and texts: one stem per word form.

:func:`stem` folds a word onto the form it is compared by: possessive dropped, irregular
verbs to their base ("told" -> "tell"), British spellings to American ("defence" ->
"defense", "-our" -> "-or", "-ise" -> "-ize"), an ordinal in digits to its word ("4th" ->
"fourth"), a nationality word to its country ("Russian" -> "Russia"), then the Porter 2
stemmer of :mod:`vectorstore.text.stemming`.
:func:`stems` gives the stems of a text's content words (question stop words left out).
"""

from __future__ import annotations

import re
from functools import lru_cache

from qa.text import wordlists
from qa.text.names import COMMON
from qa.text.places import DEMONYMS
from vectorstore.text.numbers import ORDINAL_WORDS
from vectorstore.text.stemming import shared_stemmer

#: A word, with inner apostrophes, hyphens and pluses ("Russia's", "Russian-backed", "2+2").
WORD = re.compile(r"\w+(?:[+'’-]\w+)*", re.UNICODE)

#: Negations are content: "not yet the time" must keep its "not".
NEGATION = wordlists.words("question_negations")
#: Words left out of a question's (and a text's) content words.
Q_STOP = (COMMON | wordlists.words("question_stopwords")) - NEGATION

#: Irregular verb forms -> their base form.
IRREGULAR = wordlists.mapping("irregular_verbs")
#: British spellings -> American, so that both match (applied to question and text alike).
BRITISH = wordlists.mapping("british_spellings")

#: A name glued from capitalised words ("TimeWarner", "PlayStation"), and its parts.
_CAMEL = re.compile(r"[A-Z][a-z]{2,}(?:[A-Z][a-z]{2,})+")
_CAMEL_PART = re.compile(r"[A-Z][a-z]+")

_SUFFIX = {1: "st", 2: "nd", 3: "rd"}
#: "4th" -> "fourth" (to "20th").
_ORDINAL = {f"{n}{'th' if 10 < n < 14 else _SUFFIX.get(n % 10, 'th')}": word
            for n, word in enumerate(ORDINAL_WORDS, start=1)}

_OUR = re.compile(r"^(colo|favo|hono|labo|neighbo|behavio|humo|rumo|vigo|harbo|armo|flavo|odo|"
                  r"savo|endeavo|fervo|clamo|splendo)ur")
_ISE = re.compile(r"(?<=\w{3})is(e|ed|es|ing|ation|ations)$")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem ``word`` is matched by ("Russian's" -> "russia", "defence" -> "defens")."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = IRREGULAR.get(w, w)
    w = _ORDINAL.get(w, w)  # "4th of July" matches "Fourth of July"
    w = BRITISH.get(w, w)
    w = _OUR.sub(r"\1r", w)
    if len(w) >= 7:
        w = _ISE.sub(r"iz\1", w)
    country = DEMONYMS.get(w)
    if country and " " not in country:
        w = country  # "Russian" matches "Russia"
    return str(shared_stemmer().stemWord(w))


def content_words(text: str) -> list[str]:
    """The lower-cased words of ``text`` in order, stop words left out."""
    return [lo for lo in (w.lower() for w in WORD.findall(text)) if lo not in Q_STOP]


def stems(text: str) -> set[str]:
    """The stems of the content words of ``text`` (and of the parts of hyphenated words and
    of glued names: "TimeWarner" also gives "time" and "warner")."""
    out: set[str] = set()
    for w in WORD.findall(text):
        lo = _ORDINAL.get(w.lower(), w.lower())
        if lo in Q_STOP:
            continue
        out.add(stem(lo))
        if "-" in lo:  # "Russian-backed" also matches "Russia" and "backing"
            out.update(stem(p) for p in lo.split("-") if len(p) > 2 and p not in Q_STOP)
        elif _CAMEL.fullmatch(w):  # "TimeWarner" also matches "Time Warner"
            out.update(stem(p) for p in _CAMEL_PART.findall(w) if p.lower() not in Q_STOP)
    return out


_DEFINED = re.compile(r"((?:[A-Z][\w'’-]*\s+(?:(?:of|for|and|the)\s+)?){1,6})\(([A-Z]{2,6})\)")


def defined_acronyms(text: str) -> list[tuple[str, str]]:
    """``(name, acronym)`` for each acronym ``text`` defines after a name whose capitals
    spell it: "Athletics Kenya (AK)", "Securities and Exchange Commission (SEC)"."""
    out: list[tuple[str, str]] = []
    for m in _DEFINED.finditer(text):
        words = m.group(1).split()
        acro = m.group(2)
        # the name is the longest tail of the run whose capitals spell the acronym
        for i in range(len(words)):
            tail = words[i:]
            if "".join(w[0] for w in tail if w[0].isupper()) == acro:
                out.append((" ".join(tail), acro))
                break
    return out
