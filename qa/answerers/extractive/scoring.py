"""Scoring the sentences of the retrieved passages, and the evidence behind an answer.

Every sentence is scored by how much of the question's content it covers (locally
IDF-weighted, names weighing double, words of a question's preamble weighing less, near
forms like defence/defense or ministry/minister matching), by what the sentences around it
add when they continue it ("..., the French defense minister said"), by its passage's
coverage and cosine similarity, and by whether it holds an answer of the asked type.

The evidence score behind abstention combines the best sentence's coverage and similarity,
its passage's coverage and cosine, whether a typed answer was found, and penalties for names
in the question that no passage mentions, for none of the question's key words being there,
for a quote asked of someone the sentence does not quote, and for a person whose country or
role does not fit. All the numbers are fields of :class:`Weights`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date, timedelta

from qa.answerers.extractive.context import Context, Sent
from qa.answerers.extractive.cues import (
    NAMING_TEXT,
    REASON_TEXT,
    SAY_TEXT,
    continues,
    quotes,
    reason_after_term,
    refers_back,
)
from qa.answerers.extractive.phrases import (
    date_phrase,
    in_question,
    number_phrase,
    people,
    person_fit,
    place_phrase,
    role_of,
)
from qa.answerers.extractive.weights import Weights
from qa.text.analysis import DATE, ENTITY, NUMBER, PERSON, PLACE, REASON, ROLE, TYPED, QuestionInfo
from qa.text.names import Entity, find_entities, gender_of
from qa.text.passages import passage_sentences
from qa.text.places import country_key
from qa.text.stems import content_words, stems
from vectorstore.text.dates import find_dates
from vectorstore.types import Passage


def near_forms(terms: dict[str, float], vocab: set[str]) -> dict[str, str]:
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


def neighbours(sents: list[Sent], i: int) -> tuple[Sent | None, Sent | None]:
    """The sentences before and after ``sents[i]`` in its passage (headlines have none)."""
    s = sents[i]
    if s.headline:
        return None, None
    prev = sents[i - 1] if i > 0 and sents[i - 1].p == s.p and not sents[i - 1].headline \
        else None
    nxt = sents[i + 1] if i + 1 < len(sents) and sents[i + 1].p == s.p and \
        not sents[i + 1].headline else None
    return prev, nxt


def headline_sents(passages: Sequence[Passage]) -> list[Sent]:
    """One candidate per article: its headline (site name dropped), on its first passage."""
    out: list[Sent] = []
    seen: set[str] = set()
    for pi, p in enumerate(passages):
        text = headline(p.title)
        if p.article_id in seen or len(text.split()) < 3:
            continue
        seen.add(p.article_id)
        if _in_text(text, [q.text for q in passages if q.article_id == p.article_id]):
            continue  # the text starts with its headline: already a sentence
        out.append(Sent(pi, -10, 0, 0, text, stems(text), headline=True))
    return out


def _in_text(title: str, texts: list[str]) -> bool:
    """``title`` is already in one of ``texts`` (spacing aside). An untitled article's title
    is its lede cut short ("…"): not found whole, it stays a candidate; measured, dropping
    it too cost a held-back answer and changed nothing on the tune half."""
    return any(title in " ".join(x.split()) for x in texts)


_SITE_TAIL = re.compile(r"\s+[-|–—]\s+[A-Z][\w.&' ]{0,30}$")


def headline(title: str) -> str:
    """``title`` without a trailing site name ("... - CNN", "... | BBC News")."""
    t = " ".join((title or "").split())
    m = _SITE_TAIL.search(t)
    if m and len(m.group(0).split()) <= 5:
        t = t[:m.start()]
    return t.strip()


def echoes(info: QuestionInfo, s: Sent) -> bool:
    """``s`` asks a question, or says no more than the question does (a teaser, a headline
    the question was written from): it holds no answer."""
    if s.text.rstrip(" \"'”’)").endswith("?"):
        return True
    return s.cov >= 0.75 and len({t for t in s.stems if t not in info.terms}) < 2


def _term_weights(info: QuestionInfo, sents: list[Sent]) -> dict[str, float]:
    """The question's term weights x a local IDF over the sentences."""
    df: dict[str, int] = {}
    for s in sents:
        for st in s.stems & info.terms.keys():
            df[st] = df.get(st, 0) + 1
    n = len(sents)
    return {t: w * (1.0 + math.log((n + 1) / (df.get(t, 0) + 1))) for t, w in info.terms.items()}


