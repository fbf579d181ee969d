"""Rewriting a follow-up question into a standalone one, with the referents that
:mod:`qa.conversation.memory` finds in earlier turns."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from qa.conversation.memory import (
    AUX_BEFORE,
    WH,
    Mention,
    focus_for,
    group_for,
    in_question,
    latest_pair,
    mentions,
    person_for,
    spot,
    standalone,
    thing_for,
    topics,
)
from qa.text.analysis import PERSON_NOUNS, noun_in
from qa.text.names import COMMON, Entity
from qa.types import Turn
from vectorstore.text.dates import find_dates

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
_PAIR = re.compile(r"\b(?:(?:the|these|those)\s+(?:two|2)|both)"
                   r"(?:\s+of\s+them\b|\s+(?:the\s+)?([a-z]+)\b)?|\bthe\s+pair\b", re.IGNORECASE)
_DET_NOUN = re.compile(r"\b(?:the|a|an|this|these|those)((?:\s+[\w+'’-]+){1,3})", re.IGNORECASE)
"""A noun phrase's first words: "the *company reported its*" (its noun is among them)."""


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
        elif AUX_BEFORE.search(q[:m.start()]) and "the " not in m.group(0).lower() and \
                not word.endswith("s") and word not in COMMON:
            # a bare "both" / "the two" before its verb: "What did both say?"
            out.append((m.start(), m.start(1) - 1, pair))
    return out


def _pronoun_spans(q: str, memory: list[Mention]) -> list[tuple[int, int, str]]:
    """Each pronoun of ``q`` that earlier turns resolve, with its replacement."""
    ents = spot(q)
    refs: dict[str, Mention | None] = {}
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
            refs[cls] = person_for(memory, cls, q, taken) if cls in {"f", "m"} else \
                thing_for(memory, q) if cls == "it" else group_for(memory, q)
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


def _there_span(q: str, memory: list[Mention]) -> list[tuple[int, int, str]]:
    """"there" -> "in <the latest place an earlier turn named>"."""
    m = _THERE.search(q)
    place = next((p for p in reversed(memory) if p.kind == "PLACE" and not in_question(p, q)),
                 None) if m else None
    if m is None or place is None:
        return []
    name = place.text
    return [(m.start(), m.end(), f"in {'the ' if name.isupper() else ''}{name}")]


_THAT_NOUN = re.compile(r"\b(?:that|this|the\s+same)\s+([a-z][\w-]+)\b", re.IGNORECASE)


def _that_spans(q: str, memory: list[Mention]) -> list[tuple[int, int, str]]:
    """"that company" -> the company an earlier "which company" question was answered with."""
    out = []
    for m in _THAT_NOUN.finditer(q):
        ref = focus_for(memory, m.group(1))
        if ref is not None and not in_question(ref, q):
            out.append((m.start(), m.end(), ref.text))
    return out


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
    memory = mentions(history)
    q = question.strip()
    prev = standalone(history[-1])

    ell = _ELLIPSIS.match(q)
    if ell or _is_fragment(q):
        frag = (ell.group("f") or ell.group("g") or ell.group("h")) if ell else q.rstrip("?. ")
        frag = frag.strip().rstrip("?")
        if frag and not WH.match(frag):
            frag = _resolve(frag, memory)
            return _recombine(frag, prev)
    return _resolve(q, memory)


def _resolve(q: str, memory: list[Mention]) -> str:
    pairs = _pair_spans(q, latest_pair(memory))
    spans = pairs + [s for s in _pronoun_spans(q, memory) + _there_span(q, memory)
                     + _that_spans(q, memory)
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
    return 0 < len(words) <= 4 and not WH.search(q) and q.rstrip().endswith("?")


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
    tops = topics(prev)
    if tops:
        np, pos = tops[-1]
        return prev[:pos] + frag + prev[pos + len(np):]
    return f"{prev.rstrip('?. ')}: what about {frag}?"


def _bare_name(frag: str) -> bool:
    words = frag.split()
    return 1 <= len(words) <= 3 and all(w[:1].isupper() for w in words) and \
        words[0].lower() not in COMMON

