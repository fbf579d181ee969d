"""``NewsDesk``: the one facade over ingest, retrieval and answering."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.language_models import BaseChatModel

from qa.history import chat as start_chat
from qa.history import conversations as list_conversations
from qa.logs import log_answer
from qa.protocols import Answerer, Rewriter, Searcher
from qa.retrieval import HybridSearch, NewsRetriever, source_notes
from qa.text.questions import clean_question
from qa.types import Answer, Draft, Turn
from qa.uploads import forget_upload
from vectorstore.chunking import Chunker
from vectorstore.config import Settings
from vectorstore.embedding import Embedder, token_counter
from vectorstore.errors import NewsdeskError
from vectorstore.ingest import Ingestor, IngestReport, Progress
from vectorstore.lexical import LexicalIndex
from vectorstore.limits import check_k
from vectorstore.store import ArticleRecord, Store, open_store
from vectorstore.text.dates import parse_day
from vectorstore.types import Article, Filters, Passage

if TYPE_CHECKING:
    from qa.collection_ops import CollectionSummary
    from qa.feeds import Feeds
    from qa.timeaware import Scope
    from vectorstore.fetch import Fetcher

EMPTY_STORE = "No articles yet: ingest some with `newsdesk ingest PATH` (or upload them in the Library tab)."


class NewsDesk:
    """Load articles, ask questions, get cited answers.

    Build with :meth:`open`. Heavy parts (the embedding model, the BM25 index, the LLM)
    load on first use; :meth:`warm` loads them in the background.
    """

    def __init__(self, settings: Settings, store: Store, embedder: Embedder | None = None, *,
                 llm: BaseChatModel | None = None, answerer: Answerer | None = None,
                 rewriter: Rewriter | None = None, searcher: Searcher | None = None) -> None:
        self.settings = settings
        self.store = store
        self.embedder: Embedder = embedder or Embedder.from_settings(settings)
        self.lexical = LexicalIndex.for_store(settings.home, store.location, store.collection)
        self._lex_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._parts_lock = threading.RLock()
        self._fetcher: Fetcher | None = None
        self._chunker: Chunker | None = None
        self._answerer = answerer
        self._rewriter = rewriter
        self._searcher = searcher
        self._last_query: tuple[Embedder, str, Any] | None = None
        self._llm = llm
        self._lexical_loaded = False

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def open(cls, home: str | Path | None = None, chroma_url: str | None = None,
             llm: str | Any | None = None, settings: Settings | None = None,
             collection: str | None = None) -> NewsDesk:
        """Open (or create) the desk whose store is at ``home`` or on ``chroma_url``.

        Args:
            home: Data folder (default ``NEWSDESK_HOME`` or ``./.newsdesk``).
            chroma_url: A Chroma server, ``http://host:port`` (default ``NEWSDESK_CHROMA_URL``).
            llm: ``"none"``, ``"ollama:MODEL"``, ``"openai:MODEL"``, or a LangChain chat model.
            settings: Start from these instead of the environment.
            collection: The collection to read and write (default ``NEWSDESK_COLLECTION``
                or ``default``); ingesting into one that does not exist creates it.

        Raises:
            ModelMismatch: the store was built with another embedding model.
            StoreUnavailable: the Chroma server cannot be reached.
        """
        s = settings or Settings.from_env()
        s = s.with_(home=Path(home) if home is not None else None, chroma_url=chroma_url,
                    llm=llm if isinstance(llm, str) else None, collection=collection)
        emb = Embedder.from_settings(s)
        store = open_store(s, model=emb.identity, dim=emb.dim, backend=emb.backend)
        emb = emb.matching(store.info().backend)  # the store's vectors decide the precision
        desk = cls(s, store, emb, llm=None if llm is None or isinstance(llm, str) else llm)
        desk.finish_pending()  # a write that crashed between the catalog and the vectors
        return desk

    def warm(self, background: bool = True) -> threading.Thread | None:
        """Load the model, the BM25 index and the answerer now (in a thread by default)."""

        def work() -> None:
            try:
                self.embedder.load()
                self.embedder.embed_query("warm up")
                self._sync_lexical()
                _ = self.answerer
            except NewsdeskError:
                pass

        if not background:
            work()
            return None
        t = threading.Thread(target=work, name="newsdesk-warm", daemon=True)
        t.start()
        return t

    # -- parts ------------------------------------------------------------------------------

    @property
    def chunker(self) -> Chunker:
        """The chunker, sized in the embedding model's word-pieces."""
        if self._chunker is None:
            self._chunker = Chunker(self.settings.chunk_tokens, self.settings.chunk_overlap,
                                    token_counter(self.settings.embed_model))
        return self._chunker

    @property
    def llm(self) -> BaseChatModel | None:
        """The LangChain chat model, or ``None`` for the extractive answerer."""
        if self._llm is None and self.settings.llm.lower() not in {"", "none"}:
            from qa.answerers.llm import make_chat_model

            self._llm = make_chat_model(self.settings)
        return self._llm

    @property
    def answerer(self) -> Answerer:
        """The answerer in use: LLM-backed when an LLM is set, else extractive."""
        with self._parts_lock:  # built once, also when threads ask at the same moment
            if self._answerer is None:
                if self.llm is not None:
                    from qa.answerers.extractive import ExtractiveAnswerer
                    from qa.answerers.llm import LLMAnswerer

                    fallback = ExtractiveAnswerer(threshold=self.settings.abstain_threshold or None,
                                                  embed=self._embed_texts)
                    self._answerer = LLMAnswerer(self.llm, embed=self.embedder.embed, fallback=fallback,
                                                 show_unsupported=self.settings.show_unsupported)
                else:
                    from qa.answerers.extractive import ExtractiveAnswerer

                    self._answerer = ExtractiveAnswerer(
                        threshold=self.settings.abstain_threshold or None, embed=self._embed_texts)
        return self._answerer

    def _embed_texts(self, texts: Sequence[str]) -> Any:
        """The desk's current embedder on ``texts`` (the answerer re-ranks sentences with it)."""
        return self.embedder.embed(texts)

    @property
    def rewriter(self) -> Rewriter:
        """Rewrites follow-up questions into standalone ones."""
        if self._rewriter is None:
            from qa.conversation import QuestionRewriter

            self._rewriter = QuestionRewriter(self.llm)
        return self._rewriter

    @property
    def searcher(self) -> Searcher:
        """The search over this desk's store: dense + BM25 (the desk keeps BM25 in step),
        the best fused candidates reranked by :class:`qa.rerank.PassageReranker`."""
        if self._searcher is None:
            from qa.rerank import POOL, PassageReranker

            self._searcher = HybridSearch(self.store, self.lexical, self._embed_query,
                                          rerank=PassageReranker(), pool=POOL)
        return self._searcher

    def _embed_query(self, text: str) -> Any:
        """The desk's current embedder on a query (``desk.embedder`` may be replaced).

        The last query's vector is kept: a question whose period falls back to all dates
        searches twice with the same text, and is embedded once.
        """
        emb = self.embedder
        last = self._last_query
        if last is not None and last[0] is emb and last[1] == text:
            return last[2]
        vec = emb.embed_query(text)
        self._last_query = (emb, text, vec)  # one tuple: replaced whole, safe across threads
        return vec

    def search(self) -> Searcher:
        """The search over this desk's store, BM25 brought up to date first."""
        self._sync_lexical()
        return self.searcher

    def retriever(self, k: int | None = None, **filters: Any) -> NewsRetriever:
        """A LangChain retriever over this desk, for use in your own chains."""
        return NewsRetriever(search=self.search(), k=check_k(k, self.settings.k),
                             filters=_filters(**filters))

    def _sync_lexical(self) -> None:
        with self._lex_lock:
            rev = self.store.revision()
            if self.lexical.revision == rev:
                return
            if not self._lexical_loaded:
                self._lexical_loaded = True
                if self.lexical.load() == rev:
                    return
            self.lexical.sync(self.store, rev)

    # -- library --------------------------------------------------------------------------

    def ingest(self, paths: Iterable[str | Path] | str | Path,
               progress: Progress | None = None) -> IngestReport:
        """Load, chunk, embed and store every article under ``paths`` (bad files are
        reported in the result and never stop the batch)."""
        files = [paths] if isinstance(paths, str | Path) else list(paths)
        mb, records = self.settings.max_file_mb, self.settings.max_records
        return self._ingesting(lambda i: i.run(files, max_bytes=mb * 2**20, max_records=records,
                                               progress=progress))

    def ingest_articles(self, articles: Sequence[Article], *, report: IngestReport | None = None,
                        progress: Progress | None = None) -> IngestReport:
        """Ingest already-loaded articles (fetched pages, feed items) like files."""
        return self._ingesting(lambda i: i.ingest_articles(articles, report=report,
                                                           progress=progress))

    def _ingesting(self, work: Callable[[Ingestor], IngestReport]) -> IngestReport:
        with self._write_lock:
            report = work(Ingestor(self.store, self.embedder, self.chunker, None))
            if report.changed:
                self._sync_lexical()
                self.store.save_simhashes()
        return report

    @property
    def fetcher(self) -> Fetcher:
        """The desk's one polite HTTP client (made on first use: nothing fetches before)."""
        from vectorstore.fetch import Fetcher

        self._fetcher = self._fetcher or Fetcher(self.settings)
        return self._fetcher

    def add_urls(self, urls: Iterable[str], progress: Progress | None = None) -> IngestReport:
        """Fetch each page and ingest its article; failures are issues in the report."""
        from qa.fetching import add_urls

        return add_urls(self, urls, progress)

    @property
    def feeds(self) -> Feeds:
        """The feeds this desk follows: ``add``, ``list``, ``remove``, ``watch``."""
        from qa.feeds import Feeds

        return Feeds(self)

    def delete(self, article_id: str) -> int:
        """Delete an article and its chunks; return the number of chunks removed."""
        with self._write_lock:
            n = self.store.delete_article(article_id)
            self.store.save_simhashes()
            forget_upload(self, article_id)  # its upload record and any cached copy
        return n

    def collections(self) -> list[CollectionSummary]:
        """Every collection in this desk's store, by name, with its article count."""
        from qa.collection_ops import summaries

        return summaries(self)

    def articles(self) -> list[ArticleRecord]:
        """Every article, newest first."""
        return self.store.articles()

    def stats(self) -> dict[str, Any]:
        """Counts and facts about the store (BM25 brought up to date first)."""
        self._sync_lexical()
        info = self.store.info()
        arts = self.store.articles(include_duplicates=True)
        canon = [a for a in arts if not a.dup_of]
        dates = sorted(a.published for a in canon if a.published)
        return {
            "articles": len(canon), "duplicates": len(arts) - len(canon),
            "chunks": self.store.count_chunks(), "bm25_chunks": len(self.lexical),
            "sources": sorted({s for a in canon for s in a.sources}),
            "earliest": dates[0].isoformat() if dates else None,
            "latest": dates[-1].isoformat() if dates else None,
            "model": info.model, "dim": info.dim, "backend": info.backend,
            "schema_version": info.schema_version, "revision": info.revision,
            "journal_seq": self.store.journal_seq(),
            "full_rebuilds": self.lexical.full_rebuilds, "pending": len(self.store.pending()),
            "store": self.store.location, "catalog": self.store.catalog.url,
            "llm": self.settings.llm, "collection": self.store.collection,
        }

    def is_empty(self) -> bool:
        """True when no chunk is stored."""
        return self.store.count_chunks() == 0

    def reindex(self, progress: Progress | None = None) -> IngestReport:
        """Re-chunk and re-embed every article with the configured model."""
        return self.repair(progress)

    def repair(self, progress: Progress | None = None) -> IngestReport:
        """Rebuild the vector store from the catalog's texts (a damaged or lost Chroma store):
        every chunk and vector is dropped, then every article chunked and embedded again."""
        with self._write_lock:
            self.store.backend = self.embedder.backend  # recorded with the new vectors
            self.store.drop_chunks()
            return self._finish(progress) or IngestReport()

    def finish_pending(self, progress: Progress | None = None) -> IngestReport | None:
        """Chunk and embed the articles whose vectors were never written (an ingest that
        crashed between its catalog write and its vectors); ``None`` when none were."""
        if not self.store.pending():
            return None
        with self._write_lock:
            return self._finish(progress)

    def _finish(self, progress: Progress | None) -> IngestReport | None:
        report = Ingestor(self.store, self.embedder, self.chunker, None).finish_pending(progress)
        self._sync_lexical()
        return report

    def export_articles(self, path: str | Path) -> int:
        """Write every article (texts and metadata, no vectors) to ``path`` as JSONL."""
        return self.store.catalog.export_jsonl(path)

    def import_articles(self, path: str | Path, progress: Progress | None = None) -> IngestReport:
        """Read a file of :meth:`export_articles` into the catalog, then embed its articles."""
        with self._write_lock:
            self.store.catalog.import_jsonl(path)
            return self._finish(progress) or IngestReport()

    def reset(self) -> None:
        """Delete every article, chunk and vector."""
        with self._write_lock:
            self.store.reset()
            self._sync_lexical()

    # -- questions ------------------------------------------------------------------------

    chat = start_chat  # a saved conversation, new or resumed by id: follow-ups understood
    conversations = list_conversations  # saved conversations, most recently changed first

    def ask(self, question: str, *, k: int | None = None, since: date | str | None = None,
            until: date | str | None = None, sources: Sequence[str] | None = None,
            history: Sequence[Turn] | None = None, today: date | str | None = None,
            collections: Sequence[str] | None = None) -> Answer:
        """Answer ``question`` from the stored articles, with ``[n]`` citations.

        Args:
            question: The question.
            k: Passages to retrieve, 1 to 100 (default ``NEWSDESK_K``).
            since: Only articles published on or after this date.
            until: Only articles published on or before this date ("as of"); relative
                dates in the question ("this week", "yesterday") are read against it.
            sources: Only these outlets.
            history: Earlier turns, for follow-up questions.
            today: The day relative dates in the question are read against when no
                ``until`` is given (default: the real today); it filters nothing itself.
            collections: Ask these collections at once (each searched, the results fused
                by rank) instead of this desk's own.

        Raises:
            BadQuestion: empty or too long, or a date that is not ``YYYY-MM-DD``.
            NotFound: a collection that does not exist (the message names those that do).
            StoreUnavailable: the Chroma server cannot be reached.
        """
        answer: Answer | None = None
        for piece in self._run(question, k, since, until, sources, history, today,
                               stream=False, collections=collections):
            if isinstance(piece, Answer):
                answer = piece
        assert answer is not None
        return answer

    def stream(self, question: str, *, k: int | None = None, since: date | str | None = None,
               until: date | str | None = None, sources: Sequence[str] | None = None,
               history: Sequence[Turn] | None = None, today: date | str | None = None,
               collections: Sequence[str] | None = None) -> Iterator[str | Answer]:
        """Like :meth:`ask`, but yield the answer text in pieces, then the finished :class:`Answer`."""
        yield from self._run(question, k, since, until, sources, history, today, stream=True,
                             collections=collections)

    def _run(self, question: str, k: int | None, since: date | str | None,
             until: date | str | None, sources: Sequence[str] | None,
             history: Sequence[Turn] | None, today: date | str | None, stream: bool,
             collections: Sequence[str] | None = None) -> Iterator[str | Answer]:
        from qa.collection_ops import searcher_for

        t0 = time.perf_counter()
        timings: dict[str, float] = {}
        q, k = clean_question(question), check_k(k, self.settings.k)
        since_d, until_d = parse_day(since, "since"), parse_day(until, "until")
        today_d = parse_day(today, "today")
        # One store read per question: the revision (BM25 follows it); the BM25 index then
        # counts the chunks, so an empty store needs no second read.
        searcher, empty = searcher_for(self, collections)
        if empty:
            yield Answer(question=q, standalone_question=q, text=EMPTY_STORE, abstained=True,
                         warnings=("the store is empty",))
            return
        t = time.perf_counter()
        standalone = self.rewriter.run(q, list(history or ()))
        timings["rewrite"] = (time.perf_counter() - t) * 1000
        from qa.timeaware import newest_note, time_scope
        scope = time_scope(standalone, since=since_d, until=until_d, today=today_d)
        found: tuple[Scope, list[Passage], Draft] | None = None
        for piece in self._scoped(standalone, scope, k,
                                  tuple(sources or ()), timings, stream, searcher):
            if isinstance(piece, str):
                yield piece
            else:
                found = piece
        assert found is not None
        scope, passages, result = found
        timings["total"] = (time.perf_counter() - t0) * 1000
        dated = source_notes(self.lexical, sources) + (() if result.abstained else newest_note(
            scope, [c.passage for c in result.citations] or passages))
        yield log_answer(self.settings, collections or [self.store.collection], Answer(
            question=q, standalone_question=standalone, text=result.text,
            citations=tuple(result.citations), passages=tuple(passages),
            abstained=result.abstained, unsupported=tuple(result.unsupported),
            warnings=tuple(scope.notes) + dated + tuple(result.warnings), timings=timings))

    def _scoped(self, question: str, scope: Scope, k: int, sources: tuple[str, ...],
                timings: dict[str, float], stream: bool, searcher: Searcher
                ) -> Iterator[str | tuple[Scope, list[Passage], Draft]]:
        """Search and answer within ``scope``, then within ``scope.relaxed`` when nothing in
        the first range answers (a date in the question may date the event, not the article;
        a relative period such as "this week" may hold nothing on it, or only other news).
        Yield the answer text (in pieces when streaming), then the scope, passages and draft
        it came from. When no range answers, the last one that held passages is kept (a
        relative period's own passages over those of the newest articles of all dates)."""
        from qa.timeaware import off_topic

        def search(s: Scope) -> list[Passage]:
            return searcher.run(s.query, k, Filters(since=s.since, until=s.until,
                                                    sources=sources),
                                recency=s.recency, timings=timings)

        kept: tuple[Scope, list[Passage], Draft] | None = None
        found: tuple[Scope, list[Passage], Draft] = (scope, [], Draft(text=""))
        attempt: Scope | None = scope
        searched: dict[int, list[Passage]] = {}
        if scope.checked and scope.relaxed is not None:
            # a relative period read against today: when the newest matching articles over
            # all dates hold nothing from it, it holds other news and is skipped
            searched = {id(scope): search(scope), id(scope.relaxed): search(scope.relaxed)}
            if off_topic(scope, searched[id(scope.relaxed)]):
                attempt = scope.relaxed
        while attempt is not None:
            passages = searched[id(attempt)] if id(attempt) in searched else search(attempt)
            t = time.perf_counter()
            if attempt.relaxed is None and kept is None:  # the last try: stream it
                result: Draft | None = None
                for piece in self.answerer.stream(question, passages, as_of=attempt.until) \
                        if stream else [self.answerer.run(question, passages,
                                                          as_of=attempt.until)]:
                    if isinstance(piece, str):
                        yield piece
                    else:
                        result = piece
                assert result is not None
                timings["answer"] = timings.get("answer", 0.0) + (time.perf_counter() - t) * 1000
                yield attempt, passages, result
                return
            draft = self.answerer.run(question, passages, as_of=attempt.until)
            timings["answer"] = timings.get("answer", 0.0) + (time.perf_counter() - t) * 1000
            found = (attempt, passages, draft)
            if passages and not draft.abstained:
                break
            # kept when nothing answers: the passages of the last range that held any, but
            # a relative period's own over the newest articles of all dates
            kept = found if passages and (kept is None or not attempt.empty) else kept
            found = kept if attempt.relaxed is None and kept is not None else found
            attempt = attempt.relaxed
        if stream:
            yield found[2].text
        yield found

    def as_runnable(self) -> Any:
        """This desk as a LangChain ``Runnable``: ``{"question": ...}`` in, ``Answer`` out."""
        from langchain_core.runnables import RunnableLambda

        return RunnableLambda(lambda x: self.ask(x["question"] if isinstance(x, dict) else str(x)))


def _filters(since: date | str | None = None, until: date | str | None = None,
             sources: Sequence[str] | None = None) -> Filters:
    return Filters(parse_day(since, "since"), parse_day(until, "until"), tuple(sources or ()))

