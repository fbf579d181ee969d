"""Question analysis: what a question asks for, and the constraints on its answer.

The question is typed from its wording (who -> people, when -> a date, where -> a place,
how many/much -> a number phrase, which <thing> -> a named thing, what post does X hold -> a
role, otherwise the sentence), and read for constraints on the answer: the country and role a
person must have ("the Russian foreign minister"), whether a city or a country is asked, a day
or a year, the counted noun ("how many ministers"), the speaker of a quote ("what did X say").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa.text import wordlists
from qa.text.names import COMMON, Entity, find_entities
from qa.text.number_questions import counted_noun, number_shape
from qa.text.places import country_aliases, country_key
from qa.text.roles import PORTFOLIOS, ROLE_NOUNS
from qa.text.stems import BRITISH, IRREGULAR, Q_STOP, WORD, stem
from vectorstore.text.dates import find_dates

PERSON, DATE, PLACE, NUMBER, REASON, SENTENCE, ENTITY, ROLE = \
    "PERSON", "DATE", "PLACE", "NUMBER", "REASON", "SENTENCE", "ENTITY", "ROLE"

#: Kinds whose answer is a typed phrase (names, a date, a place, a number).
TYPED = frozenset({PERSON, DATE, PLACE, NUMBER})

PERSON_NOUNS = wordlists.words("person_nouns")
PLACE_NOUNS = wordlists.words("place_nouns")
DATE_NOUNS = wordlists.words("date_nouns")
#: Things usually named with a proper name: "which *agency*" asks for one.
ENTITY_NOUNS = wordlists.words("entity_nouns")
#: Words that name the same union ("eu", "europe"); countries: places.country_aliases.
ALIASES = [frozenset(line.split()) for line in wordlists.phrases("country_alias_groups")]

_ROLE_ASK = re.compile(r"\bwhat\s+(?:post|position|role|job|title|office|portfolio)\s+"
                       r"(?:does|did|do|is|was|has|had)\b|\bwhat\s+(?:is|was)\s+(?:the\s+)?"
                       r"(?:job|role|position|title|post)\s+of\b", re.IGNORECASE)
_SAY_ASK = re.compile(r"\bwhat\s+(?:did|does|do|has|have|had|will|would)\s+(?P<who>.+?)\s+"
                      r"(?:say|said|tell|told|add|write|tweet|claim|state|announce)\b",
                      re.IGNORECASE)
_NAMING = re.compile(r"\b(?:called|known\s+as|name[ds]?|dubbed|nicknamed|titled)\b", re.IGNORECASE)
_RELATIVE = re.compile(r"\b(?:the|a|one)\s+(?P<u>day|week|month|year)\s+(?P<d>before|after|"
                       r"prior\s+to|ahead\s+of)\s+(?P<ev>[^?,;]+)", re.IGNORECASE)
_PRECISE_DAY = re.compile(r"\b(?:exact(?:ly)?|precise(?:ly)?|what\s+date|which\s+date|"
                          r"what\s+day|which\s+day|on\s+what\s+day|specific\s+day)\b",
                          re.IGNORECASE)
#: Stems that weigh less than a content word (reporting verbs, time units, "new", "not").
_LIGHT = {"say": 0.3, "said": 0.3, "tell": 0.3, "told": 0.3, "announc": 0.5, "report": 0.5,
          "week": 0.3, "year": 0.4, "month": 0.4, "day": 0.4, "new": 0.5, "total": 0.3,
          "exact": 0.3, "name": 0.5, "call": 0.5, "describ": 0.5, "kind": 0.3, "accus": 0.7,
          "not": 0.5, "never": 0.5, "yet": 0.5, "no": 0.3, "without": 0.5}


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
        shape: For ``NUMBER``: ``"money"``, ``"percent"``, ``"age"`` ("how old"),
            ``"duration"`` ("how long will ...") or ``"count"``
            (another "how many") when the question asks for one.
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
        descr: Stems of the words describing the asked person ("Russian", "minister").
        speaker_role: For "what did the German chancellor say": the speaker's role stems.
        since: For "since/until/from/by when": that word.
        type_words: The lower-case words of a "which <national park>" phrase: an answer may
            hold them ("Yosemite National Park"), and one that does fits better.
        relative: For "the day before X": ``(unit, -1 or 1, X)``.
        years: Years the question dates its event in.
        phrases: The question's names of several words that are not people's ("Tour de
            France"): an article about them names them whole.
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
    type_words: frozenset[str] = field(default_factory=frozenset)
    phrases: frozenset[str] = field(default_factory=frozenset)


def clauses(q: str) -> tuple[str, str]:
    """(preamble, question): a quiz question's lead-in sentences and its asking sentence."""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", q.strip())
    if len(parts) < 2:
        return "", q
    ask = max(range(len(parts)), key=lambda i: (
        bool(re.search(r"\b(who|whom|whose|what|when|where|why|how|which)\b", parts[i],
                       re.IGNORECASE)), parts[i].rstrip().endswith("?"), i))
    return " ".join(p for i, p in enumerate(parts) if i != ask), parts[ask]


