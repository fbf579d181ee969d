"""What earlier turns of a conversation mention: the people, groups, things and places a
follow-up's pronouns may mean, and which of them each pronoun means.

Names are read by :func:`spot`, the one entity reader of the rewrite
(:mod:`qa.conversation.rewrite`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence, Set
from dataclasses import dataclass

from qa.citations import LEADING_MARKERS_RE, strip_markers
from qa.text.analysis import PERSON_NOUNS, analyse_question, noun_in
from qa.text.names import COMMON, Entity, find_entities
from qa.types import Turn
from vectorstore.text.dates import find_dates

WH = re.compile(r"\b(who|whom|whose|what|when|where|why|how|which|did|does|do|is|are|was|"
                 r"were|will|would|can|could|has|have|had|should)\b", re.IGNORECASE)
_SCENE_WORDS = r"in|on|at|during|before|after|since|until|by|from|over|within|across"
_SCENE = re.compile(rf"\b(?:{_SCENE_WORDS})\s+$", re.IGNORECASE)
_PREPOSITION = re.compile(rf"\b(?:{_SCENE_WORDS}|of|to|for|with|between|among|against|near|"
                          r"into)\b", re.IGNORECASE)
AUX_BEFORE = re.compile(r"\b(?:did|do|does|were|are|was|have|had|will|would|could|can)\s+$",
                         re.IGNORECASE)
_NP = re.compile(r"\b(?:the|a|an|this|that|these|those)\s+((?:[\w+'’-]+\s+){0,3}?[\w+'’-]+)"
                 r"(?=\s*(?:\?|$|,|\b(?:in|on|at|of|with|for|to|from|by|after|before|"
                 r"about|and|or|that|which|who|this|last|next)\b))", re.IGNORECASE)


@dataclass(frozen=True)
class Mention:
    text: str
    kind: str  # PERSON, GROUP, TOPIC, PLACE
    gender: str
    turn: int
    pos: int
    focus: str = ""  # for what the turn's answer gave for "which X": that noun X
    minor: bool = False  # after a preposition that sets a scene ("in the US")




def spot(text: str) -> list[Entity]:
    """The names in ``text``, classed (``PERSON``, ``PLACE``, ``ORG``, ``NORP``, ``OTHER``).

    The rewriter's one entity reader: another recogniser (an NER model) replaces it here.
    """
    return find_entities(text)


def _answer_text(turn: Turn) -> str:
    return "" if turn.answer.abstained else LEADING_MARKERS_RE.sub("", turn.answer.text)


def standalone(turn: Turn) -> str:
    return turn.answer.standalone_question or turn.question


def _context_gender(name: str, turn: Turn) -> str:
    """Gender from the pronouns that follow ``name``'s surname in the cited passages."""
    f = m = 0
    for c in turn.answer.citations:
        text = c.passage.text
        for hit in re.finditer(re.escape(name.split()[-1]), text):
            window = text[hit.end():hit.end() + 200]
            f += len(re.findall(r"\b(?:she|her)\b", window, re.IGNORECASE))
            m += len(re.findall(r"\b(?:he|his|him)\b", window, re.IGNORECASE))
    return "f" if f > m else "m" if m > f else ""


def after_preposition(text: str, start: int) -> bool:
    """True when the word before ``start`` sets a scene ("in the fourth quarter")."""
    return bool(_SCENE.search(text[:start]))


def _focus(turn: Turn, text: str, ents: list[Entity]) -> str:
    """What the answer gave for a "which book / what company" question ("" if unclear)."""
    q = standalone(turn)
    asked = re.match(r"\s*(?:which|what)\s+([\w-]+)", q, re.IGNORECASE)
    if analyse_question(q).kind not in {"ENTITY", "PLACE"} or not asked or \
            WH.fullmatch(asked.group(1)) or asked.group(1).lower() in COMMON:
        return ""
    short = strip_markers(text).rstrip(". ")
    if short and len(short.split()) <= 6 and not re.search(r"[.;:!?]", short):
        return short
    # "... her book Small Island ...": the name after the asked noun
    for e in ents:
        if re.search(rf"\b{re.escape(asked.group(1))}\s*,?\s*$", text[:e.start],
                     re.IGNORECASE) and e.kind != "PERSON":
            return e.text
    # "Time Warner said ... AOL ...": the first name the answer gives that the question does
    # not (no one's, when a first name or title says it is a person's)
    return next((e.text for e in ents if e.strong and not (e.kind == "PERSON" and e.gender)
                 and not re.search(rf"\b{re.escape(e.text)}\b", q)), "")


