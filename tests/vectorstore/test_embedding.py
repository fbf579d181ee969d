"""Embedder, token counting, backend choice, and the ingest pipeline's embedding cache."""

from __future__ import annotations

import numpy as np
import pytest

from vectorstore.chunking import Chunker
from vectorstore.config import Settings
from vectorstore.embedding import Embedder, pick_device, resolve_model_path, token_counter
from vectorstore.errors import ConfigError
from vectorstore.ingest import Ingestor
from vectorstore.store import open_store
from vectorstore.types import Article

STORY = ("The city council of Dunmore voted on Tuesday to build a new bridge over the river Arl. "
         "The vote was 7 to 2, after a debate that lasted four hours.\n\n"
         "Mayor Alice Varga said the bridge would cost 14 million euros and open in 2027. "
         "Opponents said the money should go to schools instead.\n\n"
         "Construction is expected to start next spring, the council's engineering office said. "
         "The old ferry will keep running until the bridge opens.")
STORM = ("A storm knocked out power to 30,000 homes in the coastal town of Pellow on Sunday. "
         "Crews worked through the night to restore electricity, the utility said.")


def test_token_counts_match_the_models_tokenizer():
    from transformers import AutoTokenizer

    texts = [STORY, STORM, "", "Émigrés' café — «quotes», 日本語, emoji 😀", "U.S. GDP grew 2.5%.",
             "a" * 3000, "\u00a0odd\u200bspaces\tand\nlines"]
    ref = AutoTokenizer.from_pretrained(resolve_model_path(""))
    want = [len(x) for x in ref(texts, add_special_tokens=False)["input_ids"]]
    assert token_counter()(texts) == want
    assert token_counter()([]) == []


@pytest.mark.parametrize("backend", ["torch", "onnx", "onnx-int8"])
def test_vectors_are_unit_length_in_input_order(backend):
    e = Embedder(backend=backend, device="cpu")
    texts = [STORM, STORY, "bridge", STORM]
    v = e.embed(texts)
    assert v.shape == (4, e.dim) == (4, 384) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(v[0], v[3], atol=1e-5)
    w = e.embed(texts[::-1])[::-1]
    np.testing.assert_allclose(v, w, atol=1e-4)
    np.testing.assert_allclose(e.embed_query(STORM), v[0], atol=1e-4)
    assert e.embed([]).shape == (0, 384)


def test_default_backend_and_device():
    e = Embedder.from_settings(Settings.from_env({}))
    assert e.device == pick_device("auto")
    assert e.backend == ("onnx-int8" if e.device == "cpu" else "torch")
    with pytest.raises(ConfigError, match="onnx-int8"):
        Embedder(backend="tensorrt")
    with pytest.raises(ConfigError, match="NEWSDESK_EMBED_BACKEND"):
        Settings.from_env({"NEWSDESK_EMBED_BACKEND": "fast"})


def test_matching_keeps_the_stores_precision():
    e = Embedder(backend="onnx-int8", device="cpu")
    assert e.matching("onnx-int8") is e
    assert e.matching("torch").backend == "onnx"  # fp32 store: same vectors, no torch
    f = Embedder(backend="torch", device="cpu")
    assert f.matching("onnx").backend == "torch"
    assert f.matching("onnx-int8").backend == "onnx-int8"


def test_desk_records_backend_and_reindex_switches_it(tmp_path):
    from qa.desk import NewsDesk

    home = tmp_path / "h"
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "storm.txt").write_text(STORM, encoding="utf-8")
    fp32 = Settings.from_env({"NEWSDESK_HOME": str(home), "NEWSDESK_EMBED_BACKEND": "onnx",
                              "NEWSDESK_DEVICE": "cpu"})
    desk = NewsDesk.open(settings=fp32)
    desk.ingest([tmp_path / "a"])
    assert desk.stats()["backend"] == "onnx"
    # int8 configured on an fp32 store: queries keep to fp32 vectors until reindex
    int8 = fp32.with_(embed_backend="onnx-int8")
    desk2 = NewsDesk.open(settings=int8)
    assert desk2.embedder.backend == "onnx"
    assert desk2.ask("How many homes lost power?").passages[0].article_id == "file:a/storm.txt"
    desk2.embedder = Embedder.from_settings(int8)
    desk2.reindex()
    assert desk2.stats()["backend"] == "onnx-int8"
    assert NewsDesk.open(settings=int8).embedder.backend == "onnx-int8"
    assert NewsDesk.open(settings=fp32).embedder.backend == "onnx-int8"


class CountingEmbedder(Embedder):
    """The real encoder, counting the texts it is asked to embed (and those given as ids)."""

    def __init__(self) -> None:
        super().__init__(backend="onnx-int8", device="cpu")
        self.texts: list[str] = []
        self.with_ids = 0

    def embed(self, texts, token_ids=None):  # type: ignore[no-untyped-def]
        self.texts += list(texts)
        self.with_ids += len(texts) if token_ids is not None else 0
        return super().embed(texts, token_ids)


