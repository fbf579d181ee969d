"""The one sentence splitter: sentences and paragraphs of any text, as offsets.

Pure Python (regular expressions plus a few rules for abbreviations, headings and list
items), fast enough to run on every article at ingest. Chunking, the answerers and the
support check all use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from vectorstore.text.wordlists import words

Span = tuple[int, int]

_OPENERS = frozenset("\"'“‘«‹([{¿¡„‚")
_CLOSERS = "\"'”’»›)]}"
_BULLETS = frozenset("-*•·▪►–—‣◦")
_STARTER_SYMBOLS = _OPENERS | _BULLETS | frozenset("$£€¥#@")
_TERMINALS = frozenset(".!?…")

# Every run of terminal punctuation with its closing quotes/brackets (so each run is
# matched once: linear on any input); group 2 is the whitespace after it, present only
# when the next character is not an ASCII lowercase letter.
_TERM_RE = re.compile(r"[.!?…][.!?…]*+([\"'”’»›)\]}]*+)(\s++(?=[^a-z\s]))?")
_WS_RE = re.compile(r"\s+")
_NONSPACE_RE = re.compile(r"\S+")
# A blank line: a newline, a line of nothing but whitespace, and the whitespace after it.
_PARA_RE = re.compile(r"\n[^\S\n]*\n\s*|\u2029\s*")
_LIST_ITEM_RE = re.compile(r"(?:[-*•·▪►–—‣◦]|\(?(?:\d{1,3}|[a-zA-Z])[.)])\s")
_UPPER_DOTTED_RE = re.compile(r"[A-Z](?:\.[A-Z])+")
_LOWER_DOTTED_RE = re.compile(r"[a-z](?:\.[a-z])+")

# Never the end of a sentence (compared lower-cased, without the final period).
_ABBREVIATIONS = words("abbreviations")
# End a sentence only when the next word is a likely sentence opener.
_AMBIGUOUS = frozenset({"jr", "sr"})
# Words after "a.m."/"p.m." that continue the sentence.
_TIME_FOLLOWERS = words("time_followers")
# Words that usually open a sentence (used after "U.S.", initials, "Jr.").
_SENTENCE_OPENERS = words("sentence_openers")
# A line ending in one of these continues on the next line.
_CONTINUATION_WORDS = words("continuation_words")


def _is_starter(c: str) -> bool:
    """Whether ``c`` can open a sentence (uppercase, digit, opening quote, bullet)."""
    return c.isupper() or c.isdigit() or c in _STARTER_SYMBOLS or (c.isalpha() and not c.islower())


def _next_word(text: str, i: int, end: int) -> str:
    """The lower-cased letters of the word starting at ``i``."""
    j = i
    while j < end and text[j] in _OPENERS:
        j += 1
    k = j
    while k < end and text[k].isalpha():
        k += 1
    return text[j:k].lower()


def _ends_sentence(text: str, p: int, term: int, end: int, nxt: int,
                   seg_start: int, seg_end: int) -> bool:
    """Decide whether the terminal punctuation ``text[p:term]`` ends a sentence.

    ``end`` is past any closing quotes after it; ``nxt`` is the first character
    after the whitespace that follows.
    """
    c = text[nxt]
    if not _is_starter(c):
        return False
    if term - p != 1 or text[p] != "." or end != term:
        # "!", "?", "…", "...", or a closing quote after the period: a real end.
        return True
    w = p
    while w > seg_start and not text[w - 1].isspace():
        w -= 1
    while w < p and text[w] in _OPENERS:
        w += 1
    word = text[w:p]
    if not word:
        return True
    lw = word.lower()
    if lw in _ABBREVIATIONS:
        return False
    if lw in ("no", "nos") and word[0] == "N":
        return not (c.isdigit() or c == "#")
    if lw in _AMBIGUOUS or (len(word) == 1 and word.isupper()):
        return "\n" in text[end:nxt] or _next_word(text, nxt, seg_end) in _SENTENCE_OPENERS
    if _UPPER_DOTTED_RE.fullmatch(word):
        return ("\n" in text[end:nxt] or c in _OPENERS
                or _next_word(text, nxt, seg_end) in _SENTENCE_OPENERS)
    if _LOWER_DOTTED_RE.fullmatch(word):  # a.m., p.m. (e.g., i.e. are abbreviations)
        return _next_word(text, nxt, seg_end) not in _TIME_FOLLOWERS
    if word.isdigit() and len(word) <= 3:
        # "1. First item" at the start of a line is a list number, not a sentence end.
        k = w
        while k > seg_start and text[k - 1].isspace() and text[k - 1] != "\n":
            k -= 1
        return not (k == seg_start or text[k - 1] == "\n")
    return True


def _looks_like_heading(line: str) -> bool:
    """Whether a stripped line without terminal punctuation reads as a heading."""
    if len(line) > 100 or line[-1] in ",;:-–—&/(+=" or not _is_starter(line[0]):
        return False
    words = line.split()
    if len(words) > 14 or words[-1].strip(_CLOSERS).lower() in _CONTINUATION_WORDS:
        return False
    if len(line) <= 60:
        return True
    capitalised = sum(1 for w in words if not w[0].isalpha() or w[0].isupper())
    return 3 * capitalised >= 2 * len(words)


def _line_breaks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence breaks at single newlines inside a paragraph: before list items, after headings.

    In a paragraph of three lines or more, a line is not taken for a heading when
    the next line's first word would not have fitted on it within the widest line
    (the paragraph looks hard-wrapped).

    Returns:
        ``(end of sentence, start of next sentence)`` pairs.
    """
    breaks: list[tuple[int, int]] = []
    lines = text[start:end].split("\n")
    width = max(len(line.strip()) for line in lines)
    wrapped = len(lines) > 2 and width >= 20  # may be hard-wrapped at ``width``
    line_start = start
    after_end = True  # the line starts a sentence (paragraph start or after a sentence end)
    i = text.find("\n", start, end)
    while i != -1:
        ws = _WS_RE.match(text, i, end)
        nxt = ws.end() if ws else i + 1
        line = text[line_start:i].strip()
        if nxt < end and line:
            ended = line.rstrip(_CLOSERS)[-1:] in _TERMINALS
            if _LIST_ITEM_RE.match(text, nxt, end) or (
                after_end and not ended and _is_starter(text[nxt])
                and (not wrapped or len(line) + 1 + _word_len(text, nxt, end) <= width)
                and _looks_like_heading(line)
            ):
                breaks.append((line_start + len(text[line_start:i].rstrip()), nxt))
                after_end = True
            else:
                after_end = ended
        line_start = nxt
        i = text.find("\n", nxt, end)
    return breaks