def _turn_memory(ti: int, turn: Turn, known_gender: dict[str, str]) -> list[Mention]:
    """The people, groups, things and places one turn mentions."""
    out: list[Mention] = []
    asked_who = analyse_question(standalone(turn)).kind == "PERSON"
    for part, text in (("q", standalone(turn)), ("a", _answer_text(turn))):
        if not text:
            continue
        dated = [(d.start, d.end) for d in find_dates(text)]
        ents = [e for e in spot(text)  # "September" is no topic
                if not any(a <= e.start < b for a, b in dated)]
        if part == "a" and asked_who and len(text.split()) <= 20:
            # the answer to a "who" question names people, even by a bare surname
            ents = [Entity(e.text, "PERSON", e.start, e.end, e.gender, e.strong)
                    if e.kind in {"OTHER", "ORG"} and not e.strong else e for e in ents]
        people = [e for e in ents if e.kind == "PERSON"]
        for e in ents:
            minor = after_preposition(text, e.start) if e.kind != "PLACE" else \
                bool(_PREPOSITION.search(text[:e.start]))
            # "Sony's PlayStation Portable": a thing its maker owns, not a person
            owner = _OWNER.search(text[:e.start]) \
                if e.kind == "PERSON" and not e.strong and part == "q" else None
            if owner is not None:
                out.append(Mention(text[owner.start():e.end], "TOPIC", "", ti,
                                    _pos(part, e), minor=minor))
            elif e.kind == "PERSON":
                g = e.gender or known_gender.get(e.last, "") or _context_gender(e.text, turn)
                if g:
                    known_gender[e.last] = g
                out.append(Mention(e.text, "PERSON", g, ti, _pos(part, e)))
            elif e.kind in {"PLACE", "ORG", "OTHER"} and e.strong:
                out.append(Mention(e.text, "PLACE" if e.kind == "PLACE" else "TOPIC", "",
                                    ti, _pos(part, e), minor=minor))
        out.extend(_groups(ti, part, text, people))
        if part == "q":
            out.extend(Mention(np, "TOPIC", "", ti, pos) for np, pos in topics(text))
        elif (focus := _focus(turn, text, ents)):
            asked = re.match(r"\s*(?:which|what)\s+([\w-]+)", standalone(turn), re.IGNORECASE)
            out.append(Mention(focus, "TOPIC", "", ti, _ANSWER_POS - 1,
                               focus=asked.group(1).lower() if asked else "?"))
    return out


_OWNER = re.compile(r"[A-Z][\w.&-]*['’]s\s+$")
"""A maker's possessive right before a name ("*Sony's* PlayStation Portable")."""


def _groups(ti: int, part: str, text: str, people: list[Entity]) -> list[Mention]:
    """People a later "they" may mean: a listed answer, or people joined by "and"."""
    if part == "a" and len(people) >= 2 and \
            people[-1].end - people[0].start >= 0.6 * len(text.strip()):
        # a list of people as the answer ("A, B and C [1]"): "they" means them
        return [Mention(_group_phrase(text, people), "GROUP", "", ti,
                         _pos(part, people[-1]) + 1)]
    if part != "q":
        return []
    # "When did Macron and Putin discuss it?": "they" may mean them
    return [Mention(text[a.start:b.end], "GROUP", "", ti, b.start + 1)
            for a, b in zip(people, people[1:], strict=False)
            if re.fullmatch(r"\s*(?:and|&)\s*", text[a.end:b.start])]


def mentions(history: Sequence[Turn]) -> list[Mention]:
    """Every person, group, place and topic mentioned in ``history``, oldest first."""
    out: list[Mention] = []
    known_gender: dict[str, str] = {}
    for ti, turn in enumerate(history):
        out.extend(_turn_memory(ti, turn, known_gender))
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


