"""Support check: is each answer sentence backed by the passage(s) it cites?

Any answerer can use it. For every sentence of an answer it looks at the passages
the sentence cites with ``[n]`` and combines

* embedding similarity between the sentence and the closest passage sentence
  (the ``embed`` callable: texts in, unit vectors out; one call for everything), and
* lexical overlap: the share of the sentence's content words (stemmed) found in the
  best passage sentence or pair of neighbouring sentences,

with three hard checks that catch the usual hallucinations cheaply:

* every number in the sentence must occur in a cited passage (``2016`` vs ``2014``);
* every name (a capitalised word inside the sentence, or an acronym) must occur in a
  cited passage (``Merkel``);
* a place stated as ``in/at/near X`` must be stated that way in a cited passage
  (``held in Paris`` when the passage says ``talks ... in Moscow as Paris pushes``).

Passage sentences that read like instructions to an AI ("ignore previous instructions",
"reply only with ...") never count as support: an answer that merely echoes them is
flagged as a likely prompt injection.

A sentence with no citation at all is unsupported. The checks are deliberately
lexical and cheap; they flag, they never rewrite: the answer text stays as it is and
the UI marks the flagged sentences.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from qa.citations import LEADING_MARKERS_RE, MARKER_RE, marker_numbers, strip_markers
from qa.text import wordlists
from qa.text.passages import passage_sentences
from qa.types import Citation
from vectorstore.text.sentences import split_sentences
from vectorstore.text.stemming import shared_stemmer
from vectorstore.types import Passage

Embed = Callable[[Sequence[str]], np.ndarray]
Span = tuple[int, int]

#: A sentence passes when ``EMBED_WEIGHT * similarity + (1 - EMBED_WEIGHT) * overlap``
#: reaches this (and the hard checks pass).
SUPPORT_MIN = 0.5
EMBED_WEIGHT = 0.5

_NUMBER_RE = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")
_WORD_RE = re.compile(r"[^\W\d_][\w'’-]*")
_ANCHOR_RE = re.compile(r"\b(in|at|near)\s+(?:the\s+)?([A-Z][\w'’-]*)")
_POSSESSIVE = re.compile(r"['’]s?$")
_INSTRUCTION_RE = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.!?\n]{0,60}\b(?:instructions?|prompts?|rules|"
    r"directions|guidelines)\b"
    r"|\b(?:reply|respond|output|print)\s+(?:only|exactly|just)\b"
    r"|\b(?:you are now|new instructions|system prompt|developer mode|jailbreak)\b"
    r"|(?:^|\n)\s*(?:system|assistant)\s*:", re.IGNORECASE)


#: Left out of the content words compared.
STOPWORDS = wordlists.words("support_stopwords")
_MONTHS_DAYS = wordlists.words("months_days")


@dataclass(frozen=True)
class SentenceCheck:
    """The verdict on one answer sentence.

    Attributes:
        text: The sentence exactly as it appears in the answer (markers included).
        span: ``(start, end)`` of ``text`` in the answer.
        cited: The citation numbers it carries, in order of appearance.
        supported: Whether the cited passages back it.
        reason: Why not, in words (empty when supported).
        score: The combined similarity/overlap score (0 for uncited sentences).
        quotes: ``n -> (start, end)``: the best supporting sentence inside passage ``n``.
    """

    text: str
    span: Span
    cited: tuple[int, ...]
    supported: bool
    reason: str = ""
    score: float = 0.0
    quotes: Mapping[int, tuple[Span, float]] = field(default_factory=dict)


def answer_sentences(text: str) -> list[Span]:
    """Split an answer into sentences, keeping trailing markers with their sentence.

    ``"A. [1] B. [2]"`` gives ``"A. [1]"`` and ``"B. [2]"``.
    """
    out: list[list[int]] = []
    for s, e in split_sentences(text):
        m = LEADING_MARKERS_RE.match(text, s)
        if m and out and m.end() > s:
            out[-1][1] = m.end()
            s = m.end()
            while s < e and text[s].isspace():
                s += 1
        if s < e:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _words(text: str) -> list[str]:
    """Lower-cased words of ``text``, possessives dropped (``Russia's`` → ``russia``)."""
    return [_POSSESSIVE.sub("", w.lower()).replace("’", "'") for w in _WORD_RE.findall(text)]


def _numbers(text: str) -> set[str]:
    """Numbers in ``text``, thousands separators removed (``13,000`` → ``13000``)."""
    out = set()
    for n in _NUMBER_RE.findall(text):
        n = n.rstrip(".,")
        out.add(re.sub(r",(?=\d{3}\b)", "", n))
    return out


def content_tokens(text: str) -> set[str]:
    """Stemmed content words and numbers of ``text`` (stopwords and 1-letter words dropped)."""
    words = [w for w in _words(text) if len(w) > 1 and w not in STOPWORDS]
    stems = shared_stemmer().stemWords(words) if words else words
    toks = set(stems)
    for w in words:  # keep hyphenated names matchable by their parts too
        if "-" in w:
            toks.update(p for p in w.split("-") if len(p) > 1 and p not in STOPWORDS)
    return toks | _numbers(text)


def _names(sentence: str) -> set[str]:
    """Names in an answer sentence: capitalised words after the first word, and acronyms."""
    out: set[str] = set()
    words = _WORD_RE.findall(sentence)
    for i, w in enumerate(words):
        base = _POSSESSIVE.sub("", w)
        low = base.lower().replace("’", "'")
        if low in STOPWORDS or len(base) < 2:
            continue
        if (i > 0 and base[0].isupper()) or (base.isupper() and len(base) >= 2):
            out.add(low)
    return out


def _anchors(sentence: str) -> set[tuple[str, str]]:
    """Place phrases ``in/at/near (the) Name`` stated in an answer sentence, as (word, name)."""
    out: set[tuple[str, str]] = set()
    for m in _ANCHOR_RE.finditer(sentence):
        name = _POSSESSIVE.sub("", m.group(2)).lower().replace("’", "'")
        if name in STOPWORDS or name in _MONTHS_DAYS:
            continue
        out.add((m.group(1), name))
    return out


def looks_like_instruction(text: str) -> bool:
    """Whether ``text`` reads like an instruction to an AI (a likely prompt injection)."""
    return bool(_INSTRUCTION_RE.search(text))


def _passage_of(c: Passage | Citation) -> Passage:
    return c.passage if isinstance(c, Citation) else c


def _cited(answer_text: str, sentences: list[Span],
           passages: Mapping[int, Passage]) -> list[tuple[int, ...]]:
    """The valid citation numbers each answer sentence carries, in order of appearance."""
    cited: list[tuple[int, ...]] = []
    for s, e in sentences:
        found: list[int] = []
        for m in MARKER_RE.finditer(answer_text, s, e):
            found.extend(n for n in marker_numbers(m.group(0))
                         if n in passages and n not in found)
        cited.append(tuple(found))
    return cited


def _judge(claim: str, ns: tuple[int, ...], cv: np.ndarray, vecs: np.ndarray,
           passages: Mapping[int, Passage], spans: Mapping[int, list[Span]],
           cand_index: Mapping[int, int]) -> tuple[float, float, dict[int, tuple[Span, float]]]:
    """``(score, echo, quotes)`` of one cited claim: its best combined score over the cited
    passages' sentences (and neighbouring pairs), the best score of an instruction-like
    sentence, and the best quote in each passage."""
    quotes: dict[int, tuple[Span, float]] = {}
    best_sim, best_cov, echo = -1.0, 0.0, 0.0
    toks = content_tokens(claim)
    for n in ns:
        p, sp = passages[n], spans[n]
        sims = vecs[cand_index[n]:cand_index[n] + len(sp)] @ cv
        sent_toks = [content_tokens(p.text[a:b]) for a, b in sp]
        covs = [_coverage(toks, t) for t in sent_toks]
        per = [EMBED_WEIGHT * float(sims[i]) + (1 - EMBED_WEIGHT) * covs[i]
               for i in range(len(sp))]
        # Instruction-like sentences are not facts: they never support, never get quoted.
        bad = [looks_like_instruction(p.text[a:b]) for a, b in sp]
        echo = max([echo, *(per[i] for i in range(len(sp)) if bad[i])])
        ok = [i for i in range(len(sp)) if not bad[i]] or list(range(len(sp)))
        j = max(ok, key=lambda i: per[i])
        quotes[n] = (sp[j], per[j] if not bad[j] else 0.0)
        good = [i for i in range(len(sp)) if not bad[i]]
        best_sim = max([best_sim, *(float(sims[i]) for i in good)])
        best_cov = max([best_cov, *(covs[i] for i in good),
                        *(_coverage(toks, sent_toks[i] | sent_toks[i + 1])
                          for i in range(len(sp) - 1) if not bad[i] and not bad[i + 1])])
    score = EMBED_WEIGHT * max(best_sim, 0.0) + (1 - EMBED_WEIGHT) * best_cov
    return score, echo, quotes


def assess_support(answer_text: str, citations_by_n: Mapping[int, Passage | Citation],
                   embed: Embed, *, threshold: float = SUPPORT_MIN) -> list[SentenceCheck]:
    """Check every sentence of ``answer_text`` against the passages it cites.

    Args:
        answer_text: The answer with inline ``[n]`` markers.
        citations_by_n: ``n -> Passage`` (or ``Citation``) for each valid citation number.
            Markers whose number is not in it count as no citation.
        embed: Texts → ``(len, dim)`` unit vectors; called once.
        threshold: The combined score a sentence needs.

    Returns:
        One :class:`SentenceCheck` per sentence, in order.
    """
    passages = {n: _passage_of(c) for n, c in citations_by_n.items()}
    sentences = answer_sentences(answer_text)
    cited = _cited(answer_text, sentences, passages)

    # One embedding call: the cited answer sentences, then every sentence of every cited passage.
    used = sorted({n for ns in cited for n in ns})
    spans = {n: passage_sentences(passages[n], keep_blank=True) for n in used}
    claims = [strip_markers(answer_text[s:e]) for s, e in sentences]
    to_embed = [claims[i] for i, ns in enumerate(cited) if ns]
    cand_index: dict[int, int] = {}
    for n in used:
        cand_index[n] = len(to_embed)
        to_embed.extend(passages[n].text[s:e] for s, e in spans[n])
    vecs = embed(to_embed) if to_embed else np.zeros((0, 1), dtype=np.float32)

    checks: list[SentenceCheck] = []
    row = 0
    for (s, e), claim, ns in zip(sentences, claims, cited, strict=True):
        text = answer_text[s:e]
        if not ns:
            checks.append(SentenceCheck(text, (s, e), (), False, "cites no passage"))
            continue
        score, echo, quotes = _judge(claim, ns, vecs[row], vecs, passages, spans, cand_index)
        row += 1
        reason = _hard_fail(claim, [passages[n] for n in ns])
        if not reason and score < threshold:
            if echo >= threshold:
                reason = ("it repeats instruction-like text from the article "
                          "(a likely prompt injection)")
            else:
                reason = f"weak match with the cited passage (score {score:.2f} < {threshold:.2f})"
        checks.append(SentenceCheck(text, (s, e), ns, not reason, reason, score, quotes))
    return checks


def check_support(answer_text: str, citations_by_n: Mapping[int, Passage | Citation],
                  embed: Embed, *, threshold: float = SUPPORT_MIN) -> list[str]:
    """Return the sentences of ``answer_text`` that their cited passages do not support.

    Each is returned exactly as it appears in ``answer_text`` (markers included), so a UI
    can find and mark it. See :func:`assess_support` for the arguments.
    """
    return [c.text for c in assess_support(answer_text, citations_by_n, embed,
                                           threshold=threshold) if not c.supported]


def _coverage(claim: set[str], source: set[str]) -> float:
    return len(claim & source) / len(claim) if claim else 0.0


def _hard_fail(claim: str, passages: Sequence[Passage]) -> str:
    """The first hard check ``claim`` fails against ``passages``, in words, or ``""``."""
    text = " ".join(p.text for p in passages)
    where = "the cited passage" if len(passages) == 1 else "the cited passages"
    missing_numbers = sorted(_numbers(claim) - _numbers(text))
    if missing_numbers:
        return f"number {missing_numbers[0]} is not in {where}"
    words = set(_words(text))
    words |= {part for w in words if "-" in w for part in w.split("-")}
    missing_names = sorted(n for n in _names(claim) if n not in words)
    if missing_names:
        return f"name {missing_names[0]!r} is not in {where}"
    flat = re.sub(r"\s+", " ", text).lower().replace("’", "'")
    for prep, name in sorted(_anchors(claim)):
        if not re.search(rf"\b{prep} (?:the )?{re.escape(name)}\b", flat):
            return f"{where} does not say '{prep} {name.title()}'"
    return ""