def noun_in(word: str, nouns: frozenset[str]) -> bool:
    """``word`` or its singular is one of ``nouns`` ("officials", "agencies", "cities")."""
    return word in nouns or word.endswith("s") and (
        word[:-1] in nouns or word.endswith("ies") and word[:-3] + "y" in nouns
        or word.endswith("es") and word[:-2] in nouns)


#: A word past the noun phrase of "which/what <...>": a verb or a preposition.
_PHRASE_END = re.compile(r"is|are|was|were|do|does|did|has|have|had|will|would|can|could|"
                         r"should|be|been|to|that|who|which|in|of|for|with|at|on|from|by")


def _type_noun_kind(low: str) -> tuple[str, str]:
    """The kind a "which/what <noun>" question asks for, and that noun."""
    m = re.search(r"\b(which|what)\s+((?:[\w'’-]+\s+){0,3}[\w'’-]+)", low)
    if not m:
        return SENTENCE, ""
    head: tuple[str, str] | None = None  # the last type noun of the phrase is its head
    for i, w in enumerate(m.group(2).split()):
        w = w.rstrip("'’s") if w.endswith(("'", "’")) else w
        if i == 0 and m.group(1) == "what" and re.fullmatch(r"\w+(?:ed|ing)|\w+[^s]s", w) and \
                w not in PERSON_NOUNS | PLACE_NOUNS | DATE_NOUNS | ENTITY_NOUNS:
            break  # "what happened the day before": a verb, not a type
        if _PHRASE_END.fullmatch(w):
            break  # the verb or a preposition: past the noun phrase that names the type
        if noun_in(w, PERSON_NOUNS):
            head = (PERSON, w)
        elif noun_in(w, PLACE_NOUNS):
            head = (PLACE, w)
        elif noun_in(w, DATE_NOUNS):
            head = (DATE, w)
        elif noun_in(w, ENTITY_NOUNS) and m.group(1) == "which":
            head = (ENTITY, w)
        elif head is not None:
            break  # "which country elected a leader": the noun phrase ended
    if head is not None:
        return head
    if m.group(1) == "which":
        return ENTITY, ""
    return SENTENCE, ""


def which_head(question: str) -> str:
    """The head noun of a "which <...> <noun>" phrase, lower-cased ("which virus *outbreak*",
    "which *condiment*, ..."); "" when there is none."""
    m = re.search(r"\bwhich\s+((?:[\w'’.-]+\s*){1,4})", question.lower())
    if not m:
        return ""
    words: list[str] = []
    for w in re.findall(r"[\w'’.-]+|[,;:?!]", m.group(1)):
        if not re.fullmatch(r"[\w'’-]+", w) or _PHRASE_END.fullmatch(w) or \
                re.fullmatch(r"remains?|and|or", w) or \
                words and (w in IRREGULAR or re.fullmatch(r"\w{3,}ed", w)):
            break  # past the noun phrase: a verb ("which team *won*") or a preposition
        words.append(w)
    return words[-1] if words else ""


def _portfolio(word: str) -> str:
    """``word`` lower-cased in American spelling."""
    return BRITISH.get(word.lower(), word.lower())


