"""Chunking a huge run-on sentence tokenizes it in bounded pieces (issue 19, finding 9: a
5 MB article with no punctuation was tokenized whole, then word by word in one batch, and
peaked at 1.5 GB). Peak memory itself is measured in bench/memory_bigfile.py."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vectorstore.chunking import _BATCH_CHARS, _WINDOW_CHARS, Chunker
from vectorstore.embedding import token_counter
from vectorstore.types import Article


def _recording_counter() -> tuple[Any, list[int]]:
    """The model's counter, recording how many characters each call tokenizes."""
    real = token_counter()
    sizes: list[int] = []

    def count(texts: Sequence[str]) -> list[int]:
        sizes.append(sum(map(len, texts)))
        return real(texts)  # type: ignore[no-any-return]

    def ids(texts: Sequence[str]) -> list[list[int]]:
        sizes.append(sum(map(len, texts)))
        return real.ids(texts)  # type: ignore[attr-defined, no-any-return]

    count.additive = real.additive  # type: ignore[attr-defined]
    count.ids = ids  # type: ignore[attr-defined]
    return count, sizes


def test_a_run_on_sentence_is_tokenized_in_bounded_pieces_and_fully_covered():
    words = [f"vel{i % 89}tor{i % 7}" for i in range(50_000)]
    text = " ".join(words)  # about 500,000 characters, no full stop
    count, sizes = _recording_counter()
    chunks = Chunker(200, 32, count).run(Article("a", text))
    assert max(sizes) <= _BATCH_CHARS + _WINDOW_CHARS
    assert all(c.n_tokens <= 200 and c.text == text[c.start:c.end] for c in chunks)
    covered = bytearray(len(text))
    for c in chunks:
        covered[c.start:c.end] = b"\x01" * (c.end - c.start)
    assert all(covered[i] or text[i].isspace() for i in range(len(text)))
    real = token_counter()
    assert real([c.text for c in chunks[::50]]) == [c.n_tokens for c in chunks[::50]]
    full = sum(real([text[i:i + 50_000] for i in range(0, len(text), 50_000)]))
    assert len(chunks) <= full / 200 * 1.1 + 1  # windows cost at most a tenth more chunks


def test_many_ordinary_sentences_are_counted_in_batches_with_their_ids_kept():
    text = " ".join(f"Sentence {i} says the ferry left pier {i % 9} on time." for i in range(40_000))
    count, sizes = _recording_counter()
    chunks = Chunker(200, 32, count).run(Article("b", text))
    assert len(sizes) > 1 and max(sizes) <= _BATCH_CHARS + _WINDOW_CHARS
    assert all(c.token_ids and len(c.token_ids) == c.n_tokens for c in chunks[:20])
