"""The default answerer, with no LLM: picks the supporting sentence and the part that answers.

The question is typed from its wording (who -> people, when -> a date, where -> a place,
how many/much -> a number phrase, which <thing> -> a named thing, what post does X hold -> a
role, otherwise the sentence), and read for constraints on the answer: the country and role a
person must have ("the Russian foreign minister"), whether a city or a country is asked, a day
or a year, the counted noun ("how many ministers"), the speaker of a quote ("what did X say").

Every sentence of the retrieved passages is scored by how much of the question's content it
covers (locally IDF-weighted, names weighing double, words of a question's preamble weighing
less, near forms like defence/defense or ministry/minister matching), by what the sentences
around it add when they continue it ("..., the French defense minister said"), by its
passage's coverage and cosine similarity, and by whether it holds an answer of the asked type.
When an embedding function is given, the lexically best few sentences are also embedded and
their cosine similarity to the question joins the score. The best sentence becomes the
citation; the answer is the typed phrase found in it, or the sentence itself.

The evidence score behind abstention combines the best sentence's coverage and similarity,
its passage's coverage and cosine, whether a typed answer was found, and penalties for names
in the question that no passage mentions, for none of the question's key words being there,
for a quote asked of someone the sentence does not quote, and for a person whose country or
role does not fit. Under the threshold (calibrated on realtimeqa-dev by
``bench/calibrate_abstention.py``) the answerer says the articles don't say.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np

from qa.text.entities import (
    COMMON,
    DEMONYMS,
    PORTFOLIOS,
    ROLE_NOUNS,
    DateMention,
    Entity,
    Role,
    affiliations,
    country_key,
    find_dates,
    find_entities,
    find_numbers,
    format_day,
    format_period,
    full_name,
    gender_of,
    person_roles,
    place_class,
)
from qa.types import Citation, Draft
from vectorstore.text.stemming import shared_stemmer
from vectorstore.types import Passage

ABSTAIN = "The articles don't say."
DEFAULT_THRESHOLD = 0.39
"""Evidence score under which the answerer abstains (see ``bench/calibrate_abstention.py``;
re-calibrated 2026-11-28 with the embedding re-ranker: the balanced decision is best from 0.38
to 0.40, abstention precision 0.91 and recall 0.75 with 93% of answerable cases answered)."""

MAX_WORDS = 60
TYPED_MARGIN = 0.15
"""How much lower (at least; 35% of the best score when more) a sentence holding an answer of
the asked type may score than the best sentence and still be preferred to it."""
TYPED_BONUS = 0.12
"""Score added to a sentence holding an answer of the asked type."""
ENTITY_BONUS = 0.06
"""The same for "which <agency, team, show...>": a name there (names are found by shape, so
this is a weaker sign than a date or a number)."""
ENTITY_MARGIN = 0.15
RERANK = 4
"""At most this many of the lexically best sentences are embedded and compared with the
question (with the chosen sentence always: its similarity is part of the evidence)."""
TIE = 0.08
"""Sentences scoring within this of the best are re-ranked by similarity."""
SIM_WEIGHT = 0.15

PERSON, DATE, PLACE, NUMBER, REASON, SENTENCE, ENTITY, ROLE = \
    "PERSON", "DATE", "PLACE", "NUMBER", "REASON", "SENTENCE", "ENTITY", "ROLE"

_TYPED = frozenset({PERSON, DATE, PLACE, NUMBER})

Embed = Callable[[Sequence[str]], Any]
"""Texts -> an ``(n, dim)`` array of unit vectors (``Embedder.embed``)."""


def _ws(words: str) -> frozenset[str]:
    return frozenset(words.split())


_PERSON_NOUNS = _ws("""
person man woman men women people leader president minister politician actor actress singer
star athlete player celebrity ceo official senator judge rapper musician author writer
director candidate governor founder billionaire investor comedian host coach chancellor king
queen prince princess pope lawmaker spokesperson spokesman spokeswoman activist journalist
chief executive head boss premier mayor general commander secretary ambassador justice
astronaut scientist artist designer model musician golfer tennis quarterback footballer
counterpart envoy diplomat
""")
_PLACE_NOUNS = _ws("""
country countries nation nations city cities state states continent region island town
capital province territory place location county village park area neighborhood
""")
_DATE_NOUNS = _ws("year month day date time decade century")
_ROLE_ASK = re.compile(r"\bwhat\s+(?:post|position|role|job|title|office|portfolio)\s+"
                       r"(?:does|did|do|is|was|has|had)\b|\bwhat\s+(?:is|was)\s+(?:the\s+)?"
                       r"(?:job|role|position|title|post)\s+of\b", re.IGNORECASE)
_SAY_ASK = re.compile(r"\bwhat\s+(?:did|does|do|has|have|had|will|would)\s+(?P<who>.+?)\s+"
                      r"(?:say|said|tell|told|add|write|tweet|claim|state|announce)\b",
                      re.IGNORECASE)
_SAY_TEXT = re.compile(r"\b(?:say|says|said|saying|tell|tells|told|telling|add|adds|added|"
                       r"wrote|write|writes|tweeted|stated|announced|claimed|argued|explained|"
                       r"insisted|noted|warned|declared|cautioned|welcomed|urged|described)\b",
                       re.IGNORECASE)
_NAMING = re.compile(r"\b(?:called|known\s+as|name[ds]?|dubbed|nicknamed|titled)\b", re.IGNORECASE)
_NAMING_TEXT = re.compile(r"\b(?:so-called|known\s+as|called|dubbed|named|nicknamed|titled|"
                          r"branded)\b", re.IGNORECASE)
_RELATIVE = re.compile(r"\b(?:the|a|one)\s+(?P<u>day|week|month|year)\s+(?P<d>before|after|"
                       r"prior\s+to|ahead\s+of)\s+(?P<ev>[^?,;]+)", re.IGNORECASE)
_PRECISE_DAY = re.compile(r"\b(?:exact(?:ly)?|precise(?:ly)?|what\s+date|which\s+date|"
                          r"what\s+day|which\s+day|on\s+what\s+day|specific\s+day)\b",
                          re.IGNORECASE)
_REPORTED = re.compile(r"\b(?:said|says|told|announced|added|reported|stated|wrote|confirmed|"
                       r"tweeted|noted)\s+(?:on\s+|late\s+|early\s+)?$", re.IGNORECASE)
_TIME_UNITS = {"year": 365.25, "month": 30.44, "week": 7.0, "day": 1.0}

_NEGATION = _ws("not never yet no without")
_Q_STOP = (COMMON | _ws("""
do does did doing done is are was were be been am what which who whom whose when where why
how many much according recently reportedly currently also get got make made take took
happen happened happening thing things something anyone someone
""")) - _NEGATION  # "not yet the time": negation is content
_LIGHT = {"say": 0.3, "said": 0.3, "tell": 0.3, "told": 0.3, "announc": 0.5, "report": 0.5,
          "week": 0.3, "year": 0.4, "month": 0.4, "day": 0.4, "new": 0.5, "total": 0.3,
          "exact": 0.3, "name": 0.5, "call": 0.5, "describ": 0.5, "kind": 0.3, "accus": 0.7,
          "not": 0.5, "never": 0.5, "yet": 0.5, "no": 0.3, "without": 0.5}
_WORD = re.compile(r"\w+(?:[+'’-]\w+)*", re.UNICODE)
_REASON = re.compile(r"\b(because|due to|in order to|so that|in a bid to|aimed at|as a result|"
                     r"amid|reason|after|since|caused by|blamed|to help|to avoid|to prevent|"
                     r"prompts?|following)\b",
                     re.IGNORECASE)
_PRONOUN_START = re.compile(r"^[\"“'‘]?(?:She|He|They|It|This|That|These|Those|The \w+ "
                            r"(?:minister|president|official|company)|But|And|Also)\b")
_ROLE_SUBJECT = re.compile(r"\bthe\s+(?:[\w'’-]+\s+){0,3}?(?:" + "|".join(sorted(ROLE_NOUNS)) +
                           r")\s+(?:said|says|told|added|wrote|noted|stated|warned)\b",
                           re.IGNORECASE)


_IRREGULAR = {
    "said": "say", "says": "say", "told": "tell", "met": "meet", "won": "win", "held": "hold",
    "took": "take", "taken": "take", "left": "leave", "made": "make", "gave": "give",
    "given": "give", "went": "go", "gone": "go", "came": "come", "saw": "see", "seen": "see",
    "found": "find", "got": "get", "led": "lead", "ran": "run", "paid": "pay", "sold": "sell",
    "bought": "buy", "thought": "think", "brought": "bring", "began": "begin", "begun": "begin",
    "fell": "fall", "fallen": "fall", "rose": "rise", "risen": "rise", "struck": "strike",
    "chose": "choose", "chosen": "choose", "spoke": "speak", "spoken": "speak", "wrote": "write",
    "written": "write", "sent": "send", "spent": "spend", "built": "build", "lost": "lose",
    "fought": "fight", "caught": "catch", "kept": "keep", "hit": "hit", "shot": "shoot",
    "stood": "stand", "drew": "draw", "drawn": "draw", "grew": "grow", "grown": "grow",
    "flew": "fly", "flown": "fly", "sought": "seek", "taught": "teach", "meant": "mean",
}
# British spellings -> American, so that both match (applied to question and text alike)
_BRITISH = {
    "defence": "defense", "offence": "offense", "licence": "license", "pretence": "pretense",
    "centre": "center", "centres": "centers", "theatre": "theater", "metre": "meter",
    "metres": "meters", "litre": "liter", "litres": "liters", "fibre": "fiber",
    "programme": "program", "programmes": "programs", "grey": "gray", "tyre": "tire",
    "tyres": "tires", "aluminium": "aluminum", "cheque": "check", "kerb": "curb",
    "jewellery": "jewelry", "plough": "plow", "mould": "mold", "sceptical": "skeptical",
    # one word for one thing
    "telephone": "phone", "telephoned": "phoned", "telephones": "phones",
}
_OUR = re.compile(r"^(colo|favo|hono|labo|neighbo|behavio|humo|rumo|vigo|harbo|armo|flavo|odo|"
                  r"savo|endeavo|fervo|clamo|splendo)ur")
_ISE = re.compile(r"(?<=\w{3})is(e|ed|es|ing|ation|ations)$")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = _IRREGULAR.get(w, w)
    w = _BRITISH.get(w, w)
    w = _OUR.sub(r"\1r", w)
    if len(w) >= 7:
        w = _ISE.sub(r"iz\1", w)
    country = DEMONYMS.get(w)
    if country and " " not in country:
        w = country  # "Russian" matches "Russia"
    return str(shared_stemmer().stemWord(w))


def _stems(text: str) -> set[str]:
    out: set[str] = set()
    for w in _WORD.findall(text):
        lo = w.lower()
        if lo in _Q_STOP:
            continue
        out.add(_stem(lo))
        if "-" in lo:  # "Russian-backed" also matches "Russia" and "backing"
            out.update(_stem(p) for p in lo.split("-") if len(p) > 2 and p not in _Q_STOP)
    return out


@dataclass(frozen=True)
class QuestionInfo:
    """What the answerer reads out of a question.

    Attributes:
        text: The question.
        kind: ``PERSON``, ``DATE``, ``PLACE``, ``NUMBER``, ``REASON``, ``ENTITY``, ``ROLE``
            or ``SENTENCE``.
        terms: Stem -> weight of the question's content words.
        proper: Stems of the names (capitalised words) in the question.
        unit: For ``NUMBER``: the stem of the counted noun ("how many *people*").
        words: Lower-cased words of the question, to keep question words out of answers.
        shape: For ``NUMBER``: ``"money"`` or ``"percent"`` when the question asks for one.
        locative: For ``PLACE``: a "where" question (prefer "in/at X" over a subject).
        sub: A finer type: ``PLACE`` ``"city"``/``"country"``/``"region"``; ``DATE``
            ``"day"``/``"year"``; ``NUMBER`` ``"person"``/``"place"`` (countable names) or
            a time unit (``"year"``).
        countries: Countries the asked person must belong to ("the *Russian* minister").
        roles: Role words the asked person must fit ("foreign", "minister").
        identity: A bare "who is the X?" question: the answer must fit its country and role.
        speaker: For "what did X say": X's surname, lower-cased.
        subject: For ``ROLE``: the surname of the person asked about, lower-cased.
        naming: The question asks what something is called.
        key: Stems of the question's own content words (not names, not its preamble).
    """

    text: str
    kind: str
    terms: dict[str, float]
    proper: frozenset[str]
    unit: str = ""
    words: frozenset[str] = field(default_factory=frozenset)
    shape: str = ""
    locative: bool = False
    sub: str = ""
    countries: frozenset[str] = field(default_factory=frozenset)
    roles: frozenset[str] = field(default_factory=frozenset)
    identity: bool = False
    speaker: str = ""
    subject: str = ""
    naming: bool = False
    key: frozenset[str] = field(default_factory=frozenset)
    descr: frozenset[str] = field(default_factory=frozenset)
    speaker_role: frozenset[str] = field(default_factory=frozenset)
    since: str = ""
    relative: tuple[str, int, str] | None = None
    years: frozenset[int] = field(default_factory=frozenset)


def _clauses(q: str) -> tuple[str, str]:
    """(preamble, question): a quiz question's lead-in sentences and its asking sentence."""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", q.strip())
    if len(parts) < 2:
        return "", q
    ask = max(range(len(parts)), key=lambda i: (
        bool(re.search(r"\b(who|whom|whose|what|when|where|why|how|which)\b", parts[i],
                       re.IGNORECASE)), parts[i].rstrip().endswith("?"), i))
    return " ".join(p for i, p in enumerate(parts) if i != ask), parts[ask]


