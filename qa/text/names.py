"""Names in text: runs of capitalised words, classed as people, places, organisations, groups.

Everything here is regexes and small lexicons, so it runs in well under a millisecond per
sentence. Names come from runs of capitalised words (``Jean-Yves Le Drian``, ``Abu Bakr
al-Baghdadi``, ``George W. Bush``); a run ends at a possessive (``Russia's Sergei Lavrov``
gives ``Russia`` and ``Sergei Lavrov``). Each run is classed as a person, place, organisation
or other thing from lexicons of first names, titles, places and organisation words (word
lists in ``qa/text/data/``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from qa.text import wordlists
from qa.text.places import NATIONALITIES, PLACE_HEADS, PLACES_1, is_place
from qa.text.tokens import PARTICLES, Tok, sentence_start, tokens
from vectorstore.text.dates import MONTHS, WEEKDAYS

__all__ = ["COMMON", "TITLES", "Entity", "find_entities", "find_people", "full_name",
           "gender_of"]

FEMALE = wordlists.words("female_names")
MALE = wordlists.words("male_names")
NEUTRAL_FIRST = wordlists.words("neutral_first_names")
TITLES: dict[str, str] = wordlists.mapping("titles")
"""Title word -> the gender it implies (``""`` for none)."""
COMMON = wordlists.words("common")
"""Words that start sentences or headlines with a capital but name nothing."""
ORG_WORDS = wordlists.words("org_words")

# first words of a title run that are also ordinary words, so only count before a name
_TITLE_ONLY_BEFORE_NAME = wordlists.words("title_only_before_name")
_OF_HEADS = ORG_WORDS | PLACE_HEADS | wordlists.words("of_heads")
_AUX = wordlists.words("auxiliaries")
_SAY_VERBS = wordlists.words("say_verbs")

# a run of capitalised tokens: (tokens, starts a sentence, word after, word before)
_Run = tuple[list[Tok], bool, str, str]


@dataclass(frozen=True)
class Entity:
    """A named thing found in text.

    Attributes:
        text: The name as written, without titles or a possessive ``'s``.
        kind: ``PERSON``, ``PLACE``, ``ORG``, ``NORP`` (nationality, group) or ``OTHER``.
        start: Offset of ``text`` in the searched text.
        end: End offset of ``text``.
        gender: ``"f"``, ``"m"`` or ``""`` (unknown), for people.
        strong: True when the class rests on a lexicon or title, not on shape alone.
    """

    text: str
    kind: str
    start: int
    end: int
    gender: str = ""
    strong: bool = False

    @property
    def last(self) -> str:
        """The last word (a person's surname)."""
        return self.text.split()[-1]


def _extend(toks: list[Tok], run: list[Tok], j: int) -> int:
    """Grow ``run`` past non-capitalised tokens from ``j`` that belong in a name; the
    index after it, or ``-1`` when the run ends at ``j``."""
    n = len(toks)
    low = toks[j].text.lower()
    # particles inside a name: "Le Drian" handled as caps; "Ursula von der Leyen"
    k = j
    while k < n and toks[k].text.lower() in PARTICLES and not toks[k].cap:
        k += 1
    if k > j and k < n and toks[k].cap and len(run) >= 1 and \
            run[-1].text.lower() not in COMMON:
        run.extend(toks[j:k + 1])
        return k + 1
    # "Bank of England", "Gulf of Mexico", "Democratic Republic of the Congo"
    if low == "of" and run[-1].text.lower() in _OF_HEADS and j + 1 < n:
        k = j + 1
        if toks[k].text.lower() == "the" and k + 1 < n:
            k += 1
        if toks[k].cap:
            run.extend(toks[j:k + 1])
            return k + 1
    return -1


def _runs(text: str) -> list[_Run]:
    """Runs of capitalised tokens: (tokens, starts a sentence, word after, word before)."""
    toks = tokens(text)
    out: list[_Run] = []
    i, n = 0, len(toks)
    while i < n:
        t = toks[i]
        if not t.cap:
            i += 1
            continue
        run = [t]
        starts = sentence_start(toks, i, text)
        j = i + 1
        while j < n and not run[-1].possessive:
            nxt = toks[j]
            gap = text[run[-1].end:nxt.start]
            if "\n" in gap or len(gap) > 1:
                break
            if nxt.cap:
                run.append(nxt)
                j += 1
                continue
            k = _extend(toks, run, j)
            if k < 0:
                break
            j = k
        after = toks[j].text if j < n else ""
        before = toks[i - 1].text if i > 0 else ""
        out.append((run, starts, after, before))
        i = j
    return out


def _strip_possessive(tok: Tok) -> tuple[str, int]:
    if tok.possessive:
        return tok.text[:-2], tok.end - 2
    return tok.text, tok.end


def gender_of(name: str) -> str:
    """``"f"`` or ``"m"`` when the first name (or a title in ``name``) says so, else ``""``."""
    parts = name.replace(".", ". ").split()
    for w in parts:
        g = TITLES.get(w.lower())
        if g:
            return g
    for w in parts:
        lw = w.lower().strip(".,")
        if lw in TITLES or lw in PARTICLES:
            continue
        if lw in FEMALE:
            return "f"
        if lw in MALE:
            return "m"
        head = lw.split("-")[0]
        if "-" in lw and head in {"jean", "marie"}:
            return "m" if head == "jean" else "f"
        if head in FEMALE:
            return "f"
        if head in MALE:
            return "m"
        return ""
    return ""


def _is_first_name(w: str) -> bool:
    lw = w.lower()
    if lw in FEMALE or lw in MALE or lw in NEUTRAL_FIRST:
        return True
    head = lw.split("-")[0]
    return "-" in lw and (head in FEMALE or head in MALE or head in NEUTRAL_FIRST)


def _classify(words: list[str], titled: str | None, after: str, starts: bool) -> tuple[str, bool]:
    """Return (kind, strong) for a run of capitalised words (titles already removed)."""
    low = [w.lower() for w in words]
    joined = " ".join(low)
    if all(w in MONTHS or w in WEEKDAYS for w in low):
        return "OTHER", True
    if is_place(joined):
        return "PLACE", True
    if len(low) == 1 and low[0] in NATIONALITIES:
        return "NORP", True
    if any(w in ORG_WORDS for w in low) and not (
            2 <= len(words) <= 3 and _is_first_name(words[0]) and
            not any(w in ORG_WORDS for w in low[1:])):  # "Bill Cosby" is no bill
        return "ORG", True
    if len(words) == 1 and words[0].isupper() and len(words[0]) > 1:
        return "ORG", True  # an acronym: TASS, NATO
    if low[-1] in PLACE_HEADS and not titled:
        return "PLACE", True
    if titled is not None:
        return "PERSON", True
    if any(w in COMMON for w in low) or any(w in MONTHS or w in WEEKDAYS for w in low):
        return "OTHER", False
    if any(w in PLACES_1 or w in NATIONALITIES for w in low) and not _is_first_name(words[0]):
        return "OTHER", False
    if _is_first_name(words[0]) and 2 <= len(words) <= 5:
        return "PERSON", True
    if 2 <= len(words) <= 4:
        return "PERSON", after.lower() in _SAY_VERBS
    if len(words) == 1 and after.lower() in _SAY_VERBS:
        return "PERSON", False
    return "OTHER", False


def _title(run: list[Tok]) -> tuple[str | None, int]:
    """The leading title of a run ("French President", "Foreign Minister") and its length."""
    titled: str | None = None
    k = 0
    while k < len(run) - 1 and not run[k].possessive and (
            run[k].text.lower() in TITLES or run[k].text.lower() in NATIONALITIES
            or (k > 0 and run[k].text.lower() in {"of", "the"})):
        if run[k].text.lower() in TITLES and \
                run[k].text.lower() not in _TITLE_ONLY_BEFORE_NAME:
            titled = run[k].text
        k += 1
    return titled, k


def _opens_name(run: list[Tok]) -> bool:
    """The run's first word, a common word, is part of the name: "New" of "New York", a lone
    "US" (not "us")."""
    first = run[0].text
    if len(run) == 1:
        return first.isupper() and len(first) > 1
    return first.lower() not in {"the", "a", "an"} and is_place(f"{first} {run[1].text}".lower())


def _run_entities(text: str, run: list[Tok], after: str, before: str,
                  starts: bool) -> list[Entity]:
    """The names in one run of capitalised tokens (none, one, or a place and a name)."""
    # drop sentence-initial function words ("But Macron said"), keep the rest
    while run and run[0].text.lower() in COMMON and not run[0].possessive and \
            not _opens_name(run):
        run = run[1:]
    if not run:
        return []
    # leading titles: "French President Emmanuel Macron", "Foreign Minister Sergei Lavrov"
    titled, k = _title(run)
    rest = run[k:] if titled is not None else run
    if not rest:
        return []
    words = [t.text for t in rest]
    last_text, last_end = _strip_possessive(rest[-1])
    words[-1] = last_text
    if not last_text:
        return []
    kind, strong = _classify(words, titled, after, starts)
    if kind == "OTHER" and not strong and len(words) <= 3 and before.lower() in _AUX and \
            after[:1].islower() and after.lower() not in COMMON:
        kind = "PERSON"  # "What did Parly tell TASS?"
    lead = next((n for n in (3, 2, 1) if n < len(words) and is_place(" ".join(words[:n]))),
                0) if kind in {"OTHER", "PLACE", "NORP"} and titled is None else 0
    if lead and not is_place(" ".join(words)):
        # "Moscow Mayor" / "France Parly" / "New York Mayor Eric Adams": split off a leading
        # place and read the rest (an organisation's name keeps its place: "New York Times",
        # "Massachusetts Institute of Technology")
        out = [Entity(text[rest[0].start:rest[lead - 1].end], "PLACE", rest[0].start,
                      rest[lead - 1].end, strong=True)]
        tail = rest[lead:]
        t2, k2 = _title(tail) if len(tail) > 1 else (None, 0)
        tail_words = words[lead + k2:] if t2 is not None else words[lead:]
        sub, sub_strong = _classify(tail_words, t2, after, False)
        if sub != "OTHER":
            a = tail[k2].start if t2 is not None else tail[0].start
            g = gender_of(f"{t2} {text[a:last_end]}" if t2 else text[a:last_end]) \
                if sub == "PERSON" else ""
            out.append(Entity(text[a:last_end], sub, a, last_end, g, strong=sub_strong))
        return out
    start = rest[0].start
    name = text[start:last_end]
    gender = gender_of((titled + " " if titled else "") + name) if kind == "PERSON" else ""
    return [Entity(name, kind, start, last_end, gender, strong)]


def find_entities(text: str) -> list[Entity]:
    """Every capitalised name in ``text``, classed, in order of appearance.

    A single word that is the surname of a person named in full elsewhere in ``text``
    (``Parly`` after ``Florence Parly``) is a person too. Read once per text: the answerer
    asks for the same sentence's names at each step (typed check, votes, answer phrase).
    """
    return list(_entities(text))


@lru_cache(maxsize=8192)
def _entities(text: str) -> tuple[Entity, ...]:
    """:func:`find_entities`, cached (entities are frozen)."""
    raw: list[Entity] = []
    for run, starts, after, before in _runs(text):
        raw.extend(_run_entities(text, run, after, before, starts))
    # surnames and partial names of people named in full
    full = [e for e in raw if e.kind == "PERSON" and len(e.text.split()) >= 2]
    out: list[Entity] = []
    for e in raw:
        if len(e.text.split()) <= 2 and e.kind in {"OTHER", "PERSON", "ORG"}:
            match = [f for f in full if len(f.text) > len(e.text) and
                     (f.text.endswith(" " + e.text) or f.text.split()[-1] == e.text)]
            if match:
                f = match[0]
                out.append(Entity(e.text, "PERSON", e.start, e.end, e.gender or f.gender, True))
                continue
        out.append(e)
    return tuple(_coordinated_people(text, out))


def _coordinated_people(text: str, ents: list[Entity]) -> list[Entity]:
    """"Macron and Putin": a bare name joined by "and" to a person (or the two of them the
    subject of a verb after "did") is a person too."""
    out = list(ents)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if not re.fullmatch(r"\s+(?:and|&)\s+", text[a.end:b.start]):
            continue
        loose = {"OTHER"}
        if not (a.kind in loose | {"PERSON"} and b.kind in loose | {"PERSON"}) or \
                len(a.text.split()) > 3 or len(b.text.split()) > 3 or \
                (a.kind == "OTHER" and a.strong) or (b.kind == "OTHER" and b.strong):
            continue
        before = re.search(r"(\w+)\s+$", text[:a.start])
        after = re.match(r"\s+([a-z]\w*)", text[b.end:])
        subject = bool(before and before.group(1).lower() in _AUX and after and
                       after.group(1) not in COMMON)
        if "PERSON" in {a.kind, b.kind} or subject:
            out[i] = a if a.kind == "PERSON" else Entity(a.text, "PERSON", a.start, a.end,
                                                         gender_of(a.text), False)
            out[i + 1] = b if b.kind == "PERSON" else Entity(b.text, "PERSON", b.start, b.end,
                                                             gender_of(b.text), False)
    return out


def find_people(text: str) -> list[Entity]:
    """The people named in ``text``, in order (strongly classed first within ties)."""
    return [e for e in find_entities(text) if e.kind == "PERSON"]


def full_name(e: Entity, text: str) -> str:
    """``e``'s longest form in ``text`` (``Le Drian`` -> ``Jean-Yves Le Drian``)."""
    best = e.text
    for f in find_people(text):
        if f.text != e.text and f.text.endswith(" " + e.text) and len(f.text) > len(best):
            best = f.text
    return best