def _word_len(text: str, i: int, end: int) -> int:
    """Length of the whitespace-free run starting at ``i``."""
    m = _NONSPACE_RE.match(text, i, end)
    return m.end() - i if m else 0


def _segment_sentences(text: str, start: int, end: int, out: list[Span]) -> None:
    """Append the sentences of the stripped segment ``text[start:end]`` to ``out``."""
    cur = start
    for m in _TERM_RE.finditer(text, start, end):
        nxt = m.end()
        if nxt == m.end(1):  # no whitespace, or a lowercase letter after it
            continue
        if nxt >= end:
            break
        stop = m.end(1)  # past the closing quotes
        if _ends_sentence(text, m.start(), m.start(1), stop, nxt, start, end):
            out.append((cur, stop))
            cur = nxt
    out.append((cur, end))


def _stripped(text: str, start: int, end: int) -> Span:
    """``(start, end)`` narrowed to exclude leading and trailing whitespace."""
    seg = text[start:end]
    left = seg.lstrip()
    start += len(seg) - len(left)
    return start, start + len(left.rstrip())


def split_paragraphs(text: str) -> list[Span]:
    """Split ``text`` into blank-line separated blocks.

    Args:
        text: Any text.

    Returns:
        ``(start, end)`` offsets of each paragraph, in order, stripped and non-empty.
    """
    spans: list[Span] = []
    pos = 0
    for m in _PARA_RE.finditer(text):
        s, e = _stripped(text, pos, m.start())
        if s < e:
            spans.append((s, e))
        pos = m.end()
    s, e = _stripped(text, pos, len(text))
    if s < e:
        spans.append((s, e))
    return spans


def paragraph_sentences(text: str) -> list[list[Span]]:
    """The sentences of ``text``, grouped by paragraph."""
    paragraphs: list[list[Span]] = []
    for ps, pe in split_paragraphs(text):
        sentences: list[Span] = []
        seg_start = ps
        if "\n" in text[ps:pe]:
            for line_end, nxt in _line_breaks(text, ps, pe):
                _segment_sentences(text, seg_start, line_end, sentences)
                seg_start = nxt
        _segment_sentences(text, seg_start, pe, sentences)
        paragraphs.append(sentences)
    return paragraphs


def split_sentences(text: str) -> list[Span]:
    """Split ``text`` into sentences.

    Splits at ``. ! ? …`` (with any closing quotes or brackets) followed by
    whitespace and a capital, digit or opening quote, except after known
    abbreviations, initials and ``U.S.``-style acronyms; at blank lines; and at
    single newlines before list items or after heading-like lines.

    Args:
        text: Any text.

    Returns:
        ``(start, end)`` offsets of each sentence, in order, non-overlapping,
        non-empty and stripped of surrounding whitespace.
    """
    return [s for para in paragraph_sentences(text) for s in para]


def words_in(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """The whitespace-free runs of ``text[start:end]``."""
    return _NONSPACE_RE.finditer(text, start, end)