_ENTITY_NOUNS = _ws("""
company companies firm agency agencies organization organisation team club network newspaper
magazine channel show film movie book album song app brand school university college party
airline automaker carrier bank website award festival league tournament ship retailer
restaurant chain studio band
""")
"""Things usually named with a proper name: "which *agency*" asks for one."""


def _noun_in(word: str, nouns: frozenset[str]) -> bool:
    """``word`` or its singular is one of ``nouns`` ("officials", "agencies", "cities")."""
    return word in nouns or word.endswith("s") and (
        word[:-1] in nouns or word.endswith("ies") and word[:-3] + "y" in nouns
        or word.endswith("es") and word[:-2] in nouns)


def _type_noun_kind(low: str) -> tuple[str, str]:
    m = re.search(r"\b(which|what)\s+((?:[\w'’-]+\s+){0,3}[\w'’-]+)", low)
    if not m:
        return SENTENCE, ""
    head: tuple[str, str] | None = None  # the last type noun of the phrase is its head
    for i, w in enumerate(m.group(2).split()):
        w = w.rstrip("'’s") if w.endswith(("'", "’")) else w
        if i == 0 and m.group(1) == "what" and re.fullmatch(r"\w+(?:ed|ing)|\w+[^s]s", w) and \
                w not in _PERSON_NOUNS | _PLACE_NOUNS | _DATE_NOUNS | _ENTITY_NOUNS:
            break  # "what happened the day before": a verb, not a type
        if re.fullmatch(r"is|are|was|were|do|does|did|has|have|had|will|would|can|could|"
                        r"should|be|been|to|that|who|which|in|of|for|with|at|on|from|by", w):
            break  # the verb or a preposition: past the noun phrase that names the type
        if _noun_in(w, _PERSON_NOUNS):
            head = (PERSON, w)
        elif _noun_in(w, _PLACE_NOUNS):
            head = (PLACE, w)
        elif _noun_in(w, _DATE_NOUNS):
            head = (DATE, w)
        elif _noun_in(w, _ENTITY_NOUNS) and m.group(1) == "which":
            head = (ENTITY, w)
        elif head is not None:
            break  # "which country elected a leader": the noun phrase ended
    if head is not None:
        return head
    if m.group(1) == "which":
        return ENTITY, ""
    return SENTENCE, ""


