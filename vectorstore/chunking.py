"""Token-bounded chunking of articles.

The :class:`Chunker` packs whole sentences (from :mod:`vectorstore.text.sentences`) into
chunks of at most
``max_tokens`` word-pieces, preferring paragraph ends, with a sentence overlap
between neighbouring chunks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from vectorstore.errors import ConfigError
from vectorstore.text.sentences import Span, paragraph_sentences, words_in
from vectorstore.types import Article, Chunk

CountTokens = Callable[[Sequence[str]], list[int]]

#: The embedding model reads 256 word-pieces, two of them special tokens.
HARD_MAX_TOKENS = 254

_WINDOW_CHARS = 1 << 15
"""A sentence longer than this is read in windows of about this size (cut at spaces), one
at a time: tokenizing a whole 5 MB run-on sentence at once (and then each of its words in
one batch) took over 1 GB."""
_BATCH_CHARS = 1 << 18
"""The tokenizer gets sentences in batches of about this many characters."""


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
        paragraphs = paragraph_sentences(text)
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
        """Count every sentence (in batches) and split those over the limit."""
        flat = [s for para in paragraphs for s in para]
        ids, counts = self._count_sentences(text, flat)
        long = [i for i, n in enumerate(counts) if n > self.limit]
        pieces_of: dict[int, list[tuple[int, int, int]]] = {}
        for group in _batches(long, [flat[i][1] - flat[i][0] for i in long]):
            pieces = self._fit(text, [flat[i] for i in group], [counts[i] for i in group])
            pieces_of.update(zip(group, pieces, strict=True))
        for i, (s, e) in enumerate(flat):
            if e - s > _WINDOW_CHARS:  # read in windows, one at a time
                pieces_of[i] = self._fit_windows(text, s, e)
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

    def _count_sentences(self, text: str, flat: list[Span]
                         ) -> tuple[list[list[int]] | None, list[int]]:
        """The word-piece ids (when the counter gives them) and counts of each sentence,
        tokenized in batches; a sentence over :data:`_WINDOW_CHARS` is left to
        :meth:`_fit_windows` (count 0 here, no ids)."""
        ids_of = getattr(self.count_tokens, "ids", None)
        ids: list[list[int]] | None = [] if ids_of is not None else None
        counts: list[int] = []
        sizes = [e - s if e - s <= _WINDOW_CHARS else 0 for s, e in flat]
        for group in _batches(list(range(len(flat))), sizes):
            sentences = [text[flat[i][0]:flat[i][1]] if sizes[i] else "" for i in group]
            if ids_of is not None and ids is not None:
                got: list[list[int]] = ids_of(sentences)
                ids.extend(got)
                counts.extend(len(x) for x in got)
            else:
                counts.extend(self.count_tokens(sentences))
        return ids, counts

    def _fit_windows(self, text: str, start: int, end: int) -> list[tuple[int, int, int]]:
        """The pieces of a very long sentence: windows of about :data:`_WINDOW_CHARS` cut
        at whitespace, each counted, and split by :meth:`_fit` when over the limit."""
        pieces: list[tuple[int, int, int]] = []
        for s, e in _windows(text, start, end):
            (n,) = self.count_tokens([text[s:e]])
            pieces.extend([(s, e, n)] if n <= self.limit else self._fit(text, [(s, e)], [n])[0])
        return pieces

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
        words_of = [[m.span() for m in words_in(text, s, e)] for s, e in spans]
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
            texts = [text[units.starts[a]:units.ends[b - 1]] for a, _, b in pending]
            counts = [n for g in _batches(list(range(len(texts))), [len(t) for t in texts])
                      for n in self.count_tokens([texts[i] for i in g])]
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


def _batches(items: list[int], sizes: list[int]) -> list[list[int]]:
    """``items`` in order, in groups of about :data:`_BATCH_CHARS` (by ``sizes``)."""
    groups: list[list[int]] = [[]]
    total = 0
    for item, size in zip(items, sizes, strict=True):
        if groups[-1] and total + size > _BATCH_CHARS:
            groups.append([])
            total = 0
        groups[-1].append(item)
        total += size
    return [g for g in groups if g]


def _windows(text: str, start: int, end: int) -> list[Span]:
    """``[start, end)`` cut into windows of at most :data:`_WINDOW_CHARS`, each ending at
    whitespace where there is some (else between characters), without the whitespace."""
    out: list[Span] = []
    s = start
    while s < end:
        while s < end and text[s].isspace():
            s += 1
        if s >= end:
            break
        e = min(end, s + _WINDOW_CHARS)
        if e < end:
            cut = max(text.rfind(" ", s, e), text.rfind("\n", s, e), text.rfind("\t", s, e))
            e = cut if cut > s else e
        stop = e
        while stop > s and text[stop - 1].isspace():
            stop -= 1
        out.append((s, stop))
        s = e
    return out


def _cut_chars(start: int, end: int, parts: int) -> list[Span]:
    """Cut ``[start, end)`` into ``parts`` nearly equal non-empty character ranges."""
    parts = max(1, min(parts, end - start))
    bounds = [start + (end - start) * k // parts for k in range(parts + 1)]
    return [(bounds[k], bounds[k + 1]) for k in range(parts)]

