"""Tests for vectorstore.chunking: sentence splitting and token-bounded chunking."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vectorstore.chunking import HARD_MAX_TOKENS, Chunker
from vectorstore.embedding import token_counter
from vectorstore.errors import ConfigError
from vectorstore.text.sentences import split_paragraphs, split_sentences
from vectorstore.types import Article, Chunk

Counter = Callable[[Sequence[str]], list[int]]

SEED = Path(__file__).resolve().parents[2] / "corpus" / "articles" / "000_0777dc97777bf6e9.txt"


@pytest.fixture(scope="module")
def count() -> Counter:
    """The embedding model's real word-piece counter."""
    return token_counter()


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def word_count(texts: Sequence[str]) -> list[int]:
    """A cheap counter that adds up over whitespace, like the real tokenizer."""
    return [len(t.split()) for t in texts]


def char_count(texts: Sequence[str]) -> list[int]:
    """A counter that does not add up over sentences (it counts the spaces too)."""
    return [len(t) for t in texts]


def sentences_of(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


# -- sentence splitting ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Smith met Mrs. Jones and Dr. Brown. They talked.",
         ["Mr. Smith met Mrs. Jones and Dr. Brown.", "They talked."]),
        ("Prof. Lee, Gen. Milley, Sen. Warren, Rep. Pelosi and Gov. Newsom came. Lt. Col. Vindman "
         "and Sgt. Pepper and Capt. Kirk did not. St. Louis won.",
         ["Prof. Lee, Gen. Milley, Sen. Warren, Rep. Pelosi and Gov. Newsom came.",
          "Lt. Col. Vindman and Sgt. Pepper and Capt. Kirk did not.", "St. Louis won."]),
        ("The U.S. Army and the U.K. Navy met at the U.N. Security Council. The E.U. Commission agreed.",
         ["The U.S. Army and the U.K. Navy met at the U.N. Security Council.",
          "The E.U. Commission agreed."]),
        ("He moved to the U.S. The next year he left.",
         ["He moved to the U.S.", "The next year he left."]),
        ("It opened on Sept. 9 and closed Jan. 3. In Aug. 2019 and Oct. 2020 and Dec. 1 it rained.",
         ["It opened on Sept. 9 and closed Jan. 3.",
          "In Aug. 2019 and Oct. 2020 and Dec. 1 it rained."]),
        ("John F. Kennedy and George W. Bush spoke. J. R. R. Tolkien wrote.",
         ["John F. Kennedy and George W. Bush spoke.", "J. R. R. Tolkien wrote."]),
        ("Growth was 3.5 percent. It was 2.75 in 2019.",
         ["Growth was 3.5 percent.", "It was 2.75 in 2019."]),
        ("He is No. 5 in the list. No. He is not.",
         ["He is No. 5 in the list.", "No.", "He is not."]),
        ("It was Smith vs. Jones in court. Apples, pears, etc. are fruit. He left.",
         ["It was Smith vs. Jones in court.", "Apples, pears, etc. are fruit.", "He left."]),
        ("Fruit, e.g. Apples, and colours, i.e. Red, are fine. Ok.",
         ["Fruit, e.g. Apples, and colours, i.e. Red, are fine.", "Ok."]),
        ("It starts at 10 a.m. and ends at 5 p.m. on Friday. It ended at 6 p.m. He left.",
         ["It starts at 10 a.m. and ends at 5 p.m. on Friday.", "It ended at 6 p.m.", "He left."]),
        ("It starts at 9 a.m. Monday. Then lunch.", ["It starts at 9 a.m. Monday.", "Then lunch."]),
        ("Acme Inc. and Foo Corp. and Bar Ltd. and Baz Co. were sued. Acme Inc. The firm said.",
         ["Acme Inc. and Foo Corp. and Bar Ltd. and Baz Co. were sued.", "Acme Inc.", "The firm said."]),
        ('Lavrov said progress was "possible and necessary." Next came talks.',
         ['Lavrov said progress was "possible and necessary."', "Next came talks."]),
        ("He said “it works.” Then she said ‘no.’ Then (they left.) Done.",
         ["He said “it works.”", "Then she said ‘no.’", "Then (they left.)", "Done."]),
        ('"Stop!" he said. “Why?” she asked. Done.',
         ['"Stop!" he said.', "“Why?” she asked.", "Done."]),
        ('He left. "We are done," she said. ‘Fine.’ “Ok.”',
         ["He left.", '"We are done," she said.', "‘Fine.’", "“Ok.”"]),
        ("Wait... What? Really! Yes… Done. Well… maybe not.",
         ["Wait...", "What?", "Really!", "Yes…", "Done.", "Well… maybe not."]),
        ("Jean-Yves Le Drian met Jean-Marc Ayrault. They spoke.",
         ["Jean-Yves Le Drian met Jean-Marc Ayrault.", "They spoke."]),
        ("Martin Luther King Jr. Day is a holiday. Sammy Davis Jr. He sang.",
         ["Martin Luther King Jr. Day is a holiday.", "Sammy Davis Jr.", "He sang."]),
        ("It rose 5%. 2019 was worse. The end.", ["It rose 5%.", "2019 was worse.", "The end."]),
        ("First paragraph without end\n\nSecond one.", ["First paragraph without end", "Second one."]),
        ("Heading Here\nThe body starts. And goes on.",
         ["Heading Here", "The body starts.", "And goes on."]),
        ("Items:\n- one\n- two\n1. First\n2. Second",
         ["Items:", "- one", "- two", "1. First", "2. Second"]),
        ("A hard wrapped line that goes on and on and on about the\nrest of the sentence here.",
         ["A hard wrapped line that goes on and on and on about the\nrest of the sentence here."]),
        ("Ends.\r\n\r\nNext paragraph.\r\nStill it.", ["Ends.", "Next paragraph.", "Still it."]),
        ("  \n", []),
        ("", []),
    ],
)
def test_split_sentences_cases(text: str, expected: list[str]) -> None:
    assert sentences_of(text) == expected


