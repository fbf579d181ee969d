"""Ingest: load → detect duplicates → chunk → embed (cached by content hash) → store."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from vectorstore.chunking import Chunker
from vectorstore.embedding import Embedder
from vectorstore.hashing import content_hash, hamming, normalise_for_dup, shingles, simhash
from vectorstore.lexical import LexicalIndex
from vectorstore.loading import LoadIssue, load_paths
from vectorstore.store import ArticleRecord, Store
from vectorstore.types import Article, Chunk

Progress = Callable[[int, int, str], None]
"""Called as ``progress(done, total, label)`` after each article."""

NEAR_DUP_BITS = 8
NEAR_DUP_JACCARD = 0.7
_BATCH_CHUNKS = 256


@dataclass
class IngestReport:
    """What one ingest did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    failed: int = 0
    skipped: int = 0
    chunks: int = 0
    embedded: int = 0
    reused: int = 0
    tokens: int = 0
    seconds: float = 0.0
    issues: list[LoadIssue] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether anything in the store changed."""
        return bool(self.added or self.updated)

    def summary(self) -> str:
        """One line for people."""
        return (f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.duplicates} duplicate, {self.failed} failed"
                + (f", {self.skipped} skipped" if self.skipped else "")
                + f"; {self.chunks} chunks ({self.embedded} embedded, {self.reused} reused) "
                f"in {self.seconds:.1f} s")

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "added": self.added, "updated": self.updated, "unchanged": self.unchanged,
            "duplicates": self.duplicates, "failed": self.failed, "skipped": self.skipped,
            "chunks": self.chunks, "embedded": self.embedded, "reused": self.reused,
            "tokens": self.tokens, "seconds": round(self.seconds, 3),
            "issues": [{"path": i.path, "reason": i.reason, "kind": i.kind} for i in self.issues],
        }


@dataclass
class _Pending:
    article: Article
    chunks: list[Chunk]
    hashes: list[str]
    text_hash: str
    simhash: int
    copies: tuple[dict[str, str], ...]
    updated: bool


def normalised_hash(text: str) -> str:
    """Hash of the article's words, lower-cased: equal for the same story in other whitespace."""
    return content_hash(" ".join(normalise_for_dup(text)))


