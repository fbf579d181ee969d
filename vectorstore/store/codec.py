"""Store records <-> Newsdesk values: the metadata written for articles and chunks, read back.

Texts are kept in metadata (key ``text``), not in Chroma's ``documents``: embedded
Chroma builds a full-text index over documents on every write, which cost ~1.6 ms of
CPU per chunk (about as much as the rest of the write), and Newsdesk's keyword search
is its own BM25 index. Stores written before keep their texts in ``documents``; reads
take either.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from vectorstore.catalog import DEFAULT_COLLECTION, ArticleRow
from vectorstore.store.schema import ArticleRecord
from vectorstore.types import Article, Chunk, Passage

_EPOCH = date(1970, 1, 1)


def day_number(d: date) -> int:
    """Days since 1970-01-01: the integer form of a date that Chroma filters on."""
    return (d - _EPOCH).days


def article_meta(article: Article, text_hash: str, simhash: int, n_chunks: int,
                 copies: Sequence[dict[str, str]], dup_of: str) -> dict[str, Any]:
    """The metadata of an article record."""
    return {"title": article.title, "url": article.url, "source": article.source,
            "published": article.published.isoformat() if article.published else "",
            "hash": text_hash, "simhash": f"{simhash:016x}", "n_chunks": n_chunks,
            "path": article.path, "dup_of": dup_of, "copies": json.dumps(list(copies))}


def chunk_metas(article: Article, chunks: Sequence[Chunk], hashes: Sequence[str],
                sources: Sequence[str], urls: Sequence[str]) -> list[dict[str, Any]]:
    """The metadata of each chunk record of ``article`` (its text included)."""
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
        page = article.page_at(c.start)
        if page is not None:  # PDFs: the page the chunk starts on
            m["page"] = page
        metas.append(m)
    return metas


def record_text(document: str | None, meta: dict[str, Any]) -> str:
    """A record's text: in its metadata, or in ``documents`` in stores written before."""
    return str(meta.get("text") or document or "")


def meta_date(value: Any) -> date | None:
    """The date of an ISO date field, or ``None``."""
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def meta_simhash(meta: dict[str, Any]) -> int:
    """The SimHash of an article record (stored as 16 hex digits)."""
    return int(str(meta.get("simhash") or "0"), 16)


def article_record(aid: str, m: dict[str, Any]) -> ArticleRecord:
    """The :class:`ArticleRecord` of an article record's metadata."""
    copies = json.loads(m.get("copies") or "[]")
    return ArticleRecord(
        id=aid, title=str(m.get("title", "")), url=str(m.get("url", "")),
        source=str(m.get("source", "")), published=meta_date(m.get("published")),
        n_chunks=int(m.get("n_chunks", 0)), hash=str(m.get("hash", "")),
        simhash=meta_simhash(m), path=str(m.get("path", "")),
        dup_of=str(m.get("dup_of", "")), copies=tuple(copies))


def passage(cid: str, text: str | None, m: dict[str, Any], score: float) -> Passage:
    """The :class:`Passage` of a chunk record."""
    sents = tuple(tuple(s) for s in json.loads(m.get("sents") or "[]"))
    return Passage(
        text=record_text(text, m), article_id=str(m.get("article_id", "")),
        title=str(m.get("title", "")), url=str(m.get("url", "")), source=str(m.get("source", "")),
        published=meta_date(m.get("published")), score=score, start=int(m.get("start", 0)),
        end=int(m.get("end", 0)), chunk_id=cid,
        sentences=sents,  # type: ignore[arg-type]
        sources=tuple(json.loads(m.get("sources") or "[]")),
        urls=tuple(json.loads(m.get("urls") or "[]")),
        page=int(m["page"]) if m.get("page") else None)


def outlets(rec: ArticleRecord, copies: Sequence[dict[str, str]]) -> tuple[list[str], list[str]]:
    """Every outlet and URL of ``rec`` with ``copies`` recorded: what its chunks list."""
    sources = ArticleRecord(rec.id, rec.title, rec.url, rec.source, rec.published,
                            rec.n_chunks, rec.hash, rec.simhash, copies=tuple(copies)).sources
    urls = [rec.url] + [c["url"] for c in copies if c.get("url")]
    return list(sources), urls


# -- catalog rows <-> store records -------------------------------------------------------

def copy_entry(copy: Article, text_hash: str, simhash: int) -> dict[str, str]:
    """The entry recorded in its canonical article's ``copies`` for a duplicate ``copy``."""
    return {"id": copy.id, "url": copy.url, "source": copy.source, "title": copy.title,
            "path": copy.path, "hash": text_hash, "simhash": f"{simhash:016x}",
            "published": copy.published.isoformat() if copy.published else ""}


def row_of(article: Article, text_hash: str, simhash: int,
           copies: Sequence[Mapping[str, str]] = (), n_chunks: int = 0,
           collection: str = DEFAULT_COLLECTION) -> ArticleRow:
    """The catalog row of ``article`` (its text included)."""
    return ArticleRow(
        id=article.id, content_hash=text_hash, title=article.title, url=article.url,
        source=article.source, published=article.published, simhash=simhash,
        copies=tuple(dict(c) for c in copies), origin_kind="file" if article.path else "",
        origin=article.path, pages=len(article.page_starts) or None,
        page_starts=article.page_starts, n_chunks=n_chunks, text=article.text,
        collection=collection)


def record_of(row: ArticleRow) -> ArticleRecord:
    """The :class:`ArticleRecord` of a catalog row (no chunks while its vectors are pending)."""
    return ArticleRecord(
        id=row.id, title=row.title, url=row.url, source=row.source, published=row.published,
        n_chunks=row.n_chunks if row.indexed else 0, hash=row.content_hash,
        simhash=row.simhash, path=row.origin if row.origin_kind == "file" else "",
        copies=tuple(dict(c) for c in row.copies), page_starts=row.page_starts)


def copy_record(canonical: ArticleRecord, entry: Mapping[str, str]) -> ArticleRecord:
    """The record of a duplicate, from its entry in ``canonical``'s copies."""
    return ArticleRecord(
        id=str(entry.get("id", "")), title=str(entry.get("title", "")),
        url=str(entry.get("url", "")), source=str(entry.get("source", "")),
        published=meta_date(entry.get("published")), n_chunks=0,
        hash=str(entry.get("hash") or canonical.hash),
        simhash=int(str(entry.get("simhash") or "0"), 16) or canonical.simhash,
        path=str(entry.get("path", "")), dup_of=canonical.id)


def article_of(rec: ArticleRecord, text: str) -> Article:
    """The :class:`Article` of a record and its text (to chunk it again, pages kept)."""
    return Article(id=rec.id, text=text, title=rec.title, url=rec.url, source=rec.source,
                   published=rec.published, path=rec.path, page_starts=rec.page_starts)