def test_seed_heading_is_its_own_sentence(seed_text: str) -> None:
    sents = sentences_of(seed_text)
    assert "'Architecture Of Confidence'" in sents
    i = sents.index("'Architecture Of Confidence'")
    assert sents[i - 1].endswith('"possible and necessary."')
    assert sents[i + 1].startswith("Earlier, Le Drian said")
    assert any(s.startswith("Jean-Yves Le Drian and Florence Parly") for s in sents)
    assert sents[-1] == "With reporting by TASS, dpa, AFP, and Reuters"
    assert len(sents) == 20


def assert_valid_spans(text: str, spans: list[tuple[int, int]]) -> None:
    """Spans are ordered, non-empty, stripped, and cover every non-space character."""
    pos = 0
    for s, e in spans:
        assert pos <= s < e <= len(text)
        assert text[pos:s].strip() == ""
        assert text[s:e] == text[s:e].strip()
        pos = e
    assert text[pos:].strip() == ""


def test_split_sentences_seed_offsets(seed_text: str) -> None:
    assert_valid_spans(seed_text, split_sentences(seed_text))


def test_split_paragraphs() -> None:
    text = " a b.\nc\n\n \n  d e \r\n\t\r\nf\u2029g "
    spans = split_paragraphs(text)
    assert [text[s:e] for s, e in spans] == ["a b.\nc", "d e", "f", "g"]
    assert_valid_spans(text, spans)
    assert split_paragraphs(" \n\n ") == []


# -- chunk invariants -----------------------------------------------------------------------


def check_chunks(text: str, chunks: list[Chunk], counter: Counter, max_tokens: int, overlap: int,
                 *, additive: bool = True) -> None:
    """Assert every documented guarantee of :meth:`Chunker.run`."""
    limit = min(max_tokens, HARD_MAX_TOKENS)
    if not text.strip():
        assert chunks == []
        return
    assert chunks
    assert [c.index for c in chunks] == list(range(len(chunks)))
    assert {c.article_id for c in chunks} == {"t"}
    assert counter([c.text for c in chunks]) == [c.n_tokens for c in chunks]
    ids_of = getattr(counter, "ids", None)
    with_ids = [c for c in chunks if c.token_ids]
    if with_ids:  # word-pieces joined from the sentences' are the chunk text's own
        assert ids_of is not None
        assert [list(c.token_ids) for c in with_ids] == ids_of([c.text for c in with_ids])
    whole = set(split_sentences(text))
    for c in chunks:
        assert c.text == text[c.start:c.end]
        assert c.text and c.text == c.text.strip()
        assert c.n_tokens <= limit
        assert c.sentences[0][0] == 0 and c.sentences[-1][1] == len(c.text)
        assert_valid_spans(c.text, list(c.sentences))
    assert text[:chunks[0].start].strip() == "" and text[chunks[-1].end:].strip() == ""
    for prev, nxt in zip(chunks, chunks[1:], strict=False):
        assert prev.start < nxt.start and prev.end < nxt.end
        if nxt.start >= prev.end:
            assert text[prev.end:nxt.start].strip() == ""  # nothing falls between chunks
            continue
        assert overlap > 0
        # The overlap is whole sentences at the end of prev, never all of prev.
        rel = nxt.start - prev.start
        assert rel in {s for s, _ in prev.sentences[1:]}
        if additive:
            assert counter([text[nxt.start:prev.end]])[0] <= overlap
    if overlap > 0 and additive:
        _check_overlap_happens(text, chunks, counter, limit, overlap, whole)