def _descriptor_at(ask: str, tokens: list[re.Match[str]], i: int,
                   countries: set[str], roles: set[str], used: set[str]) -> None:
    """Read the role noun ``tokens[i]``'s countries and portfolio into the three sets."""
    m = tokens[i]
    for prev in tokens[max(0, i - 3):i]:
        w = prev.group()
        pl = _portfolio(w)
        if w[0].isupper() and country_key(w):
            countries.add(country_key(w))
            used.add(w.lower())
        elif pl in PORTFOLIOS:
            roles.add(stem(pl))
            used.add(w.lower())
    after = ask[m.end():m.end() + 60]
    of = re.match(r"\s+(?:of|for)\s+(?:the\s+)?([A-Z][\w.'’]*(?:\s+[A-Z][\w.'’]*)?)", after)
    if of and country_key(of.group(1)):
        countries.add(country_key(of.group(1)))
        used.update(w.lower() for w in of.group(1).split())
    charge = re.match(r"\s+(?:in\s+charge\s+of|responsible\s+for|for|of)\s+(?:the\s+)?"
                      r"([\w-]+)", after)
    if charge and _portfolio(charge.group(1)) in PORTFOLIOS:
        roles.add(stem(_portfolio(charge.group(1))))
        used.add(charge.group(1).lower())


def descriptor(ask: str) -> tuple[set[str], set[str], set[str]]:
    """Countries, role words and their question words in the phrase naming the asked person:
    "the *Russian foreign minister*", "the *president of Ukraine*", "*France's* foreign
    minister", "which French minister in charge of *foreign* affairs"."""
    tokens = list(WORD.finditer(ask))
    countries: set[str] = set()
    roles: set[str] = set()
    used: set[str] = set()
    for i, m in enumerate(tokens):
        if i >= 8 or re.fullmatch(r"before|after|when|while|since|that|because|until",
                                  m.group().lower()):
            break  # "...the day before the ministers met": not the asked person's role
        lo = re.sub(r"['’]s$", "", m.group().lower())
        lo = BRITISH.get(lo, lo)
        lo = {"ministry": "minister", "ministries": "minister"}.get(lo, lo)
        if lo not in ROLE_NOUNS:
            continue
        roles.add(stem(lo))
        used.add(m.group().lower())
        _descriptor_at(ask, tokens, i, countries, roles, used)
        # "the chairman and chief executive": both posts are the asked person's
        nxt = [t.group().lower() for t in tokens[i + 1:i + 4]]
        if nxt[:1] == ["and"]:
            for w in nxt[1:]:
                if w not in ROLE_NOUNS:
                    break
                roles.add(stem(w))
                used.add(w)
        break
    return countries, roles, used


def _kind_of(low: str) -> tuple[str, str, str, str]:
    """``(kind, unit, type noun, sub)`` from the asking sentence, lower-cased."""
    m = re.search(r"\bhow\s+(many|much|old|long|far|tall|big|large|often)\b((?:\s+[\w'’-]+){0,3})",
                  low)
    if m:
        noun = counted_noun(m.group(1), m.group(2))
        return NUMBER, stem(noun) if noun else "", "", ""
    if re.search(r"^\W*what\s+(?:did|does|do|will|would)\b.*\bcost\W*$", low) or re.search(
            r"\bwhat\s+(?:was|is|were|will\s+be)\s+the\s+(?:cost|price)\s+of\b", low):
        return NUMBER, "", "", ""  # "what did the network cost?"
    if re.search(r"^\W*what\s+(?:was|is|were|are)\s+(?:[\w'’]+\s+){1,3}?(?:winning|finishing|"
                 r"race|lap|record|best|qualifying)\s+times?\W*$", low):
        return NUMBER, "", "", ""  # "what was her winning time?": a duration
    if re.search(r"\b(what|which)\s+(number|percentage|percent|share|proportion|amount|"
                 r"price|sum|fraction|magnitude|total)\b", low):
        return NUMBER, "", "", ""
    if _ROLE_ASK.search(low):
        return ROLE, "", "", ""
    if re.match(r"^\W*(since\s+)?when\b", low) or re.search(
            r"\b(what|which)\s+(date|day|year|month|time)\b|\bwhen\s+(did|does|do|is|was|will|"
            r"were|are|has|had|have)\b", low):
        return DATE, "", "", ""
    if re.match(r"^\W*where\b", low) or re.search(r"\bwhere\s+(did|does|do|is|was|will|were|are)\b",
                                                  low):
        return PLACE, "", "", ""
    if re.match(r"^\W*why\b", low) or re.search(r"\bwhy\s*[,\s]\s*(?:[\w'’-]+\s+){0,6}?(did|does|do|"
                                                r"is|was|will|were|are|should|would|could|had|"
                                                r"has)\b", low):
        return REASON, "", "", ""
    if re.match(r"^\W*(who|whom|whose)\b", low) or re.search(
            r"[,;]\s*(who|whom)\b|\b(who|whom)\s+(did|does|do|is|was|were|are|will|has|have)\b", low):
        if re.match(r"^\W*whose\s+(statement|words|office|decision|plan|proposal|idea|"
                    r"comments?|remarks?)\b", low):
            return SENTENCE, "", "", ""
        return PERSON, "", "", ""
    kind, type_noun = _type_noun_kind(low)
    return kind, "", type_noun, type_noun if kind == ENTITY else ""


