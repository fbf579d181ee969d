"""Composing the answer: the typed phrase or the chosen sentences, cited, shortened."""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.answerers import ABSTAIN
from qa.answerers.extractive.context import Context, Sent
from qa.answerers.extractive.cues import PRONOUN_START, continues, same_content
from qa.answerers.extractive.ner_types import model_phrase
from qa.answerers.extractive.phrases import (
    date_phrase,
    in_question,
    number_phrase,
    people_phrase,
    place_phrase,
    role_of,
)
from qa.answerers.extractive.scoring import soft_typed
from qa.answerers.extractive.weights import Weights
from qa.text.analysis import (
    DATE,
    ENTITY,
    NUMBER,
    PERSON,
    PLACE,
    ROLE,
    TYPED,
    QuestionInfo,
    which_head,
)
from qa.text.ner import THING_NOUN_LABELS
from qa.text.passages import passage_sentences
from qa.text.places import DEMONYMS, is_place
from qa.text.stems import Q_STOP
from qa.types import Citation
from vectorstore.types import Passage

Composed = tuple[str, list[Citation], bool]
"""The answer text, its citations, and whether it is an answer of the asked type."""


def abstain_text(question: str) -> str:
    """The abstention, naming the question."""
    q = question.strip()
    return f"{ABSTAIN[:-1]}: nothing in them answers “{q}”."


def role_answer(info: QuestionInfo, ctx: Context) -> tuple[str, int, tuple[int, int]] | None:
    """The most specific role the passages give the asked person, and where."""
    best: tuple[int, str, int, tuple[int, int]] | None = None
    for pi in range(len(ctx.passages)):
        for r in ctx.own_roles(pi).get(info.subject, ()):
            if not role_of(r):
                continue
            rank = len(r.words)
            if best is None or rank > best[0]:
                best = (rank, r.phrase, pi, (r.start, r.end))
    if best is None:
        return None
    phrase = best[1]
    return phrase[0].upper() + phrase[1:], best[2], best[3]


def _typed_answer(info: QuestionInfo, ctx: Context, best: Sent) -> Composed | None:
    """The phrase of the asked type in ``best`` (the asked person's role: in any passage)."""
    passages = ctx.passages
    p = passages[best.p]
    phrase: str | None = None
    if info.kind == PERSON:
        phrase = people_phrase(best.text, ctx.article_text(best.p), info,
                               ctx.roles(best.p), ctx.surnames(best.p))
    elif info.kind == PLACE:
        phrase = place_phrase(best.text, info)
    elif info.kind == DATE:
        phrase = date_phrase(best.text, ctx.ref(best.p), info, p.published is None)
    elif info.kind == NUMBER:
        phrase = number_phrase(best.text, info, ctx.ref(best.p))
    elif info.kind == ROLE:
        found = role_answer(info, ctx)
        if found is not None:
            text, pi, span = found
            return f"{text} [1]", [Citation(1, passages[pi], span)], True
    elif info.kind == ENTITY and info.sub in WORK_NOUNS:
        return titled_work(info, ctx, best)
    elif info.kind == ENTITY and not best.typed:
        return kind_named(info, ctx, best)
    if info.kind in {PERSON, PLACE, NUMBER}:
        phrase = model_phrase(info, best, ctx, phrase)  # the NER model checks the rules' phrase
    if phrase:
        return f"{phrase} [1]", [Citation(1, p, (best.start, best.end))], True
    return None


#: "Which <show, film...>": the works news names in quotes.
WORK_NOUNS = frozenset(n for n, labels in THING_NOUN_LABELS.items() if "WORK_OF_ART" in labels)
_QUOTED = re.compile(r"[“\"‘']([A-Z0-9][^“”\"‘’']{1,60}?)[”\"’'](?![a-z])")


def titled_work(info: QuestionInfo, ctx: Context, best: Sent) -> Composed | None:
    """For "which show": when ``best`` speaks of "the wildly popular South Korean show" but
    names none, the title its article quotes most (“Squid Game”), cited where it stands."""
    if _QUOTED.search(best.text) or not re.search(
            rf"\b(?:the|a|an|this|its|their|his|her)\s+(?:[\w'’-]+\s+){{0,4}}{info.sub}\b",
            best.text, re.IGNORECASE):
        return None
    aid = ctx.passages[best.p].article_id
    found: dict[str, list[tuple[int, int, int]]] = {}  # title -> (passage, start, end) seen
    for pi, p in enumerate(ctx.passages):
        if p.article_id != aid:
            continue
        for text, span in ((p.title, None), (p.text, True)):
            for m in _QUOTED.finditer(text or ""):
                title = m.group(1).strip()
                if not in_question(title, info) and len(title.split()) <= 8:
                    where = (pi, m.start(), m.end()) if span else (pi, -1, -1)
                    found.setdefault(title, []).append(where)
    if not found:
        return None
    title, seen = max(found.items(), key=lambda kv: len(kv[1]))
    pi, start, _ = next((x for x in seen if x[1] >= 0), seen[0])
    return _cited_at(title, ctx.passages[pi], start)