def _check_overlap_happens(text: str, chunks: list[Chunk], counter: Counter, limit: int,
                           overlap: int, whole: set[tuple[int, int]]) -> None:
    """Where the last sentence of a chunk is short and fits beside the next, it overlaps."""
    for prev, nxt in zip(chunks, chunks[1:], strict=False):
        spans = [(prev.start + s, prev.start + e) for s, e in prev.sentences]
        new = [(nxt.start + s, nxt.start + e) for s, e in nxt.sentences
               if nxt.start + s >= prev.end]
        if len(spans) < 2 or not new or spans[-1] not in whole:
            continue
        last, first_new = counter([text[slice(*spans[-1])], text[slice(*new[0])]])
        if last <= overlap and last + first_new <= limit:
            assert nxt.start < prev.end, (prev, nxt)


# -- generated texts ------------------------------------------------------------------------

ASCII_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=10)
UNICODE_WORDS = st.text(
    alphabet=st.characters(categories=("L", "N", "Mn", "Pd", "Sc")), min_size=1, max_size=8)
SPECIAL_WORDS = st.sampled_from(["Mr.", "U.S.", "e.g.", "3.5", "Jean-Yves", "“quoted”", "'q'",
                                 "(aside)", "Sept.", "F.", "中文字符", "naïve", "Ünïcödé", "—"])
LONG_WORD = st.one_of(st.just("x" * 300), st.just("漢" * 400), st.just("ab" * 150))
WORD = st.one_of(ASCII_WORDS, ASCII_WORDS, ASCII_WORDS, UNICODE_WORDS, SPECIAL_WORDS)
END = st.sampled_from([".", ".", ".", "!", "?", "…", '."', ".”", "?’", ""])
GAP = st.sampled_from([" ", " ", " ", " ", "  ", "\t", "\n", "\u00a0"])


@st.composite
def sentences(draw: st.DrawFn) -> str:
    """A sentence of random words; sometimes a very long one or one with a huge word."""
    words = draw(st.lists(WORD, min_size=1, max_size=12))
    if draw(st.integers(0, 6)) == 0:  # very long: the words repeated up to 400 times
        words = words * draw(st.integers(20, 400 // len(words) + 20))
    if draw(st.integers(0, 20)) == 0:
        words.insert(draw(st.integers(0, len(words))), draw(LONG_WORD))
    words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words) + draw(END)


@st.composite
def texts(draw: st.DrawFn, sentence: st.SearchStrategy[str] | None = None) -> str:
    """Paragraphs of sentences, separated by blank lines, with stray whitespace."""
    sentence = sentences() if sentence is None else sentence
    paragraphs = []
    for _ in range(draw(st.integers(0, 6))):
        parts = draw(st.lists(sentence, min_size=1, max_size=6))
        para = parts[0]
        for p in parts[1:]:
            para += draw(GAP) + p
        paragraphs.append(para)
    seps = draw(st.lists(st.sampled_from(["\n\n", "\n \n\n", "\r\n\r\n", "\n\t\n"]),
                         min_size=len(paragraphs), max_size=len(paragraphs)))
    body = "".join(p + s for p, s in zip(paragraphs, seps, strict=True))
    return draw(st.sampled_from(["", " ", "\n\n"])) + body + draw(st.sampled_from(["", " \n"]))


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts(), max_tokens=st.integers(4, 300), overlap=st.integers(0, 40))
def test_chunks_property_word_counter(text: str, max_tokens: int, overlap: int) -> None:
    chunks = Chunker(max_tokens, overlap, word_count).run(Article(id="t", text=text))
    check_chunks(text, chunks, word_count, max_tokens, overlap)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts(), max_tokens=st.integers(20, 120), overlap=st.integers(0, 30))
def test_chunks_property_non_additive_counter(text: str, max_tokens: int, overlap: int) -> None:
    chunks = Chunker(max_tokens, overlap, char_count).run(Article(id="t", text=text))
    check_chunks(text, chunks, char_count, max_tokens, overlap, additive=False)