def _articles(n: int) -> list[Article]:
    towns = ["Arlen", "Bexley", "Corran", "Dunmore", "Eskdale", "Farrow", "Glenby", "Hartle"]
    return [Article(id=f"a{i}", title=f"Story {i}",
                    text=f"In {towns[i % 8]} number {i}, the council met on day {i} to vote on "
                         f"plan {i * 7}. Residents of ward {i} asked about the budget of "
                         f"{i * 13} pounds.\n\n" + STORY.replace("Dunmore", towns[i % 8]) +
                         f" Footnote {i}: the meeting lasted {i % 5 + 2} hours.")
            for i in range(n)]


def test_pipeline_never_embeds_a_text_twice(tmp_path):
    s = Settings.from_env({"NEWSDESK_HOME": str(tmp_path / "h")})
    emb = CountingEmbedder()
    store = open_store(s, model=emb.identity, dim=emb.dim, backend=emb.backend)
    chunker = Chunker(40, 8, token_counter())
    arts = _articles(30)  # many batches: the first is small, so several flush
    rep = Ingestor(store, emb, chunker).ingest_articles(arts)
    assert rep.added == 30 and rep.failed == 0
    assert len(emb.texts) == len(set(emb.texts)) == rep.embedded
    assert emb.with_ids == rep.embedded  # the chunker's word-pieces, not tokenized again
    assert rep.embedded + rep.reused == rep.chunks == store.count_chunks()
    assert rep.reused > 0  # the shared paragraphs' chunks were embedded once
    # a new ingestor (empty memory cache) finds every vector in the store
    emb.texts.clear()
    changed = [Article(id=a.id, title=a.title, text=a.text + " An update followed.")
               for a in arts[:3]]
    rep2 = Ingestor(store, emb, chunker).ingest_articles(changed)
    assert rep2.updated == 3
    assert 0 < len(emb.texts) < rep2.chunks, "only the changed last chunks are embedded"
    stored = store.vectors_for_ids(store.chunk_ids_of("a0"))
    assert all(abs(float(np.linalg.norm(v)) - 1) < 1e-4 for v in stored.values())


def test_pipeline_writes_copies_after_their_original_in_one_run(tmp_path):
    s = Settings.from_env({"NEWSDESK_HOME": str(tmp_path / "h")})
    emb = Embedder(backend="onnx-int8", device="cpu")
    store = open_store(s, model=emb.identity, dim=emb.dim, backend=emb.backend)
    arts = _articles(12)
    copy = Article(id="copy-of-a11", title="Copy", source="Wire", text=arts[11].text)
    rep = Ingestor(store, emb, Chunker(40, 8, token_counter())).ingest_articles(
        [*arts, copy, arts[2]])
    assert (rep.added, rep.duplicates, rep.unchanged) == (12, 1, 1)
    canon = store.get_article("a11")
    assert canon is not None and [c["id"] for c in canon.copies] == ["copy-of-a11"]
    assert len(store.articles()) == 12



def test_pipeline_reads_store_records_in_groups_not_per_article(tmp_path, monkeypatch):
    """A read per article cost ~3 s of a 20 s ingest (each Chroma call holds the GIL, so the
    encoder waits): records and hashes are read once per group of articles, found or not."""
    s = Settings.from_env({"NEWSDESK_HOME": str(tmp_path / "h")})
    emb = CountingEmbedder()
    store = open_store(s, model=emb.identity, dim=emb.dim, backend=emb.backend)
    single: list[str] = []
    for name in ("get_article", "find_by_hash"):
        real = getattr(store, name)

        def spy(*a, _real=real, _name=name):
            single.append(_name)
            return _real(*a)
        monkeypatch.setattr(store, name, spy)
    arts = _articles(30)
    chunker = Chunker(40, 8, token_counter())
    assert Ingestor(store, emb, chunker).ingest_articles(arts).added == 30
    assert single == []  # new articles: none found in the group reads, none read again
    assert Ingestor(store, emb, chunker).ingest_articles(arts).unchanged == 30
    assert single == []


@pytest.mark.parametrize("backend", ["onnx-int8", "onnx"])
def test_vectors_from_the_chunkers_ids_are_the_vectors_of_the_texts(backend):
    """Skipping the tokenizer changes nothing: the same ids, wrapped and truncated alike."""
    emb = Embedder(backend=backend, device="cpu")
    count = token_counter()
    texts = [STORY, STORM, "Émigrés' café — «quotes», 日本語", "word " * 400]  # the last truncated
    ids = count.ids(texts)  # type: ignore[attr-defined]
    assert len(ids[-1]) > 256
    assert np.array_equal(emb.embed(texts, token_ids=ids), emb.embed(texts))
