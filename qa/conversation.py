"""Rewriting follow-up questions into standalone ones.

With no LLM the rewrite is rule-based: the names of earlier turns (questions and answers,
read by :func:`spot`, the one entity reader) stand in for the pronouns that agree with
them ("she" a woman, "it" a thing, "they" a group; "the two leaders" the two latest
people), unless the question binds a pronoun itself ("What did Time Warner say about *its*
profits?"); elliptical follow-ups ("And Lavrov?") take the previous question's frame. With
an LLM, :func:`qa.answerers.llm.rewrite_question` does it; the rules are the fallback.
"""

from __future__ import annotations

import re
from collections.abc import Sequence, Set
from dataclasses import dataclass
from typing import Any

from qa.citations import LEADING_MARKERS_RE, strip_markers
from qa.text.analysis import PERSON_NOUNS, analyse_question, noun_in
from qa.text.names import COMMON, Entity, find_entities
from qa.types import Turn
from vectorstore.text.dates import find_dates

_WH = re.compile(r"\b(who|whom|whose|what|when|where|why|how|which|did|does|do|is|are|was|"
                 r"were|will|would|can|could|has|have|had|should)\b", re.IGNORECASE)
_ELLIPSIS = re.compile(r"^\s*(?:and|but|also|so)?\s*(?:what|how)\s+about\s+(?P<f>.+?)\s*\??\s*$"
                       r"|^\s*(?:and|but|also)\s+(?P<g>.+?)\s*\??\s*$"
                       r"|^\s*what\s+of\s+(?P<h>.+?)\s*\??\s*$", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(she|her|hers|herself|he|him|his|himself|they|them|their|theirs|"
                      r"themselves|it|its|itself)\b", re.IGNORECASE)
_CLASS = {**dict.fromkeys(("she", "her", "hers", "herself"), "f"),
          **dict.fromkeys(("he", "him", "his", "himself"), "m"),
          **dict.fromkeys(("they", "them", "their", "theirs", "themselves"), "they"),
          **dict.fromkeys(("it", "its", "itself"), "it")}
"""Pronoun -> what it agrees with: a woman, a man, a group, a thing."""
_SCENE_WORDS = r"in|on|at|during|before|after|since|until|by|from|over|within|across"
_SCENE = re.compile(rf"\b(?:{_SCENE_WORDS})\s+$", re.IGNORECASE)
_PREPOSITION = re.compile(rf"\b(?:{_SCENE_WORDS}|of|to|for|with|between|among|against|near|"
                          r"into)\b", re.IGNORECASE)
_AUX_BEFORE = re.compile(r"\b(?:did|do|does|were|are|was|have|had|will|would|could|can)\s+$",
                         re.IGNORECASE)
_PAIR = re.compile(r"\b(?:(?:the|these|those)\s+(?:two|2)|both)"
                   r"(?:\s+of\s+them\b|\s+(?:the\s+)?([a-z]+)\b)?|\bthe\s+pair\b", re.IGNORECASE)
_DET_NOUN = re.compile(r"\b(?:the|a|an|this|these|those)((?:\s+[\w+'’-]+){1,3})", re.IGNORECASE)
"""A noun phrase's first words: "the *company reported its*" (its noun is among them)."""
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
    focus: bool = False  # what the turn's answer gave for "which X"
    minor: bool = False  # after a preposition that sets a scene ("in the US")


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


def spot(text: str) -> list[Entity]:
    """The names in ``text``, classed (``PERSON``, ``PLACE``, ``ORG``, ``NORP``, ``OTHER``).

    The rewriter's one entity reader: another recogniser (an NER model) replaces it here.
    """
    return find_entities(text)


def _answer_text(turn: Turn) -> str:
    return "" if turn.answer.abstained else LEADING_MARKERS_RE.sub("", turn.answer.text)


def _standalone(turn: Turn) -> str:
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


def _after_preposition(text: str, start: int) -> bool:
    """True when the word before ``start`` sets a scene ("in the fourth quarter")."""
    return bool(_SCENE.search(text[:start]))


def _focus(turn: Turn, text: str, ents: list[Entity]) -> str:
    """What the answer gave for a "which book / what company" question ("" if unclear)."""
    q = _standalone(turn)
    asked = re.match(r"\s*(?:which|what)\s+([\w-]+)", q, re.IGNORECASE)
    if analyse_question(q).kind not in {"ENTITY", "PLACE"} or not asked or \
            _WH.fullmatch(asked.group(1)) or asked.group(1).lower() in COMMON:
        return ""
    short = strip_markers(text).rstrip(". ")
    if short and len(short.split()) <= 6 and not re.search(r"[.;:!?]", short):
        return short
    # "... her book Small Island ...": the name after the asked noun
    for e in ents:
        if re.search(rf"\b{re.escape(asked.group(1))}\s*,?\s*$", text[:e.start],
                     re.IGNORECASE) and e.kind != "PERSON":
            return e.text
    return ""


def _turn_memory(ti: int, turn: Turn, known_gender: dict[str, str]) -> list[_Mention]:
    """The people, groups, things and places one turn mentions."""
    out: list[_Mention] = []
    asked_who = analyse_question(_standalone(turn)).kind == "PERSON"
    for part, text in (("q", _standalone(turn)), ("a", _answer_text(turn))):
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
            minor = _after_preposition(text, e.start) if e.kind != "PLACE" else \
                bool(_PREPOSITION.search(text[:e.start]))
            if e.kind == "PERSON" and not e.strong and part == "q" and \
                    re.search(r"[A-Z][\w.&-]*['’]s\s+$", text[:e.start]):
                # "Sony's PlayStation Portable": a thing its maker owns, not a person
                owner = re.search(r"[A-Z][\w.&-]*['’]s\s+$", text[:e.start])
                assert owner is not None
                out.append(_Mention(text[owner.start():e.end], "TOPIC", "", ti,
                                    _pos(part, e), minor=minor))
            elif e.kind == "PERSON":
                g = e.gender or known_gender.get(e.last, "") or _context_gender(e.text, turn)
                if g:
                    known_gender[e.last] = g
                out.append(_Mention(e.text, "PERSON", g, ti, _pos(part, e)))
            elif e.kind in {"PLACE", "ORG", "OTHER"} and e.strong:
                out.append(_Mention(e.text, "PLACE" if e.kind == "PLACE" else "TOPIC", "",
                                    ti, _pos(part, e), minor=minor))
        out.extend(_groups(ti, part, text, people))
        if part == "q":
            out.extend(_Mention(np, "TOPIC", "", ti, pos) for np, pos in _topics(text))
        elif (focus := _focus(turn, text, ents)):
            out.append(_Mention(focus, "TOPIC", "", ti, _ANSWER_POS - 1, focus=True))
    return out


def _groups(ti: int, part: str, text: str, people: list[Entity]) -> list[_Mention]:
    """People a later "they" may mean: a listed answer, or people joined by "and"."""
    if part == "a" and len(people) >= 2 and \
            people[-1].end - people[0].start >= 0.6 * len(text.strip()):
        # a list of people as the answer ("A, B and C [1]"): "they" means them
        return [_Mention(_group_phrase(text, people), "GROUP", "", ti,
                         _pos(part, people[-1]) + 1)]
    if part != "q":
        return []
    # "When did Macron and Putin discuss it?": "they" may mean them
    return [_Mention(text[a.start:b.end], "GROUP", "", ti, b.start + 1)
            for a, b in zip(people, people[1:], strict=False)
            if re.fullmatch(r"\s*(?:and|&)\s*", text[a.end:b.start])]


def _memory(history: Sequence[Turn]) -> list[_Mention]:
    """Every person, group, place and topic mentioned in ``history``, oldest first."""
    out: list[_Mention] = []
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


def _topics(question: str) -> list[tuple[str, int]]:
    """Noun phrases a later "it" may mean: "the 2+2 talks", "a laptop" (not "in the
    fourth quarter", which sets a scene, nor "that will sell", a clause)."""
    out = []
    for m in _NP.finditer(question):
        np = m.group(0)
        if len(np.split()) > 2 and _AUX_BEFORE.search(question[:m.start()]):
            np = np.rsplit(None, 1)[0]  # the subject, not its verb: "will the console (go)"
        if any(_WH.fullmatch(w) for w in np.split()) or _after_preposition(question, m.start()):
            continue
        if noun_in(np.split()[-1].lower(), PERSON_NOUNS):
            continue  # "the minister" is a person, not an "it"
        out.append((np, m.start()))
    return out


def _in_question(m: _Mention, q: str) -> bool:
    """``m`` is named in ``q`` itself (so a pronoun there means someone else)."""
    return re.search(rf"\b{re.escape(m.text.split()[-1])}\b", q, re.IGNORECASE) is not None


def _person_for(memory: list[_Mention], gender: str, q: str,
                taken: Set[str] = frozenset()) -> _Mention | None:
    """The person "she" or "he" means: of that gender (else of unknown gender, never of the
    other one), latest turn first, and within a turn the first person its answer names;
    never one the question names itself, nor one another pronoun of it means."""
    for wanted in (gender, ""):
        for turn in sorted({m.turn for m in memory}, reverse=True):
            people = [m for m in memory if m.turn == turn and m.kind == "PERSON"
                      and not _in_question(m, q) and m.text not in taken]
            answer = [m for m in people if m.pos >= _ANSWER_POS]
            asked = [m for m in reversed(people) if m.pos < _ANSWER_POS]
            hit = next((m for m in answer + asked if m.gender == wanted), None)
            if hit is not None:
                return hit
    return None


def _thing_for(memory: list[_Mention], q: str) -> _Mention | None:
    """The thing "it" means: in the latest turn that has one, what its answer gave for a
    "which X" question, else the first thing its question names; places come last."""
    for turn in sorted({m.turn for m in memory}, reverse=True):
        ms = [m for m in memory if m.turn == turn and not _in_question(m, q)]
        hit = next((m for m in ms if m.focus), None) or next(
            (m for m in ms if m.kind == "TOPIC" and m.pos < _ANSWER_POS and not m.minor), None)
        if hit is not None:
            return hit
    return next((m for m in reversed(memory) if m.kind == "PLACE" and not m.minor
                 and m.pos < _ANSWER_POS and not _in_question(m, q)), None)


def _group_for(memory: list[_Mention], q: str) -> _Mention | None:
    """The people or things "they" means: the latest group, else a plural thing."""
    return next((m for m in reversed(memory) if not _in_question(m, q) and (
        m.kind == "GROUP" or m.kind == "TOPIC" and not m.minor and m.pos < _ANSWER_POS
        and re.search(r"[^s]s$", m.text))), None)


def _pair(memory: list[_Mention]) -> str:
    """"A and B": the two most recent people ("" when the latest turn names more than two
    and so "the two" is unclear)."""
    chosen: list[_Mention] = []
    for turn in sorted({m.turn for m in memory}, reverse=True):
        people = [m for m in memory if m.turn == turn and m.kind == "PERSON"]
        ordered = [m for m in people if m.pos >= _ANSWER_POS] + \
            [m for m in people if m.pos < _ANSWER_POS]
        fresh: list[_Mention] = []
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


# --------------------------------------------------------------------------- rewriting


def _is_possessive(question: str, m: re.Match[str]) -> bool:
    low = m.group(1).lower()
    if low in {"his", "its", "their", "hers", "theirs"}:
        return True
    nxt = re.match(r"\s+([\w'’-]+)", question[m.end():])
    return low == "her" and nxt is not None and nxt.group(1).lower() not in COMMON


def _bound(question: str, ents: list[Entity], m: re.Match[str], cls: str) -> bool:
    """The question itself names what the pronoun at ``m`` means: "What did Time Warner say
    about *its* profits?". Only possessives, reflexives and subjects ("he", "they") may
    point back inside the question; "What did Putin tell *him*?" means someone else."""
    low = m.group(1).lower()
    if not (_is_possessive(question, m) or low.endswith(("self", "selves"))
            or low in {"he", "she", "they"}):
        return False
    before = [e for e in ents if e.end <= m.start()]
    if cls in {"f", "m"}:
        return any(e.kind == "PERSON" and e.gender in {cls, ""} for e in before)
    nps = [np.lower().split() for np in _DET_NOUN.findall(question[:m.start()])]
    if cls == "it":
        return any(not any(noun_in(w, PERSON_NOUNS) for w in np) for np in nps) or any(
            e.kind != "NORP" and not (e.kind == "PERSON" and e.gender) for e in before)
    people = [e for e in before if e.kind == "PERSON"]
    return len(people) >= 2 and " and " in question[people[0].end:people[-1].start + 1] or \
        any(re.search(r"[^s]s$", w) for np in nps for w in np) or \
        any(e.kind == "ORG" for e in before)


def _pair_spans(q: str, pair: str) -> list[tuple[int, int, str]]:
    """"the two leaders", "both men", "both of them", "the pair", "did both say" -> "A and B"."""
    out: list[tuple[int, int, str]] = []
    for m in _PAIR.finditer(q) if pair else ():
        word = m.group(1) or ""
        if word[:1].isupper():
            continue  # "both Macron and Putin" names them already
        if not word or noun_in(word, PERSON_NOUNS):
            out.append((m.start(), m.end(), pair))
        elif _AUX_BEFORE.search(q[:m.start()]) and "the " not in m.group(0).lower() and \
                not word.endswith("s") and word not in COMMON:
            # a bare "both" / "the two" before its verb: "What did both say?"
            out.append((m.start(), m.start(1) - 1, pair))
    return out


def _pronoun_spans(q: str, memory: list[_Mention]) -> list[tuple[int, int, str]]:
    """Each pronoun of ``q`` that earlier turns resolve, with its replacement."""
    ents = spot(q)
    refs: dict[str, _Mention | None] = {}
    used: set[str] = set()
    out = []
    for m in _PRONOUN.finditer(q):
        low = m.group(1).lower()
        cls = _CLASS[low]
        if cls == "it" and _DUMMY_IT.search(q) or _bound(q, ents, m, cls) or \
                cls in refs and low not in {"him", "her", "them", "it"}:
            continue  # bound in the question, or to a pronoun before it ("he ... his")
        if cls not in refs:
            taken = {r.text for r in refs.values() if r is not None}
            refs[cls] = _person_for(memory, cls, q, taken) if cls in {"f", "m"} else \
                _thing_for(memory, q) if cls == "it" else _group_for(memory, q)
        ref = refs[cls]
        if ref is None:
            continue
        name = ref.text
        if ref.kind == "PERSON" and name in used:
            name = name.split()[-1]
        elif ref.kind != "PERSON":
            name = re.sub(r"^(?:a|an)\s+", "the ", name, flags=re.IGNORECASE)
        used.add(ref.text)
        rep = name + ("’" if name.endswith("s") else "’s") if _is_possessive(q, m) else name
        out.append((m.start(), m.end(), rep))
    return out


_THERE = re.compile(r"(?<!\bis )(?<!\bare )(?<!\bwas )(?<!\bwere )(?<!\bbe )\bthere\b"
                    r"(?=\s*[?.!]?\s*$)", re.IGNORECASE)
"""A "there" that ends the question: a place ("How much will it cost there?"), not "is
there"."""


def _there_span(q: str, memory: list[_Mention]) -> list[tuple[int, int, str]]:
    """"there" -> "in <the latest place an earlier turn named>"."""
    m = _THERE.search(q)
    place = next((p for p in reversed(memory) if p.kind == "PLACE" and not _in_question(p, q)),
                 None) if m else None
    if m is None or place is None:
        return []
    name = place.text
    return [(m.start(), m.end(), f"in {'the ' if name.isupper() else ''}{name}")]


def _apply(q: str, spans: list[tuple[int, int, str]]) -> str:
    out, last = [], 0
    for start, end, rep in sorted(spans):
        if start < last:
            continue
        if q[:start].strip() == "":
            rep = rep[0].upper() + rep[1:]
        out.append(q[last:start] + rep)
        last = end
    out.append(q[last:])
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
    pairs = _pair_spans(q, _pair(memory))
    spans = pairs + [s for s in _pronoun_spans(q, memory) + _there_span(q, memory)
                     if not any(a <= s[0] < b for a, b, _ in pairs)]
    return _apply(q, spans) if spans else q


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
    fe = spot(frag)
    pe = spot(prev)
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
