"""The passages of one question, their sentences, and what is read from them on demand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from qa.text.names import find_entities
from qa.text.passages import passage_sentences
from qa.text.roles import Role, person_roles
from qa.text.stems import content_words, defined_acronyms, stems
from vectorstore.types import Passage


@dataclass
class Sent:
    """One sentence of a retrieved passage, as it is being scored.

    Attributes:
        p: Index of its passage.
        s: Its index within the passage's sentences.
        start: Start offset in the passage text.
        end: End offset in the passage text.
        text: The sentence.
        stems: Stems of its content words (with near forms of question terms).
        score: Its score as the answer's sentence.
        cov: Weighted share of the question's terms it covers (0..1).
        typed: It holds an answer of the asked type.
        sim: Its cosine similarity to the question, when embedded.
        ctx: Question terms it inherits from a neighbour that it continues.
        fit: How well its best person fits the asked country and role.
        headline: It is the headline of its passage's article, not a sentence of the text
            (``start == end == 0``: a citation of it quotes the headline).
        echo: It asks a question or only repeats the question: no answer in it.
    """

    p: int
    s: int
    start: int
    end: int
    text: str
    stems: set[str]
    score: float = 0.0
    cov: float = 0.0
    typed: bool = False
    sim: float | None = None
    ctx: set[str] = field(default_factory=set)
    fit: float = 0.0
    headline: bool = False
    echo: bool = False


class Context:
    """The passages of one question, with what is read from them on demand."""

    def __init__(self, passages: Sequence[Passage], as_of: date | None) -> None:
        self.passages = list(passages)
        self.as_of = as_of
        self._own: dict[int, dict[str, list[Role]]] = {}
        self._roles: dict[str, dict[str, list[Role]]] = {}
        self._surnames: dict[str, frozenset[str]] = {}
        self._told: dict[str, set[str]] = {}
        self._acronyms: dict[str, dict[str, set[str]]] = {}
        self._phrase_text: dict[str, str] = {}

    def ref(self, pi: int) -> date | None:
        """The date relative dates in passage ``pi`` count from (its article's, else as_of)."""
        return self.passages[pi].published or self.as_of

    def own_roles(self, pi: int) -> dict[str, list[Role]]:
        """What passage ``pi`` says each person is (spans in that passage)."""
        if pi not in self._own:
            p = self.passages[pi]
            self._own[pi] = person_roles(p.text, passage_sentences(p))
        return self._own[pi]

    def roles(self, pi: int) -> dict[str, list[Role]]:
        """What the retrieved passages of ``pi``'s article say each person is."""
        aid = self.passages[pi].article_id
        if aid not in self._roles:
            merged: dict[str, list[Role]] = {}
            for i, p in enumerate(self.passages):
                if p.article_id == aid:
                    for k, v in self.own_roles(i).items():
                        merged.setdefault(k, []).extend(v)
            self._roles[aid] = merged
        return self._roles[aid]

    def article_text(self, pi: int) -> str:
        """The retrieved text of ``pi``'s article, its passages joined (for full names)."""
        aid = self.passages[pi].article_id
        return "\n\n".join(p.text for p in self.passages if p.article_id == aid)

    def article_stems(self, pi: int) -> set[str]:
        """Stems of ``pi``'s article as retrieved: its title and its passages."""
        aid = self.passages[pi].article_id
        if aid not in self._told:
            self._told[aid] = stems(f"{self.passages[pi].title} {self.article_text(pi)}")
        return self._told[aid]

    def article_phrase_text(self, pi: int) -> str:
        """``pi``'s article as retrieved (title and passages): its :func:`content_words`
        joined by spaces."""
        aid = self.passages[pi].article_id
        if aid not in self._phrase_text:
            self._phrase_text[aid] = " ".join(content_words(
                f"{self.passages[pi].title}. {self.article_text(pi)}"))
        return self._phrase_text[aid]

    def acronyms(self, pi: int) -> dict[str, set[str]]:
        """The acronyms ``pi``'s article defines ("Athletics Kenya (AK)"): acronym -> the
        stems of what it stands for."""
        aid = self.passages[pi].article_id
        if aid not in self._acronyms:
            self._acronyms[aid] = {a: stems(long) for long, a in defined_acronyms(
                f"{self.passages[pi].title}. {self.article_text(pi)}")}
        return self._acronyms[aid]

    def surnames(self, pi: int) -> frozenset[str]:
        """Surnames of the people the passage names in full ("Lavrov" of "Sergei Lavrov")."""
        aid = self.passages[pi].article_id
        if aid not in self._surnames:
            self._surnames[aid] = frozenset(
                e.last for p in self.passages if p.article_id == aid
                for e in find_entities(p.text) if e.kind == "PERSON" and len(e.text.split()) >= 2)
        return self._surnames[aid]

    def sentence_before(self, s: Sent) -> str:
        """The text of the sentence before ``s`` in its passage ("" for the first)."""
        p = self.passages[s.p]
        spans = passage_sentences(p)
        return p.text[spans[s.s - 1][0]:spans[s.s - 1][1]] if 0 < s.s <= len(spans) else ""