class Ingestor:
    """Puts articles into a :class:`Store`, keeping it idempotent and duplicate-free.

    Args:
        store: Where the chunks go.
        embedder: Turns chunk texts into vectors (loaded on first need).
        chunker: Splits articles into chunks.
        lexical: The BM25 index to rebuild after a change (optional).
    """

    def __init__(self, store: Store, embedder: Embedder, chunker: Chunker,
                 lexical: LexicalIndex | None = None) -> None:
        self.store = store
        self.embedder = embedder
        self.chunker = chunker
        self.lexical = lexical
        self._simhashes: dict[str, int] | None = None
        self._pending: list[_Pending] = []
        self._cache: dict[str, np.ndarray] = {}

    def run(self, paths: Iterable[str | Path], *, max_bytes: int | None = None,
            progress: Progress | None = None) -> IngestReport:
        """Ingest every article under ``paths``; bad files are reported, never fatal."""
        t0 = time.perf_counter()
        report = IngestReport()
        articles: list[Article] = []
        kw = {"max_bytes": max_bytes} if max_bytes else {}
        for item in load_paths(paths, **kw):
            if isinstance(item, LoadIssue):
                report.issues.append(item)
                if item.kind == "skipped":
                    report.skipped += 1
                else:
                    report.failed += 1
            else:
                articles.append(item)
        self.ingest_articles(articles, report=report, progress=progress)
        report.seconds = time.perf_counter() - t0
        return report

    def ingest_articles(self, articles: Sequence[Article], *, report: IngestReport | None = None,
                        progress: Progress | None = None) -> IngestReport:
        """Ingest already-loaded articles."""
        t0 = time.perf_counter()
        rep = report or IngestReport()
        seen_hash: dict[str, str] = {}
        self._pending = []
        total = len(articles)
        for i, art in enumerate(articles):
            p = self._plan(art, rep, seen_hash)
            if p is not None:
                self._pending.append(p)
            if sum(len(x.chunks) for x in self._pending) >= _BATCH_CHUNKS:
                self._flush(rep)
            if progress:
                progress(i + 1, total, art.title or art.id)
        self._flush(rep)
        if rep.changed:
            self.refresh_lexical()
        if report is None:
            rep.seconds = time.perf_counter() - t0
        return rep

    def refresh_lexical(self) -> None:
        """Rebuild the BM25 index from the store."""
        if self.lexical is not None:
            self.lexical.build(self.store.iter_chunks(), self.store.revision())

    # -- steps ----------------------------------------------------------------------------

    def _plan(self, art: Article, rep: IngestReport, seen_hash: dict[str, str]) -> _Pending | None:
        th = normalised_hash(art.text)
        sh = simhash(art.text)
        rec = self.store.get_article(art.id)
        updated = False
        copies: tuple[dict[str, str], ...] = ()
        if rec is not None:
            if rec.dup_of:
                if rec.hash == th:
                    rep.duplicates += 1
                    return None
                self.store.delete_article(art.id)  # the copy changed: it is a story of its own
            elif rec.hash == th and _same_fields(rec, art) and rec.n_chunks > 0:
                rep.unchanged += 1
                rep.article_ids.append(art.id)
                return None
            else:
                updated = True
                copies = rec.copies
        if not updated:
            canonical = seen_hash.get(th) or self._exact_dup(th) or self._near_dup(art, sh)
            if canonical and canonical != art.id:
                if any(p.article.id == canonical for p in self._pending):
                    self._flush(rep)  # the original is still in this batch: store it first
                self.store.add_copy(canonical, art, th, sh)
                rep.duplicates += 1
                return None
        seen_hash[th] = art.id
        chunks = self.chunker.run(art)
        if not chunks:
            rep.failed += 1
            rep.issues.append(LoadIssue(art.path or art.id, "no text to index"))
            return None
        hashes = [content_hash(c.text) for c in chunks]
        return _Pending(art, chunks, hashes, th, sh, copies, updated)

    def _exact_dup(self, th: str) -> str | None:
        rec = self.store.find_by_hash(th)
        return rec.id if rec else None

    def _near_dup(self, art: Article, sh: int) -> str | None:
        if self._simhashes is None:
            self._simhashes = self.store.simhashes()
        pending = {p.article.id: p for p in self._pending}
        candidates = {**self._simhashes, **{i: p.simhash for i, p in pending.items()}}
        mine: set[int] | None = None
        for aid, other in candidates.items():
            if aid == art.id or hamming(sh, other) > NEAR_DUP_BITS:
                continue
            mine = mine if mine is not None else shingles(art.text)
            theirs = shingles(pending[aid].article.text if aid in pending
                              else self.store.article_text(aid))
            if mine and theirs and len(mine & theirs) / len(mine | theirs) >= NEAR_DUP_JACCARD:
                return aid
        return None

    def _flush(self, rep: IngestReport) -> None:
        pending, self._pending = self._pending, []
        if not pending:
            return
        all_hashes = [h for p in pending for h in p.hashes]
        missing = [h for h in dict.fromkeys(all_hashes) if h not in self._cache]
        if missing:
            self._cache.update(self.store.vectors_for_hashes(missing))
        to_embed: dict[str, str] = {}
        for p in pending:
            for c, h in zip(p.chunks, p.hashes, strict=True):
                if h not in self._cache:
                    to_embed.setdefault(h, c.text)
        if to_embed:
            vecs = self.embedder.embed(list(to_embed.values()))
            for h, v in zip(to_embed, vecs, strict=True):
                self._cache[h] = v
        rep.embedded += len(to_embed)
        rep.reused += len(all_hashes) - len(to_embed)
        for p in pending:
            vectors = np.stack([self._cache[h] for h in p.hashes])
            rec_sources = ArticleRecord(p.article.id, p.article.title, p.article.url,
                                        p.article.source, p.article.published, 0, "", 0,
                                        copies=p.copies).sources
            urls = [p.article.url] + [c["url"] for c in p.copies if c.get("url")]
            self.store.replace_chunks(p.article, p.chunks, vectors, p.hashes, rec_sources,
                                      [u for u in urls if u])
            self.store.put_article(p.article, text_hash=p.text_hash, simhash=p.simhash,
                                   n_chunks=len(p.chunks), copies=p.copies)
            if self._simhashes is not None:
                self._simhashes[p.article.id] = p.simhash
            rep.chunks += len(p.chunks)
            rep.tokens += sum(c.n_tokens for c in p.chunks)
            rep.article_ids.append(p.article.id)
            if p.updated:
                rep.updated += 1
            else:
                rep.added += 1
        if len(self._cache) > 200_000:
            self._cache.clear()


def _same_fields(rec: ArticleRecord, art: Article) -> bool:
    return (rec.title, rec.url, rec.source, rec.published) == (
        art.title, art.url, art.source, art.published)
