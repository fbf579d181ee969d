"""The default answerer, with no LLM: picks the supporting sentence and the part that answers.

The question is typed from its wording (who -> people, when -> a date, where -> a place,
how many/much -> a number phrase, otherwise the sentence). Every sentence of the retrieved
passages is scored by how much of the question's content it covers (locally IDF-weighted,
proper names weighing double), by its passage's coverage and cosine similarity, and by whether
it holds an answer of the asked type. The best sentence becomes the citation; the answer is the
typed phrase found in it, or the sentence itself.

The evidence score behind abstention combines the best sentence's coverage, its passage's
coverage and cosine, whether a typed answer was found, and a penalty for names in the question
that no passage mentions. Under the threshold (calibrated on realtimeqa-dev by
``bench/calibrate_abstention.py``) the answerer says the articles don't say.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from qa.entities import (
    COMMON,
    DateMention,
    Entity,
    find_dates,
    find_entities,
    find_numbers,
    format_day,
    format_period,
    full_name,
)
from qa.types import Citation, Draft
from vectorstore.types import Passage

ABSTAIN = "The articles don't say."
DEFAULT_THRESHOLD = 0.39
"""Evidence score under which the answerer abstains (see ``bench/calibrate_abstention.py``)."""

MAX_WORDS = 60
TYPED_MARGIN = 0.15
"""How much lower (at least; 35% of the best score when more) a sentence holding an answer of
the asked type may score than the best sentence and still be preferred to it."""

PERSON, DATE, PLACE, NUMBER, REASON, SENTENCE = \
    "PERSON", "DATE", "PLACE", "NUMBER", "REASON", "SENTENCE"

_TYPED = frozenset({PERSON, DATE, PLACE, NUMBER})


def _ws(words: str) -> frozenset[str]:
    return frozenset(words.split())


_PERSON_NOUNS = _ws("""
person man woman men women people leader president minister politician actor actress singer
star athlete player celebrity ceo official senator judge rapper musician author writer
director candidate governor founder billionaire investor comedian host coach chancellor king
queen prince princess pope lawmaker spokesperson spokesman spokeswoman activist journalist
chief executive head boss premier mayor general commander secretary ambassador justice
astronaut scientist artist designer model musician golfer tennis quarterback footballer
""")
_PLACE_NOUNS = _ws("""
country countries nation nations city cities state states continent region island town
capital province territory place location county village park area neighborhood
""")
_DATE_NOUNS = _ws("year month day date time decade century")

_Q_STOP = COMMON | _ws("""
do does did doing done is are was were be been am what which who whom whose when where why
how many much according recently reportedly currently also get got make made take took
happen happened happening thing things something anyone someone
""")
_LIGHT = {"say": 0.3, "said": 0.3, "tell": 0.3, "told": 0.3, "announc": 0.5, "report": 0.5,
          "week": 0.3, "year": 0.4, "month": 0.4, "day": 0.4, "new": 0.5}
_WORD = re.compile(r"\w+(?:[+'’-]\w+)*", re.UNICODE)
_REASON = re.compile(r"\b(because|due to|in order to|so that|in a bid to|aimed at|as a result|"
                     r"amid|reason|after|since|caused by|blamed|to help|to avoid|to prevent)\b",
                     re.IGNORECASE)
_PRONOUN_START = re.compile(r"^[\"“'‘]?(?:She|He|They|It|This|That|These|Those|The \w+ "
                            r"(?:minister|president|official|company)|But|And|Also)\b")


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


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


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    w = word.lower().replace("’", "'")
    w = _IRREGULAR.get(w, w)
    return str(_stemmer().stemWord(w))


def _stems(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text) if w.lower() not in _Q_STOP}


@dataclass(frozen=True)
class QuestionInfo:
    """What the answerer reads out of a question.

    Attributes:
        text: The question.
        kind: ``PERSON``, ``DATE``, ``PLACE``, ``NUMBER``, ``REASON`` or ``SENTENCE``.
        terms: Stem -> weight of the question's content words.
        proper: Stems of the names (capitalised words) in the question.
        unit: For ``NUMBER``: the stem of the counted noun ("how many *people*").
        words: Lower-cased words of the question, to keep question words out of answers.
        shape: For ``NUMBER``: ``"money"`` or ``"percent"`` when the question asks for one.
        locative: For ``PLACE``: a "where" question (prefer "in/at X" over a subject).
    """

    text: str
    kind: str
    terms: dict[str, float]
    proper: frozenset[str]
    unit: str = ""
    words: frozenset[str] = field(default_factory=frozenset)
    shape: str = ""
    locative: bool = False


def analyse_question(question: str) -> QuestionInfo:
    """Type ``question`` and weigh its content words."""
    q = question.strip()
    low = q.lower()
    words = _WORD.findall(q)
    lw = [w.lower() for w in words]
    kind, unit, type_noun = SENTENCE, "", ""
    m = re.search(r"\bhow\s+(many|much|old|long|far|tall|big|large|often)\b(?:\s+(\w+))?", low)
    if m:
        kind = NUMBER
        unit = _stem(m.group(2)) if m.group(2) and m.group(2) not in _Q_STOP else ""
    elif re.search(r"\b(what|which)\s+(number|percentage|percent|share|proportion|amount|"
                   r"price|sum|fraction|magnitude|total)\b", low):
        kind = NUMBER
    elif re.match(r"^\W*(when)\b", low) or re.search(
            r"\b(what|which)\s+(date|day|year|month|time)\b|\bwhen\s+(did|does|do|is|was|will|were|are)\b", low):
        kind = DATE
    elif re.match(r"^\W*where\b", low) or re.search(r"\bwhere\s+(did|does|do|is|was|will|were|are)\b",
                                                    low):
        kind = PLACE
    elif re.match(r"^\W*why\b", low) or re.search(r"\bwhy\s+(did|does|do|is|was|will|were|are)\b", low):
        kind = REASON
    elif re.match(r"^\W*(who|whom|whose)\b", low) or re.search(
            r"[,;]\s*(who|whom)\b|\b(who|whom)\s+(did|does|do|is|was|were|are|will|has|have)\b", low):
        kind = PERSON
    else:
        m = re.search(r"\b(which|what)\s+((?:[\w-]+\s+){0,3}?)([\w-]+)\b", low)
        if m:
            cand = (m.group(2) + m.group(3)).split()
            for w in cand:
                if w in _PERSON_NOUNS:
                    kind, type_noun = PERSON, w
                    break
                if w in _PLACE_NOUNS:
                    kind, type_noun = PLACE, w
                    break
                if w in _DATE_NOUNS:
                    kind, type_noun = DATE, w
                    break
    # a person's first names weigh little: articles name people by surname after the first time
    first_names = {w.lower() for p in find_entities(q) if p.kind == "PERSON"
                   for w in p.text.split()[:-1]}
    terms: dict[str, float] = {}
    proper: set[str] = set()
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
    words_all = frozenset(lw) | _aliases(lw)
    return QuestionInfo(q, kind, terms, frozenset(proper), unit, words_all, shape,
                        kind == PLACE and bool(re.search(r"\bwhere\b", low)))


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


def _sentences(p: Passage) -> list[tuple[int, int]]:
    spans = [(a, b) for a, b in p.sentences if 0 <= a < b <= len(p.text) and p.text[a:b].strip()]
    if spans:
        return spans
    from vectorstore.chunking import split_sentences

    return [(a, b) for a, b in split_sentences(p.text) if b > a]


class ExtractiveAnswerer:
    """Picks supporting sentences from the retrieved passages and the part that answers.

    Args:
        threshold: Evidence score under which it abstains (default :data:`DEFAULT_THRESHOLD`).
    """

    def __init__(self, threshold: float | None = None) -> None:
        self.threshold = DEFAULT_THRESHOLD if threshold is None else threshold
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
        sents, pcov = self._score(info, passages)
        if not sents:
            return Draft(text=_abstain_text(question), abstained=True, score=0.0)
        best = max(sents, key=lambda x: x.score)
        if info.kind in _TYPED and not best.typed:
            # a close runner-up that holds an answer of the asked type beats a bare best
            margin = max(TYPED_MARGIN, 0.35 * best.score)
            typed = [x for x in sents if x.typed and x.score >= best.score - margin]
            if typed:
                best = max(typed, key=lambda x: x.score)
        answer, cites, typed_ok = self._compose(info, passages, sents, best, as_of)
        evidence = self._evidence(info, passages, best, pcov, typed_ok)
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

    def _score(self, info: QuestionInfo, passages: Sequence[Passage]) -> tuple[list[_Sent], list[float]]:
        sents: list[_Sent] = []
        for pi, p in enumerate(passages):
            for si, (a, b) in enumerate(_sentences(p)):
                t = p.text[a:b]
                sents.append(_Sent(pi, si, a, b, t, _stems(t)))
        if not sents:
            return [], []
        n = len(sents)
        df: dict[str, int] = {}
        for s in sents:
            for st in s.stems & info.terms.keys():
                df[st] = df.get(st, 0) + 1
        weight = {t: w * (1.0 + math.log((n + 1) / (df.get(t, 0) + 1))) for t, w in info.terms.items()}
        total = sum(weight.values()) or 1.0
        pstems = [_stems(p.text + " " + p.title) for p in passages]
        pcov = [sum(w for t, w in weight.items() if t in ps) / total for ps in pstems]
        prev: _Sent | None = None
        for s in sents:
            matched = s.stems & weight.keys()
            cov = sum(weight[t] for t in matched) / total
            if prev is not None and prev.p == s.p and _PRONOUN_START.match(s.text):
                extra = (prev.stems & weight.keys()) - matched
                cov += 0.5 * sum(weight[t] for t in extra) / total
            s.cov = min(cov, 1.0)
            s.typed = self._has_typed(info, s.text)
            p = passages[s.p]
            nw = len(s.text.split())
            s.score = (0.55 * s.cov + 0.2 * pcov[s.p] + 0.25 * max(p.score, 0.0)
                       + (0.12 if s.typed else 0.0) + 0.03 / (1 + s.p)
                       - (0.1 if nw < 5 else 0.0) - (0.05 if nw > 60 else 0.0))
            if info.kind == REASON and _REASON.search(s.text):
                s.score += 0.05
            prev = s
        return sents, pcov

    def _evidence(self, info: QuestionInfo, passages: Sequence[Passage], best: _Sent,
                  pcov: list[float], typed_ok: bool) -> float:
        p = passages[best.p]
        ev = 0.5 * best.cov + 0.2 * pcov[best.p] + 0.3 * max(p.score, 0.0)
        if info.kind in _TYPED:
            ev += 0.05 if typed_ok else -0.05
        if info.proper:
            seen: set[str] = set()
            for q in passages:
                seen |= _stems(q.text + " " + q.title)
            missing = len(info.proper - seen) / len(info.proper)
            ev *= 1.0 - 0.6 * missing
        return round(ev, 4)

    @staticmethod
    def _has_typed(info: QuestionInfo, text: str) -> bool:
        if info.kind == PERSON:
            return any(e.kind == "PERSON" and not _in_question(e.text, info)
                       for e in find_entities(text))
        if info.kind == PLACE:
            return any(e.kind == "PLACE" and not _in_question(e.text, info)
                       and (not info.locative or _locative(text, e))
                       for e in find_entities(text))
        if info.kind == DATE:
            return any(not _in_question(d.text, info) for d in find_dates(text))
        if info.kind == NUMBER:
            return any(not _number_in_question(n[2], info) and _shape_ok(n[2], info)
                       for n in find_numbers(text))
        return False

    # -- composing ------------------------------------------------------------------------

    def _compose(self, info: QuestionInfo, passages: Sequence[Passage], sents: list[_Sent],
                 best: _Sent, as_of: date | None) -> tuple[str, list[Citation], bool]:
        p = passages[best.p]
        phrase: str | None = None
        if info.kind == PERSON:
            phrase = _people_phrase(best.text, p.text, info)
        elif info.kind == PLACE:
            phrase = _place_phrase(best.text, info)
        elif info.kind == DATE:
            phrase = _date_phrase(best.text, p.published or as_of, info, p.published is None)
        elif info.kind == NUMBER:
            phrase = _number_phrase(best.text, info)
        if phrase:
            return f"{phrase} [1]", [Citation(1, p, (best.start, best.end))], True
        # the sentence, and a second one when it continues or also answers
        chosen = [best]
        ranked = sorted((x for x in sents if x is not best), key=lambda x: x.score, reverse=True)
        nxt = next((s for s in sents if s.p == best.p and s.s == best.s + 1), None)
        words = len(best.text.split())
        if nxt is not None and _PRONOUN_START.match(nxt.text) and \
                words + len(nxt.text.split()) <= MAX_WORDS and nxt.cov > 0:
            chosen.append(nxt)
        elif ranked:
            second = ranked[0]
            if second.score >= 0.9 * best.score and second.cov >= 0.5 and \
                    words + len(second.text.split()) <= MAX_WORDS and \
                    not _same_content(second, best):
                chosen.append(second)
        return _cite(chosen, passages) + (info.kind not in _TYPED,)


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


def _people_phrase(sentence: str, passage_text: str, info: QuestionInfo) -> str | None:
    ents = [e for e in find_entities(sentence) if e.kind == "PERSON"]
    # a surname in the sentence may be a person named in full elsewhere in the passage
    if not ents:
        return None
    names: list[str] = []
    strong = [e for e in ents if e.strong]
    for e in strong or ents:
        if _in_question(e.text, info):
            continue
        name = full_name(e, passage_text)
        if name not in names and not any(name in n for n in names):
            names.append(name)
    if not names or len(names) > 6:
        return None
    return _join(names)


def _place_phrase(sentence: str, info: QuestionInfo) -> str | None:
    ents = [e for e in find_entities(sentence) if not _in_question(e.text, info)]
    places = [e for e in ents if e.kind == "PLACE"]
    if not places:
        # "in Yellowstone": a capitalised non-person after a locative preposition
        places = [e for e in ents if e.kind in {"OTHER", "ORG"} and
                  re.search(r"\b(in|at|near|to|from)\s+(the\s+)?$", sentence[:e.start])]
    if not places:
        return None
    # prefer a place introduced by a locative preposition; keep coordinated places together
    first = next((e for e in places if _locative(sentence, e)), places[0]) if info.locative \
        else places[0]
    group = [first]
    for e in places:
        if e.start > group[-1].end and re.fullmatch(r"\s*(,|and|&|, and|or)\s*",
                                                     sentence[group[-1].end:e.start]):
            group.append(e)
    return _join([e.text for e in group])


def _locative(sentence: str, e: Entity) -> bool:
    return bool(re.search(r"\b(in|at|near|inside|outside|to)\s+(the\s+)?$", sentence[:e.start]))


def _date_phrase(sentence: str, ref: date | None, info: QuestionInfo,
                 undated: bool) -> str | None:
    ms = [d for d in find_dates(sentence, ref) if not _in_question(d.text, info)]
    if not ms:
        return None

    hits = [m.start() for m in _WORD.finditer(sentence) if _stem(m.group()) in info.terms]

    def rank(d: DateMention) -> float:
        r = 0.3 if d.is_day else 0.15 if d.first else 0.0
        r += 0.0 if d.relative else 0.1
        if hits:
            r += 1.0 / (1 + min(min(abs(h - d.start), abs(h - d.end)) for h in hits) / 30)
        return r

    d = max(ms, key=rank)
    if d.first is None or d.last is None:
        return d.text[0].upper() + d.text[1:]
    period = format_period(d.first, d.last)
    lead = "On" if d.is_day else "In" if " to " not in period else "From"
    if not d.relative:
        return f"{lead} {period}"
    if ref is None:
        return f"{d.text[0].upper()}{d.text[1:]}"
    whose = "the date asked" if undated else f"the article of {format_day(ref)}"
    return f"{lead} {period} (“{d.text}” in {whose})"


def _number_phrase(sentence: str, info: QuestionInfo) -> str | None:
    nums = [n for n in find_numbers(sentence) if not _number_in_question(n[2], info)]
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