def _type_words(ask: str, type_noun: str) -> set[str]:
    """The lower-case words of a "which <...> <type noun>" phrase, up to that noun."""
    m = re.search(r"\b(?:which|what)\s+((?:[\w'’-]+\s+){0,3}[\w'’-]+)", ask, re.IGNORECASE)
    if not m or not type_noun:
        return set()
    out: set[str] = set()
    for w in m.group(1).split():
        if not w[:1].islower():
            break  # a name: the question's own, never an answer's
        out.add(w.lower())
        if w.lower() == type_noun:
            return out
    return set()


def _sub_kind(kind: str, low: str, type_noun: str, unit: str, sub: str) -> str:
    """The finer type: a day or a year, a city or a country, people or places counted."""
    if kind == DATE:
        if re.search(r"\b(what|which)\s+year\b|\bin\s+what\s+year\b", low):
            return "year"
        if _PRECISE_DAY.search(low):
            return "day"
    elif kind == PLACE:
        return "city" if type_noun in {"city", "cities", "town", "capital", "village"} else \
            "country" if type_noun in {"country", "countries", "nation", "nations"} else \
            "region" if type_noun in {"region", "province", "territory", "state", "states",
                                      "county"} else ""
    elif kind == NUMBER and unit:
        noun = unit
        if any(stem(n) == noun for n in PERSON_NOUNS) or noun in {"minist", "leader"}:
            return "person"
        if any(stem(n) == noun for n in PLACE_NOUNS):
            return "place"
        if noun in {"year", "month", "week", "day"}:
            return noun
    return sub


def _weigh(q: str, preamble: str, ask: str, type_noun: str,
           q_ents: list[Entity]) -> tuple[dict[str, float], set[str], set[str]]:
    """``(terms, proper, key)``: the weight of each content stem, the names, the key words."""
    # a person's first names weigh little: articles name people by surname after the first time
    first_names = {w.lower() for p in q_ents if p.kind == "PERSON" for w in p.text.split()[:-1]}
    pre_words = {w.lower() for w in WORD.findall(preamble)} - {w.lower() for w in
                                                              WORD.findall(ask)}
    terms: dict[str, float] = {}
    proper: set[str] = set()
    key: set[str] = set()
    for i, w in enumerate(WORD.findall(q)):
        lo = w.lower()
        if lo in Q_STOP or len(lo) < 2 and not lo.isdigit():
            continue
        st = stem(lo)
        wt = _LIGHT.get(st, 1.0)
        is_name = w[0].isupper() and (i > 0 or lo not in COMMON) and lo not in Q_STOP
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
    return terms, proper, key


def _person_asked(ask: str, low: str,
                  terms: dict[str, float]) -> tuple[set[str], set[str], set[str], bool]:
    """``(countries, roles, descr, identity)`` of the asked person; halves the weight of the
    words describing them in ``terms`` (they are checked on the person instead)."""
    countries, roles, used = descriptor(ask)
    # "the counterpart of France's defence minister": the same office, in another country
    cp = re.search(r"\bcounterparts?\s+(?:of|to)\s+((?:[\w'’-]+\s*){1,4})", low)
    if cp:
        roles = set(roles) | {stem(BRITISH.get(w, w)) for w in cp.group(1).split()
                              if w in PORTFOLIOS or w in ROLE_NOUNS}
    descr: set[str] = set()
    for w in used:
        st = stem(w)
        if st in terms:
            terms[st] *= 0.5
            descr.add(st)
    identity = bool(re.match(r"^\W*who\s+(?:is|was|are|were)\s+(?:the\s+|a\s+|an\s+)?"
                             r"(?:[\w'’-]+\s+){0,5}?(?:" + "|".join(sorted(ROLE_NOUNS)) +
                             r")\b(?:\s+(?:of|for|in|at)\s+[\w'’ -]+?)?(?:\s+in\s+this\s+"
                             r"(?:story|article))?\s*\??\s*$", low))
    return countries, roles, descr, identity


