"""Answer redundancy: an answer that many well-scored sentences give is likelier right.

News repeats its main facts: the team that won is named in the headline, the lead and the
photo caption; the official who tested positive in every article of the week. For typed
questions (who, where, how many, which <thing>), every candidate answer in the best
sentences collects their scores; each sentence then gains ``w.vote_bonus`` x the share of
the top candidate's votes that its own best candidate holds. The classic redundancy step of
open-domain QA (answers voted over many passages), with no word list of its own.
"""

from __future__ import annotations

from qa.answerers.extractive.context import Context, Sent
from qa.answerers.extractive.phrases import in_question, number_phrase, people, place_phrase
from qa.answerers.extractive.weights import Weights
from qa.text.analysis import ENTITY, NUMBER, PERSON, PLACE, QuestionInfo
from qa.text.names import find_entities, gender_of


def candidates(info: QuestionInfo, s: Sent, ctx: Context) -> set[str]:
    """The answers of the asked type ``s`` gives, as comparable keys (a person's surname)."""
    if info.kind == PERSON:
        return {e.last.lower() for e, _ in people(s.text, info, ctx.surnames(s.p))}
    if info.kind == PLACE:
        found = place_phrase(s.text, info)
        return {found.lower()} if found else set()
    if info.kind == NUMBER:
        found = number_phrase(s.text, info, ctx.ref(s.p))
        return {found.lower()} if found else set()
    if info.kind == ENTITY and info.sub:
        # a named thing; stricter than the typed check (scoring.named_things), which keeps
        # names only their shape calls a person's: as votes they pile up on the people
        # every sentence names (measured: tune and held-back both lose answers)
        known = ctx.surnames(s.p)
        return {e.text.lower() for e in find_entities(s.text)
                if e.kind in {"ORG", "OTHER"} and not in_question(e.text, info)
                and e.text.split()[-1] not in known and not gender_of(e.text)}
    return set()


def vote(info: QuestionInfo, ctx: Context, sents: list[Sent], w: Weights) -> None:
    """Add the redundancy bonus to the best sentences' scores (see the module's doc)."""
    if not w.vote_bonus or info.kind not in {PERSON, PLACE, NUMBER, ENTITY}:
        return
    ranked = sorted(sents, key=lambda x: x.score, reverse=True)
    top = [s for s in ranked[:w.vote_pool] if s.score >= ranked[0].score - w.vote_margin]
    found: dict[int, set[str]] = {}
    votes: dict[str, float] = {}
    seen: set[str] = set()
    for s in top:
        found[id(s)] = keys = candidates(info, s, ctx)
        text = " ".join(s.text.split())
        if text in seen:
            continue
        seen.add(text)
        for k in keys:
            votes[k] = votes.get(k, 0.0) + max(s.score, 0.0)
    if not votes:
        return
    most = max(votes.values()) or 1.0
    for s in top:
        keys = found[id(s)]
        if keys:
            s.score += w.vote_bonus * max(votes[k] for k in keys) / most