def test_chunks_property_real_tokenizer(count: Counter) -> None:
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(text=texts(), max_tokens=st.integers(16, 300), overlap=st.integers(0, 40))
    def run(text: str, max_tokens: int, overlap: int) -> None:
        chunks = Chunker(max_tokens, overlap, count).run(Article(id="t", text=text))
        check_chunks(text, chunks, count, max_tokens, overlap)

    run()


SHORT_SENTENCE = st.lists(st.sampled_from(["alpha", "beta", "gamma", "delta", "omega"]),
                          min_size=1, max_size=8).map(lambda ws: "Start " + " ".join(ws) + ".")


@FAST
@given(text=texts(SHORT_SENTENCE), overlap=st.integers(10, 15))
def test_short_sentences_always_overlap(text: str, overlap: int) -> None:
    chunks = Chunker(40, overlap, word_count).run(Article(id="t", text=text))
    check_chunks(text, chunks, word_count, 40, overlap)
    for prev, nxt in zip(chunks, chunks[1:], strict=False):
        assert nxt.start < prev.end


@FAST
@given(text=texts(SHORT_SENTENCE), max_tokens=st.integers(9, 60))
def test_overlap_zero_gives_disjoint_chunks(text: str, max_tokens: int) -> None:
    chunks = Chunker(max_tokens, 0, word_count).run(Article(id="t", text=text))
    check_chunks(text, chunks, word_count, max_tokens, 0)
    for prev, nxt in zip(chunks, chunks[1:], strict=False):
        assert prev.end < nxt.start


# -- chunker examples -----------------------------------------------------------------------


def test_seed_article_chunks(seed_text: str, count: Counter) -> None:
    for max_tokens, overlap in [(200, 32), (64, 16), (256, 0)]:
        chunks = Chunker(max_tokens, overlap, count).run(Article(id="t", text=seed_text))
        check_chunks(seed_text, chunks, count, max_tokens, overlap)
        for c in chunks:
            for s, e in c.sentences:
                assert seed_text[c.start + s:c.start + e] == c.text[s:e]
    chunks = Chunker(200, 32, count).run(Article(id="t", text=seed_text))
    assert len(chunks) > 1
    assert all(c.n_tokens > 0 for c in chunks)
    heading = "'Architecture Of Confidence'"
    assert any(c.text[s:e] == heading for c in chunks for s, e in c.sentences)


def test_blank_and_short_articles(count: Counter) -> None:
    chunker = Chunker(200, 32, count)
    assert chunker.run(Article(id="t", text="")) == []
    assert chunker.run(Article(id="t", text=" \n\n\t ")) == []
    text = "\n  Short article. It has two sentences.\n\nAnd a paragraph. "
    [chunk] = chunker.run(Article(id="t", text=text))
    assert chunk.text == text.strip()
    assert chunk.start == 3 and chunk.index == 0 and chunk.article_id == "t"
    assert chunk.n_tokens == count([chunk.text])[0]
    assert [chunk.text[s:e] for s, e in chunk.sentences] == [
        "Short article.", "It has two sentences.", "And a paragraph."]


def test_long_sentence_is_cut_at_word_boundaries(count: Counter) -> None:
    words = [f"word{i}" for i in range(400)]
    text = "Intro sentence here. " + " ".join(words) + ". Outro sentence."
    chunks = Chunker(50, 10, count).run(Article(id="t", text=text))
    check_chunks(text, chunks, count, 50, 10)
    for c in chunks:
        assert c.start == 0 or text[c.start - 1].isspace()
        assert c.end == len(text) or text[c.end].isspace()
    assert len(chunks) >= count([text])[0] // 50


def test_huge_word_is_cut_between_characters(count: Counter) -> None:
    text = "Before. " + "漢" * 1000 + " after."
    chunks = Chunker(100, 10, count).run(Article(id="t", text=text))
    check_chunks(text, chunks, count, 100, 10)
    assert len(chunks) >= 10


def test_ceiling_is_254(count: Counter) -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(300))
    chunks = Chunker(1000, 0, count).run(Article(id="t", text=text))
    check_chunks(text, chunks, count, 1000, 0)
    assert max(c.n_tokens for c in chunks) <= HARD_MAX_TOKENS
    assert max(c.n_tokens for c in chunks) > 200