def _speaker(ask: str) -> tuple[str, set[str]]:
    """For "what did X say": X's surname, or the role words of an unnamed speaker."""
    sm = _SAY_ASK.search(ask)
    if not sm:
        return "", set()
    people = [e for e in find_entities(sm.group("who")) if e.kind in {"PERSON", "OTHER"}
              and e.text.lower() not in COMMON]
    if people:
        return people[-1].last.lower(), set()
    # "what did the German chancellor say": the sentence must quote such a person
    return "", {stem(BRITISH.get(w.lower(), w.lower()))
                for w in WORD.findall(sm.group("who"))
                if w.lower() in ROLE_NOUNS or w.lower() in {"ministry", "office"}}


def _relative(ask: str, terms: dict[str, float], key: set[str]) -> tuple[str, int, str] | None:
    """"The day before X": ``(unit, sign, X)``; X's words weigh less in ``terms``."""
    rm = _RELATIVE.search(ask)
    if not rm:
        return None
    # the event that dates the asked one is not what the answer is about
    for w in WORD.findall(rm.group("ev")):
        st = stem(w.lower())
        if st in terms:
            terms[st] *= 0.3
            key.discard(st)
    return rm.group("u").lower(), 1 if rm.group("d").lower() == "after" else -1, rm.group("ev")


def analyse_question(question: str) -> QuestionInfo:
    """Type ``question`` and weigh its content words."""
    q = question.strip()
    preamble, ask = clauses(q)
    low = ask.lower()
    kind, unit, type_noun, sub = _kind_of(low)
    sub = _sub_kind(kind, low, type_noun, unit, sub)
    q_ents = find_entities(q)
    terms, proper, key = _weigh(q, preamble, ask, type_noun, q_ents)
    shape = number_shape(low) if kind == NUMBER else ""
    countries: set[str] = set()
    roles: set[str] = set()
    descr: set[str] = set()
    identity = False
    if kind == PERSON:
        countries, roles, descr, identity = _person_asked(ask, low, terms)
    speaker, speaker_role = _speaker(ask)
    since_m = re.match(r"^\W*(since|until|till|from|by)\s+when\b", low)
    subject = ""
    if kind == ROLE:
        people = [e for e in q_ents if e.kind in {"PERSON", "OTHER"}]
        if people:
            subject = people[-1].last.lower()
        else:
            kind = SENTENCE
    relative = _relative(ask, terms, key)
    lw = [w.lower() for w in WORD.findall(q)]
    # "which national park": an answer may carry its type's words ("Yosemite National Park")
    asked_type = _type_words(ask, type_noun) if kind in {PLACE, ENTITY} else set()
    words = (frozenset(lw) - asked_type) | aliases(lw)
    return QuestionInfo(
        q, kind, terms, frozenset(proper), unit, words, shape,
        locative=kind == PLACE and bool(re.search(r"\bwhere\b|\bin\s+which\b", low)), sub=sub,
        countries=frozenset(countries), roles=frozenset(roles), identity=identity,
        speaker=speaker, subject=subject,
        naming=kind in {SENTENCE, ENTITY} and bool(_NAMING.search(low)), key=frozenset(key),
        descr=frozenset(descr), speaker_role=frozenset(speaker_role),
        since=since_m.group(1) if since_m else "", relative=relative, years=years_asked(ask),
        type_words=frozenset(asked_type),
        phrases=frozenset(e.text for e in q_ents if len(e.text.split()) > 1 and
                          e.kind != "PERSON" and q[:e.start].strip()))  # not "Besides France"


def years_asked(ask: str) -> frozenset[int]:
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


def aliases(lowered: list[str]) -> frozenset[str]:
    """The other names of the countries and unions ``lowered`` mentions ("us" -> "america")."""
    out: set[str] = set()
    for group in ALIASES:
        if any(w in group for w in lowered if w not in {"united", "states", "union", "kingdom"}):
            out |= group
    return frozenset(out) | country_aliases(lowered)