def _cited_at(answer: str, p: Passage, start: int) -> Composed:
    """``answer``, cited by the sentence of ``p`` that holds offset ``start`` (by the
    headline when ``start`` < 0: only the headline names it)."""
    if start < 0:
        return f"{answer} [1]", [Citation(1, p, (0, 0))], True
    a, b = next(((a, b) for a, b in passage_sentences(p) if a <= start < b), (start, start))
    return f"{answer} [1]", [Citation(1, p, (a, b))], True


_ADJECTIVE = re.compile(r"(?:est|ous|ful|ive|ic|al|able|ible|ish|less|ary|ing|ed)$")


def kind_named(info: QuestionInfo, ctx: Context, best: Sent) -> Composed | None:
    """For "which virus outbreak" when ``best`` names none: the word its article puts before
    the asked noun more than once ("the monkeypox outbreak", "Monkeypox outbreak: ..."),
    cited where it first stands."""
    head = which_head(info.text)
    if not head:
        return None
    pattern = re.compile(rf"\b([\w.’'-]+)\s+{re.escape(head)}(?:s|es)?\b", re.IGNORECASE)
    aid = ctx.passages[best.p].article_id
    seen: dict[str, list[tuple[int, int]]] = {}
    for pi, p in enumerate(ctx.passages):
        if p.article_id != aid:
            continue
        for text, span in ((p.title, False), (p.text, True)):
            for m in pattern.finditer(text or ""):
                word = re.sub(r"['’]s$", "", m.group(1))
                low = word.lower()
                if low in Q_STOP or low in info.words or _ADJECTIVE.search(low) or \
                        is_place(low) or low in DEMONYMS or not re.search(r"[a-z]", low):
                    continue  # "the largest/famous outbreak", "a Paraguay novel": no name
                seen.setdefault(low, []).append((pi, m.start() if span else -1))
    common = [(len(v), k) for k, v in seen.items() if len(v) >= 2]
    if not common:
        return None
    word = max(common)[1]
    pi, start = next((x for x in seen[word] if x[1] >= 0), seen[word][0])
    return _cited_at(word[0].upper() + word[1:], ctx.passages[pi], start)


def _second(sents: list[Sent], best: Sent, w: Weights) -> Sent | None:
    """A sentence to add to ``best``: the next one when it continues ``best``, else a
    separate one that scores nearly as well and says something else."""
    ranked = sorted((x for x in sents if x is not best), key=lambda x: x.score, reverse=True)
    nxt = next((s for s in sents if s.p == best.p and s.s == best.s + 1), None)
    words = len(best.text.split())
    if nxt is not None and (PRONOUN_START.match(nxt.text) or continues(nxt.text)) and \
            words + len(nxt.text.split()) <= w.max_words and (nxt.cov > 0 or best.ctx):
        return nxt
    if ranked:
        second = ranked[0]
        if second.score >= w.second_share * best.score and second.cov >= w.second_coverage and \
                words + len(second.text.split()) <= w.max_words and \
                not same_content(second, best) and not second.echo:
            return second
    return None


def compose(info: QuestionInfo, ctx: Context, sents: list[Sent], best: Sent,
            w: Weights) -> Composed:
    """The answer from ``best``: its typed phrase, else the sentence (and a second one)."""
    typed = _typed_answer(info, ctx, best)
    if typed is not None:
        return typed
    # the sentence, and a second one when it continues or also answers
    chosen = [best]
    second = _second(sents, best, w)
    if second is not None:
        chosen.append(second)
    typed_ok = best.typed if soft_typed(info) else info.kind not in TYPED | {ROLE}
    text, cites = cite(chosen, ctx.passages, w)
    return text, cites, typed_ok


def cite(chosen: list[Sent], passages: Sequence[Passage],
         w: Weights) -> tuple[str, list[Citation]]:
    """Sentences in reading order, adjacent ones of one passage sharing a citation."""
    chosen = sorted(chosen, key=lambda s: (s.p, s.start)) if len({s.p for s in chosen}) == 1 \
        else chosen
    groups: list[list[Sent]] = []
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
        text = " ".join(shorten(s.text, w) for s in g)
        parts.append(f"{text} [{n}]")
    return " ".join(parts), cites


def shorten(sentence: str, w: Weights) -> str:
    """``sentence``, cut to ``w.max_words`` words (at a comma when it can) when much longer."""
    words = sentence.split()
    if len(words) <= w.max_words + w.shorten_slack:
        return sentence.strip()
    cut = " ".join(words[:w.max_words])
    k = max(cut.rfind(","), cut.rfind(";"), cut.rfind(" — "))
    if k > len(cut) // 2:
        cut = cut[:k]
    return cut.rstrip(" ,;—") + " …"