def _descriptor(ask: str) -> tuple[set[str], set[str], set[str]]:
    """Countries, role words and their question words in the phrase naming the asked person:
    "the *Russian foreign minister*", "the *president of Ukraine*", "*France's* foreign
    minister", "which French minister in charge of *foreign* affairs"."""
    words = list(_WORD.finditer(ask))
    countries: set[str] = set()
    roles: set[str] = set()
    used: set[str] = set()
    for i, m in enumerate(words):
        if i >= 8 or re.fullmatch(r"before|after|when|while|since|that|because|until",
                                  m.group().lower()):
            break  # "...the day before the ministers met": not the asked person's role
        lo = re.sub(r"['’]s$", "", m.group().lower())
        lo = _BRITISH.get(lo, lo)
        lo = {"ministry": "minister", "ministries": "minister"}.get(lo, lo)
        if lo not in ROLE_NOUNS:
            continue
        roles.add(_stem(lo))
        used.add(m.group().lower())
        for prev in words[max(0, i - 3):i]:
            w = prev.group()
            pl = _BRITISH.get(w.lower(), w.lower())
            if w[0].isupper() and country_key(w):
                countries.add(country_key(w))
                used.add(w.lower())
            elif pl in PORTFOLIOS:
                roles.add(_stem(pl))
                used.add(w.lower())
        after = ask[m.end():m.end() + 60]
        of = re.match(r"\s+(?:of|for)\s+(?:the\s+)?([A-Z][\w.'’]*(?:\s+[A-Z][\w.'’]*)?)", after)
        if of and country_key(of.group(1)):
            countries.add(country_key(of.group(1)))
            used.update(w.lower() for w in of.group(1).split())
        charge = re.match(r"\s+(?:in\s+charge\s+of|responsible\s+for|for|of)\s+(?:the\s+)?"
                          r"([\w-]+)", after)
        if charge and _BRITISH.get(charge.group(1).lower(), charge.group(1).lower()) in PORTFOLIOS:
            roles.add(_stem(_BRITISH.get(charge.group(1).lower(), charge.group(1).lower())))
            used.add(charge.group(1).lower())
        break
    return countries, roles, used


def analyse_question(question: str) -> QuestionInfo:
    """Type ``question`` and weigh its content words."""
    q = question.strip()
    preamble, ask = _clauses(q)
    low = ask.lower()
    words = _WORD.findall(q)
    lw = [w.lower() for w in words]
    kind, unit, type_noun, sub = SENTENCE, "", "", ""
    m = re.search(r"\bhow\s+(many|much|old|long|far|tall|big|large|often)\b(?:\s+([\w'’]+))?",
                  low)
    if m:
        kind = NUMBER
        noun = (m.group(2) or "").rstrip("'’")
        unit = _stem(noun) if noun and noun not in _Q_STOP else ""
    elif re.search(r"\b(what|which)\s+(number|percentage|percent|share|proportion|amount|"
                   r"price|sum|fraction|magnitude|total)\b", low):
        kind = NUMBER
    elif _ROLE_ASK.search(low):
        kind = ROLE
    elif re.match(r"^\W*(since\s+)?when\b", low) or re.search(
            r"\b(what|which)\s+(date|day|year|month|time)\b|\bwhen\s+(did|does|do|is|was|will|"
            r"were|are|has|had|have)\b", low):
        kind = DATE
    elif re.match(r"^\W*where\b", low) or re.search(r"\bwhere\s+(did|does|do|is|was|will|were|are)\b",
                                                    low):
        kind = PLACE
    elif re.match(r"^\W*why\b", low) or re.search(r"\bwhy\s*[,\s]\s*(?:[\w'’-]+\s+){0,6}?(did|does|do|"
                                                  r"is|was|will|were|are|should|would|could|had|"
                                                  r"has)\b", low):
        kind = REASON
    elif re.match(r"^\W*(who|whom|whose)\b", low) or re.search(
            r"[,;]\s*(who|whom)\b|\b(who|whom)\s+(did|does|do|is|was|were|are|will|has|have)\b", low):
        kind = PERSON
        if re.match(r"^\W*whose\s+(statement|words|office|decision|plan|proposal|idea|"
                    r"comments?|remarks?)\b", low):
            kind = SENTENCE
    else:
        kind, type_noun = _type_noun_kind(low)
        if kind == ENTITY:
            sub = type_noun
    if kind == DATE:
        if re.search(r"\b(what|which)\s+year\b|\bin\s+what\s+year\b", low):
            sub = "year"
        elif _PRECISE_DAY.search(low):
            sub = "day"
    elif kind == PLACE:
        sub = "city" if type_noun in {"city", "cities", "town", "capital", "village"} else \
            "country" if type_noun in {"country", "countries", "nation", "nations"} else \
            "region" if type_noun in {"region", "province", "territory", "state", "states",
                                      "county", "area"} else ""
    elif kind == NUMBER and unit:
        noun = unit
        if any(_stem(n) == noun for n in _PERSON_NOUNS) or noun in {"minist", "leader"}:
            sub = "person"
        elif any(_stem(n) == noun for n in _PLACE_NOUNS):
            sub = "place"
        elif noun in {"year", "month", "week", "day"}:
            sub = noun
    # a person's first names weigh little: articles name people by surname after the first time
    q_ents = find_entities(q)
    first_names = {w.lower() for p in q_ents if p.kind == "PERSON" for w in p.text.split()[:-1]}
    pre_words = {w.lower() for w in _WORD.findall(preamble)} - {w.lower() for w in
                                                               _WORD.findall(ask)}
    terms: dict[str, float] = {}
    proper: set[str] = set()
    key: set[str] = set()
    for i, w in enumerate(words):
        lo = w.lower()
        if lo in _Q_STOP or len(lo) < 2 and not lo.isdigit():
            continue
        st = _stem(lo)
        wt = _LIGHT.get(st, 1.0)
        is_name = w[0].isupper() and (i > 0 or lo not in COMMON) and lo not in _Q_STOP
        if is_name:
            wt = 0.5 if lo in first_names else 2.0
            proper.add(st)
        elif any(ch.isdigit() for ch in w):
            wt = 1.5
        if lo == type_noun:
            wt = 0.3
        if lo in pre_words:
            wt *= 0.6
        elif not is_name and wt >= 0.7 and not any(ch.isdigit() for ch in w):
            key.add(st)
        terms[st] = max(terms.get(st, 0.0), wt)
    shape = ""
    if kind == NUMBER:
        if re.search(r"\b(percent|percentage|per cent|share|proportion)\b", low):
            shape = "percent"
        elif re.search(r"\bhow much\b(?!\s+(?:weight|water|rain|snow|time|land|space|"
                       r"energy|power|food|fuel|oil|gas|more|longer|bigger|higher))", low) or \
                re.search(r"\b(cost|price|paid|pay|spend|spent|worth|budget|fund|funding|"
                          r"dollars|money|fine|salary|sum|amount)\b", low):
            shape = "money"
    countries: set[str] = set()
    roles: set[str] = set()
    descr: set[str] = set()
    identity = False
    if kind == PERSON:
        countries, roles, used = _descriptor(ask)
        for w in used:  # words describing the asked person are checked on the person
            st = _stem(w)
            if st in terms:
                terms[st] *= 0.5
                descr.add(st)
        identity = bool(re.match(r"^\W*who\s+(?:is|was|are|were)\s+(?:the\s+|a\s+|an\s+)?"
                                 r"(?:[\w'’-]+\s+){0,5}?(?:" + "|".join(sorted(ROLE_NOUNS)) +
                                 r")\b(?:\s+(?:of|for|in|at)\s+[\w'’ -]+?)?(?:\s+in\s+this\s+"
                                 r"(?:story|article))?\s*\??\s*$", low))
    speaker = subject = ""
    speaker_role: set[str] = set()
    sm = _SAY_ASK.search(ask)
    if sm:
        people = [e for e in find_entities(sm.group("who")) if e.kind in {"PERSON", "OTHER"}
                  and e.text.lower() not in COMMON]
        if people:
            speaker = people[-1].last.lower()
        else:  # "what did the German chancellor say": the sentence must quote such a person
            speaker_role = {_stem(_BRITISH.get(w.lower(), w.lower()))
                            for w in _WORD.findall(sm.group("who"))
                            if w.lower() in ROLE_NOUNS or w.lower() in {"ministry", "office"}}
    since_m = re.match(r"^\W*(since|until|till|from|by)\s+when\b", low)
    if kind == ROLE:
        people = [e for e in q_ents if e.kind in {"PERSON", "OTHER"}]
        if people:
            subject = people[-1].last.lower()
        else:
            kind = SENTENCE
    naming = kind in {SENTENCE, ENTITY} and bool(_NAMING.search(low))
    rm = _RELATIVE.search(ask)
    relative = (rm.group("u").lower(), 1 if rm.group("d").lower() == "after" else -1,
                rm.group("ev")) if rm else None
    if rm:  # the event that dates the asked one is not what the answer is about
        for w in _WORD.findall(rm.group("ev")):
            st = _stem(w.lower())
            if st in terms:
                terms[st] *= 0.3
                key.discard(st)
    words_all = frozenset(lw) | _aliases(lw)
    return QuestionInfo(q, kind, terms, frozenset(proper), unit, words_all, shape,
                        kind == PLACE and bool(re.search(r"\bwhere\b|\bin\s+which\b", low)), sub,
                        frozenset(countries), frozenset(roles), identity, speaker, subject,
                        naming, frozenset(key), frozenset(descr), frozenset(speaker_role),
                        since_m.group(1) if since_m else "", relative, _years(ask))


