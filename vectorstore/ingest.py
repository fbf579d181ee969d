"""Ingest: load → detect duplicates → chunk → embed (cached by content hash) → store.

The work runs as a three-stage pipeline so that everything but the encoder hides
behind it:

* a planner thread loads the files, detects duplicates, chunks, hashes the chunks and
  looks their hashes up in the store (the embedding cache), in batches;
* the calling thread encodes the chunks no stored vector exists for (each distinct
  text once: an unchanged chunk is never embedded twice);
* a writer thread stores each encoded batch: its catalog rows and journal entries in one
  transaction, then its vectors in a few large Chroma calls, then marks them indexed.

Store writes happen in one thread and in order, so duplicates recorded as copies of
an article are written after that article.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from vectorstore.chunking import Chunker
from vectorstore.dedupe import (
    NEAR_DUP_BITS,
    SimHashes,
    content_hash,
    normalised_hash,
    resembles,
    shingles,
    simhash,
)
from vectorstore.embedding import Embedder
from vectorstore.errors import DiskFull
from vectorstore.lexical import LexicalIndex, pretokenize
from vectorstore.loading import LoadIssue, load_paths
from vectorstore.pipeline import Pipeline
from vectorstore.store import ArticleRecord, ArticleWrite, Store
from vectorstore.store.codec import article_of
from vectorstore.types import Article, Chunk

Progress = Callable[[int, int, str], None]
"""Called as ``progress(done, total, label)`` after each article."""

_BATCH_CHUNKS = 512
_FIRST_BATCH_CHUNKS = 32  # a small first batch gets the encoder going at once; each next
# batch is twice as big (up to _BATCH_CHUNKS), so the planner always has time to plan it
_CACHE_MAX = 50_000  # vectors kept for reuse within a run (75 MB at 384 dimensions)
_PREFETCH = 64  # articles whose store records the planner reads in one call


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

    def note(self, issue: LoadIssue) -> None:
        """Add a load issue, counted as failed or skipped (a ``warning`` is not counted: its
        article was loaded)."""
        self.issues.append(issue)
        self.failed += issue.kind == "failed"
        self.skipped += issue.kind == "skipped"

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


@dataclass
class _Batch:
    """Planned articles on their way to the encoder, with the stored vectors found for them."""

    items: list[_Pending]
    found: dict[str, np.ndarray]
    done: list[str] = field(default_factory=list)  # labels of articles settled before these
    op: tuple[Callable[..., Any], tuple[Any, ...]] | None = None  # a store write to run instead


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
        self._simhashes: SimHashes | None = None
        self._texts: dict[str, str] = {}  # planned in this run, maybe not stored yet
        self._planned: dict[str, str] = {}  # article id -> text hash, planned in this run
        self._cache: dict[str, np.ndarray] = {}
        self._before: list[_Batch] = []  # store writes the next planned article must follow
        # Store records prefetched for the group of articles being planned.
        self._recs: dict[str, ArticleRecord] = {}
        self._recs_read: set[str] = set()  # ids looked up with _recs (absent: not stored)
        self._by_hash: dict[str, ArticleRecord] = {}
        self._hashes_read: set[str] = set()
        self.timings: dict[str, float] = {}

    def run(self, paths: Iterable[str | Path], *, max_bytes: int | None = None,
            max_records: int | None = None, progress: Progress | None = None) -> IngestReport:
        """Ingest every article under ``paths``; bad files are reported, never fatal.
        ``max_bytes`` and ``max_records`` limit each file (default: the loader's)."""
        t0 = time.perf_counter()
        report = IngestReport()
        kw = {k: v for k, v in (("max_bytes", max_bytes), ("max_records", max_records)) if v}
        paths = list(paths)

        def articles() -> list[Article]:
            out: list[Article] = []
            for item in load_paths(paths, **kw):
                if isinstance(item, LoadIssue):
                    report.note(item)
                else:
                    out.append(item)
            return out

        self._pipeline(articles, report, progress)
        report.seconds = time.perf_counter() - t0
        return report

    def ingest_articles(self, articles: Sequence[Article], *, report: IngestReport | None = None,
                        progress: Progress | None = None) -> IngestReport:
        """Ingest already-loaded articles."""
        t0 = time.perf_counter()
        rep = report or IngestReport()
        self._pipeline(lambda: list(articles), rep, progress)
        if report is None:
            rep.seconds = time.perf_counter() - t0
        return rep

    def finish_pending(self, progress: Progress | None = None) -> IngestReport | None:
        """Chunk and embed the articles whose vectors were never written, from their stored
        texts: an ingest that crashed between its catalog write and its vectors (or a
        ``reindex``/``repair`` under way). ``None`` when there were none."""
        ids = self.store.pending()
        if not ids:
            return None
        recs = self.store.get_articles(ids)
        arts = [article_of(r, self.store.article_text(aid)) for aid, r in recs.items()]
        return self.ingest_articles(arts, progress=progress)

    def refresh_lexical(self) -> None:
        """Bring the BM25 index up to the store's revision (see :meth:`LexicalIndex.sync`)."""
        if self.lexical is not None:
            self.lexical.sync(self.store)

    # -- the pipeline ---------------------------------------------------------------------

    def _pipeline(self, load: Callable[[], list[Article]], rep: IngestReport,
                  progress: Progress | None) -> None:
        """Plan in a thread, encode here, write in a thread; raise the first error of any."""
        events: queue.Queue[str] = queue.Queue()
        total = [0]
        done = 0
        self._texts, self._planned = {}, {}

        def plan(stop: threading.Event) -> Iterator[_Batch]:
            arts = load()
            total[0] = len(arts)
            yield from self._plan_batches(arts, rep, stop)

        def report_progress() -> None:
            nonlocal done
            while progress is not None:
                try:
                    label = events.get_nowait()
                except queue.Empty:
                    return
                done += 1
                progress(done, max(total[0], done), label)

        times, error = Pipeline(plan, lambda b: self._encode(b, rep),
                                lambda b: self._write(b, rep, events), report_progress).run()
        report_progress()
        self.timings = {"encode_s": times.work_s, "wait_for_planner_s": times.wait_for_producer_s,
                        "wait_for_writer_s": times.wait_for_consumer_s}
        if isinstance(error, DiskFull):  # say what this ingest stored before the disk filled
            raise DiskFull(f"{error} ({rep.added + rep.updated} articles of this ingest were "
                           f"stored, {rep.duplicates} found duplicate)") from error
        if error is not None:
            raise error
        if rep.changed:
            self.refresh_lexical()

    def _plan_batches(self, articles: Sequence[Article], rep: IngestReport,
                      stop: threading.Event) -> Iterator[_Batch]:
        """Plan articles into batches of chunks (copies and deletions travel in order)."""
        seen_hash: dict[str, str] = {}
        cur = _Batch([], {})
        n_chunks = 0
        limit = _FIRST_BATCH_CHUNKS
        self._before = []
        hashes: list[str] = []
        for i, art in enumerate(articles):
            if stop.is_set():
                return
            if i % _PREFETCH == 0:  # one store read per group instead of two per article
                hashes = self._prefetch(articles[i:i + _PREFETCH])
            p = self._plan(art, rep, seen_hash, hashes[i % _PREFETCH])
            ops = self._before + ([p] if isinstance(p, _Batch) else [])
            if ops:  # store writes that must follow what is planned so far
                self._before = []
                if cur.items or cur.done:
                    yield self._lookup(cur)
                yield from ops
                cur, n_chunks = _Batch([], {}), 0
            if isinstance(p, _Batch):
                continue
            if p is None:
                cur.done.append(art.title or art.id)
                continue
            cur.items.append(p)
            n_chunks += len(p.chunks)
            if n_chunks >= limit:
                yield self._lookup(cur)
                cur, n_chunks, limit = _Batch([], {}), 0, min(2 * limit, _BATCH_CHUNKS)
        if cur.items or cur.done:
            yield self._lookup(cur)

    def _prefetch(self, group: Sequence[Article]) -> list[str]:
        """Read the store records of ``group`` and of their text hashes, in two calls;
        return the text hashes, in ``group``'s order (one per version of an article)."""
        self._recs = self.store.get_articles([a.id for a in group])
        self._recs_read = {a.id for a in group}
        hashes = [normalised_hash(a.text) for a in group]
        self._by_hash = self.store.find_by_hashes(hashes)
        self._hashes_read = set(hashes)
        return hashes

    def _lookup(self, batch: _Batch) -> _Batch:
        """Find stored vectors for the batch's chunk hashes (the embedding cache)."""
        hashes = [h for p in batch.items for h in p.hashes]
        missing = [h for h in dict.fromkeys(hashes) if h not in self._cache]
        if missing:
            batch.found = self.store.vectors_for_hashes(missing)
        return batch

    def _encode(self, batch: _Batch, rep: IngestReport) -> None:
        """Embed each distinct chunk text of the batch that has no vector yet."""
        if batch.found:
            self._cache.update(batch.found)
        all_hashes = [h for p in batch.items for h in p.hashes]
        to_embed: dict[str, Chunk] = {}
        for p in batch.items:
            for c, h in zip(p.chunks, p.hashes, strict=True):
                if h not in self._cache:
                    to_embed.setdefault(h, c)
        if to_embed:
            chunks = list(to_embed.values())
            ids = [c.token_ids for c in chunks]  # the chunker's word-pieces: no re-tokenizing
            vecs = self.embedder.embed([c.text for c in chunks],
                                       token_ids=ids if all(ids) else None)
            for h, v in zip(to_embed, vecs, strict=True):
                self._cache[h] = v
        rep.embedded += len(to_embed)
        rep.reused += len(all_hashes) - len(to_embed)
        batch.found = {h: self._cache[h] for h in dict.fromkeys(all_hashes)}
        if len(self._cache) > _CACHE_MAX:
            self._cache.clear()

    def _write(self, batch: _Batch, rep: IngestReport, events: queue.Queue[str]) -> None:
        """Store a batch (the writer thread), or run the store operation it carries."""
        if batch.op is not None:
            fn, args = batch.op
            fn(*args)
        for label in batch.done:
            events.put(label)
        writes = _writes_of(batch)
        copies = self.store.write_articles(writes)  # stored meanwhile by another process
        # The BM25 rebuild after ingest finds these tokenized already (off the critical path).
        pretokenize([c.text for w in writes for c in w.chunks])
        for p in batch.items:
            if p.article.id in copies:
                rep.duplicates += 1
                events.put(p.article.title or p.article.id)
                continue
            rep.chunks += len(p.chunks)
            rep.tokens += sum(c.n_tokens for c in p.chunks)
            rep.article_ids.append(p.article.id)
            if p.updated:
                rep.updated += 1
            else:
                rep.added += 1
            events.put(p.article.title or p.article.id)

    # -- steps ----------------------------------------------------------------------------

    @staticmethod
    def _op(fn: Callable[..., Any], *args: Any, label: str = "") -> _Batch:
        """A store write that must run in order with the batch writes (in the writer thread)."""
        return _Batch([], {}, [label] if label else [], (fn, args))

    def _plan(self, art: Article, rep: IngestReport, seen_hash: dict[str, str],
              th: str) -> _Pending | _Batch | None:
        """What to do with ``art`` (text hash ``th``): chunks to embed and write, a store
        operation, or nothing."""
        sh = simhash(art.text)
        known = self._known(art, th, rep)
        if known is None:
            return None
        updated, copies = known
        if not updated:
            canonical = seen_hash.get(th) or self._exact_dup(th) or self._near_dup(art, sh)
            if canonical and canonical != art.id:
                rep.duplicates += 1
                return self._op(self.store.add_copy, canonical, art, th, sh,
                                label=art.title or art.id)
        seen_hash[th] = art.id
        chunks = self.chunker.run(art)
        if not chunks:
            rep.failed += 1
            rep.issues.append(LoadIssue(art.path or art.id, "no text to index"))
            return None
        hashes = [content_hash(c.text) for c in chunks]
        self._planned[art.id] = th
        self._texts[art.id] = art.text
        if self._simhashes is not None:
            self._simhashes[art.id] = sh
        return _Pending(art, chunks, hashes, th, sh, copies, updated)

    def _known(self, art: Article, th: str,
               rep: IngestReport) -> tuple[bool, tuple[dict[str, str], ...]] | None:
        """How ``art`` (text hash ``th``) stands against what is stored or planned in this run.

        Returns:
            ``None`` when there is nothing to do (unchanged, or a known copy: counted in
            ``rep``), else ``(updated, the copies recorded for it)``.
        """
        prior = self._planned.get(art.id)
        if prior is not None:  # the same article twice in this run
            if prior == th:
                rep.unchanged += 1
                rep.article_ids.append(art.id)
                return None
            return True, ()
        rec = (self._recs.get(art.id) if art.id in self._recs_read
               else self.store.get_article(art.id))
        if rec is None:
            return False, ()
        if rec.dup_of:
            if rec.hash == th:
                rep.duplicates += 1
                return None
            # The copy changed: it is a story of its own. Its old record goes first.
            self._before.append(self._op(self.store.delete_article, art.id))
            return False, ()
        if rec.hash == th and _same_fields(rec, art) and rec.n_chunks > 0:
            rep.unchanged += 1
            rep.article_ids.append(art.id)
            return None
        return True, rec.copies

    def _exact_dup(self, th: str) -> str | None:
        rec = self._by_hash.get(th) if th in self._hashes_read else self.store.find_by_hash(th)
        return rec.id if rec else None

    def _near_dup(self, art: Article, sh: int) -> str | None:
        if self._simhashes is None:
            self._simhashes = SimHashes(self.store.simhashes())
            for aid in self._texts:  # planned before the first look-up
                if aid not in self._simhashes:
                    self._simhashes[aid] = simhash(self._texts[aid])
        mine: set[int] | None = None
        for aid in self._simhashes.near(sh, NEAR_DUP_BITS):
            if aid == art.id:
                continue
            mine = mine if mine is not None else shingles(art.text)
            text = self._texts.get(aid)
            theirs = shingles(text if text is not None else self.store.article_text(aid))
            if resembles(mine, theirs):
                return aid
        return None


def _writes_of(batch: _Batch) -> list[ArticleWrite]:
    """The store writes of a batch's planned articles (the last plan of an article twice in it)."""
    last: dict[str, int] = {}
    for i, p in enumerate(batch.items):
        last[p.article.id] = i  # the same article twice in a batch: the last one wins
    writes: list[ArticleWrite] = []
    for i, p in enumerate(batch.items):
        if last[p.article.id] != i:
            continue
        rec_sources = ArticleRecord(p.article.id, p.article.title, p.article.url,
                                    p.article.source, p.article.published, 0, "", 0,
                                    copies=p.copies).sources
        urls = [p.article.url] + [c["url"] for c in p.copies if c.get("url")]
        writes.append(ArticleWrite(
            p.article, p.chunks, np.stack([batch.found[h] for h in p.hashes]), p.hashes,
            p.text_hash, p.simhash, p.copies, rec_sources, [u for u in urls if u]))
    return writes


def _same_fields(rec: ArticleRecord, art: Article) -> bool:
    return (rec.title, rec.url, rec.source, rec.published) == (
        art.title, art.url, art.source, art.published)
