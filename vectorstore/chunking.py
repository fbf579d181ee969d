"""Sentence splitting and token-bounded chunking of articles.

The splitter is pure Python (regular expressions plus a few rules for
abbreviations, headings and list items) and fast enough to run on every article
at ingest. The :class:`Chunker` packs whole sentences into chunks of at most
``max_tokens`` word-pieces, preferring paragraph ends, with a sentence overlap
between neighbouring chunks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from vectorstore.errors import ConfigError
from vectorstore.types import Article, Chunk

CountTokens = Callable[[Sequence[str]], list[int]]
Span = tuple[int, int]

#: The embedding model reads 256 word-pieces, two of them special tokens.
HARD_MAX_TOKENS = 254

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



def _words(spaced: str) -> frozenset[str]:
    """The set of whitespace-separated words in ``spaced``."""
    return frozenset(spaced.split())


# Never the end of a sentence (compared lower-cased, without the final period).
_ABBREVIATIONS = _words("""
    mr mrs ms messrs mmes mme mlle dr prof gen sen rep reps gov lt col sgt capt cmdr adm
    maj cpl pvt rev hon pres supt det insp st mt ft gens sens
    jan feb mar apr jun jul aug sep sept oct nov dec
    vs v e.g i.e a.k.a viz cf approx fig figs vol vols pp dept univ assn
""")
# End a sentence only when the next word is a likely sentence opener.
_AMBIGUOUS = frozenset({"jr", "sr"})
# Words after "a.m."/"p.m." that continue the sentence.
_TIME_FOLLOWERS = _words("""
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december et est edt ct cst cdt mt mst
    mdt pt pst pdt gmt utc bst cet cest eet eest ist jst aest
""")
# Words that usually open a sentence (used after "U.S.", initials, "Jr.").
_SENTENCE_OPENERS = _words("""
    the a an he she it they we i you but and or so yet in on at as after before however
    meanwhile some many most if when while what who why how this that these those there
    his her their its our my his one no not for since until although though despite
    officials police critics analysts still also then now later earlier
""")
# A line ending in one of these continues on the next line.
_CONTINUATION_WORDS = _words("""
    a an the and or but nor of to in on at by for from with into onto as than that which
    who whom whose is are was were be been has have had will would can could should may
    might must not its his her their our my your this these those said says
