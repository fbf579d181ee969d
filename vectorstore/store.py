"""The Chroma vector store: the only module that imports ``chromadb``.

Four collections hold everything, so embedded and server mode behave the same:

* ``newsdesk_chunks``: one record per chunk: its vector and metadata (its text,
  article id, title, url, source, published date, offsets, sentence offsets,
  content hash, the outlets that carried it).
* ``newsdesk_articles``: one record per article: its metadata (content hash,
  SimHash, chunk count, recorded copies). A duplicate copy is a record with
  ``dup_of`` set and no chunks.
* ``newsdesk_texts``: the full text of each canonical article, apart from its record,
  so that listing articles never reads every text.
* ``newsdesk_meta``: one record, ``schema``: the schema version, the embedding model,
  its dimension and backend, and a revision number bumped on every write (the
  BM25 index uses it to know whether it is current).

Texts are kept in metadata (key ``text``), not in Chroma's ``documents``: embedded
Chroma builds a full-text index over documents on every write, which cost ~1.6 ms of
CPU per chunk (about as much as the rest of the write), and Newsdesk's keyword search
is its own BM25 index. Stores written before keep their texts in ``documents``; reads
take either.
"""

from __future__ import annotations

import collections
import functools
import json
import os
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlparse

import numpy as np

from vectorstore.config import Settings
from vectorstore.errors import ModelMismatch, NewsdeskError, NotFound, StoreUnavailable
from vectorstore.hashing import short_hash
from vectorstore.types import Article, Chunk, Passage

SCHEMA_VERSION = 1
CHUNKS = "newsdesk_chunks"
ARTICLES = "newsdesk_articles"
TEXTS = "newsdesk_texts"
META = "newsdesk_meta"
_EPOCH = date(1970, 1, 1)
_BATCH = 2000
_JOURNAL_MAX = 10_000

P = ParamSpec("P")
R = TypeVar("R")


def day_number(d: date) -> int:
    """Days since 1970-01-01: the integer form of a date that Chroma filters on."""
    return (d - _EPOCH).days


@dataclass(frozen=True)
class StoreInfo:
    """What the store records about itself."""

    schema_version: int
    model: str
    dim: int
    backend: str
    revision: int


@dataclass(frozen=True)
class ArticleRecord:
    """An article as the store lists it."""

    id: str
    title: str
    url: str
    source: str
    published: date | None
    n_chunks: int
    hash: str
    simhash: int
    path: str = ""
    dup_of: str = ""
    copies: tuple[dict[str, str], ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        """Every outlet that carried the article, first copy first."""
        out = [self.source] if self.source else []
        out += [c["source"] for c in self.copies if c.get("source") and c["source"] not in out]
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "id": self.id, "title": self.title, "url": self.url, "source": self.source,
            "published": self.published.isoformat() if self.published else None,
            "n_chunks": self.n_chunks, "path": self.path, "dup_of": self.dup_of or None,
            "copies": list(self.copies), "sources": list(self.sources),
        }


@dataclass(frozen=True)
class ArticleWrite:
    """One article ready to store: its chunks, their vectors and content hashes, its record."""

    article: Article
    chunks: Sequence[Chunk]
    vectors: np.ndarray
    hashes: Sequence[str]
    text_hash: str
    simhash: int
    copies: tuple[dict[str, str], ...] = ()
    sources: Sequence[str] = ()
    urls: Sequence[str] = ()


def _article_meta(article: Article, text_hash: str, simhash: int, n_chunks: int,
                  copies: Sequence[dict[str, str]], dup_of: str) -> dict[str, Any]:
    return {"title": article.title, "url": article.url, "source": article.source,
            "published": article.published.isoformat() if article.published else "",
            "hash": text_hash, "simhash": f"{simhash:016x}", "n_chunks": n_chunks,
            "path": article.path, "dup_of": dup_of, "copies": json.dumps(list(copies))}


def _chunk_metas(article: Article, chunks: Sequence[Chunk], hashes: Sequence[str],
                 sources: Sequence[str], urls: Sequence[str]) -> list[dict[str, Any]]:
    pub = article.published.isoformat() if article.published else ""
    src = json.dumps(list(sources or ([article.source] if article.source else [])))
    url_list = json.dumps(list(urls or ([article.url] if article.url else [])))
    metas: list[dict[str, Any]] = []
    for c, h in zip(chunks, hashes, strict=True):
        m: dict[str, Any] = {
            "article_id": article.id, "title": article.title, "url": article.url,
            "source": article.source, "published": pub, "start": c.start, "end": c.end,
            "idx": c.index, "hash": h, "n_tokens": c.n_tokens,
            "sents": json.dumps([list(s) for s in c.sentences]),
            "sources": src, "urls": url_list, "text": c.text,
        }
        if article.published:
            m["day"] = day_number(article.published)
        metas.append(m)
    return metas


