"""Typed answer phrases read out of one sentence: people, a place, a date, a count, a number.

Each ``*_phrase`` function returns the phrase that answers a question of its kind, or
``None`` when the sentence holds none (then the answerer answers with the sentence).
"""

from __future__ import annotations

import re
from datetime import date

from qa.text.analysis import QuestionInfo
from qa.text.names import COMMON, TITLES, Entity, find_entities, full_name
from qa.text.numbers import MONEY, find_numbers
from qa.text.places import DEMONYMS, country_key, place_class
from qa.text.roles import PORTFOLIOS, ROLE_NOUNS, Role, affiliations, role_kin
from qa.text.stems import BRITISH, WORD, stem
from vectorstore.text.dates import DateMention, find_dates, format_day, format_period
from vectorstore.text.numbers import NUMBER_WORDS

_REPORTED = re.compile(r"\b(?:said|says|told|announced|added|reported|stated|wrote|confirmed|"
                       r"tweeted|noted)\s+(?:on\s+|late\s+|early\s+)?$", re.IGNORECASE)
#: Days in each time unit, for "how many years/months/weeks/days between A and B".
TIME_UNITS = {"year": 365.25, "month": 30.44, "week": 7.0, "day": 1.0}
_COUNT_WORDS = NUMBER_WORDS
_LIST_SEP = re.compile(r"\s*(,|and|&|, and|or)\s*")


def in_question(text: str, info: QuestionInfo) -> bool:
    """``text`` holds a (non-common) word of the question: not an answer to it."""
    ws = [w.lower() for w in WORD.findall(text)]
    return bool(ws) and any(w in info.words for w in ws if w not in COMMON and len(w) > 1)


def join(items: list[str]) -> str:
    """"A", "A and B", "A, B and C"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# -- people ---------------------------------------------------------------------------------


def people(sentence: str, info: QuestionInfo,
           surnames: frozenset[str] = frozenset()) -> list[tuple[Entity, frozenset[str]]]:
    """The people in ``sentence`` not named in the question, with their countries
    (a bare surname counts when the passage names that person in full)."""
    ents = [Entity(e.text, "PERSON", e.start, e.end, e.gender, True)
            if e.kind in {"OTHER", "ORG"} and e.text.split()[-1] in surnames else e
            for e in find_entities(sentence)]
    agent = _agent(sentence, info, ents)
    if agent is not None:  # "was bought by the Barclay twins": who did what was asked
        return [(agent, frozenset())]
    out = [(e, aff) for e, aff in affiliations(sentence, ents) if not in_question(e.text, info)]
    # "Macron's initiatives", "Macron's office": a possessive names no actor
    actors = [(e, aff) for e, aff in out if not re.match(r"['’]s\b", sentence[e.end:e.end + 2])]
    out = actors or out
    strong = [(e, aff) for e, aff in out if e.strong]
    if info.countries or info.roles:
        # the asked country and role decide ("Mr Straw and his Spanish counterpart Miguel
        # Moratinos"): a name known only by its shape stays, after the lexicon's
        return strong + [x for x in out if not x[0].strong]
    return strong or out


def _agent(sentence: str, info: QuestionInfo, ents: list[Entity]) -> Entity | None:
    """The name after "<the question's verb> by" ("bought by the Barclay twins"), as a
    person: a passive sentence's doer of the asked deed."""
    for e in ents:
        m = re.search(r"\b([a-z]+)\s+by\s+(?:the\s+)?$", sentence[:e.start])
        if m and stem(m.group(1)) in info.key and e.kind != "PLACE" and \
                not in_question(e.text, info):
            return Entity(e.text, "PERSON", e.start, e.end, e.gender, True)
    return None


_PORTFOLIO_STEMS = frozenset(stem(w) for w in PORTFOLIOS)
_TITLE_STEMS = frozenset(stem(w) for w in ROLE_NOUNS) - frozenset(stem(w) for w in ["official", "officials", "leader", "leaders", "head", "chief", "counterpart", "counterparts", "general"])


