"""Core value types of the store: articles, their chunks, and retrieved passages."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from vectorstore.ids import short_hash


@dataclass(frozen=True)
class Article:
    """One news article, as loaded from a file or a JSON record.

    Attributes:
        id: Stable identity: the URL when there is one, else derived from the file
            (``file:<name relative to the corpus>``) or from the record.
        text: The full article text; chunk offsets point into it.
        title: Headline (may be empty).
        url: Canonical URL, or ``""``.
        source: Outlet or origin (``"AFP"``, a domain, a file name).
        published: Publication date, when known.
        path: The file it came from, for reports.
        page_starts: For paged documents (PDF): where each page begins in ``text``
            (page ``n`` starts at ``page_starts[n - 1]``); ``()`` for articles without pages.
    """

    id: str
    text: str
    title: str = ""
    url: str = ""
    source: str = ""
    published: date | None = None
    path: str = ""
    page_starts: tuple[int, ...] = ()

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding ``offset`` of the text, or ``None`` without pages."""
        if not self.page_starts:
            return None
        return max(1, bisect_right(self.page_starts, offset))

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        d = asdict(self)
        d["published"] = self.published.isoformat() if self.published else None
        return d


@dataclass(frozen=True)
class Chunk:
    """A span of an article, sized for the embedding model.

    ``text == article.text[start:end]`` always holds. ``sentences`` are the
    ``(start, end)`` offsets of each sentence relative to the chunk text.
    """

    article_id: str
    index: int
    text: str
    start: int
    end: int
    n_tokens: int = 0
    sentences: tuple[tuple[int, int], ...] = ()
    #: The text's word-pieces (no special tokens) when the chunker has them; the encoder
    #: then skips tokenizing. Not stored, not compared.
    token_ids: tuple[int, ...] = field(default=(), compare=False, repr=False)

    @property
    def id(self) -> str:
        """Chunk id inside the store: stable for an article and position."""
        return f"{short_hash(self.article_id)}:{self.index}"


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its article's metadata and a relevance score.

    ``start``/``end`` are offsets into the article text; ``sentences`` are
    sentence offsets relative to ``text``. ``sources`` lists every outlet that
    carried the article (the first copy and its recorded duplicates). ``page`` is the
    1-based page the chunk starts on, for paged documents (PDF); ``None`` otherwise.
    """

    text: str
    article_id: str
    title: str = ""
    url: str = ""
    source: str = ""
    published: date | None = None
    score: float = 0.0
    start: int = 0
    end: int = 0
    chunk_id: str = ""
    sentences: tuple[tuple[int, int], ...] = ()
    sources: tuple[str, ...] = ()
    urls: tuple[str, ...] = field(default=())
    page: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        d = asdict(self)
        d["published"] = self.published.isoformat() if self.published else None
        d["sentences"] = [list(s) for s in self.sentences]
        d["sources"] = list(self.sources)
        d["urls"] = list(self.urls)
        return d


@dataclass(frozen=True)
class Filters:
    """What a search may draw on: a published-date range, outlets, articles.

    ``article_ids=None`` means every article; an empty tuple means none.
    """

    since: date | None = None
    until: date | None = None
    sources: tuple[str, ...] = ()
    article_ids: tuple[str, ...] | None = None

    @property
    def empty(self) -> bool:
        """True when nothing is filtered."""
        return not (self.since or self.until or self.sources or self.article_ids is not None)