def _years(ask: str) -> frozenset[int]:
    """Years the question dates its event in ("in 2014", "on 9 September 2019")."""
    out: set[int] = set()
    for d in find_dates(ask):
        if d.relative or d.first is None or d.last is None or d.first.year != d.last.year:
            continue
        if re.search(r"\b(since|after|before|until|till|by|from|between|prior\s+to)\s+$",
                     ask[:d.start], re.IGNORECASE):
            continue
        out.add(d.first.year)
    return frozenset(out)


_ALIASES = [{"us", "u.s", "u.s.", "usa", "america", "united", "states", "american"},
            {"uk", "u.k", "u.k.", "britain", "british", "united", "kingdom", "england"},
            {"eu", "european", "union", "europe"}, {"un", "united", "nations"}]


def _aliases(words: list[str]) -> frozenset[str]:
    out: set[str] = set()
    for group in _ALIASES:
        if any(w in group for w in words if w not in {"united", "states", "union", "kingdom"}):
            out |= group
    return frozenset(out)


@dataclass
class _Sent:
    p: int  # passage index
    s: int  # sentence index within the passage
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


def _sentences(p: Passage) -> list[tuple[int, int]]:
    spans = [(a, b) for a, b in p.sentences if 0 <= a < b <= len(p.text) and p.text[a:b].strip()]
    if spans:
        return spans
    from vectorstore.text.sentences import split_sentences

    return [(a, b) for a, b in split_sentences(p.text) if b > a]


def _near_forms(terms: dict[str, float], vocab: set[str]) -> dict[str, str]:
    """Stems in ``vocab`` that are near forms of a question term (``minist``/``ministri``,
    ``disagr``/``disagre``), each with the term it stands for."""
    out: dict[str, str] = {}
    long_terms = [t for t in terms if len(t) >= 5 and not t[0].isdigit()]
    if not long_terms:
        return out
    by5: dict[str, list[str]] = {}
    for v in vocab:
        if len(v) >= 5 and v not in terms:
            by5.setdefault(v[:5], []).append(v)
    for t in long_terms:
        for v in by5.get(t[:5], ()):
            short, longer = (t, v) if len(t) <= len(v) else (v, t)
            if len(longer) - len(short) <= 3 and \
                    longer.startswith(short[:max(5, len(short) - 1)]) and \
                    (v not in out or terms[t] > terms[out[v]]):
                out[v] = t
    return out


