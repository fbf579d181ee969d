"""Rewriting follow-up questions into standalone ones.

With no LLM the rewrite is rule-based: pronouns are resolved from the people, groups and
topics of earlier turns (their standalone questions and their answers), and elliptical
follow-ups ("And Lavrov?", "What about the defense minister?") are put back into the frame
of the previous question. With an LLM, :func:`qa.answerers.llm.rewrite_question` does it, and the
rules are the fallback when it fails.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from qa.citations import LEADING_MARKERS_RE
from qa.text.analysis import analyse_question
from qa.text.names import COMMON, Entity, find_entities
from qa.types import Turn
from vectorstore.text.dates import find_dates

_WH = re.compile(r"\b(who|whom|whose|what|when|where|why|how|which|did|does|do|is|are|was|"
                 r"were|will|would|can|could|has|have|had|should)\b", re.IGNORECASE)
_ELLIPSIS = re.compile(r"^\s*(?:and|but|also|so)?\s*(?:what|how)\s+about\s+(?P<f>.+?)\s*\??\s*$"
                       r"|^\s*(?:and|but|also)\s+(?P<g>.+?)\s*\??\s*$"
                       r"|^\s*what\s+of\s+(?P<h>.+?)\s*\??\s*$", re.IGNORECASE)
_FEMALE_P = re.compile(r"\b(she|her|hers|herself)\b", re.IGNORECASE)
_MALE_P = re.compile(r"\b(he|him|his|himself)\b", re.IGNORECASE)
_PLURAL_P = re.compile(r"\b(they|them|their|theirs|themselves)\b", re.IGNORECASE)
_IT_P = re.compile(r"\b(it|its|itself)\b", re.IGNORECASE)
_NP = re.compile(r"\b(?:the|a|an|this|that|these|those)\s+((?:[\w+'’-]+\s+){0,3}?[\w+'’-]+)"
                 r"(?=\s*(?:\?|$|,|\b(?:in|on|at|of|with|for|to|from|by|after|before|"
                 r"about|and|or|that|which|who|this|last|next)\b))", re.IGNORECASE)


@dataclass(frozen=True)
class _Mention:
    text: str
    kind: str  # PERSON, GROUP, TOPIC, PLACE
    gender: str
    turn: int
    pos: int


class QuestionRewriter:
    """Turns "What did she say?" into "What did Florence Parly say?" using earlier turns.

    Args:
        llm: A LangChain chat model, or ``None`` for the rule-based rewrite.
    """

    def __init__(self, llm: Any = None) -> None:
        self.llm = llm

    def run(self, question: str, history: Sequence[Turn]) -> str:
        """Return ``question`` as a standalone question (unchanged when it already is one)."""
        if not history:
            return question
        if self.llm is not None:
            try:
                from qa.answerers.llm import rewrite_question

                out = rewrite_question(self.llm, question, list(history))
                if isinstance(out, str) and out.strip():
                    return out.strip()
            except Exception:  # any backend failure: the rules still give an answer
                pass
        return rewrite(question, history)


# --------------------------------------------------------------------------- memory


def _answer_text(turn: Turn) -> str:
    a = turn.answer
    if a.abstained:
        return ""
    return LEADING_MARKERS_RE.sub("", a.text)


def _standalone(turn: Turn) -> str:
    return turn.answer.standalone_question or turn.question


def _context_gender(name: str, turn: Turn) -> str:
    """Gender from the pronouns that follow ``name``'s surname in the cited passages."""
    surname = name.split()[-1]
    f = m = 0
    for c in turn.answer.citations:
        text = c.passage.text
        for hit in re.finditer(re.escape(surname), text):
            window = text[hit.end():hit.end() + 200]
            # pronouns before the next other name are likely about this person
            f += len(re.findall(r"\b(?:she|her)\b", window, re.IGNORECASE))
            m += len(re.findall(r"\b(?:he|his|him)\b", window, re.IGNORECASE))
    if f > m:
        return "f"
    if m > f:
        return "m"
    return ""


