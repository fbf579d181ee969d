"""Metric names, answer-text scoring (SQuAD normalisation, token F1) and percentiles.

Metric definitions (each is computed only over the questions it applies to; a conversation
turn counts as one question):

* **hit@1 / hit@k / MRR**: over answerable questions with ``sources``. The rank is the
  1-based position of the first passage in ``Answer.passages`` (rank order) whose article
  matches a gold source (:class:`qa.eval.sources.SourceMatcher`); hit@1 is rank 1, hit@k
  rank <= k, MRR the mean of 1/rank (0 when no retrieved passage matches).
* **accuracy**: over answerable questions with ``answers``: the answer did not abstain, has
  at most :data:`MAX_ANSWER_WORDS` words once ``[n]`` markers are stripped, and contains a
  gold alias (:func:`contains_answer`: both SQuAD-normalised, the alias matching whole tokens;
  a gold alias that is a number is matched by value, :mod:`qa.eval.quantities`).
* **f1**: over the same questions: SQuAD token F1 between the marker-stripped answer and
  each alias, best alias kept; an abstention scores 0.
* **citation_precision**: over answerable questions whose answer has citations: the share
  of its cited passages that hold a gold alias (:func:`passage_supports`: as
  :func:`contains_answer`, a place also in its other form, ``Europe``/``European``, and
  ``'s`` ignored) or belong to a gold-source article, averaged over questions.
* **citation_recall**: over answerable questions with ``answers`` where some retrieved
  passage holds a gold alias (:func:`passage_supports`): the share whose citations include
  at least one passage holding a gold alias.
* **abstention_precision**: over answers that abstained (``Answer.abstained``): the share
  given to unanswerable questions. **abstention_recall**: over unanswerable questions: the
  share that abstained.
* **latency_p50_ms / latency_p95_ms**: wall-clock milliseconds per question; reported,
  never gated.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache

from qa.eval.quantities import gold_quantity, holds_quantity
from qa.text.places import DEMONYMS

__all__ = ["GATED_METRICS", "LABELS", "MAX_ANSWER_WORDS", "METRICS", "contains_answer",
           "mean", "normalize_answer", "passage_supports", "percentile", "place_forms",
           "token_f1"]

MAX_ANSWER_WORDS = 60

GATED_METRICS = ("hit_at_1", "hit_at_k", "mrr", "accuracy", "f1", "citation_precision",
                 "citation_recall", "abstention_precision", "abstention_recall")
"""Quality metrics, in report order; each has a ``--min-...`` threshold in ``newsdesk eval``."""

METRICS = (*GATED_METRICS, "latency_p50_ms", "latency_p95_ms")
"""Every metric in :attr:`qa.eval.EvalReport.metrics`."""

LABELS = {
    "hit_at_1": "hit@1", "hit_at_k": "hit@k", "mrr": "MRR", "accuracy": "accuracy",
    "f1": "token F1", "citation_precision": "citation precision",
    "citation_recall": "citation recall", "abstention_precision": "abstention precision",
    "abstention_recall": "abstention recall", "latency_p50_ms": "latency p50",
    "latency_p95_ms": "latency p95",
}
"""Metric name → how reports print it (``@k`` is replaced by the cut-off)."""

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = frozenset(string.punctuation)


def normalize_answer(text: str) -> str:
    """SQuAD normalisation: lower case, drop punctuation and a/an/the, collapse whitespace.

    Unicode punctuation (curly quotes, dashes) is dropped too.
    """
    t = unicodedata.normalize("NFKC", text).lower()
    t = "".join(ch for ch in t if ch not in _PUNCT and not unicodedata.category(ch).startswith("P"))
    t = _ARTICLES.sub(" ", t)
    return " ".join(t.split())


def contains_answer(text: str, aliases: Iterable[str]) -> bool:
    """True when ``text`` holds a gold alias.

    A number (``"$12.6 million"``, ``"nine"``, ``"12%"``; not a year) is held when ``text``
    names the same value, with the alias's currency, percent or noun when it has one
    (:mod:`qa.eval.quantities`); any other alias when, SQuAD-normalised, it occurs in
    normalised ``text`` as whole tokens.
    """
    hay = f" {normalize_answer(text)} "
    for a in aliases:
        number = gold_quantity(a)
        if number is not None:
            if holds_quantity(text, number):
                return True
            continue
        na = normalize_answer(a)
        if na and f" {na} " in hay:
            return True
    return False


@cache
def _demonyms_of() -> dict[str, tuple[str, ...]]:
    """Place → the demonyms naming it (``"europe"`` → ``("european",)``), on first use."""
    out: dict[str, tuple[str, ...]] = {}
    for demonym, place in DEMONYMS.items():
        out[place] = (*out.get(place, ()), demonym)
    return out


_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b")


def place_forms(alias: str) -> tuple[str, ...]:
    """The normalised alias and, when it names a place, the place's other forms.

    A country or region and its demonym name each other (``"Europe"`` ↔ ``"european"``,
    ``"France"`` ↔ ``"french"``), also as the last word of a longer name (``"South Korea"``
    → ``"south korean"``). Only the demonym lists of :mod:`qa.text.places` are used: no
    stems or prefixes, so ``"Europe"`` never reaches ``"Eurovision"``.
    """
    a = normalize_answer(alias)
    words = a.split()
    if not words:
        return (a,)
    head, last = " ".join(words[:-1]), words[-1]
    forms = [a, *_demonyms_of().get(a, ()), *((DEMONYMS[a],) if a in DEMONYMS else ())]
    if head:
        tails = [*_demonyms_of().get(last, ()), *((DEMONYMS[last],) if last in DEMONYMS else ())]
        forms += [f"{head} {t}" for t in tails]
    return tuple(dict.fromkeys(forms))


def passage_supports(text: str, aliases: Iterable[str]) -> bool:
    """True when a passage's ``text`` holds a gold alias in any of its forms.

    As :func:`contains_answer`, with each alias also in its :func:`place_forms` (a passage
    about "European regulators" holds "Europe") and a possessive ``'s`` read as the word
    itself ("Russia's" holds "Russia").
    """
    aliases = list(aliases)
    if contains_answer(text, aliases):
        return True
    hay = f" {normalize_answer(_POSSESSIVE.sub('', text))} "
    return any(f and f" {f} " in hay for a in aliases if gold_quantity(a) is None
               for f in place_forms(a))


def token_f1(prediction: str, aliases: Iterable[str]) -> float:
    """SQuAD token F1 of ``prediction`` against each alias; the best one."""
    pred = normalize_answer(prediction).split()
    best = 0.0
    for a in aliases:
        gold = normalize_answer(a).split()
        if not pred or not gold:
            best = max(best, float(pred == gold))
            continue
        same = sum((Counter(pred) & Counter(gold)).values())
        if same == 0:
            continue
        p, r = same / len(pred), same / len(gold)
        best = max(best, 2 * p * r / (p + r))
    return best


def mean(xs: Sequence[float]) -> float | None:
    """The arithmetic mean; ``None`` when empty."""
    return sum(xs) / len(xs) if xs else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100) with linear interpolation; ``None`` when empty."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)