def _coverage(ctx: Context, sents: list[Sent], i: int, weight: dict[str, float],
              total: float, w: Weights) -> set[str]:
    """Set ``sents[i]``'s coverage (with what a continuing neighbour adds); its matched terms."""
    s = sents[i]
    matched = s.stems & weight.keys()
    prev, nxt = neighbours(sents, i)
    inherit: set[str] = set()
    if prev is not None and refers_back(s.text):
        inherit |= prev.stems & weight.keys()
    if nxt is not None and continues(nxt.text):
        # "Parly told TASS ... ." + "“...,” the French defense minister said."
        inherit |= nxt.stems & weight.keys()
    s.ctx = inherit - matched
    cov = sum(weight[t] for t in matched) / total
    cov += w.context_share * sum(weight[t] for t in s.ctx) / total
    s.cov = min(cov, 1.0)
    return matched


def _score_one(info: QuestionInfo, ctx: Context, sents: list[Sent], i: int,
               weight: dict[str, float], total: float, pcov: list[float], w: Weights) -> None:
    """Score ``sents[i]``: coverage, its passage, a typed answer, and the cues asked for."""
    s = sents[i]
    matched = _coverage(ctx, sents, i, weight, total, w)
    s.typed = has_typed(info, s, ctx)
    p = ctx.passages[s.p]
    nw = len(s.text.split())
    bonus = (w.entity_bonus if info.kind == ENTITY else w.typed_bonus) if s.typed else 0.0
    s.score = (w.coverage * s.cov + w.passage_coverage * pcov[s.p]
               + w.passage_cosine * max(p.score, 0.0)
               + bonus + w.rank_bonus / (1 + s.p)
               - (w.short_penalty if nw < w.short_words else 0.0)
               - (w.long_penalty if nw > w.long_words else 0.0))
    if w.echo_penalty and echoes(info, s):
        s.echo = True
        s.score -= w.echo_penalty
    if info.kind == REASON and REASON_TEXT.search(s.text):
        s.score += w.reason_bonus
        if reason_after_term(s.text, weight):
            s.score += w.reason_after_term_bonus  # "suspended after ...": the asked event's
    if info.naming and NAMING_TEXT.search(s.text):
        s.score += w.naming_bonus
    prev = neighbours(sents, i)[0]
    if info.speaker and quotes(s, info.speaker, prev):
        s.score += w.quote_bonus
    if info.kind == PERSON and (info.countries or info.roles) and s.typed:
        f = s.fit = fit(info, s, ctx)
        s.score += w.fit_bonus * f
        if f > 0:  # the asked country and role hold for a person here
            credit = sum(weight[t] for t in info.descr if t not in matched) / total
            s.cov = min(1.0, s.cov + credit * min(f, 2.0) / 2)


def score_sentences(info: QuestionInfo, ctx: Context,
                    w: Weights) -> tuple[list[Sent], list[float]]:
    """Every sentence of the passages, scored; and each passage's coverage of the question."""
    sents: list[Sent] = []
    for pi, p in enumerate(ctx.passages):
        for si, (a, b) in enumerate(passage_sentences(p)):
            t = p.text[a:b]
            sents.append(Sent(pi, si, a, b, t, stems(t)))
    if not sents:
        return [], []
    if w.headlines:
        sents += headline_sents(ctx.passages)
    for s in sents:  # "AK chief Isaiah Kiplagat" names Athletics Kenya, as the article said
        for acro, long in ctx.acronyms(s.p).items():
            if re.search(rf"\b{acro}\b", s.text):
                s.stems |= long
    vocab: set[str] = set().union(*(s.stems for s in sents))
    near = near_forms(info.terms, vocab)
    for s in sents:  # near forms count as the question's own stem
        s.stems |= {near[v] for v in s.stems if v in near}
    weight = _term_weights(info, sents)
    total = sum(weight.values()) or 1.0
    pstems = []
    for p in ctx.passages:
        ps = stems(p.text + " " + p.title)
        pstems.append(ps | {near[v] for v in ps if v in near})
    pcov = [sum(wt for t, wt in weight.items() if t in ps) / total for ps in pstems]
    for i in range(len(sents)):
        _score_one(info, ctx, sents, i, weight, total, pcov, w)
    asked = place_keys(info.text, scene=True) if w.scene_place else set()
    for s in sents if asked else ():  # "cost in the US": "across the US ... costs $250"
        if place_keys(s.text) & asked:
            s.score += w.scene_place
    return sents, pcov


_SCENE = re.compile(r"\b(?:in|at|across|throughout)\s+(?:the\s+)?$", re.IGNORECASE)


def place_keys(text: str, scene: bool = False) -> set[str]:
    """The places ``text`` names, a country by its one key ("US" and "America" alike); with
    ``scene``, only those it sets its scene in ("in the US")."""
    return {country_key(e.text) or e.text.lower() for e in find_entities(text)
            if e.kind == "PLACE" and (not scene or _SCENE.search(text[:e.start]))}