class ExtractiveAnswerer:
    """Picks supporting sentences from the retrieved passages and the part that answers.

    Args:
        threshold: Evidence score under which it abstains (default :data:`DEFAULT_THRESHOLD`).
        embed: Optional texts -> unit vectors function (``Embedder.embed``); when given, the
            lexically best sentences are re-ranked by similarity to the question, and the
            chosen sentence's similarity weighs in the evidence behind abstention.
    """

    def __init__(self, threshold: float | None = None, embed: Embed | None = None) -> None:
        self.threshold = DEFAULT_THRESHOLD if threshold is None else threshold
        self.embed = embed
        self._vectors: dict[str, np.ndarray] = {}
        _ = analyse_question("Who met whom?")  # load the stemmer and compile patterns now
        _ = find_dates("on Monday"), find_numbers("1 person"), find_entities("Mr. Smith")

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
            return Draft(text=_abstain_text(question), abstained=True, score=0.0)
        ctx = _Context(passages, as_of)
        sents, pcov = self._score(info, ctx)
        if not sents:
            return Draft(text=_abstain_text(question), abstained=True, score=0.0)
        if info.relative:
            self._relative(info, ctx, sents)
        self._rerank(info, sents)
        best = max(sents, key=lambda x: x.score)
        if (info.kind in _TYPED or info.kind == ENTITY and info.sub or info.naming or
                info.relative) and not best.typed:
            # a close runner-up that holds an answer of the asked type beats a bare best
            margin = max(TYPED_MARGIN, 0.35 * best.score) if info.kind != ENTITY \
                else ENTITY_MARGIN
            typed = [x for x in sents if x.typed and x.score >= best.score - margin and x.cov > 0]
            if typed:
                best = max(typed, key=lambda x: x.score)
        self._ensure_sim(info, best)
        answer, cites, typed_ok = self._compose(info, ctx, sents, best)
        evidence = self._evidence(info, ctx, best, pcov, typed_ok)
        if evidence < self.threshold:
            return Draft(text=_abstain_text(question), abstained=True, score=evidence)
        return Draft(text=answer, citations=tuple(cites), score=evidence)

    def stream(self, question: str, passages: Sequence[Passage], *,
               as_of: date | None = None) -> Iterator[str | Draft]:
        """Yield the answer text in pieces, then the :class:`Draft`."""
        d = self.run(question, passages, as_of=as_of)
        words = d.text.split(" ")
        for i, w in enumerate(words):
            yield w + (" " if i < len(words) - 1 else "")
        yield d

    # -- scoring --------------------------------------------------------------------------

    def _score(self, info: QuestionInfo, ctx: _Context) -> tuple[list[_Sent], list[float]]:
        passages = ctx.passages
        sents: list[_Sent] = []
        for pi, p in enumerate(passages):
            for si, (a, b) in enumerate(_sentences(p)):
                t = p.text[a:b]
                sents.append(_Sent(pi, si, a, b, t, _stems(t)))
        if not sents:
            return [], []
        n = len(sents)
        vocab: set[str] = set().union(*(s.stems for s in sents))
        near = _near_forms(info.terms, vocab)
        for s in sents:  # near forms count as the question's own stem
            s.stems |= {near[v] for v in s.stems if v in near}
        df: dict[str, int] = {}
        for s in sents:
            for st in s.stems & info.terms.keys():
                df[st] = df.get(st, 0) + 1
        weight = {t: w * (1.0 + math.log((n + 1) / (df.get(t, 0) + 1))) for t, w in info.terms.items()}
        total = sum(weight.values()) or 1.0
        pstems = []
        for p in passages:
            ps = _stems(p.text + " " + p.title)
            pstems.append(ps | {near[v] for v in ps if v in near})
        pcov = [sum(w for t, w in weight.items() if t in ps) / total for ps in pstems]
        for i, s in enumerate(sents):
            matched = s.stems & weight.keys()
            prev = sents[i - 1] if i > 0 and sents[i - 1].p == s.p else None
            nxt = sents[i + 1] if i + 1 < n and sents[i + 1].p == s.p else None
            inherit: set[str] = set()
            if prev is not None and _refers_back(s.text):
                inherit |= prev.stems & weight.keys()
            if nxt is not None and _continues(nxt.text):
                # "Parly told TASS ... ." + "“...,” the French defense minister said."
                inherit |= nxt.stems & weight.keys()
            s.ctx = inherit - matched
            cov = sum(weight[t] for t in matched) / total
            cov += 0.5 * sum(weight[t] for t in s.ctx) / total
            s.cov = min(cov, 1.0)
            s.typed = self._has_typed(info, s, ctx)
            p = passages[s.p]
            nw = len(s.text.split())
            bonus = (ENTITY_BONUS if info.kind == ENTITY else TYPED_BONUS) if s.typed else 0.0
            s.score = (0.55 * s.cov + 0.2 * pcov[s.p] + 0.25 * max(p.score, 0.0)
                       + bonus + 0.03 / (1 + s.p)
                       - (0.1 if nw < 5 else 0.0) - (0.05 if nw > 60 else 0.0))
            if info.kind == REASON and _REASON.search(s.text):
                s.score += 0.05
                if _reason_after_term(s.text, weight):
                    s.score += 0.05  # "suspended after ...": the reason of the asked event
            if info.naming and _NAMING_TEXT.search(s.text):
                s.score += 0.06
            if info.speaker and _quotes(s, info.speaker, prev):
                s.score += 0.08
            if info.kind == PERSON and (info.countries or info.roles) and s.typed:
                fit = s.fit = self._fit(info, s, ctx)
                s.score += 0.15 * fit
                if fit > 0:  # the asked country and role hold for a person here
                    credit = sum(weight[t] for t in info.descr if t not in matched) / total
                    s.cov = min(1.0, s.cov + credit * min(fit, 2.0) / 2)
        return sents, pcov

    def _relative(self, info: QuestionInfo, ctx: _Context, sents: list[_Sent]) -> None:
        """"The day before the ministers met": date the event, favour what the text dates a
        day (week, ...) before or after it."""
        assert info.relative is not None
        unit, sign, event = info.relative
        ev_stems = _stems(event)
        if not ev_stems:
            return
        when: date | None = None
        top = 0.0
        for s in sents:
            shared = len(ev_stems & s.stems) / len(ev_stems)
            if shared <= top:
                continue
            days = [d for d in find_dates(s.text, ctx.ref(s.p)) if d.is_day and d.first]
            if days:
                top, when = shared, days[0].first
        if when is None or top < 0.3:
            return
        from datetime import timedelta

        step = {"day": 1, "week": 7, "month": 30, "year": 365}[unit]
        target = when + timedelta(days=sign * step)
        slack = timedelta(days=0 if unit == "day" else step // 4)
        for s in sents:
            for d in find_dates(s.text, ctx.ref(s.p)):
                if d.first and d.last and d.first - slack <= target <= d.last + slack:
                    s.score += 0.25
                    s.cov = min(1.0, s.cov + 0.3)
                    if info.kind not in _TYPED:
                        s.typed = True  # dated as asked: an answer of the asked kind
                    break

    def _rerank(self, info: QuestionInfo, sents: list[_Sent]) -> None:
        """Break near-ties among the lexically best sentences by their cosine similarity to
        the question (at most :data:`RERANK` of them, within :data:`TIE` of the best)."""
        if self.embed is None or not sents:
            return
        top = sorted(sents, key=lambda x: x.score, reverse=True)
        pool: dict[str, list[_Sent]] = {}
        for s in top:
            if s.score < top[0].score - TIE or len(pool) >= RERANK and s.text.strip() not in pool:
                break
            pool.setdefault(s.text.strip(), []).append(s)
        sims = self._sims(info.text, list(pool))
        if not sims:
            return
        mean = sum(sims.values()) / len(sims)
        for text, group in pool.items():
            for s in group:
                s.sim = sims[text]
                s.score += SIM_WEIGHT * (s.sim - mean)

    def _ensure_sim(self, info: QuestionInfo, s: _Sent) -> None:
        if s.sim is None and self.embed is not None:
            s.sim = self._sims(info.text, [s.text.strip()]).get(s.text.strip())

    def _sims(self, question: str, texts: list[str]) -> dict[str, float]:
        """Cosine similarity of each text to the question ({} when embedding fails)."""
        assert self.embed is not None
        todo = [t for t in dict.fromkeys([question, *texts]) if t not in self._vectors]
        if todo:
            try:
                vecs = self.embed([" ".join(t.split()[:80]) for t in todo])
            except Exception:  # embedding is an aid: without it the lexical ranking stands
                return {}
            for t, v in zip(todo, vecs, strict=True):
                self._vectors[t] = np.asarray(v, dtype=np.float32)
            if len(self._vectors) > 4096:
                for k in list(self._vectors)[:1024]:
                    del self._vectors[k]
        q = self._vectors[question]
        return {t: float(np.dot(q, self._vectors[t])) for t in texts}

    def _fit(self, info: QuestionInfo, s: _Sent, ctx: _Context) -> float:
        """How well the best-fitting person in ``s`` fits the asked country and role (0..2)."""
        people = _people(s.text, info, ctx.surnames(s.p))
        if not people:
            return 0.0
        return max(_person_fit(info, e, aff, ctx.roles(s.p)) for e, aff in people)

    def _evidence(self, info: QuestionInfo, ctx: _Context, best: _Sent, pcov: list[float],
                  typed_ok: bool) -> float:
        passages = ctx.passages
        p = passages[best.p]
        sim = best.sim if best.sim is not None else max(p.score, 0.0)
        ev = 0.4 * best.cov + 0.15 * pcov[best.p] + 0.2 * max(p.score, 0.0) + 0.25 * sim
        if info.kind in _TYPED:
            ev += 0.05 if typed_ok else -0.08
        elif typed_ok and _soft_typed(info):
            ev += 0.05  # "what is X called": a name; "the day before": that day
        if info.proper:
            seen: set[str] = set()
            for q in passages:
                seen |= _stems(q.text + " " + q.title)
            missing = len(info.proper - seen) / len(info.proper)
            ev *= 1.0 - 0.6 * missing
        plain = info.key | {t for t in info.terms if any(ch.isdigit() for ch in t)}
        if len(info.key) >= 2 and not (plain & (best.stems | best.ctx)) and \
                (best.sim or 0.0) < 0.55 and best.fit < 1.0:  # (a person of the asked country and role is on topic)
            ev *= 0.75  # none of the question's own words: the sentence is about something else
        if info.speaker:
            prev = ctx.sentence_before(best)
            if not _quotes(best, info.speaker, prev):
                ev *= 0.5  # "what did X say": the sentence must quote X
        elif info.speaker_role and not (_SAY_TEXT.search(best.text) and
                                        info.speaker_role & (best.stems | best.ctx)):
            ev *= 0.6  # "what did the German chancellor say": nobody such is quoted here
        if info.years and not _dated_as_asked(best, p, info.years):
            ev *= 0.6  # "the talks in 2016": this sentence is about another year
        if info.kind in _TYPED and not typed_ok and _strict(info):
            ev *= 0.7  # "how many hours", "which city", "exactly which day": none here
        if info.kind == PERSON and info.identity and (info.countries or info.roles) and \
                not typed_ok:
            ev *= 0.6
        return round(ev, 4)

    def _has_typed(self, info: QuestionInfo, s: _Sent, ctx: _Context) -> bool:
        text = s.text
        if info.kind == PERSON:
            people = _people(text, info, ctx.surnames(s.p))
            if not people:
                return False
            if info.countries and info.identity:
                return any(_person_fit(info, e, aff, ctx.roles(s.p)) >= 1.0 for e, aff in people)
            return True
        if info.kind == PLACE:
            return _place_phrase(text, info) is not None
        if info.kind == DATE:
            return _date_phrase(text, ctx.ref(s.p), info, False) is not None
        if info.kind == NUMBER:
            return _number_phrase(text, info, ctx.ref(s.p)) is not None
        if info.kind == ENTITY:
            dated = [(d.start, d.end) for d in find_dates(text)]
            known = ctx.surnames(s.p)
            return any(e.kind in {"ORG", "OTHER", "PERSON"}
                       and (e.strong or len(e.text.split()) > 1)
                       and not _in_question(e.text, info)
                       and not (e.kind == "PERSON" and (gender_of(e.text) or e.text in known))
                       and not any(a <= e.start < b for a, b in dated)  # "September"
                       for e in find_entities(text))
        if info.naming:
            return bool(_NAMING_TEXT.search(text))
        if info.kind == ROLE:
            return any(_role_of(r) for r in ctx.own_roles(s.p).get(info.subject, ())
                       if r.start <= s.start < r.end or r.start < s.end <= r.end)
        return False

    # -- composing ------------------------------------------------------------------------

    def _compose(self, info: QuestionInfo, ctx: _Context, sents: list[_Sent],
                 best: _Sent) -> tuple[str, list[Citation], bool]:
        passages = ctx.passages
        p = passages[best.p]
        phrase: str | None = None
        if info.kind == PERSON:
            phrase = _people_phrase(best.text, ctx.article_text(best.p), info,
                                    ctx.roles(best.p), ctx.surnames(best.p))
        elif info.kind == PLACE:
            phrase = _place_phrase(best.text, info)
        elif info.kind == DATE:
            phrase = _date_phrase(best.text, ctx.ref(best.p), info, p.published is None)
        elif info.kind == NUMBER:
            phrase = _number_phrase(best.text, info, ctx.ref(best.p))
        elif info.kind == ROLE:
            found = self._role_answer(info, ctx)
            if found is not None:
                text, pi, span = found
                return f"{text} [1]", [Citation(1, passages[pi], span)], True
        if phrase:
            return f"{phrase} [1]", [Citation(1, p, (best.start, best.end))], True
        # the sentence, and a second one when it continues or also answers
        chosen = [best]
        ranked = sorted((x for x in sents if x is not best), key=lambda x: x.score, reverse=True)
        nxt = next((s for s in sents if s.p == best.p and s.s == best.s + 1), None)
        words = len(best.text.split())
        if nxt is not None and (_PRONOUN_START.match(nxt.text) or _continues(nxt.text)) and \
                words + len(nxt.text.split()) <= MAX_WORDS and (nxt.cov > 0 or best.ctx):
            chosen.append(nxt)
        elif ranked:
            second = ranked[0]
            if second.score >= 0.9 * best.score and second.cov >= 0.5 and \
                    words + len(second.text.split()) <= MAX_WORDS and \
                    not _same_content(second, best):
                chosen.append(second)
        typed_ok = best.typed if _soft_typed(info) else info.kind not in _TYPED | {ROLE}
        return _cite(chosen, passages) + (typed_ok,)

    def _role_answer(self, info: QuestionInfo, ctx: _Context) -> tuple[str, int, tuple[int, int]] | None:
        """The most specific role the passages give the asked person, and where."""
        best: tuple[int, str, int, tuple[int, int]] | None = None
        for pi in range(len(ctx.passages)):
            for r in ctx.own_roles(pi).get(info.subject, ()):
                if not _role_of(r):
                    continue
                rank = len(r.words)
                if best is None or rank > best[0]:
                    best = (rank, r.phrase, pi, (r.start, r.end))
        if best is None:
            return None
        phrase = best[1]
        return phrase[0].upper() + phrase[1:], best[2], best[3]


class _Context:
    """The passages of one question, with what is read from them on demand."""

    def __init__(self, passages: Sequence[Passage], as_of: date | None) -> None:
        self.passages = list(passages)
        self.as_of = as_of
        self._own: dict[int, dict[str, list[Role]]] = {}
        self._roles: dict[str, dict[str, list[Role]]] = {}
        self._surnames: dict[str, frozenset[str]] = {}

    def ref(self, pi: int) -> date | None:
        return self.passages[pi].published or self.as_of

    def own_roles(self, pi: int) -> dict[str, list[Role]]:
        """What passage ``pi`` says each person is (spans in that passage)."""
        if pi not in self._own:
            p = self.passages[pi]
            self._own[pi] = person_roles(p.text, _sentences(p))
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

    def surnames(self, pi: int) -> frozenset[str]:
        """Surnames of the people the passage names in full ("Lavrov" of "Sergei Lavrov")."""
        aid = self.passages[pi].article_id
        if aid not in self._surnames:
            self._surnames[aid] = frozenset(
                e.last for p in self.passages if p.article_id == aid
                for e in find_entities(p.text) if e.kind == "PERSON" and len(e.text.split()) >= 2)
        return self._surnames[aid]

    def sentence_before(self, s: _Sent) -> str:
        p = self.passages[s.p]
        spans = _sentences(p)
        return p.text[spans[s.s - 1][0]:spans[s.s - 1][1]] if 0 < s.s <= len(spans) else ""


def _dated_as_asked(s: _Sent, p: Passage, years: frozenset[int]) -> bool:
    """The sentence dates something in one of ``years`` ("on September 9" in an article of
    2019 does), or names no year and comes from an article of one of them."""
    dated = [d for d in find_dates(s.text, p.published) if d.first is not None]
    if any(d.first and d.last and any(d.first.year <= y <= d.last.year for y in years)
           for d in dated):
        return True
    named = re.findall(r"\b(?:19|20)\d\d\b", s.text)
    return not named and p.published is not None and p.published.year in years


def _soft_typed(info: QuestionInfo) -> bool:
    """Sentence answers that still have a kind: a name, a dated event, a named thing."""
    return info.kind not in _TYPED | {ROLE} and bool(
        info.naming or info.relative or info.kind == ENTITY and info.sub)


def _strict(info: QuestionInfo) -> bool:
    """The question names what the answer must be: a unit, a city, a day, a country."""
    return bool(info.sub) or bool(info.unit) or bool(info.shape) or \
        (info.kind == PERSON and info.identity)


def _reason_after_term(text: str, weight: dict[str, float]) -> bool:
    for m in _REASON.finditer(text):
        before = _WORD.findall(text[max(0, m.start() - 40):m.start()])[-3:]
        if any(_stem(w) in weight for w in before):
            return True
    return False


def _refers_back(text: str) -> bool:
    """A sentence about the one before: "He said...", "“...,” she told reporters."""
    if _PRONOUN_START.match(text):
        return True
    t = text.strip()
    if t[:1] in "\"“'‘" and re.search(r"[,?!][\"”'’]?\s+(?:he|she|they)\s+(?:\w+\s+)?"
                                     r"(?:said|told|added|says|wrote|noted)\b", t):
        return True
    return _continues(text) and not _PRONOUN_START.match(text)


def _continues(text: str) -> bool:
    """A sentence that goes on about the one before: a pronoun, or an unnamed role speaking."""
    if _PRONOUN_START.match(text):
        return True
    return bool(_ROLE_SUBJECT.search(text)) and not any(
        e.kind == "PERSON" for e in find_entities(text))


def _quotes(s: _Sent | str, speaker: str, prev: _Sent | str | None) -> bool:
    """True when the sentence gives words of ``speaker`` (by name, or by pronoun after them)."""
    text = s.text if isinstance(s, _Sent) else s
    if not _SAY_TEXT.search(text):
        return False
    low = text.lower()
    if re.search(rf"\b{re.escape(speaker)}\b", low):
        return True
    ptext = (prev.text if isinstance(prev, _Sent) else prev) or ""
    return bool(re.search(rf"\b{re.escape(speaker)}\b", ptext.lower())) and bool(
        re.search(r"\b(he|she|they)\s+(?:\w+\s+)?(?:said|told|added|says)\b|^[\"“]", text.strip(),
                  re.IGNORECASE) or _continues(text))


def _same_content(a: _Sent, b: _Sent) -> bool:
    if not a.stems or not b.stems:
        return False
    return len(a.stems & b.stems) / len(a.stems | b.stems) > 0.6


def _cite(chosen: list[_Sent], passages: Sequence[Passage]) -> tuple[str, list[Citation]]:
    """Sentences in reading order, adjacent ones of one passage sharing a citation."""
    chosen = sorted(chosen, key=lambda s: (s.p, s.start)) if len({s.p for s in chosen}) == 1 \
        else chosen
    groups: list[list[_Sent]] = []
    for s in chosen:
        if groups and groups[-1][-1].p == s.p and groups[-1][-1].s + 1 == s.s:
            groups[-1].append(s)
        else:
            groups.append([s])
    parts: list[str] = []
    cites: list[Citation] = []
    for g in groups:
        n = len(cites) + 1
        p = passages[g[0].p]
        cites.append(Citation(n, p, (g[0].start, g[-1].end)))
        text = " ".join(_shorten(s.text) for s in g)
        parts.append(f"{text} [{n}]")
    return " ".join(parts), cites


def _shorten(sentence: str) -> str:
    words = sentence.split()
    if len(words) <= MAX_WORDS + 10:
        return sentence.strip()
    cut = " ".join(words[:MAX_WORDS])
    k = max(cut.rfind(","), cut.rfind(";"), cut.rfind(" — "))
    if k > len(cut) // 2:
        cut = cut[:k]
    return cut.rstrip(" ,;—") + " …"


def _in_question(text: str, info: QuestionInfo) -> bool:
    ws = [w.lower() for w in _WORD.findall(text)]
    return bool(ws) and any(w in info.words for w in ws if w not in COMMON and len(w) > 1)


def _shape_ok(phrase: str, info: QuestionInfo) -> bool:
    if info.shape == "percent":
        return bool(re.search(r"%|percent|per cent", phrase))
    if info.shape == "money":
        return bool(re.search(r"[$€£¥]|dollar|euro|pound|yuan|rupee", phrase))
    return True


def _number_in_question(phrase: str, info: QuestionInfo) -> bool:
    nums = re.findall(r"\d[\d,.]*", phrase)
    if nums:
        return any(n.rstrip(".,") in info.words for n in nums)
    return _in_question(phrase.split()[0], info)


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# -- people ---------------------------------------------------------------------------------


def _people(sentence: str, info: QuestionInfo,
            surnames: frozenset[str] = frozenset()) -> list[tuple[Entity, frozenset[str]]]:
    """The people in ``sentence`` not named in the question, with their countries
    (a bare surname counts when the passage names that person in full)."""
    ents = [Entity(e.text, "PERSON", e.start, e.end, e.gender, True)
            if e.kind in {"OTHER", "ORG"} and e.text.split()[-1] in surnames else e
            for e in find_entities(sentence)]
    out = [(e, aff) for e, aff in affiliations(sentence, ents) if not _in_question(e.text, info)]
    # "Macron's initiatives", "Macron's office": a possessive names no actor
    actors = [(e, aff) for e, aff in out if not re.match(r"['’]s\b", sentence[e.end:e.end + 2])]
    out = actors or out
    strong = [(e, aff) for e, aff in out if e.strong]
    return strong or out


_PORTFOLIO_STEMS = frozenset(_stem(w) for w in PORTFOLIOS)
_TITLE_STEMS = frozenset(_stem(w) for w in ROLE_NOUNS) - frozenset(_stem(w) for w in _ws(
    "official officials leader leaders head chief counterpart counterparts general"))


def _role_of(r: Role) -> bool:
    return any(w in ROLE_NOUNS for w in r.words)


def _person_fit(info: QuestionInfo, e: Entity, aff: frozenset[str],
                roles: dict[str, list[Role]]) -> float:
    """Country match (1) plus role match (up to 1) of a person against the question;
    negative when the text ties them to another country or another portfolio."""
    known = [r for r in roles.get(e.last.lower(), ())]
    countries = set(aff).union(*(r.countries for r in known)) if known else set(aff)
    fit = 0.0
    if info.countries:
        if countries & info.countries:
            fit += 1.0
        elif countries:
            fit -= 1.0
    if info.roles:
        words = {_stem(_BRITISH.get(w, w)) for r in known for w in r.words}
        asked_port = info.roles & _PORTFOLIO_STEMS
        port = words & _PORTFOLIO_STEMS
        hits = len(words & info.roles)
        fit += min(hits, 2) * 0.5
        if asked_port and port and not (port & asked_port):
            fit -= 0.75  # a defense minister is not the foreign minister asked for
        asked_title = info.roles & _TITLE_STEMS
        title = words & _TITLE_STEMS
        if asked_title and title and not (title & asked_title):
            fit -= 0.75  # a president is not the minister asked for
    return fit


def _people_phrase(sentence: str, passage_text: str, info: QuestionInfo,
                   roles: dict[str, list[Role]],
                   surnames: frozenset[str] = frozenset()) -> str | None:
    people = _people(sentence, info, surnames)
    if not people:
        return None
    if info.countries or info.roles:
        fits = [(_person_fit(info, e, aff, roles), e) for e, aff in people]
        top = max(f for f, _ in fits)
        if info.identity and info.countries and top < 1.0:
            return None
        if top > 0:
            people = [(e, aff) for (f, e), (_, aff) in zip(fits, people, strict=True) if f == top]
        else:
            people = [(e, aff) for (f, e), (_, aff) in zip(fits, people, strict=True) if f >= 0]
            if not people:
                return None
    names: list[str] = []
    for e, _ in people:
        name = full_name(e, passage_text)
        if name not in names and not any(name in n for n in names):
            names.append(name)
    if not names or len(names) > 6:
        return None
    return _join(names)


# -- places ---------------------------------------------------------------------------------


def _place_phrase(sentence: str, info: QuestionInfo) -> str | None:
    ents = [e for e in find_entities(sentence) if not _in_question(e.text, info)]
    places = [e for e in ents if e.kind == "PLACE"]
    if not places:
        # "in Yellowstone": a capitalised non-person after a locative preposition
        places = [e for e in ents if e.kind in {"OTHER", "ORG"} and
                  re.search(r"\b(in|at|near|to|from)\s+(the\s+)?$", sentence[:e.start])]
    if not places:
        # "European regulators say...": the place a nationality word stands for
        for e in ents:
            place = DEMONYMS.get(e.text.lower(), "") if e.kind == "NORP" else ""
            if place and not _in_question(place, info):
                places.append(Entity(place.title(), "PLACE", e.start, e.end, "", True))
    if not places:
        return None
    if info.sub:
        want = {"city": {"CITY"}, "country": {"COUNTRY"}, "region": {"REGION"}}[info.sub]
        fitting = [e for e in places if place_class(e.text) in want or
                   (info.sub == "region" and re.match(r"\s+(region|province|territory|state|"
                                                      r"peninsula|area)\b", sentence[e.end:]))]
        if not fitting and info.sub == "region":
            fitting = [e for e in places if place_class(e.text) in {"REGION", "CITY", ""}]
        if not fitting:
            return None
        places = fitting
    # "Ukraine's Crimea region": the place inside the other one
    owners = {o.start for o in places for e in places if o is not e and o.end <= e.start and
              re.fullmatch(r"['’]s\s+", sentence[o.end:e.start])}
    places = [e for e in places if e.start not in owners] or places
    people = [e for e in ents if e.kind == "PERSON" and e.strong]
    # "Florence Parly of France", "Russia's Sergei Lavrov": where people are from, not where
    # anything happened
    places = [e for e in places if not any(
        p.end <= e.start and re.fullmatch(r"\s+(?:of|from)\s+(?:the\s+)?", sentence[p.end:e.start])
        or p.start >= e.end and re.fullmatch(r"['’]s\s+(?:[\w.-]+\s+){0,4}", sentence[e.end:p.start])
        for p in people)] or ([] if info.locative else places)
    if info.locative:
        # "where": a place introduced by a locative preposition ("in Coeur d'Alene, Idaho")
        loc: list[Entity] = []
        for e in places:
            if _locative(sentence, e) or (loc and re.fullmatch(r",\s*", sentence[loc[-1].end:e.start])):
                loc.append(e)
        if not loc:
            return None
        places = loc
    first = places[0]
    group = [first]
    for e in places:
        if e.start > group[-1].end and re.fullmatch(r"\s*(,|and|&|, and|or)\s*",
                                                     sentence[group[-1].end:e.start]):
            group.append(e)
    return _join([e.text for e in group])


def _locative(sentence: str, e: Entity) -> bool:
    # "in Moscow", "at the Elysee", "in southwestern Virginia" (not "in talks with France")
    m = re.search(r"\b(in|at|near|inside|outside|to|from)\s+(the\s+)?((?:[a-z][\w-]*\s+){0,2})$",
                  sentence[:e.start])
    return m is not None and not any(w in COMMON for w in m.group(3).split())


# -- dates ----------------------------------------------------------------------------------


def _date_phrase(sentence: str, ref: date | None, info: QuestionInfo,
                 undated: bool) -> str | None:
    ms = [d for d in find_dates(sentence, ref) if not _in_question(d.text, info)]
    if info.sub == "day":
        ms = [d for d in ms if d.is_day]
    elif info.sub == "year":
        ms = [d for d in ms if d.first is not None and d.last is not None and
              d.first.year == d.last.year and not (d.relative and d.first == ref)]
    if not ms:
        return None

    hits = [m.start() for m in _WORD.finditer(sentence) if _stem(m.group()) in info.terms]
    # "..., the ministers said on Monday": when it was said, not when the asked event is
    reported = [d for d in ms if _REPORTED.search(sentence[:d.start])]
    if not info.speaker and not info.speaker_role and not (
            {"say", "tell", "announc", "report"} & info.terms.keys()):
        ms = [d for d in ms if d not in reported] or ([] if info.sub == "day" else ms)
        if not ms:
            return None

    def rank(d: DateMention) -> float:
        r = 0.3 if d.is_day else 0.15 if d.first else 0.0
        if info.sub == "year":
            r = 0.4 if re.fullmatch(r"(?:19|20)\d\d", d.text.strip()) else 0.1
        r += 0.0 if d.relative else 0.1
        if hits:
            r += 1.0 / (1 + min(min(abs(h - d.start), abs(h - d.end)) for h in hits) / 30)
        if info.since and re.search(rf"\b{info.since}\s+$", sentence[:d.start], re.IGNORECASE):
            r += 0.5  # "since when": the date the text puts after "since"
        return r

    d = max(ms, key=rank)
    if d.first is None or d.last is None:
        return d.text[0].upper() + d.text[1:]
    if info.sub == "year":
        return f"In {d.first.year}"
    period = format_period(d.first, d.last)
    since = re.search(r"\bsince\s+$", sentence[:d.start], re.IGNORECASE) or info.since == "since"
    lead = "Since" if since and not d.is_day else "On" if d.is_day else \
        "In" if " to " not in period else "From"
    if not d.relative:
        return f"{lead} {period}"
    if ref is None:
        return f"{d.text[0].upper()}{d.text[1:]}"
    whose = "the date asked" if undated else f"the article of {format_day(ref)}"
    return f"{lead} {period} (“{d.text}” in {whose})"


# -- numbers --------------------------------------------------------------------------------

_COUNT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                "ten", "eleven", "twelve"]


