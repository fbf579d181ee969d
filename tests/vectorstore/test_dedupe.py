"""Near-duplicate fingerprints: the numpy SimHash and search find what plain loops find."""

from __future__ import annotations

import hashlib
import random

from hypothesis import given, settings
from hypothesis import strategies as st
from test_embedding import STORM, STORY

from vectorstore.dedupe import (
    SimHashes,
    normalise_for_dup,
    normalised_hash,
    resembles,
    shingles,
    simhash,
)

U64 = st.integers(min_value=0, max_value=2**64 - 1)


def loop_near(items: dict[str, int], fp: int, bits: int) -> list[str]:
    return [a for a, v in items.items() if (v ^ fp).bit_count() <= bits]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), U64), max_size=60),
       U64, st.integers(min_value=0, max_value=64))
def test_near_is_the_loop_over_every_fingerprint_in_insertion_order(pairs, fp, bits):
    items: dict[str, int] = {}
    index = SimHashes()
    for a, v in pairs:  # repeated ids: set again, keeping their place, as in a dict
        items[a] = v
        index[a] = v
    assert len(index) == len(items)
    assert index.near(fp, bits) == loop_near(items, fp, bits)


def test_a_near_copy_is_found_among_thousands_as_the_loop_finds_it():
    rng = random.Random(0)
    words = ["bridge", "council", "vote", "river", "mayor", "storm", "power", "homes", "crews",
             "ferry", "spring", "engineer"]
    texts = {f"a{i}": " ".join(rng.choice(words) for _ in range(80)) for i in range(3000)}
    index = SimHashes({a: simhash(t) for a, t in list(texts.items())[:1000]})
    for a, t in list(texts.items())[1000:]:  # grows past its first capacity
        index[a] = simhash(t)
    target = texts["a2500"]
    near_copy = "REUTERS - " + target + " Editing by J. Doe."
    found = index.near(simhash(near_copy), 8)
    assert "a2500" in found
    assert found == loop_near({a: simhash(t) for a, t in texts.items()}, simhash(near_copy), 8)
    assert found == ["a2500"]  # texts drawn at random from the same words are not near copies


def loop_simhash(text: str, n: int = 3) -> int:
    """SimHash written out bit by bit: each gram's blake2b digest votes on the 64 bits."""
    words = normalise_for_dup(text)
    grams = [" ".join(words[i : i + n]) for i in range(max(1, len(words) - n + 1))]
    acc = [0] * 64
    for g in grams:
        h = int.from_bytes(hashlib.blake2b(g.encode("utf-8"), digest_size=8).digest(), "big")
        for b in range(64):
            acc[b] += 1 if (h >> b) & 1 else -1
    out = 0
    for b in range(64):
        if acc[b] > 0:
            out |= 1 << b
    return out


def test_simhash_is_the_plain_loop_over_the_bits():
    for text in [STORY, STORM, "", "one", "one two", "one two three", STORY * 3]:
        assert simhash(text) == loop_simhash(text)


def test_the_normalised_hash_ignores_case_and_spacing_but_not_words():
    assert normalised_hash("The  Bridge,\nopens.") == normalised_hash("the bridge opens")
    assert normalised_hash("the bridge opens") != normalised_hash("the bridge closes")


def test_shingles_resemble_a_near_copy_and_not_another_story():
    copy = "DUNMORE (Wire) - " + STORY + " Editing by J. Doe."
    assert resembles(shingles(STORY), shingles(copy))
    assert not resembles(shingles(STORY), shingles(STORM))
    assert not resembles(set(), shingles(STORY)) and not resembles(set(), set())
    assert shingles("two words") == shingles("Two, words!") and len(shingles("two words")) == 1