def _event_day(ev_stems: set[str], ctx: Context, sents: list[Sent]) -> tuple[date | None, float]:
    """The day of the sentence that shares most of the event's words, and that share."""
    when: date | None = None
    top = 0.0
    for s in sents:
        shared = len(ev_stems & s.stems) / len(ev_stems)
        if shared <= top:
            continue
        days = [d for d in find_dates(s.text, ctx.ref(s.p)) if d.is_day and d.first]
        if days:
            top, when = shared, days[0].first
    return when, top


def relative_dates(info: QuestionInfo, ctx: Context, sents: list[Sent], w: Weights) -> None:
    """"The day before the ministers met": date the event, favour what the text dates a
    day (week, ...) before or after it."""
    assert info.relative is not None
    unit, sign, event = info.relative
    ev_stems = stems(event)
    if not ev_stems:
        return
    when, top = _event_day(ev_stems, ctx, sents)
    if when is None or top < 0.3:
        return
    step = {"day": 1, "week": 7, "month": 30, "year": 365}[unit]
    target = when + timedelta(days=sign * step)
    slack = timedelta(days=0 if unit == "day" else step // 4)
    for s in sents:
        for d in find_dates(s.text, ctx.ref(s.p)):
            if d.first and d.last and d.first - slack <= target <= d.last + slack:
                s.score += w.relative_bonus
                s.cov = min(1.0, s.cov + w.relative_coverage)
                if info.kind not in TYPED:
                    s.typed = True  # dated as asked: an answer of the asked kind
                break


def fit(info: QuestionInfo, s: Sent, ctx: Context) -> float:
    """How well the best-fitting person in ``s`` fits the asked country and role (0..2)."""
    found = people(s.text, info, ctx.surnames(s.p))
    if not found:
        return 0.0
    return max(person_fit(info, e, aff, ctx.roles(s.p)) for e, aff in found)


def named_things(info: QuestionInfo, s: Sent, ctx: Context) -> list[Entity]:
    """For "which <agency, team...>": the names in ``s`` that are not a person's or a date's
    (nor named in the question)."""
    text = s.text
    dated = [(d.start, d.end) for d in find_dates(text)]
    known = ctx.surnames(s.p)
    return [e for e in find_entities(text)
            if e.kind in {"ORG", "OTHER", "PERSON"}
            and (e.strong or len(e.text.split()) > 1)
            and not in_question(e.text, info)
            and not (e.kind == "PERSON" and (gender_of(e.text) or e.text in known))
            and not any(a <= e.start < b for a, b in dated)]  # "September"


def has_typed(info: QuestionInfo, s: Sent, ctx: Context) -> bool:
    """Whether ``s`` holds an answer of the asked type."""
    text = s.text
    if info.kind == PERSON:
        found = people(text, info, ctx.surnames(s.p))
        if not found:
            return False
        if info.countries and info.identity:
            return any(person_fit(info, e, aff, ctx.roles(s.p)) >= 1.0 for e, aff in found)
        return True
    if info.kind == PLACE:
        return place_phrase(text, info) is not None
    if info.kind == DATE:
        return date_phrase(text, ctx.ref(s.p), info, False) is not None
    if info.kind == NUMBER:
        return number_phrase(text, info, ctx.ref(s.p)) is not None
    if info.kind == ENTITY:
        return bool(named_things(info, s, ctx))
    if info.naming:
        return bool(NAMING_TEXT.search(text))
    if info.kind == ROLE:
        return any(role_of(r) for r in ctx.own_roles(s.p).get(info.subject, ())
                   if r.start <= s.start < r.end or r.start < s.end <= r.end)
    return False


def _dated_as_asked(s: Sent, p: Passage, years: frozenset[int]) -> bool:
    """The sentence dates something in one of ``years`` ("on September 9" in an article of
    2019 does), or names no year and comes from an article of one of them or a passage
    naming one."""
    dated = [d for d in find_dates(s.text, p.published) if d.first is not None]
    if any(d.first and d.last and any(d.first.year <= y <= d.last.year for y in years)
           for d in dated):
        return True
    named = re.findall(r"\b(?:19|20)\d\d\b", s.text)
    if named:
        return False
    # no year of its own: its article's, or the asked one its passage names ("the
    # insurrection on January 6, 2021 ... for 187 minutes" in an article of 2022)
    return p.published is not None and p.published.year in years or \
        any(re.search(rf"\b{y}\b", p.text) for y in years)


def soft_typed(info: QuestionInfo) -> bool:
    """Sentence answers that still have a kind: a name, a dated event, a named thing."""
    return info.kind not in TYPED | {ROLE} and bool(
        info.naming or info.relative or info.kind == ENTITY and info.sub)


def _strict(info: QuestionInfo) -> bool:
    """The question names what the answer must be: a unit, a city, a day, a country."""
    return bool(info.sub) or bool(info.unit) or bool(info.shape) or \
        (info.kind == PERSON and info.identity)


def _base_evidence(info: QuestionInfo, ctx: Context, best: Sent, pcov: list[float],
                   typed_ok: bool, w: Weights) -> float:
    """Coverage and similarity of the best sentence and its passage, the typed adjustment,
    less the share of the question's names that no passage mentions."""
    p = ctx.passages[best.p]
    sim = best.sim if best.sim is not None else max(p.score, 0.0)
    ev = (w.ev_coverage * best.cov + w.ev_passage_coverage * pcov[best.p]
          + w.ev_passage_cosine * max(p.score, 0.0) + w.ev_similarity * sim)
    if info.kind in TYPED:
        ev += w.typed_found if typed_ok else -w.typed_missing
    elif typed_ok and soft_typed(info):
        ev += w.typed_found  # "what is X called": a name; "the day before": that day
    if info.proper:
        seen: set[str] = set()
        for q in ctx.passages:
            seen |= stems(q.text + " " + q.title)
        missing = len(info.proper - seen) / len(info.proper)
        ev *= 1.0 - w.missing_names * missing
    return ev


def unbound_share(info: QuestionInfo, ctx: Context, best: Sent) -> float:
    """The share of the question's names that the article of ``best`` does not mention."""
    return len(info.proper - ctx.article_stems(best.p)) / len(info.proper)


def unnamed_phrases(info: QuestionInfo, ctx: Context, best: Sent) -> bool:
    """The article of ``best`` never names one of the question's names of several words, not
    even two of its words together ("Tour de France": not "Tour Championships ... France's
    Mauresmo"; "NHL Stanley Cup Final": "Stanley Cup" will do)."""
    told = f" {ctx.article_phrase_text(best.p)} "
    for name in info.phrases:
        words = content_words(name)
        if len(words) > 1 and not any(f" {a} {b} " in told
                                      for a, b in zip(words, words[1:], strict=False)):
            return True
    return False


def evidence(info: QuestionInfo, ctx: Context, best: Sent, pcov: list[float],
             typed_ok: bool, w: Weights) -> float:
    """The evidence score behind answering with ``best`` (abstain under ``w.threshold``)."""
    plain = info.key | {t for t in info.terms if any(ch.isdigit() for ch in t)}
    own = plain - {info.unit} or plain  # "how many people work for X": "people" binds nothing
    unbound = info.kind in {NUMBER, DATE} and bool(info.key) and \
        not (own & (best.stems | best.ctx)) and (best.sim or 0.0) < w.off_topic_similarity
    if unbound:
        typed_ok = False  # a number or day, but none of the question's own words around it
    ev = _base_evidence(info, ctx, best, pcov, typed_ok, w)
    if info.kind in {NUMBER, DATE} and not typed_ok:
        ev *= w.number_untyped  # a number or day question answered with no number or day
    if len(info.key) >= w.off_topic_words and not (plain & (best.stems | best.ctx)) and \
            (best.sim or 0.0) < w.off_topic_similarity and best.fit < 1.0:
        # none of the question's own words: the sentence is about something else (a person
        # of the asked country and role is on topic)
        ev *= w.off_topic
    if info.proper and w.unbound_names:
        ev *= 1.0 - w.unbound_names * unbound_share(info, ctx, best)
    if info.phrases and unnamed_phrases(info, ctx, best):
        ev *= w.unnamed_phrase
    if info.speaker:
        prev = ctx.sentence_before(best)
        if not quotes(best, info.speaker, prev):
            ev *= w.unquoted  # "what did X say": the sentence must quote X
    elif info.speaker_role and not (SAY_TEXT.search(best.text) and
                                    info.speaker_role & (best.stems | best.ctx)):
        ev *= w.unquoted_role  # "what did the German chancellor say": nobody such is quoted
    if info.years and not _dated_as_asked(best, ctx.passages[best.p], info.years):
        ev *= w.other_year  # "the talks in 2016": this sentence is about another year
    if info.kind in TYPED - {NUMBER, DATE} and not typed_ok and _strict(info):
        ev *= w.strict_untyped  # "how many hours", "which city", "exactly which day": none
    if info.kind == PERSON and info.identity and (info.countries or info.roles) and \
            not typed_ok:
        ev *= w.identity_untyped
    return round(ev, 4)
