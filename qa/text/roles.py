"""What a text says people are: ``French defense minister``, ``Russia's foreign minister``,
and the countries it ties them to (``Florence Parly of France``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.text.names import TITLES, Entity, find_entities
from qa.text.places import DEMONYMS, NATIONALITIES, country_key
from qa.text.stems import BRITISH, stem
from qa.text.wordlists import phrases, words

__all__ = ["PORTFOLIOS", "ROLE_NOUNS", "Role", "affiliations", "person_roles", "role_kin"]

ROLE_NOUNS = words("role_nouns")
PORTFOLIOS = words("portfolios")
_SYNONYMS = [frozenset(stem(w) for w in line.split())
             for line in phrases("role_synonym_groups")]


def role_kin(role_stems: frozenset[str] | set[str]) -> frozenset[str]:
    """``role_stems`` with the stems of the posts news names in other words ("head": "chief",
    "boss", "leader")."""
    out = set(role_stems)
    for group in _SYNONYMS:
        if group & role_stems:
            out |= group
    return frozenset(out)


_ROLE_WORD = re.compile(r"[\w.'’-]+")
_SAY_AFTER = r"(?:said|says|told|added|wrote|noted|stated|warned|explained|insisted|declared)"


@dataclass(frozen=True)
class Role:
    """What a text says a person is: ``"French defense minister"``, or only a country.

    Attributes:
        phrase: The role as written (``""`` when only the country is known).
        words: Its lower-cased words.
        countries: Countries it ties the person to (``"france"``).
        start: Start of the sentence (or phrase) that says so.
        end: Its end.
    """

    phrase: str
    words: frozenset[str]
    countries: frozenset[str]
    start: int
    end: int


def _title_before(text: str, pos: int) -> tuple[str, set[str]]:
    """The title run right before ``pos`` ("Russian Foreign Minister") and its countries."""
    pre = text[max(0, pos - 90):pos]
    found = list(_ROLE_WORD.finditer(pre))
    kept: list[str] = []
    countries: set[str] = set()
    end = len(pre)
    for m in reversed(found):
        if pre[m.end():end].strip():
            break
        w = m.group()
        lw = w.lower()
        key = country_key(w)
        if lw in TITLES or lw in ROLE_NOUNS or lw in PORTFOLIOS or lw in NATIONALITIES or \
                (key and (w[-2:] in ("'s", "’s") or lw in DEMONYMS)) or \
                (lw == "and" and kept):  # "chairman and chief executive Richard Parsons"
            if key:
                countries.add(key)
            kept.append(w)
            end = m.start()
            continue
        break
    kept.reverse()
    while kept and kept[0].lower() in {"the", "of", "and"}:
        kept = kept[1:]
    return " ".join(kept), countries


def name_groups(text: str, ents: list[Entity]) -> list[list[Entity]]:
    """The people of ``ents`` in runs named together ("A, B and C")."""
    groups: list[list[Entity]] = []
    for e in (e for e in ents if e.kind == "PERSON"):
        if groups and re.fullmatch(r"\s*(?:,|,?\s+and|,?\s+&)\s*", text[groups[-1][-1].end:e.start]):
            groups[-1].append(e)
        else:
            groups.append([e])
    return groups


def affiliations(text: str, ents: list[Entity] | None = None) -> list[tuple[Entity, frozenset[str]]]:
    """Each person named in ``text`` with the countries the text ties them to.

    ``Jean-Yves Le Drian and Florence Parly of France``, ``Russia's Sergei Lavrov and Sergei
    Shoigu`` and ``French President Emmanuel Macron`` each tie the names to a country.
    """
    ents = find_entities(text) if ents is None else ents
    out: list[tuple[Entity, frozenset[str]]] = []
    for g in name_groups(text, ents):
        shared: set[str] = set()
        _, before = _title_before(text, g[0].start)
        if len(g) > 1:
            shared |= before
        after = re.match(r"\s+(?:of|from)\s+(?:the\s+)?([A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)",
                         text[g[-1].end:g[-1].end + 40])
        if after:
            key = country_key(after.group(1)) or country_key(after.group(1).split()[0])
            if key:
                shared.add(key)
        for e in g:
            own = _title_before(text, e.start)[1] if e is not g[0] else before
            out.append((e, frozenset(shared | own)))
    return out


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    from vectorstore.text.sentences import split_sentences

    return [(a, b) for a, b in split_sentences(text) if b > a]


def _role(phrase: str, countries: frozenset[str] | set[str], a: int, b: int) -> Role:
    return Role(phrase, frozenset(w.lower() for w in phrase.split()), frozenset(countries), a, b)


def _named_roles(sent: str, ents: list[Entity], a: int, b: int) -> list[tuple[str, Role]]:
    """(surname, role) for people named in ``sent`` (at ``a:b`` in the text): titles before,
    appositions after."""
    out: list[tuple[str, Role]] = []
    for e, countries in affiliations(sent, ents):
        phrase, _ = _title_before(sent, e.start)
        if not any(w.lower() in ROLE_NOUNS or w.lower() in TITLES for w in phrase.split()):
            phrase = ""
        app = re.match(r",\s+(?:the\s+|a\s+|an\s+)?((?:[\w'’-]+\s+){0,4}?(?:" +
                       "|".join(sorted(ROLE_NOUNS)) + r"))\b", sent[e.end:e.end + 80],
                       re.IGNORECASE)
        if app:
            phrase = app.group(1)
            countries = countries | {country_key(w) for w in phrase.split() if country_key(w)}
        if phrase or countries:
            out.append((e.last.lower(), _role(phrase, countries, a, b)))
    return out


def _said_role(text: str, sent: str, prev_people: list[Entity], a: int,
               b: int) -> tuple[str, Role] | None:
    """"...," the French defense minister said: a role standing for the person named just
    before; (surname, role) or ``None``."""
    nouns = "|".join(sorted(ROLE_NOUNS))
    m = re.search(r"\b(?:the|The)\s+((?:[\w'’-]+\s+){0,3}?(?:" + nouns
                  + r"))\s+" + _SAY_AFTER + r"\b|\b" + _SAY_AFTER +
                  r"\s+the\s+((?:[\w'’-]+\s+){0,3}?(?:" + nouns + r"))\b", sent)
    if not m:
        return None
    phrase = m.group(1) or m.group(2)
    subject = next((p for p in prev_people if re.match(
        r"\s+" + _SAY_AFTER, text[p.end:p.end + 20])), prev_people[0])
    countries = frozenset(country_key(w) for w in phrase.split() if country_key(w))
    return subject.last.lower(), _role(phrase, countries, a, b)


def person_roles(text: str, spans: list[tuple[int, int]] | None = None) -> dict[str, list[Role]]:
    """What ``text`` says each person is, keyed by lower-cased surname.

    Read from titles before a name (``Russian Foreign Minister Sergei Lavrov``), appositions
    (``Lavrov, Russia's foreign minister,``), the country a name is tied to (``Florence
    Parly of France``), and a role standing for the person named just before it (``Parly
    told TASS ... "...," the French defense minister said.``).
    """
    out: dict[str, list[Role]] = {}
    spans = spans or _sentence_spans(text)
    prev_people: list[Entity] = []
    for a, b in spans:
        sent = text[a:b]
        ents = find_entities(sent)
        people = [e for e in ents if e.kind == "PERSON"]
        found = _named_roles(sent, ents, a, b)
        if not people and prev_people:
            said = _said_role(text, sent, prev_people, a, b)
            found += [said] if said else []
        for surname, role in found:
            out.setdefault(surname, []).append(role)
        if people:
            prev_people = [Entity(e.text, e.kind, e.start + a, e.end + a, e.gender, e.strong)
                           for e in people]
        elif not re.search(r"\b(?:he|she|his|her)\b", sent, re.IGNORECASE):
            prev_people = prev_people if len(sent) < 400 else []
    _respective_roles(text, spans, out)
    return out


def _respective_roles(text: str, spans: list[tuple[int, int]], out: dict[str, list[Role]]) -> None:
    """"The French foreign and defense ministers ... Le Drian and Parly of France and
    Russia's Lavrov and Shoigu": names listed together, as many as the portfolios the text
    lists, hold them in that order ("respectively"), unless a name's own role says another
    portfolio. Adds those roles to ``out``."""
    listed = _PORTFOLIO_LIST.search(text)
    if not listed or not {listed["p1"].lower(), listed["p2"].lower()} <= PORTFOLIOS:
        return
    noun = listed["noun"].lower()[:-1]  # "ministers" -> "minister"
    order = [listed["p1"].lower(), listed["p2"].lower()]
    for a, b in spans:
        sent = text[a:b]
        ents = find_entities(sent)
        aff = dict((e.start, c) for e, c in affiliations(sent, ents))
        for g in name_groups(sent, ents):
            if len(g) != len(order) or \
                    any(_other_portfolio(out, e, p) for e, p in zip(g, order, strict=True)):
                continue
            for e, port in zip(g, order, strict=True):
                out.setdefault(e.last.lower(), []).append(
                    _role(f"{port} {noun}", aff.get(e.start, frozenset()), a, b))


_PORTFOLIO_LIST = re.compile(r"\b(?P<p1>[a-z]+)\s+and\s+(?P<p2>[a-z]+)\s+"
                             r"(?P<noun>ministers|secretaries|chiefs)\b", re.IGNORECASE)


def _other_portfolio(out: dict[str, list[Role]], e: Entity, port: str) -> bool:
    """``e``'s own roles name a portfolio, and not ``port``."""
    own = {BRITISH.get(w, w) for r in out.get(e.last.lower(), ()) for w in r.words
           if w in PORTFOLIOS}
    return bool(own) and BRITISH.get(port, port) not in own
