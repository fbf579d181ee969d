"""The default answerer, with no LLM: picks the supporting sentence and the part that answers.

The question is analysed by :func:`qa.text.analysis.analyse_question` (its kind and the
constraints on its answer). Every sentence of the retrieved passages is scored
(:mod:`.scoring`); when an embedding function is given, the lexically best few sentences
are also embedded and their cosine similarity to the question joins the score
(:mod:`.rerank`). The best sentence becomes the citation; the answer is the typed phrase
found in it (:mod:`.phrases`), or the sentence itself (:mod:`.compose`).

The evidence score decides abstention: under the threshold (calibrated on realtimeqa-dev
by ``bench/calibrate_abstention.py``) the answerer says the articles don't say. Every
number it decides by is a field of :class:`~qa.answerers.extractive.weights.Weights`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date

from qa.answerers.extractive.compose import abstain_text, compose
from qa.answerers.extractive.context import Context, Sent
from qa.answerers.extractive.ner_types import retype, warm_model
from qa.answerers.extractive.rerank import Embed, Similarity
from qa.answerers.extractive.scoring import evidence, relative_dates, score_sentences
from qa.answerers.extractive.votes import vote
from qa.answerers.extractive.weights import DEFAULT_WEIGHTS, Weights
from qa.text.analysis import ENTITY, TYPED, QuestionInfo, analyse_question
from qa.text.names import find_entities
from qa.text.numbers import find_numbers
from qa.text.places import country_key
from qa.types import Draft
from vectorstore.text.dates import find_dates
from vectorstore.types import Passage


class ExtractiveAnswerer:
    """Picks supporting sentences from the retrieved passages and the part that answers.

    Args:
        threshold: Evidence score under which it abstains (default ``weights.threshold``,
            :data:`~qa.answerers.extractive.weights.DEFAULT_THRESHOLD`).
        embed: Optional texts -> unit vectors function (``Embedder.embed``); when given, the
            lexically best sentences are re-ranked by similarity to the question, and the
            chosen sentence's similarity weighs in the evidence behind abstention.
        weights: The weights and thresholds it decides by.
    """

    def __init__(self, threshold: float | None = None, embed: Embed | None = None, *,
                 weights: Weights = DEFAULT_WEIGHTS) -> None:
        self.weights = weights if threshold is None else replace(weights, threshold=threshold)
        self.threshold = self.weights.threshold
        self._similarity = Similarity(embed, self.weights)
        _ = analyse_question("Who met whom?")  # load the stemmer and compile patterns now
        _ = find_dates("on Monday"), find_numbers("1 person"), find_entities("Mr. Smith")
        _ = country_key("French")  # read the country names (countryinfo) now, not on a question
        warm_model()  # the entity model, loaded once per process

    @property
    def embed(self) -> Embed | None:
        """The embedding function re-ranking uses (``None``: lexical ranking only)."""
        return self._similarity.embed

    @embed.setter
    def embed(self, embed: Embed | None) -> None:
        self._similarity.embed = embed

    def run(self, question: str, passages: Sequence[Passage], *, as_of: date | None = None) -> Draft:
        """Answer ``question`` from ``passages`` (best first) or abstain.

        Args:
            question: A standalone question.
            passages: Retrieved passages in rank order; ``score`` is their cosine similarity.
            as_of: The date the question is asked at (resolves relative dates when an
                article has no date).

        Returns:
            A :class:`Draft` whose ``score`` is the evidence score, whether or not it abstained.
        """
        info = analyse_question(question)
        passages = [p for p in passages if p.text.strip()]
        if not passages:
            return Draft(text=abstain_text(question), abstained=True, score=0.0)
        ctx = Context(passages, as_of)
        w = self.weights
        sents, pcov = score_sentences(info, ctx, w)
        if not sents:
            return Draft(text=abstain_text(question), abstained=True, score=0.0)
        if info.relative:
            relative_dates(info, ctx, sents, w)
        self._similarity.rerank(info.text, sents)
        retype(info, ctx, sents, w)  # the NER model checks the type on the best few
        vote(info, ctx, sents, w)
        best = self._best(info, sents)
        self._similarity.ensure(info.text, best)
        answer, cites, typed_ok = compose(info, ctx, sents, best, w)
        score = evidence(info, ctx, best, pcov, typed_ok, w)
        if score < self.threshold:
            return Draft(text=abstain_text(question), abstained=True, score=score)
        return Draft(text=answer, citations=tuple(cites), score=score)

    def _best(self, info: QuestionInfo, sents: list[Sent]) -> Sent:
        """The best-scoring sentence; a close runner-up that holds an answer of the asked
        type beats a bare best."""
        w = self.weights
        best = max(sents, key=lambda x: x.score)
        if (info.kind in TYPED or info.kind == ENTITY and info.sub or info.naming or
                info.relative) and not best.typed:
            margin = max(w.typed_margin, w.typed_margin_share * best.score) \
                if info.kind != ENTITY else w.entity_margin
            typed = [x for x in sents if x.typed and x.score >= best.score - margin and x.cov > 0]
            if typed:
                best = max(typed, key=lambda x: x.score)
        return best

    def stream(self, question: str, passages: Sequence[Passage], *,
               as_of: date | None = None) -> Iterator[str | Draft]:
        """Yield the answer text in pieces, then the :class:`Draft`."""
        d = self.run(question, passages, as_of=as_of)
        words = d.text.split(" ")
        for i, w in enumerate(words):
            yield w + (" " if i < len(words) - 1 else "")
        yield d