def _memory(history: Sequence[Turn]) -> list[_Mention]:
    """Every person, group, place and topic mentioned in ``history``, oldest first."""
    out: list[_Mention] = []
    known_gender: dict[str, str] = {}
    for ti, turn in enumerate(history):
        asked_who = analyse_question(_standalone(turn)).kind == "PERSON"
        for part, text in (("q", _standalone(turn)), ("a", _answer_text(turn))):
            if not text:
                continue
            dated = [(d.start, d.end) for d in find_dates(text)]
            ents = [e for e in find_entities(text)  # "September" is no topic
                    if not any(a <= e.start < b for a, b in dated)]
            if part == "a" and asked_who and len(text.split()) <= 20:
                # the answer to a "who" question names people, even by a bare surname
                ents = [Entity(e.text, "PERSON", e.start, e.end, e.gender, e.strong)
                        if e.kind in {"OTHER", "ORG"} and not e.strong else e for e in ents]
            people = [e for e in ents if e.kind == "PERSON"]
            for e in ents:
                if e.kind == "PERSON":
                    g = e.gender or known_gender.get(e.last, "") or _context_gender(e.text, turn)
                    if g:
                        known_gender[e.last] = g
                    out.append(_Mention(e.text, "PERSON", g, ti, _pos(part, e)))
                elif e.kind in {"PLACE", "ORG", "OTHER"} and e.strong:
                    out.append(_Mention(e.text, "PLACE" if e.kind == "PLACE" else "TOPIC", "",
                                        ti, _pos(part, e)))
            if part == "a" and len(people) >= 2 and \
                    people[-1].end - people[0].start >= 0.6 * len(text.strip()):
                # a list of people as the answer ("A, B and C [1]"): "they" means them
                group = _group_phrase(text, people)
                out.append(_Mention(group, "GROUP", "", ti, _pos(part, people[-1]) + 1))
            elif part == "q":
                # "When did Macron and Putin discuss it?": "they" may mean them
                for a, b in zip(people, people[1:], strict=False):
                    if re.fullmatch(r"\s*(?:and|&)\s*", text[a.end:b.start]):
                        out.append(_Mention(text[a.start:b.end], "GROUP", "", ti, b.start + 1))
            if part == "q":
                for np in _topics(text):
                    out.append(_Mention(np[0], "TOPIC", "", ti, np[1]))
    return sorted(out, key=lambda m: (m.turn, m.pos))


_ANSWER_POS = 100000


def _pos(part: str, e: Entity) -> int:
    return (_ANSWER_POS if part == "a" else 0) + e.start


def _group_phrase(text: str, people: list[Entity]) -> str:
    """The listed people as written when they form one list, else joined with "and"."""
    span = text[people[0].start:people[-1].end]
    if len(span.split()) <= 4 * len(people) + 2 and "." not in span.replace(". ", ""):
        return span
    names = [p.text for p in people]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _topics(question: str) -> list[tuple[str, int]]:
    """Noun phrases a later "it" may mean: "the 2+2 talks", "the summit"."""
    out = []
    for m in _NP.finditer(question):
        np = m.group(0)
        words = np.split()
        if any(w.lower() in {"who", "what", "which"} for w in words):
            continue
        out.append((np, m.start()))
    return out


# --------------------------------------------------------------------------- rewriting


def _last(memory: list[_Mention], kinds: set[str], gender: str | None = None) -> _Mention | None:
    for m in reversed(memory):
        if m.kind in kinds and (gender is None or m.gender == gender):
            return m
    return None


def _person_for(memory: list[_Mention], gender: str) -> _Mention | None:
    """The person "she" or "he" means: of that gender (else of unknown gender, never of the
    other one), latest turn first, and within a turn the first person its answer names."""
    for wanted in (gender, ""):
        for turn in sorted({m.turn for m in memory}, reverse=True):
            people = [m for m in memory if m.turn == turn and m.kind == "PERSON"]
            answer = [m for m in people if m.pos >= _ANSWER_POS]
            asked = [m for m in reversed(people) if m.pos < _ANSWER_POS]
            hit = next((m for m in answer + asked if m.gender == wanted), None)
            if hit is not None:
                return hit
    return None


def _names_person_before(question: str, pos: int) -> bool:
    return any(e.kind == "PERSON" and e.start < pos for e in find_entities(question))


def _possessive(name: str) -> str:
    return name + ("’" if name.endswith("s") else "’s")


def _replace_pronouns(question: str, pattern: re.Pattern[str], ref: _Mention) -> str:
    """Replace each pronoun matched by ``pattern`` with ``ref`` (possessive where needed)."""
    out: list[str] = []
    last = 0
    used = False
    for m in pattern.finditer(question):
        if _names_person_before(question, m.start()) and ref.kind == "PERSON":
            continue
        word = m.group(1)
        low = word.lower()
        name = ref.text if not used or ref.kind != "PERSON" else ref.text.split()[-1]
        after = question[m.end():]
        nxt = re.match(r"\s+([\w'’-]+)", after)
        if low in {"his", "its", "their", "hers", "theirs"} or (
                low == "her" and nxt and nxt.group(1).lower() not in COMMON and
                not re.match(r"\s*[?.,!]", after)):
            rep = _possessive(name)
        else:
            rep = name
        if low.endswith("self") or low.endswith("selves"):
            rep = name
        if m.start() == 0 or question[:m.start()].strip() == "":
            rep = rep[0].upper() + rep[1:]
        out.append(question[last:m.start()] + rep)
        last = m.end()
        used = True
    out.append(question[last:])
    return "".join(out)


def rewrite(question: str, history: Sequence[Turn]) -> str:
    """Rule-based rewrite of ``question`` into a standalone question.

    Args:
        question: The follow-up as asked.
        history: Earlier turns, oldest first.

    Returns:
        The question with pronouns resolved and ellipsis expanded; unchanged when there is
        nothing to resolve.
    """
    if not history:
        return question
    memory = _memory(history)
    q = question.strip()
    prev = _standalone(history[-1])

    ell = _ELLIPSIS.match(q)
    if ell or _is_fragment(q):
        frag = (ell.group("f") or ell.group("g") or ell.group("h")) if ell else q.rstrip("?. ")
        frag = frag.strip().rstrip("?")
        if frag and not _WH.match(frag):
            frag = _resolve(frag, memory)
            return _recombine(frag, prev)
    return _resolve(q, memory)