def topics(question: str) -> list[tuple[str, int]]:
    """Noun phrases a later "it" may mean: "the 2+2 talks", "a laptop" (not "in the
    fourth quarter", which sets a scene, nor "that will sell", a clause)."""
    out = []
    for m in _NP.finditer(question):
        np = m.group(0)
        if len(np.split()) > 2 and AUX_BEFORE.search(question[:m.start()]):
            np = np.rsplit(None, 1)[0]  # the subject, not its verb: "will the console (go)"
        if any(WH.fullmatch(w) for w in np.split()) or after_preposition(question, m.start()):
            continue
        if noun_in(np.split()[-1].lower(), PERSON_NOUNS):
            continue  # "the minister" is a person, not an "it"
        out.append((np, m.start()))
    return out


def in_question(m: Mention, q: str) -> bool:
    """``m`` is named in ``q`` itself (so a pronoun there means someone else)."""
    return re.search(rf"\b{re.escape(m.text.split()[-1])}\b", q, re.IGNORECASE) is not None


def person_for(memory: list[Mention], gender: str, q: str,
                taken: Set[str] = frozenset()) -> Mention | None:
    """The person "she" or "he" means: of that gender (else of unknown gender, never of the
    other one), latest turn first, and within a turn the first person its answer names;
    never one the question names itself, nor one another pronoun of it means."""
    for wanted in (gender, ""):
        for turn in sorted({m.turn for m in memory}, reverse=True):
            people = [m for m in memory if m.turn == turn and m.kind == "PERSON"
                      and not in_question(m, q) and m.text not in taken]
            answer = [m for m in people if m.pos >= _ANSWER_POS]
            asked = [m for m in reversed(people) if m.pos < _ANSWER_POS]
            hit = next((m for m in answer + asked if m.gender == wanted), None)
            if hit is not None:
                return hit
    return None


def focus_for(memory: list[Mention], noun: str) -> Mention | None:
    """What the latest "which <noun>" question was answered with ("that company": the
    company named)."""
    return next((m for m in reversed(memory) if m.focus and
                 re.sub(r"(?:e?s)$", "", m.focus) == re.sub(r"(?:e?s)$", "", noun.lower())),
                None)


def thing_for(memory: list[Mention], q: str) -> Mention | None:
    """The thing "it" means: in the latest turn that has one, what its answer gave for a
    "which X" question, else the first thing its question names; places come last."""
    for turn in sorted({m.turn for m in memory}, reverse=True):
        ms = [m for m in memory if m.turn == turn and not in_question(m, q)]
        hit = next((m for m in ms if m.focus), None) or next(
            (m for m in ms if m.kind == "TOPIC" and m.pos < _ANSWER_POS and not m.minor), None)
        if hit is not None:
            return hit
    return next((m for m in reversed(memory) if m.kind == "PLACE" and not m.minor
                 and m.pos < _ANSWER_POS and not in_question(m, q)), None)


def group_for(memory: list[Mention], q: str) -> Mention | None:
    """The people or things "they" means: the latest group, else a plural thing."""
    return next((m for m in reversed(memory) if not in_question(m, q) and (
        m.kind == "GROUP" or m.kind == "TOPIC" and not m.minor and m.pos < _ANSWER_POS
        and re.search(r"[^s]s$", m.text))), None)


def latest_pair(memory: list[Mention]) -> str:
    """"A and B": the two most recent people ("" when the latest turn names more than two
    and so "the two" is unclear)."""
    chosen: list[Mention] = []
    for turn in sorted({m.turn for m in memory}, reverse=True):
        people = [m for m in memory if m.turn == turn and m.kind == "PERSON"]
        ordered = [m for m in people if m.pos >= _ANSWER_POS] + \
            [m for m in people if m.pos < _ANSWER_POS]
        fresh: list[Mention] = []
        for m in ordered:
            if all(c.text.split()[-1] != m.text.split()[-1] for c in chosen + fresh):
                fresh.append(m)
        if not chosen and len(fresh) > 2:
            return ""
        chosen += fresh[:2 - len(chosen)]
        if len(chosen) == 2:
            break
    if len(chosen) < 2:
        return ""
    a, b = sorted(chosen, key=lambda m: (m.turn, m.pos))
    return f"{a.text} and {b.text}"