""")


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


def _paragraph_sentences(text: str) -> list[list[Span]]:
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
    return [s for para in _paragraph_sentences(text) for s in para]


@dataclass
class _Units:
    """Parallel lists describing the pieces of text that chunks are built from.

    A unit is a whole sentence or, for a sentence over the token limit, one piece of it.
    """

    starts: list[int]
    ends: list[int]
    counts: list[int]
    para_end: list[int]  # index one past the last unit of this unit's paragraph
    sentence: list[int]  # index of the sentence the unit belongs to
    whole: list[bool]  # the unit is a whole sentence (may be used for overlap)
    ids: list[list[int] | None]  # its word-piece ids, when the counter gives them

    def spaced(self, a: int, b: int) -> bool:
        """Whether units ``a`` to ``b - 1`` are separated by whitespace (so an additive
        counter counts their joined text as the sum of their counts)."""
        return all(self.ends[u] < self.starts[u + 1] for u in range(a, b - 1))


class Chunker:
    """Packs an article's sentences into chunks of at most ``max_tokens`` word-pieces.

    Args:
        max_tokens: Largest chunk, in word-pieces (capped at 254, the model's limit
            less its two special tokens).
        overlap: Word-pieces of whole sentences repeated from the end of one chunk
            at the start of the next (0 for disjoint chunks).
        count_tokens: Counts the word-pieces of each text in a batch; by default the
            embedding model's tokenizer, loaded on the first :meth:`run`.

    Raises:
        ConfigError: ``max_tokens`` is under 1 or ``overlap`` is negative.
    """

    def __init__(self, max_tokens: int = 200, overlap: int = 32,
                 count_tokens: CountTokens | None = None) -> None:
        if max_tokens < 1:
            raise ConfigError(f"chunk size {max_tokens} is too small: use e.g. 200 word-pieces")
        if overlap < 0:
            raise ConfigError(f"chunk overlap {overlap} is negative: use 0 or more word-pieces")
        self.max_tokens = max_tokens
        self.overlap = overlap
        self.limit = min(max_tokens, HARD_MAX_TOKENS)
        self._count = count_tokens

    @property
    def count_tokens(self) -> CountTokens:
        """The word-piece counter (the default tokenizer is loaded on first access)."""
        if self._count is None:
            from vectorstore.embedding import token_counter

            self._count = token_counter()
        return self._count

    def run(self, article: Article) -> list[Chunk]:
        """Chunk ``article``.

        Args:
            article: The article; chunk offsets point into ``article.text``.

        Returns:
            Chunks in text order covering every non-whitespace character of the
            text, each with ``text == article.text[start:end]`` and at most
            ``min(max_tokens, 254)`` word-pieces; ``[]`` for blank text.
        """
        text = article.text
        paragraphs = _paragraph_sentences(text)
        if not paragraphs:
            return []
        units = self._units(text, paragraphs)
        spans = self._verify(text, units, self._plan(units))
        chunks: list[Chunk] = []
        for index, (a, b, n) in enumerate(spans):
            start, end = units.starts[a], units.ends[b - 1]
            sentences: list[Span] = []
            for u in range(a, b):
                rel = (units.starts[u] - start, units.ends[u] - start)
                if u > a and units.sentence[u] == units.sentence[u - 1]:
                    sentences[-1] = (sentences[-1][0], rel[1])  # pieces of one sentence
                else:
                    sentences.append(rel)
            chunks.append(Chunk(article.id, index, text[start:end], start, end, n,
                                tuple(sentences), self._chunk_ids(units, a, b, n)))
        return chunks

    def _chunk_ids(self, units: _Units, a: int, b: int, n: int) -> tuple[int, ...]:
        """The chunk's word-piece ids, joined from its units' when that is exact, else ``()``.

        Exact for an additive counter (see :meth:`_verify`) when every unit is a whole
        sentence with ids and the units are separated by whitespace.
        """
        if not getattr(self.count_tokens, "additive", False):
            return ()
        parts = units.ids[a:b]
        if any(p is None for p in parts) or not units.spaced(a, b):
            return ()
        out = tuple(t for p in parts for t in p)  # type: ignore[union-attr]
        return out if len(out) == n else ()

    # -- units -------------------------------------------------------------------------

    def _units(self, text: str, paragraphs: list[list[Span]]) -> _Units:
        """Count every sentence (one batch) and split those over the limit."""
        flat = [s for para in paragraphs for s in para]
        sentences = [text[s:e] for s, e in flat]
        ids_of = getattr(self.count_tokens, "ids", None)
        ids: list[list[int]] | None = ids_of(sentences) if ids_of is not None else None
        counts = [len(x) for x in ids] if ids is not None else self.count_tokens(sentences)
        long = [i for i, n in enumerate(counts) if n > self.limit]
        pieces = self._fit(text, [flat[i] for i in long], [counts[i] for i in long])
        pieces_of = dict(zip(long, pieces, strict=True))
        units = _Units([], [], [], [], [], [], [])
        i = 0
        for para in paragraphs:
            for _ in para:
                parts = pieces_of.get(i, [(flat[i][0], flat[i][1], counts[i])])
                for s, e, n in parts:
                    units.starts.append(s)
                    units.ends.append(e)
                    units.counts.append(n)
                    units.sentence.append(i)
                    units.whole.append(len(parts) == 1)
                    units.ids.append(ids[i] if ids is not None and len(parts) == 1 else None)
                i += 1
            units.para_end.extend([len(units.starts)] * (len(units.starts) - len(units.para_end)))
        return units

    def _fit(self, text: str, spans: list[Span], counts: list[int]) -> list[list[tuple[int, int, int]]]:
        """Split each over-limit span into pieces of at most ``limit`` word-pieces.

        Pieces end at word boundaries; a single word over the limit is cut between
        characters. Every piece is re-counted, so the bound holds for any counter.

        Returns:
            For each span, its ``(start, end, count)`` pieces in order.
        """
        if not spans:
            return []
        limit = self.limit
        words_of = [[m.span() for m in _NONSPACE_RE.finditer(text, s, e)] for s, e in spans]
        word_counts = self.count_tokens([text[a:b] for words in words_of for a, b in words])
        candidates: list[list[Span]] = []
        k = 0
        for (s, e), n, wspans in zip(spans, counts, words_of, strict=True):
            wcounts = word_counts[k:k + len(wspans)]
            k += len(wspans)
            if len(wspans) == 1:
                candidates.append(_cut_chars(s, e, max(2, -(-n // limit))))
                continue
            target = -(-n // -(-n // limit))  # even pieces: ceil(n / number of pieces)
            groups: list[Span] = []
            g_start, g_count = wspans[0][0], 0
            prev_end = wspans[0][0]
            for (ws, we), wn in zip(wspans, wcounts, strict=True):
                if g_count and (g_count + wn > limit or g_count >= target):
                    groups.append((g_start, prev_end))
                    g_start, g_count = ws, 0
                g_count += wn
                prev_end = we
            groups.append((g_start, prev_end))
            if len(groups) == 1:  # the counter is not additive over words: halve
                mid = len(wspans) // 2
                groups = [(wspans[0][0], wspans[mid - 1][1]), (wspans[mid][0], wspans[-1][1])]
            candidates.append(groups)
        flat = [g for groups in candidates for g in groups]
        flat_counts = self.count_tokens([text[s:e] for s, e in flat])
        over = [i for i, n in enumerate(flat_counts) if n > limit and flat[i][1] - flat[i][0] > 1]
        refit = dict(zip(over, self._fit(text, [flat[i] for i in over],
                                         [flat_counts[i] for i in over]), strict=True))
        result: list[list[tuple[int, int, int]]] = []
        k = 0
        for groups in candidates:
            pieces: list[tuple[int, int, int]] = []
            for s, e in groups:
                pieces.extend(refit.get(k, [(s, e, flat_counts[k])]))
                k += 1
            result.append(pieces)
        return result

    # -- packing -------------------------------------------------------------------------

    def _plan(self, units: _Units) -> list[tuple[int, int, int]]:
        """Pack units into chunks by summed counts.

        Returns:
            ``(first unit, first unit not in the previous chunk, end unit)`` per chunk.
        """
        limit, overlap = self.limit, self.overlap
        n = units.counts
        pre = [0]
        for c in n:
            pre.append(pre[-1] + c)
        total = len(n)
        plan: list[tuple[int, int, int]] = []
        a = own = 0
        while True:
            b = own
            cur = pre[b] - pre[a]
            while b < total:
                pe = units.para_end[b]
                if cur + pre[pe] - pre[b] <= limit:  # the rest of the paragraph fits
                    cur += pre[pe] - pre[b]
                    b = pe
                    continue
                if b > own and 2 * cur >= limit:  # half full: end at the paragraph end
                    break
                while b < pe and cur + n[b] <= limit:
                    cur += n[b]
                    b += 1
                break
            b = max(b, own + 1)
            plan.append((a, own, b))
            if b >= total:
                return plan
            # Overlap: the last whole sentences of this chunk, never all of it, and
            # only as many as leave room for the next sentence.
            na = b
            while (na - 1 > a and units.whole[na - 1]
                   and pre[b] - pre[na - 1] <= overlap
                   and pre[b] - pre[na - 1] + n[b] <= limit):
                na -= 1
            a, own = na, b

    def _verify(self, text: str, units: _Units,
                plan: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
        """Count each planned chunk's text (one batch) and re-split any over the limit.

        With a counter that adds up over whitespace (like the model's tokenizer)
        nothing changes; with any other, a chunk over the limit first loses its
        overlap, then is halved until it fits (a single unit always fits), and
        chunks left inside a neighbour are dropped. A counter that declares itself
        additive (``count_tokens.additive``, as the model's tokenizer does) is trusted
        for chunks whose units are separated by whitespace: their count is the sum of
        their units' counts, and only the others are counted again (this halves the
        tokenizing at ingest).

        Returns:
            ``(first unit, end unit, count)`` per chunk, in order.
        """
        pending = plan
        done: list[tuple[int, int, int]] = []
        if getattr(self.count_tokens, "additive", False):
            pending = []
            for a, own, b in plan:
                n = sum(units.counts[a:b])
                if n <= self.limit and units.spaced(a, b):
                    done.append((a, b, n))
                else:
                    pending.append((a, own, b))
        while pending:
            counts = self.count_tokens(
                [text[units.starts[a]:units.ends[b - 1]] for a, _, b in pending])
            retry: list[tuple[int, int, int]] = []
            for (a, own, b), c in zip(pending, counts, strict=True):
                if c <= self.limit or b - a == 1:
                    done.append((a, b, c))
                elif a < own:
                    retry.append((own, own, b))
                else:
                    mid = (a + b) // 2
                    retry.extend([(a, a, mid), (mid, mid, b)])
            pending = retry
        # A re-split chunk can end up inside its neighbour (whose overlap reached back
        # into it): keep only chunks not contained in another, in order.
        kept: list[tuple[int, int, int]] = []
        for a, b, c in sorted(done):
            while kept and kept[-1][0] == a:
                kept.pop()
            if not kept or b > kept[-1][1]:
                kept.append((a, b, c))
        return kept


def _cut_chars(start: int, end: int, parts: int) -> list[Span]:
    """Cut ``[start, end)`` into ``parts`` nearly equal non-empty character ranges."""
    parts = max(1, min(parts, end - start))
    bounds = [start + (end - start) * k // parts for k in range(parts + 1)]
    return [(bounds[k], bounds[k + 1]) for k in range(parts)]