def _resolve(q: str, memory: list[_Mention]) -> str:
    if _FEMALE_P.search(q):
        ref = _person_for(memory, "f")
        if ref:
            q = _replace_pronouns(q, _FEMALE_P, ref)
    if _MALE_P.search(q):
        ref = _person_for(memory, "m")
        if ref:
            q = _replace_pronouns(q, _MALE_P, ref)
    if _PLURAL_P.search(q):
        ref = _last(memory, {"GROUP"}) or _last(memory, {"TOPIC"})
        if ref:
            q = _replace_pronouns(q, _PLURAL_P, ref)
    if _IT_P.search(q) and not _DUMMY_IT.search(q):
        ref = _last(memory, {"TOPIC"}) or _last(memory, {"PLACE"})
        if ref:
            q = _replace_pronouns(q, _IT_P, ref)
    return q


_DUMMY_IT = re.compile(
    r"\b(?:is|was)\s+it\s+(?:true|possible|likely)\b"
    r"|\bit\s+(?:is|was|'s|’s|will\s+be|would\s+be|has\s+been)\s+(?:not\s+|no\s+longer\s+)?"
    r"(?:yet\s+|still\s+|now\s+|also\s+)?(?:the\s+|a\s+)?(?:time|too|important|necessary|"
    r"possible|impossible|likely|unlikely|true|clear|unclear|hard|easy|difficult|expected|"
    r"right|wrong|enough|safe|worth|essential|vital|crucial|early|late)\b",
    re.IGNORECASE)
"""An "it" that stands for nothing: "it was not yet time to...", "is it true that..."."""


def _is_fragment(q: str) -> bool:
    """A short follow-up with no question word: "Lavrov?", "The defense minister?"."""
    words = q.rstrip("?. ").split()
    return 0 < len(words) <= 4 and not _WH.search(q) and q.rstrip().endswith("?")


def _recombine(frag: str, prev: str) -> str:
    """Put ``frag`` into ``prev``'s frame, in place of the part of the same kind."""
    fe = find_entities(frag)
    pe = find_entities(prev)
    frag_core = re.sub(r"^(?:the|a|an)\s+", "", frag, flags=re.IGNORECASE)
    # a person for a person, a place for a place
    for kind in ("PERSON", "PLACE"):
        if any(e.kind == kind for e in fe) or (kind == "PERSON" and _bare_name(frag)):
            same = [e for e in pe if e.kind == kind]
            if same:
                e = same[-1]
                return prev[:e.start] + frag_core + prev[e.end:]
    # a date for a date, or added to the frame
    fd = find_dates(frag)
    if fd:
        pd = find_dates(prev)
        if not pd:
            return f"{prev.rstrip('?. ')} {frag}?"
        d = pd[-1]
        before = prev[:d.start]
        lead = re.match(r"(in|on|at|during|since|by|until)\s+", frag, re.IGNORECASE)
        if lead and before.rstrip().lower().endswith(lead.group(1).lower()):
            frag = frag[lead.end():]
        return before + frag + prev[d.end:]
    if any(e.kind in {"PERSON", "PLACE"} for e in fe) or _bare_name(frag):
        return f"{prev.rstrip('?. ')}: what about {frag}?"
    # "the defense minister" for "the foreign minister": same head noun
    words = frag_core.split()
    head = words[-1].lower() if words else ""
    if head and head not in COMMON:
        found = list(re.finditer(rf"((?:[\w'’-]+\s+){{0,3}})\b{re.escape(head)}\b", prev,
                                 re.IGNORECASE))
        if found:
            m = found[-1]
            mods = m.group(1).split()
            fmods = words[:-1]
            # replace as many of the frame's modifiers as the fragment brings:
            # "the French foreign minister" + "the defense minister" -> "the French defense minister"
            k = 0
            while k < len(mods) and (mods[k].lower() in COMMON or mods[k].endswith(("'s", "’s"))):
                k += 1
            rest = mods[k:]
            keep = mods[:k] + rest[:max(len(rest) - len(fmods), 0)]
            return prev[:m.start()] + " ".join(keep + words) + prev[m.end():]
    # a person in the frame stands for the new subject ("What did Parly say?" + "the minister")
    people = [e for e in pe if e.kind == "PERSON"]
    if people:
        e = people[-1]
        return prev[:e.start] + frag + prev[e.end:]
    # otherwise the frame's last noun phrase
    tops = _topics(prev)
    if tops:
        np, pos = tops[-1]
        return prev[:pos] + frag + prev[pos + len(np):]
    return f"{prev.rstrip('?. ')}: what about {frag}?"


def _bare_name(frag: str) -> bool:
    words = frag.split()
    return 1 <= len(words) <= 3 and all(w[:1].isupper() for w in words) and \
        words[0].lower() not in COMMON