def test_prefers_paragraph_ends() -> None:
    para = "One two three four five six. One two three four five six."
    text = f"{para}\n\n{para}\n\n{para}"
    chunks = Chunker(20, 0, word_count).run(Article(id="t", text=text))
    assert [c.text for c in chunks] == [para, para, para]
    # Under half full: fill with sentences instead.
    six = "One two three four five six."
    text = f"One two three.\n\n{six} {six} {six}"
    chunks = Chunker(20, 0, word_count).run(Article(id="t", text=text))
    assert [c.text for c in chunks] == [f"One two three.\n\n{six} {six}", six]


def test_overlap_is_whole_sentences_that_fit() -> None:
    text = "Aa bb cc dd ee ff. Gg hh. Ii jj kk ll mm nn oo pp qq rr ss tt."
    chunks = Chunker(12, 3, word_count).run(Article(id="t", text=text))
    check_chunks(text, chunks, word_count, 12, 3)
    assert [c.text for c in chunks] == ["Aa bb cc dd ee ff. Gg hh.",
                                        "Ii jj kk ll mm nn oo pp qq rr ss tt."]
    chunks = Chunker(14, 3, word_count).run(Article(id="t", text=text))
    assert [c.text for c in chunks] == ["Aa bb cc dd ee ff. Gg hh.",
                                        "Gg hh. Ii jj kk ll mm nn oo pp qq rr ss tt."]
    # The last sentence is longer than the overlap: no overlap rather than half a sentence.
    chunks = Chunker(14, 1, word_count).run(Article(id="t", text=text))
    assert [c.text for c in chunks] == ["Aa bb cc dd ee ff. Gg hh.",
                                        "Ii jj kk ll mm nn oo pp qq rr ss tt."]


def test_resplit_chunks_stay_ordered() -> None:
    # With a counter that is not additive, a chunk over the limit is re-split; the next
    # chunk's overlap must not leave a chunk inside another (found by hypothesis).
    seg = "a a aaaa aaaaaa aaaaaa aaaaaaaaaa aaaaaaaaaa "
    text = ("A. A " + seg * 19 + seg.strip() + ". A" + " a" * 19 + ". A. Aaaaaaaaaa. A "
            + "x" * 333 + " a" * 19 + ".\n\nX" + "x" * 333 + " a" * 20 + ".\n\n")
    chunks = Chunker(99, 54, char_count).run(Article(id="t", text=text))
    check_chunks(text, chunks, char_count, 99, 54, additive=False)


def test_counts_in_batches(seed_text: str, count: Counter) -> None:
    calls: list[int] = []

    def counting(texts: Sequence[str]) -> list[int]:
        calls.append(len(texts))
        return count(texts)

    Chunker(200, 32, counting).run(Article(id="t", text=seed_text))
    assert len(calls) == 2  # the sentences, then the chunks


def test_additive_counter_counts_sentences_only(seed_text: str, count: Counter) -> None:
    """The model's tokenizer declares itself additive: chunks are not tokenized again, and
    their counts still equal the tokenizer's, including chunks of a word cut in pieces."""
    assert getattr(count, "additive", False)
    calls: list[list[str]] = []

    def counting(texts: Sequence[str]) -> list[int]:
        calls.append(list(texts))
        return count(texts)

    counting.additive = True  # type: ignore[attr-defined]
    text = seed_text * 3
    chunks = Chunker(200, 32, counting).run(Article(id="t", text=text))
    assert len(chunks) > 3 and len(calls) == 1  # the sentences, once
    check_chunks(text, chunks, count, 200, 32)
    # The model's counter also gives the word-piece ids: every chunk of the seed carries its
    # own, so ingest does not tokenize them again for the encoder.
    chunks = Chunker(200, 32, count).run(Article(id="t", text=text))
    assert all(c.token_ids for c in chunks)
    check_chunks(text, chunks, count, 200, 32)
    calls.clear()
    text = "Before. " + "x" * 3000 + " after."  # pieces of one word are not whitespace-joined
    chunks = Chunker(100, 10, counting).run(Article(id="t", text=text))
    check_chunks(text, chunks, count, 100, 10)
    assert any(c.text in calls[-1] for c in chunks)  # those chunks were counted again


def test_default_counter_is_lazy_and_real(seed_text: str, count: Counter) -> None:
    chunker = Chunker()
    assert chunker._count is None
    chunks = chunker.run(Article(id="t", text=seed_text))
    check_chunks(seed_text, chunks, count, 200, 32)


def test_invalid_arguments() -> None:
    with pytest.raises(ConfigError):
        Chunker(0, 0, word_count)
    with pytest.raises(ConfigError):
        Chunker(100, -1, word_count)
