"""The default answerer, with no LLM (stub: the best sentence)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from qa.types import Citation, Draft
from vectorstore.types import Passage

ABSTAIN = "The articles don't say."


class ExtractiveAnswerer:
    """Picks supporting sentences from the retrieved passages."""

    def __init__(self, threshold: float | None = None) -> None:
        self.threshold = 0.2 if threshold is None else threshold

    def run(self, question: str, passages: Sequence[Passage], *, as_of: date | None = None) -> Draft:
        """Answer from ``passages`` or abstain."""
        if not passages or passages[0].score < self.threshold:
            return Draft(text=ABSTAIN, abstained=True)
        p = passages[0]
        s, e = p.sentences[0] if p.sentences else (0, len(p.text))
        return Draft(text=f"{p.text[s:e]} [1]", citations=(Citation(1, p, (s, e)),),
                     score=p.score)

    def stream(self, question: str, passages: Sequence[Passage], *,
               as_of: date | None = None) -> Iterator[str | Draft]:
        """Yield the answer text in pieces, then the :class:`Draft`."""
        d = self.run(question, passages, as_of=as_of)
        for w in d.text.split(" "):
            yield w + " "
        yield d