def _unavailable_message(url: str, err: BaseException) -> str:
    return (f"vector store unavailable at {url}: {type(err).__name__}: {err}. "
            "Start it with `chroma run --host 127.0.0.1 --port PORT` or unset NEWSDESK_CHROMA_URL "
            "to use the embedded store")


def _guard(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn Chroma connection failures into :class:`StoreUnavailable`."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        self = args[0]
        for attempt in range(_TRANSIENT_TRIES):
            try:
                return fn(*args, **kwargs)
            except NewsdeskError:
                raise
            except Exception as e:
                if _is_transient(e) and attempt + 1 < _TRANSIENT_TRIES:
                    time.sleep(0.2 * (attempt + 1))
                    continue
                _raise_readable(self, e)
        raise AssertionError("unreachable")  # pragma: no cover

    return wrapper


_TRANSIENT_TRIES = 4


def _is_transient(e: BaseException) -> bool:
    """A Chroma server error that goes away when asked again (a segment still being flushed)."""
    text = str(e).lower()
    return "nothing found on disk" in text or "error creating hnsw segment reader" in text


def _raise_readable(self: Any, e: Exception) -> None:
    """Re-raise ``e``, as :class:`StoreUnavailable` when the server cannot be reached."""
    if _is_connection_error(e):
        self._reset_client()
        raise StoreUnavailable(_unavailable_message(self.location, e)) from e
    raise e


def _next_revision(current: int) -> int:
    """A revision after ``current`` that another process writing at the same time won't pick too.

    It is the clock in microseconds (or ``current + 1`` if that is larger), so two writers that
    both read ``current`` still store different numbers and every BM25 index sees the change.
    """
    return max(current + 1, time.time_ns() // 1000)


def _is_connection_error(e: BaseException) -> bool:
    names = {type(x).__name__ for x in _chain(e)}
    text = " ".join(str(x) for x in _chain(e)).lower()
    return bool(names & {"ConnectError", "ConnectionError", "ConnectTimeout", "ReadTimeout",
                         "RemoteProtocolError", "ConnectionRefusedError", "ReadError",
                         "ConnectionResetError", "PoolTimeout", "WriteError"}) or \
        "could not connect" in text or "connection refused" in text


def _chain(e: BaseException | None) -> Iterator[BaseException]:
    seen = 0
    while e is not None and seen < 10:
        yield e
        e = e.__cause__ or e.__context__
        seen += 1


def _text(document: str | None, meta: dict[str, Any]) -> str:
    """A record's text: in its metadata, or in ``documents`` in stores written before."""
    return str(meta.get("text") or document or "")


def _meta_date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


class Store:
    """Chunks, articles and their vectors in Chroma, embedded or on a server.

    Build with :func:`open_store`. Methods raise :class:`StoreUnavailable` when a
    Chroma server cannot be reached; the next call reconnects.
    """

    def __init__(self, settings: Settings, model: str, dim: int, backend: str = "torch",
                 allow_model_change: bool = False) -> None:
        self.settings = settings
        self.model = model
        self.dim = dim
        self.backend = backend
        self.allow_model_change = allow_model_change
        self.location = settings.chroma_url or str(Path(settings.home) / "chroma")
        self._client: Any = None
        self._cols: dict[str, Any] = {}
        self._lock = threading.RLock()
        self._info: StoreInfo | None = None
        # (revision before, revision after, articles whose chunks changed) for each write
        # made through this object, newest last: lets the BM25 index apply just those.
        self._journal: collections.deque[tuple[int, int, frozenset[str]]] = \
            collections.deque(maxlen=_JOURNAL_MAX)
        # SimHash of every canonical article as of revision _simhash_rev, kept up to date by
        # this object's own writes: valid while the journal shows no other writer since.
        self._simhash_cache: dict[str, int] | None = None
        self._simhash_rev = -1

    # -- connection -------------------------------------------------------------------------

    def _reset_client(self) -> None:
        self._client = None
        self._cols = {}

    def _connect(self) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        cs = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
        if self.settings.chroma_url:
            u = urlparse(self.settings.chroma_url)
            return chromadb.HttpClient(host=u.hostname or "127.0.0.1",
                                       port=u.port or (443 if u.scheme == "https" else 8000),
                                       ssl=u.scheme == "https", settings=cs)
        path = Path(self.settings.home) / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=cs)

    def _col(self, name: str) -> Any:
        with self._lock:
            if self._client is None:
                try:
                    self._client = self._connect()
                except Exception as e:
                    self._client = None
                    raise StoreUnavailable(_unavailable_message(self.location, e)) from e
            col = self._cols.get(name)
            if col is None:
                cfg = {"hnsw": {"space": "cosine", "ef_search": 100}} if name == CHUNKS else None
                col = self._client.get_or_create_collection(
                    name, embedding_function=None, configuration=cfg)
                self._cols[name] = col
            return col

    # -- schema ---------------------------------------------------------------------------

    @_guard
    def check(self) -> StoreInfo:
        """Read (or, in an empty store, write) the schema record and check the model.

        Raises:
            ModelMismatch: the store was built with another model; run ``newsdesk reindex``.
            StoreUnavailable: the Chroma server cannot be reached.
        """
        meta = self._col(META)
        got = meta.get(ids=["schema"], include=["metadatas"])
        if not got["ids"]:
            info = StoreInfo(SCHEMA_VERSION, self.model, self.dim, self.backend, 0)
            self._write_info(info)
            return info
        m = got["metadatas"][0]
        info = StoreInfo(int(m.get("schema_version", 0)), str(m.get("model", "")),
                         int(m.get("dim", 0)), str(m.get("backend", "torch")),
                         int(m.get("revision", 0)))
        if info.schema_version > SCHEMA_VERSION:
            raise ModelMismatch(
                f"the store at {self.location} has schema version {info.schema_version}, newer than "
                f"this Newsdesk ({SCHEMA_VERSION}): upgrade Newsdesk")
        if (info.model, info.dim) != (self.model, self.dim) and not self.allow_model_change:
            raise ModelMismatch(
                f"the store at {self.location} was built with embedding model {info.model!r} "
                f"({info.dim}-d) but {self.model!r} ({self.dim}-d) is configured: run "
                f"`newsdesk reindex` to re-embed every article with it, or set "
                f"NEWSDESK_EMBED_MODEL={info.model}")
        self._info = info
        return info

    def _write_info(self, info: StoreInfo) -> None:
        self._col(META).upsert(ids=["schema"], embeddings=[[1.0]], metadatas=[{
            "schema_version": info.schema_version, "model": info.model, "dim": info.dim,
            "backend": info.backend, "revision": info.revision}])
        self._info = info

    @_guard
    def info(self) -> StoreInfo:
        """The schema record as stored now (revision included)."""
        got = self._col(META).get(ids=["schema"], include=["metadatas"])
        if not got["ids"]:
            return self.check()
        m = got["metadatas"][0]
        return StoreInfo(int(m["schema_version"]), str(m["model"]), int(m["dim"]),
                         str(m.get("backend", "torch")), int(m.get("revision", 0)))

    def revision(self) -> int:
        """A number that changes whenever chunks are added, replaced or deleted."""
        return self.info().revision

    def _bump(self, touched: Iterable[str] = ()) -> None:
        """Move to a new revision; ``touched``: the articles whose chunks this write changed."""
        with self._lock:
            cur = self.info()
            new = _next_revision(cur.revision)
            self._write_info(StoreInfo(cur.schema_version, cur.model, cur.dim, cur.backend, new))
            self._journal.append((cur.revision, new, frozenset(touched)))

    def changed_articles(self, since: int, until: int) -> set[str] | None:
        """The articles whose chunks changed from revision ``since`` to ``until``.

        ``None`` when that is not known here: some write in between was made by another
        process (or this object's journal no longer reaches back to ``since``).
        """
        with self._lock:
            after = {before: (new, touched) for before, new, touched in self._journal}
        out: set[str] = set()
        rev = since
        while rev != until:
            step = after.get(rev)
            if step is None:
                return None
            rev = step[0]
            out |= step[1]
        return out

    @_guard
    def chunks_of(self, article_ids: Collection[str]
                  ) -> Iterator[tuple[list[str], list[str], list[dict[str, Any]]]]:
        """Yield ``(ids, texts, metadatas)`` batches over the chunks of ``article_ids``."""
        col = self._col(CHUNKS)
        aids = sorted(article_ids)
        for i in range(0, len(aids), 500):
            got = col.get(where={"article_id": {"$in": aids[i:i + 500]}},
                          include=["documents", "metadatas"])
            if got["ids"]:
                metas = list(got["metadatas"])
                yield list(got["ids"]), [_text(d, m) for d, m in
                                         zip(got["documents"], metas, strict=True)], metas

    # -- articles -------------------------------------------------------------------------

    @_guard
    def get_article(self, article_id: str) -> ArticleRecord | None:
        """The record of ``article_id``, or ``None``."""
        got = self._col(ARTICLES).get(ids=[article_id], include=["metadatas"])
        if not got["ids"]:
            return None
        return self._record(got["ids"][0], got["metadatas"][0])

    @_guard
    def article_text(self, article_id: str) -> str:
        """The full text of a stored article."""
        got = self._col(TEXTS).get(ids=[article_id], include=["metadatas"])
        if got["ids"]:
            return str(got["metadatas"][0].get("text") or "")
        got = self._col(ARTICLES).get(ids=[article_id], include=["documents"])  # older stores
        if not got["ids"]:
            raise NotFound(f"no article {article_id!r}: see `newsdesk list` for the ids")
        return str(got["documents"][0] or "")

    @staticmethod
    def _record(aid: str, m: dict[str, Any]) -> ArticleRecord:
        copies = json.loads(m.get("copies") or "[]")
        return ArticleRecord(
            id=aid, title=str(m.get("title", "")), url=str(m.get("url", "")),
            source=str(m.get("source", "")), published=_meta_date(m.get("published")),
            n_chunks=int(m.get("n_chunks", 0)), hash=str(m.get("hash", "")),
            simhash=int(str(m.get("simhash") or "0"), 16), path=str(m.get("path", "")),
            dup_of=str(m.get("dup_of", "")), copies=tuple(copies))

    @_guard
    def articles(self, include_duplicates: bool = False) -> list[ArticleRecord]:
        """Every stored article, newest first (duplicates only if asked)."""
        col = self._col(ARTICLES)
        out: list[ArticleRecord] = []
        offset = 0
        while True:
            got = col.get(include=["metadatas"], limit=_BATCH, offset=offset)
            for aid, m in zip(got["ids"], got["metadatas"], strict=True):
                rec = self._record(aid, m)
                if include_duplicates or not rec.dup_of:
                    out.append(rec)
            if len(got["ids"]) < _BATCH:
                break
            offset += _BATCH
        out.sort(key=lambda r: (r.published or date.min, r.title), reverse=True)
        return out

    @_guard
    def get_articles(self, article_ids: Sequence[str]) -> dict[str, ArticleRecord]:
        """The records of those ``article_ids`` that exist (one call, for ingest batches)."""
        out: dict[str, ArticleRecord] = {}
        ids = list(dict.fromkeys(article_ids))
        for i in range(0, len(ids), _BATCH):
            got = self._col(ARTICLES).get(ids=ids[i:i + _BATCH], include=["metadatas"])
            for aid, m in zip(got["ids"], got["metadatas"], strict=True):
                out[aid] = self._record(aid, m)
        return out

    @_guard
    def find_by_hashes(self, text_hashes: Sequence[str]) -> dict[str, ArticleRecord]:
        """For each of ``text_hashes`` stored, a canonical article with it (see :meth:`find_by_hash`)."""
        out: dict[str, ArticleRecord] = {}
        hashes = list(dict.fromkeys(text_hashes))
        for i in range(0, len(hashes), 500):
            got = self._col(ARTICLES).get(where={"hash": {"$in": hashes[i:i + 500]}},
                                          include=["metadatas"])
            for aid, m in zip(got["ids"], got["metadatas"], strict=True):
                rec = self._record(aid, m)
                if not rec.dup_of:
                    out.setdefault(rec.hash, rec)
        return out

    @_guard
    def find_by_hash(self, text_hash: str) -> ArticleRecord | None:
        """A canonical article whose normalised text hash is ``text_hash``."""
        got = self._col(ARTICLES).get(where={"hash": text_hash}, include=["metadatas"], limit=5)
        for aid, m in zip(got["ids"], got["metadatas"], strict=True):
            rec = self._record(aid, m)
            if not rec.dup_of:
                return rec
        return None

    def put_article(self, article: Article, *, text_hash: str, simhash: int, n_chunks: int,
                    copies: Sequence[dict[str, str]] = (), dup_of: str = "") -> None:
        """Write the article record: the last step of ingesting an article."""
        self._put_article(article, text_hash, simhash, n_chunks, copies, dup_of)

    @_guard
    def _put_article(self, article: Article, text_hash: str, simhash: int, n_chunks: int,
                     copies: Sequence[dict[str, str]], dup_of: str) -> None:
        if dup_of:
            self._col(TEXTS).delete(ids=[article.id])
        else:
            self._put_texts([article])
        self._col(ARTICLES).upsert(ids=[article.id], embeddings=[[1.0]], documents=[""],
                                   metadatas=[_article_meta(article, text_hash, simhash, n_chunks,
                                                            copies, dup_of)])
        self._note_simhash(article.id, None if dup_of else simhash)

    def _put_texts(self, articles: Sequence[Article]) -> None:
        self._col(TEXTS).upsert(ids=[a.id for a in articles], embeddings=[[1.0]] * len(articles),
                                documents=[""] * len(articles),
                                metadatas=[{"text": a.text} for a in articles])

    @_guard
    def add_copy(self, canonical_id: str, copy: Article, text_hash: str, simhash: int) -> None:
        """Record ``copy`` as a further source of ``canonical_id`` (no chunks, no vectors)."""
        rec = self.get_article(canonical_id)
        if rec is None:
            raise NotFound(f"no article {canonical_id!r}")
        entry = {"id": copy.id, "url": copy.url, "source": copy.source, "title": copy.title,
                 "path": copy.path}
        copies = [c for c in rec.copies if c.get("id") != copy.id] + [entry]
        art = Article(id=rec.id, text=self.article_text(rec.id), title=rec.title, url=rec.url,
                      source=rec.source, published=rec.published, path=rec.path)
        self._put_article(art, rec.hash, rec.simhash, rec.n_chunks, copies, "")
        # Keep the chunks' list of outlets in step, so that passages show every source.
        sources = ArticleRecord(rec.id, rec.title, rec.url, rec.source, rec.published,
                                rec.n_chunks, rec.hash, rec.simhash, copies=tuple(copies)).sources
        urls = [rec.url] + [c["url"] for c in copies if c.get("url")]
        col = self._col(CHUNKS)
        got = col.get(where={"article_id": rec.id}, include=["metadatas"])
        if got["ids"]:
            metas = [{**m, "sources": json.dumps(list(sources)), "urls": json.dumps(urls)}
                     for m in got["metadatas"]]
            col.update(ids=got["ids"], metadatas=metas)
        # Last, the copy's own record (re-ingesting the copy is then recognised at once): a
        # crash before it leaves no record, so the next ingest records the copy again.
        self._put_article(copy, text_hash, simhash, 0, (), canonical_id)

    @_guard
    def simhashes(self) -> dict[str, int]:
        """SimHash of every canonical article, for near-duplicate detection.

        Read once per process; after that, while every write came through this object (see
        :meth:`changed_articles`), from memory: an ingest into a large store then costs
        nothing per stored article.
        """
        rev = self.revision()
        with self._lock:
            if (self._simhash_cache is not None
                    and self.changed_articles(self._simhash_rev, rev) is not None):
                self._simhash_rev = rev
                return dict(self._simhash_cache)
            if self._simhash_cache is None:
                saved = self._read_simhashes(rev)
                if saved is not None:
                    self._simhash_cache, self._simhash_rev = saved, rev
                    return dict(saved)
        col = self._col(ARTICLES)
        out: dict[str, int] = {}
        offset = 0
        while True:
            got = col.get(include=["metadatas"], limit=_BATCH, offset=offset)
            for aid, m in zip(got["ids"], got["metadatas"], strict=True):
                if not m.get("dup_of"):
                    out[aid] = int(str(m.get("simhash") or "0"), 16)
            if len(got["ids"]) < _BATCH:
                break
            offset += _BATCH
        with self._lock:
            self._simhash_cache, self._simhash_rev = dict(out), rev
        self.save_simhashes()
        return out

    def _simhash_file(self) -> Path:
        return Path(self.settings.home) / "cache" / f"simhash-{short_hash(self.location)}.json"

    def _read_simhashes(self, revision: int) -> dict[str, int] | None:
        """The SimHash list saved for ``revision`` by a process before, or ``None``."""
        try:
            data = json.loads(self._simhash_file().read_text(encoding="utf-8"))
            if data.get("revision") != revision:
                return None  # written before a later write (or by another store's writes)
            return dict(zip(data["ids"], data["simhashes"], strict=True))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save_simhashes(self) -> None:
        """Save the in-memory SimHash list for the next process, if it is current.

        Called after a full read and by ``NewsDesk`` after each ingest or delete: the next
        process then starts from the file instead of reading every record, as long as no
        write happened since (the file names the revision it is true for).
        """
        rev = self.revision()
        with self._lock:
            if (self._simhash_cache is None
                    or self.changed_articles(self._simhash_rev, rev) is None):
                return
            ids = list(self._simhash_cache)
            data = {"revision": rev, "ids": ids, "simhashes": [self._simhash_cache[i] for i in ids]}
        f = self._simhash_file()
        try:
            f.parent.mkdir(parents=True, exist_ok=True)
            tmp = f.with_name(f"{f.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data), encoding="utf-8")
            os.replace(tmp, f)
        except OSError:  # a read-only home: every process reads the records instead
            pass

    def _note_simhash(self, article_id: str, simhash: int | None) -> None:
        """Keep the SimHash cache in step with a record written (``None``: not canonical now)."""
        with self._lock:
            if self._simhash_cache is not None:
                if simhash is None:
                    self._simhash_cache.pop(article_id, None)
                else:
                    self._simhash_cache[article_id] = simhash

    # -- chunks ---------------------------------------------------------------------------

    @_guard
    def vectors_for_hashes(self, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors of chunks whose text hash is in ``hashes`` (the embedding cache)."""
        out: dict[str, np.ndarray] = {}
        uniq = list(dict.fromkeys(hashes))
        col = self._col(CHUNKS)
        for i in range(0, len(uniq), 500):
            part = uniq[i:i + 500]
            got = col.get(where={"hash": {"$in": part}}, include=["metadatas", "embeddings"])
            embs = got.get("embeddings")
            if embs is None:
                continue
            for m, e in zip(got["metadatas"], embs, strict=True):
                out.setdefault(str(m["hash"]), np.asarray(e, dtype=np.float32))
        return out

    def replace_chunks(self, article: Article, chunks: Sequence[Chunk], vectors: np.ndarray,
                       hashes: Sequence[str], sources: Sequence[str] = (),
                       urls: Sequence[str] = ()) -> None:
        """Delete the article's old chunks and write ``chunks`` with their ``vectors``."""
        self._replace_chunks(article, chunks, vectors, hashes, sources, urls)

    @_guard
    def _replace_chunks(self, article: Article, chunks: Sequence[Chunk], vectors: np.ndarray,
                        hashes: Sequence[str], sources: Sequence[str],
                        urls: Sequence[str]) -> None:
        col = self._col(CHUNKS)
        col.delete(where={"article_id": article.id})
        if chunks:
            metas = _chunk_metas(article, chunks, hashes, sources, urls)
            ids = [c.id for c in chunks]
            for i in range(0, len(ids), _BATCH):
                col.upsert(ids=ids[i:i + _BATCH], embeddings=vectors[i:i + _BATCH],
                           documents=[""] * len(ids[i:i + _BATCH]), metadatas=metas[i:i + _BATCH])
        self._bump([article.id])

    @_guard
    def write_articles(self, items: Sequence[ArticleWrite]) -> None:
        """Store many articles at once: for each, its chunks replace the old ones, then its record.

        The same result as :meth:`replace_chunks` then :meth:`put_article` for every item,
        in a few large Chroma calls and one revision bump (per-article calls cost far more).
        """
        if not items:
            return
        col = self._col(CHUNKS)
        aids = [it.article.id for it in items]
        for i in range(0, len(aids), 500):
            col.delete(where={"article_id": {"$in": aids[i:i + 500]}})
        ids: list[str] = []
        metas: list[dict[str, Any]] = []
        vecs = [it.vectors for it in items if len(it.chunks)]
        for it in items:
            ids += [c.id for c in it.chunks]
            metas += _chunk_metas(it.article, it.chunks, it.hashes, it.sources, it.urls)
        if ids:
            allv = np.concatenate(vecs).astype(np.float32, copy=False)
            for i in range(0, len(ids), _BATCH):
                col.upsert(ids=ids[i:i + _BATCH], embeddings=allv[i:i + _BATCH],
                           documents=[""] * len(ids[i:i + _BATCH]), metadatas=metas[i:i + _BATCH])
        # Bump before the records: a crash after the records must not leave the BM25 index
        # believing it is current (a crash before them leaves no record: the next run redoes it).
        self._bump(aids)
        arts = self._col(ARTICLES)
        for i in range(0, len(items), _BATCH):
            part = items[i:i + _BATCH]
            self._put_texts([it.article for it in part])
            arts.upsert(ids=[it.article.id for it in part], embeddings=[[1.0]] * len(part),
                        documents=[""] * len(part),
                        metadatas=[_article_meta(it.article, it.text_hash, it.simhash,
                                                 len(it.chunks), it.copies, "") for it in part])
            for it in part:
                self._note_simhash(it.article.id, it.simhash)

    @_guard
    def delete_article(self, article_id: str) -> int:
        """Delete an article, its chunks and its recorded copies; return chunks removed.

        Raises:
            NotFound: no such article.
        """
        rec = self.get_article(article_id)
        if rec is None:
            raise NotFound(f"no article {article_id!r}: see `newsdesk list` for the ids")
        if rec.dup_of:
            canonical = self.get_article(rec.dup_of)
            self._col(ARTICLES).delete(ids=[article_id])
            self._note_simhash(article_id, None)
            if canonical is not None:
                self._drop_copy(canonical, article_id)
            self._bump()
            return 0
        col = self._col(CHUNKS)
        n = len(col.get(where={"article_id": article_id}, include=[])["ids"])
        col.delete(where={"article_id": article_id})
        dup_ids = [c["id"] for c in rec.copies if c.get("id")]
        self._col(ARTICLES).delete(ids=[article_id, *dup_ids])
        for aid in (article_id, *dup_ids):
            self._note_simhash(aid, None)
        self._col(TEXTS).delete(ids=[article_id])
        self._bump([article_id])
        return n

    def _drop_copy(self, rec: ArticleRecord, copy_id: str) -> None:
        copies = [c for c in rec.copies if c.get("id") != copy_id]
        art = Article(id=rec.id, text=self.article_text(rec.id), title=rec.title, url=rec.url,
                      source=rec.source, published=rec.published, path=rec.path)
        self._put_article(art, rec.hash, rec.simhash, rec.n_chunks, copies, "")

    @_guard
    def count_chunks(self) -> int:
        """Number of chunks stored."""
        return int(self._col(CHUNKS).count())

    @_guard
    def chunk_ids_of(self, article_id: str) -> list[str]:
        """Ids of the chunks stored for ``article_id``."""
        return list(self._col(CHUNKS).get(where={"article_id": article_id}, include=[])["ids"])

    @_guard
    def iter_chunks(self, batch: int = 5000) -> Iterator[tuple[list[str], list[str], list[dict[str, Any]]]]:
        """Yield ``(ids, texts, metadatas)`` batches over every chunk (for the BM25 index)."""
        col = self._col(CHUNKS)
        offset = 0
        while True:
            got = col.get(include=["documents", "metadatas"], limit=batch, offset=offset)
            if not got["ids"]:
                break
            metas = list(got["metadatas"])
            yield list(got["ids"]), [_text(d, m) for d, m in zip(got["documents"], metas,
                                                                  strict=True)], metas
            if len(got["ids"]) < batch:
                break
            offset += batch

    # -- search ---------------------------------------------------------------------------

    @staticmethod
    def where(since: date | None = None, until: date | None = None,
              sources: Sequence[str] | None = None,
              article_ids: Sequence[str] | None = None) -> dict[str, Any] | None:
        """Build a Chroma filter for a date range, outlets and article ids."""
        parts: list[dict[str, Any]] = []
        if since:
            parts.append({"day": {"$gte": day_number(since)}})
        if until:
            parts.append({"day": {"$lte": day_number(until)}})
        if sources:
            parts.append({"source": {"$in": list(sources)}})
        if article_ids is not None:
            parts.append({"article_id": {"$in": list(article_ids)}})
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else {"$and": parts}

    @_guard
    def search(self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None) -> list[Passage]:
        """The ``k`` chunks nearest to ``vector`` (cosine), best first, as passages."""
        col = self._col(CHUNKS)
        if k <= 0:
            return []
        res = col.query(query_embeddings=[np.asarray(vector, dtype=np.float32)], n_results=k,
                        where=where, include=["documents", "metadatas", "distances"])
        ids, docs = res["ids"][0], res["documents"][0]
        metas, dists = res["metadatas"][0], res["distances"][0]
        return [self._passage(i, d, m, 1.0 - float(dist))
                for i, d, m, dist in zip(ids, docs, metas, dists, strict=True)]

    @_guard
    def get_passages(self, ids: Sequence[str], scores: Sequence[float] | None = None,
                     where: dict[str, Any] | None = None) -> list[Passage]:
        """Passages for chunk ``ids`` in the given order (missing ids are skipped)."""
        if not ids:
            return []
        got = self._col(CHUNKS).get(ids=list(ids), where=where, include=["documents", "metadatas"])
        by_id = {i: (d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"],
                                               strict=True)}
        out = []
        for n, cid in enumerate(ids):
            if cid in by_id:
                d, m = by_id[cid]
                out.append(self._passage(cid, d, m, float(scores[n]) if scores else 0.0))
        return out

    @_guard
    def vectors_for_ids(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors of the chunks ``ids``."""
        if not ids:
            return {}
        got = self._col(CHUNKS).get(ids=list(ids), include=["embeddings"])
        embs = got.get("embeddings")
        if embs is None:
            return {}
        return {i: np.asarray(e, dtype=np.float32) for i, e in zip(got["ids"], embs, strict=True)}

    @staticmethod
    def _passage(cid: str, text: str | None, m: dict[str, Any], score: float) -> Passage:
        sents = tuple(tuple(s) for s in json.loads(m.get("sents") or "[]"))
        return Passage(
            text=_text(text, m), article_id=str(m.get("article_id", "")), title=str(m.get("title", "")),
            url=str(m.get("url", "")), source=str(m.get("source", "")),
            published=_meta_date(m.get("published")), score=score, start=int(m.get("start", 0)),
            end=int(m.get("end", 0)), chunk_id=cid,
            sentences=sents,  # type: ignore[arg-type]
            sources=tuple(json.loads(m.get("sources") or "[]")),
            urls=tuple(json.loads(m.get("urls") or "[]")))

    # -- maintenance ----------------------------------------------------------------------

    @_guard
    def drop_chunks(self) -> None:
        """Delete every chunk and vector, keeping the articles (for ``reindex``)."""
        with self._lock:
            self._col(CHUNKS)
            try:
                self._client.delete_collection(CHUNKS)
            except Exception as e:  # pragma: no cover - already gone
                if _is_connection_error(e):
                    raise
            self._cols.pop(CHUNKS, None)
            cur = self.info()
            self._write_info(StoreInfo(SCHEMA_VERSION, self.model, self.dim, self.backend,
                                       _next_revision(cur.revision)))

    @_guard
    def reset(self) -> None:
        """Delete everything in the store."""
        with self._lock:
            self._col(META)
            for name in (CHUNKS, ARTICLES, TEXTS, META):
                try:
                    self._client.delete_collection(name)
                except Exception as e:
                    if _is_connection_error(e):
                        raise
            self._cols = {}
            self._simhash_cache = None
            self.check()


def open_store(settings: Settings | None = None, *, model: str | None = None, dim: int | None = None,
               backend: str | None = None, allow_model_change: bool = False) -> Store:
    """Open the store described by ``settings`` and check its schema.

    Args:
        settings: Where the store is (``home`` or ``chroma_url``); default from the environment.
        model: Embedding model identity (default: the configured model).
        dim: Its vector dimension (default: read from the model's config, no weights loaded).
        backend: The encoder backend recorded with the vectors.
        allow_model_change: Open even if the store was built with another model (``reindex``).

    Raises:
        ModelMismatch: the store was built with another model.
        StoreUnavailable: the Chroma server cannot be reached.
    """
    from vectorstore.embedding import Embedder

    s = settings or Settings.from_env()
    emb = Embedder.from_settings(s)
    if model is None or dim is None:
        model = model or emb.identity
        dim = dim or emb.dim
    store = Store(s, model, dim, backend or emb.backend, allow_model_change)  # "auto" resolved
    store.check()
    return store