def _count_phrase(n: int, items: list[str]) -> str:
    word = _COUNT_WORDS[n] if n < len(_COUNT_WORDS) else str(n)
    return f"{word.capitalize()}: {_join(items)}"


def _counted(sentence: str, info: QuestionInfo) -> str | None:
    """"How many ministers/countries": count the people or places the sentence lists."""
    ents = [e for e in find_entities(sentence) if not _in_question(e.text, info)]
    if info.sub == "person":
        names = list(dict.fromkeys(e.text for e in ents if e.kind == "PERSON"))
        return _count_phrase(len(names), names) if len(names) >= 2 else None
    if info.sub == "place":
        places = [e for e in ents if e.kind == "PLACE" and (
            "countri" not in info.unit and "nation" not in info.unit or
            place_class(e.text) == "COUNTRY")]
        groups: list[list[Entity]] = []
        for e in places:
            if groups and re.fullmatch(r"\s*(,|and|&|, and|or)\s*",
                                       sentence[groups[-1][-1].end:e.start]):
                groups[-1].append(e)
            else:
                groups.append([e])
        g = max(groups, key=len) if groups else []
        return _count_phrase(len(g), [e.text for e in g]) if len(g) >= 2 else None
    return None


def _elapsed(sentence: str, info: QuestionInfo, ref: date | None) -> str | None:
    """"How many years between A and B": the time between two dates the sentence gives."""
    ds = [d for d in find_dates(sentence, ref) if d.first is not None and d.last is not None]
    if len(ds) < 2:
        return None
    a = min(ds, key=lambda d: d.first or date.max)
    b = max(ds, key=lambda d: d.last or date.min)
    assert a.first is not None and b.last is not None and b.first is not None
    if info.sub == "year":
        n = b.first.year - a.first.year
        what = f"{a.first.year} to {b.first.year}"
    else:
        n = round((b.first - a.first).days / _TIME_UNITS[info.sub])
        what = f"{format_period(a.first, a.last or a.first)} to " \
               f"{format_period(b.first, b.last)}"
    if n <= 0:
        return None
    return f"{n} {info.sub}{'s' if n != 1 else ''} ({what})"


