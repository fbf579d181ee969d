"""Near-duplicate fingerprints: the numpy search finds what a plain loop over the pairs finds."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from vectorstore.hashing import SimHashes, simhash

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