def role_of(r: Role) -> bool:
    """The role names a post (holds a role noun), not just a country or a portfolio."""
    return any(w in ROLE_NOUNS for w in r.words)


def person_fit(info: QuestionInfo, e: Entity, aff: frozenset[str],
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
        words = {stem(BRITISH.get(w, w)) for r in known for w in r.words}
        asked_port = info.roles & _PORTFOLIO_STEMS
        port = words & _PORTFOLIO_STEMS
        hits = len(words & role_kin(info.roles))
        fit += min(hits, 2) * 0.5
        if asked_port and port and not (port & asked_port):
            fit -= 0.75  # a defense minister is not the foreign minister asked for
        asked_title = info.roles & _TITLE_STEMS
        title = words & _TITLE_STEMS
        if asked_title and title and not (title & asked_title):
            fit -= 0.75  # a president is not the minister asked for
    return fit


def people_phrase(sentence: str, passage_text: str, info: QuestionInfo,
                  roles: dict[str, list[Role]],
                  surnames: frozenset[str] = frozenset()) -> str | None:
    """The full names of the people in ``sentence`` who fit the question, joined."""
    found = people(sentence, info, surnames)
    if not found:
        return None
    if info.countries or info.roles:
        fits = [(person_fit(info, e, aff, roles), e) for e, aff in found]
        top = max(f for f, _ in fits)
        if info.identity and info.countries and top < 1.0:
            return None
        if top > 0:
            found = [(e, aff) for (f, e), (_, aff) in zip(fits, found, strict=True) if f == top]
        else:
            found = [(e, aff) for (f, e), (_, aff) in zip(fits, found, strict=True) if f >= 0]
            if not found:
                return None
    names: list[str] = []
    for e, _ in found:
        name = full_name(e, passage_text)
        if name not in names and not any(name in n for n in names):
            names.append(name)
    if not names or len(names) > 6:
        return None
    if info.roles and len(names) == 1:  # "which official": the title the text gives
        return titled(names[0], f"{sentence}\n{passage_text}")
    return join(names)


_TITLED = r"(?<![\w-])((?:(?:[A-Z][\w.]*|of|the)\s+){1,4})"


def titled(name: str, text: str) -> str:
    """``name`` with the title ``text`` puts right before it ("President Joe Biden"), when
    every word of it is a title word; else ``name``."""
    for m in re.finditer(_TITLED + re.escape(name) + r"\b", text):
        words = m.group(1).split()
        country = ""
        while words and words[0].lower() not in TITLES:
            # "Then-President": not part of the title; "UK Prime Minister": the office's
            country = words[0] if country_key(words[0]) and not words[0].endswith(
                ("'s", "’s")) else ""
            words = words[1:]
        if words and all(w.lower() in TITLES or w in {"of", "the"} for w in words) \
                and words[-1] not in {"of", "the"}:
            return " ".join(([country] if country else []) + words + [name])
    return name


# -- places ---------------------------------------------------------------------------------


def _place_candidates(sentence: str, info: QuestionInfo, ents: list[Entity]) -> list[Entity]:
    """Places the sentence names; else a name after "in/at"; else a nationality's place."""
    places = [e for e in ents if e.kind == "PLACE"]
    if not places:
        # "in Yellowstone": a capitalised non-person after a locative preposition
        places = [e for e in ents if e.kind in {"OTHER", "ORG"} and
                  re.search(r"\b(in|at|near|to|from)\s+(the\s+)?$", sentence[:e.start])]
    if not places:
        # "European regulators say...": the place a nationality word stands for
        for e in ents:
            place = DEMONYMS.get(e.text.lower(), "") if e.kind == "NORP" else ""
            if place and not in_question(place, info):
                places.append(Entity(place.title(), "PLACE", e.start, e.end, "", True))
    return places


def _of_class(sentence: str, info: QuestionInfo, places: list[Entity]) -> list[Entity]:
    """The places of the asked class (city, country, region); all when none is asked."""
    if not info.sub:
        return places
    want = {"city": {"CITY"}, "country": {"COUNTRY"}, "region": {"REGION"}}[info.sub]
    fitting = [e for e in places if place_class(e.text) in want or
               (info.sub == "region" and re.match(r"\s+(region|province|territory|state|"
                                                  r"peninsula|area)\b", sentence[e.end:]))]
    if not fitting and info.sub == "region":
        fitting = [e for e in places if place_class(e.text) in {"REGION", "CITY", ""}]
    return fitting


def _not_origins(sentence: str, info: QuestionInfo, places: list[Entity],
                 ents: list[Entity]) -> list[Entity]:
    """Drop an owner place ("*Ukraine*'s Crimea") and where people are from."""
    # "Ukraine's Crimea region": the place inside the other one
    owners = {o.start for o in places for e in places if o is not e and o.end <= e.start and
              re.fullmatch(r"['’]s\s+", sentence[o.end:e.start])}
    places = [e for e in places if e.start not in owners] or places
    persons = [e for e in ents if e.kind == "PERSON" and e.strong]
    # "Florence Parly of France", "Russia's Sergei Lavrov": where people are from, not where
    # anything happened
    return [e for e in places if not any(
        p.end <= e.start and re.fullmatch(r"\s+(?:of|from)\s+(?:the\s+)?", sentence[p.end:e.start])
        or p.start >= e.end and re.fullmatch(r"['’]s\s+(?:[\w.-]+\s+){0,4}", sentence[e.end:p.start])
        for p in persons)] or ([] if info.locative else places)


def place_phrase(sentence: str, info: QuestionInfo) -> str | None:
    """The place (or the list of places) ``sentence`` answers a where/which-place question with."""
    ents = [e for e in find_entities(sentence) if not in_question(e.text, info)]
    places = _place_candidates(sentence, info, ents)
    if not places:
        return None
    places = _of_class(sentence, info, places)
    if not places:
        return None
    places = _not_origins(sentence, info, places, ents)
    typed = [e for e in places if info.type_words & {w.lower() for w in e.text.split()}]
    places = typed or places  # "which national park": the one named a park
    if info.locative:
        # "where": a place introduced by a locative preposition ("in Coeur d'Alene, Idaho")
        loc: list[Entity] = []
        for e in places:
            if _locative(sentence, e) or (loc and re.fullmatch(r",\s*", sentence[loc[-1].end:e.start])):
                loc.append(e)
        if not loc and not info.sub:
            return None
        places = loc or places  # "in which country": the class asked is test enough
    group = [places[0]]
    for e in places:
        if e.start > group[-1].end and _LIST_SEP.fullmatch(sentence[group[-1].end:e.start]):
            group.append(e)
    return join([e.text for e in group])


def _locative(sentence: str, e: Entity) -> bool:
    """"in Moscow", "at the Elysee", "in southwestern Virginia" (not "in talks with France")."""
    m = re.search(r"\b(in|at|near|inside|outside|to|from)\s+(the\s+)?((?:[a-z][\w-]*\s+){0,2})$",
                  sentence[:e.start])
    return m is not None and not any(w in COMMON for w in m.group(3).split())


# -- dates ----------------------------------------------------------------------------------


def _date_candidates(sentence: str, ref: date | None, info: QuestionInfo) -> list[DateMention]:
    """The dates in ``sentence`` of the asked precision, not those of its being reported."""
    ms = [d for d in find_dates(sentence, ref) if not in_question(d.text, info)]
    if info.sub == "day":
        ms = [d for d in ms if d.is_day]
    elif info.sub == "year":
        ms = [d for d in ms if d.first is not None and d.last is not None and
              d.first.year == d.last.year and not (d.relative and d.first == ref)]
    if not ms:
        return []
    # "..., the ministers said on Monday": when it was said, not when the asked event is
    reported = [d for d in ms if _REPORTED.search(sentence[:d.start])]
    if not info.speaker and not info.speaker_role and not (
            {"say", "tell", "announc", "report"} & info.terms.keys()):
        ms = [d for d in ms if d not in reported] or ([] if info.sub == "day" else ms)
    return ms


def _date_rank(d: DateMention, sentence: str, info: QuestionInfo, hits: list[int]) -> float:
    """How likely ``d`` dates the asked event: precise, absolute, near the question's words."""
    r = 0.3 if d.is_day else 0.15 if d.first else 0.0
    if info.sub == "year":
        r = 0.4 if re.fullmatch(r"(?:19|20)\d\d", d.text.strip()) else 0.1
    r += 0.0 if d.relative else 0.1
    if hits:
        r += 1.0 / (1 + min(min(abs(h - d.start), abs(h - d.end)) for h in hits) / 30)
    if info.since and re.search(rf"\b{info.since}\s+$", sentence[:d.start], re.IGNORECASE):
        r += 0.5  # "since when": the date the text puts after "since"
    return r


def date_phrase(sentence: str, ref: date | None, info: QuestionInfo,
                undated: bool) -> str | None:
    """"On 9 September 2019", "In 2014", "Since March 2020" from ``sentence``, or ``None``."""
    ms = _date_candidates(sentence, ref, info)
    if not ms:
        return None
    hits = [m.start() for m in WORD.finditer(sentence) if stem(m.group()) in info.terms]
    d = max(ms, key=lambda m: _date_rank(m, sentence, info, hits))
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


def _count_phrase(n: int, items: list[str]) -> str:
    word = _COUNT_WORDS[n] if n < len(_COUNT_WORDS) else str(n)
    return f"{word.capitalize()}: {join(items)}"


def _counted(sentence: str, info: QuestionInfo) -> str | None:
    """"How many ministers/countries": count the people or places the sentence lists."""
    ents = [e for e in find_entities(sentence) if not in_question(e.text, info)]
    if info.sub == "person":
        names = list(dict.fromkeys(e.text for e in ents if e.kind == "PERSON"))
        return _count_phrase(len(names), names) if len(names) >= 2 else None
    if info.sub == "place":
        places = [e for e in ents if e.kind == "PLACE" and (
            "countri" not in info.unit and "nation" not in info.unit or
            place_class(e.text) == "COUNTRY")]
        groups: list[list[Entity]] = []
        for e in places:
            if groups and _LIST_SEP.fullmatch(sentence[groups[-1][-1].end:e.start]):
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
        n = round((b.first - a.first).days / TIME_UNITS[info.sub])
        what = f"{format_period(a.first, a.last or a.first)} to " \
               f"{format_period(b.first, b.last)}"
    if n <= 0:
        return None
    return f"{n} {info.sub}{'s' if n != 1 else ''} ({what})"


_PERCENT = re.compile(r"%|percent|per cent")
DURATION = re.compile(r"\b(?:second|minute|hour|day|week|fortnight|month|year|decade|centur)"
                      r"(?:s|ies|y)?\b", re.IGNORECASE)

# an age: "aged 60", "at the age of 84", "60-year-old", "60 years old", "Mr Davies, 60," or
# "Smith (45)"
_AGE_WORDS_BEFORE = re.compile(r"\bage[ds]?(?:\s+of)?\s*$", re.IGNORECASE)
_AGE_WORDS_AFTER = re.compile(r"^(?:-year-old\b|\s+years?\s+old\b)")
_AGE_APPOSITION = re.compile(r"(?:[A-Z][\w'’-]+,\s*$|\(\s*$)")


def _shape_ok(phrase: str, info: QuestionInfo) -> bool:
    """The number has the asked shape (a percentage, an amount of money), if one is asked;
    a count is neither."""
    if info.shape == "percent":
        return bool(_PERCENT.search(phrase))
    if info.shape == "money":
        return bool(MONEY.search(phrase))
    if info.shape == "count":
        return not (_PERCENT.search(phrase) or MONEY.search(phrase))
    if info.shape == "duration":
        return bool(DURATION.search(phrase))
    return True


def is_age(sentence: str, start: int, end: int) -> bool:
    """The number at ``sentence[start:end]`` is someone's age, as news writes it."""
    digits = re.match(r"\d{1,3}", sentence[start:end])
    if not digits:
        return False
    before, after = sentence[:start], sentence[start + digits.end():]
    if _AGE_WORDS_BEFORE.search(before) or _AGE_WORDS_AFTER.match(after):
        return True
    m = _AGE_APPOSITION.search(before)
    if m is None:
        return False
    return after.lstrip().startswith(")" if m.group().strip() == "(" else ",")


def _number_in_question(phrase: str, info: QuestionInfo) -> bool:
    nums = re.findall(r"\d[\d,.]*", phrase)
    if nums:
        return any(n.rstrip(".,") in info.words for n in nums)
    return in_question(phrase.split()[0], info)


Number = tuple[int, int, str, str]
#: Right after a number, an opening bracket: what follows converts it ("$1.13bn (£600m)").
_CONVERSION = re.compile(r"\d[\w.,]*\s*\(\s*$")


def _of_unit(sentence: str, info: QuestionInfo, ref: date | None,
             nums: list[Number]) -> str | list[Number] | None:
    """For "how many <unit>": the numbers of that unit; else a count of the people or places
    listed, the time elapsed between two dates, or the numbers counting nothing else."""
    fitting = [n for n in nums if n[3] and any(stem(w) == info.unit for w in n[3].split())]
    if fitting:
        return fitting
    counted = _counted(sentence, info) if info.sub in {"person", "place"} else None
    if counted:
        return counted
    if info.sub in TIME_UNITS:
        return _elapsed(sentence, info, ref)
    if info.sub in {"person", "place"} or any(n[3] for n in nums):
        # other things counted ("70 prisoners" for "how many hours"): no answer
        return [n for n in nums if not n[3] and n[2][:1].isdigit()]
    return [n for n in nums if not n[3]]


def number_phrase(sentence: str, info: QuestionInfo, ref: date | None = None) -> str | None:
    """The number phrase ("13,000 troops", "$2 billion", "Four: A, B, C and D") or ``None``."""
    nums = [n for n in find_numbers(sentence) if not _number_in_question(n[2], info)
            and _shape_ok(n[2], info)
            and (info.shape != "age" or is_age(sentence, n[0], n[1]))]
    if info.unit:
        found = _of_unit(sentence, info, ref, nums)
        if found is None or isinstance(found, str):
            return found
        nums = found
    if not nums:
        return None

    def rank(n: Number) -> float:
        s, e, phrase, unit = n
        r = 0.0
        if info.unit and unit and any(stem(w) == info.unit for w in unit.split()):
            r += 3
        if info.shape and _shape_ok(phrase, info):
            r += 2
        # closeness to the question's words in the sentence
        hits = [m.start() for m in WORD.finditer(sentence)
                if stem(m.group()) in info.terms]
        if hits:
            r += 1.0 / (1 + min(abs(h - s) for h in hits) / 40)
        if _CONVERSION.search(sentence[:s]):
            r -= 1.0  # "$1.13bn (£600m)": the article's figure, not its conversion
        if re.search(r"\bfrom\s+$", sentence[:s]) and re.search(r"\bto\s+[$€£¥]?\d", sentence):
            r -= 1.0  # "jumped to $1.13bn ... from $639m": the new figure, not the old
        return r

    best = max(nums, key=rank)
    phrase = best[2]
    if info.shape == "duration":  # "14 minutes 32.93 seconds", "three hours and 20 minutes"
        end = best[1]
        for n in find_numbers(sentence):
            if n[0] >= end and DURATION.search(n[3]) and \
                    re.fullmatch(r"\s*(?:,|and|,\s*and)?\s*", sentence[end:n[0]]):
                end = n[1]
        phrase = sentence[best[0]:end]
    return phrase[0].upper() + phrase[1:]