def _number_phrase(sentence: str, info: QuestionInfo, ref: date | None = None) -> str | None:
    nums = [n for n in find_numbers(sentence) if not _number_in_question(n[2], info)
            and _shape_ok(n[2], info)]
    if info.unit:
        fitting = [n for n in nums if n[3] and any(_stem(w) == info.unit for w in n[3].split())]
        if not fitting:
            counted = _counted(sentence, info) if info.sub in {"person", "place"} else None
            if counted:
                return counted
            if info.sub in _TIME_UNITS:
                return _elapsed(sentence, info, ref)
            if info.sub in {"person", "place"} or any(n[3] for n in nums):
                # other things counted ("70 prisoners" for "how many hours"): no answer
                nums = [n for n in nums if not n[3] and n[2][:1].isdigit()]
            else:
                nums = [n for n in nums if not n[3]]
        else:
            nums = fitting
    if not nums:
        return None

    def rank(n: tuple[int, int, str, str]) -> float:
        s, e, phrase, unit = n
        r = 0.0
        if info.unit and unit and any(_stem(w) == info.unit for w in unit.split()):
            r += 3
        if info.shape and _shape_ok(phrase, info):
            r += 2
        # closeness to the question's words in the sentence
        hits = [m.start() for m in _WORD.finditer(sentence)
                if _stem(m.group()) in info.terms]
        if hits:
            r += 1.0 / (1 + min(abs(h - s) for h in hits) / 40)
        return r

    best = max(nums, key=rank)
    phrase = best[2]
    return phrase[0].upper() + phrase[1:]


def _abstain_text(question: str) -> str:
    q = question.strip()
    return f"{ABSTAIN[:-1]}: nothing in them answers “{q}”."
