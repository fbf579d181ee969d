"""The UI's event handlers over one :class:`qa.NewsDesk`: chat (streamed), library, uploads.

:mod:`web.layout` lays the components out and wires them to these handlers; the API
endpoints are in :mod:`web.api`.
"""

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from qa import Answer, Conversation, NewsDesk, NewsdeskError, Settings
from qa.collection_ops import open_collection
from web.answer_settings import restored
from web.api import Api
from web.library import library_rows, stats_html, table_label
from web.llm_status import LLMStatus
from web.render import answer_html, esc, message_html, one_line, sources_html
from web.seed import Seeder, example_questions
from web.uploads import ingest_uploads
from web.urls import add_url_text, feeds_html

log = logging.getLogger("newsdesk.ui")




class NewsdeskUI:
    """The Gradio app's handlers over one :class:`NewsDesk`.

    Args:
        desk: The desk to serve.
        settings: Its settings (k, upload limit, LLM, data folder).
        corpus: Folder to ingest on the first start when the store is empty.
        echo: Print first-start progress on the console.
    """

    def __init__(self, desk: NewsDesk, settings: Settings | None = None,
                 corpus: Path | None = None, echo: bool = True) -> None:
        self.desk = desk
        self.settings = settings or desk.settings
        self.corpus = corpus
        self.uploads = Path(self.settings.home) / "uploads"
        self.seeder = Seeder(desk, corpus, echo=echo)
        self.llm_state = LLMStatus(desk, echo=echo)
        self.api = Api(desk, self.uploads, self.settings.max_file_mb)

    # -- chat ---------------------------------------------------------------------------

    def _not_ready(self, history: list[dict[str, Any]]) -> bool:
        """Say so in the chat when the bundled articles are still loading into an empty store."""
        if not (self.seeder.running and self.desk.is_empty()):
            return False
        history.append({"role": "assistant", "content": message_html(
            f"{self.seeder.status() or 'The bundled articles are loading'}. "
            "Ask again in a moment.", "info")})
        return True

    def respond(self, question: str, history: list[dict[str, Any]] | None,
                conv: Conversation | None, k: float | None, since: str | None,
                until: str | None, sources: list[str] | None, collection: str | None = None,
                owner: str | None = None) -> Iterator[tuple[Any, Any, Any, Any]]:
        """Chat handler: stream the answer into the chat (from the chosen collection), then
        fill the sources panel. A new conversation is saved as ``owner``'s (each turn as
        it is answered; not saved when the owner is unknown yet)."""
        history = list(history or [])
        q = (question or "").strip()
        if not q:
            gr.Info("Type a question first.")
            yield history, gr.skip(), conv, question
            return
        if conv is None:
            conv = self.desk.chat(owner=owner or "", save=bool(owner))
        history.append({"role": "user", "content": f'<div class="nd-user">{esc(one_line(q))}</div>'})
        if self._not_ready(history):
            yield history, gr.skip(), conv, ""
            return
        history.append({"role": "assistant", "content": '<div class="nd-pending nd-streaming">'
                        "Searching the articles…</div>"})
        yield history, gr.skip(), conv, ""
        try:
            text = ""
            answer: Answer | None = None
            for piece in conv.stream(q, k=int(k) if k else None, since=(since or "").strip() or None,
                                     until=(until or "").strip() or None,
                                     sources=list(sources or []) or None,
                                     collections=[collection] if collection else None):
                if isinstance(piece, Answer):
                    answer = piece
                else:
                    text += piece
                    history[-1] = {"role": "assistant",
                                   "content": '<div class="nd-answer nd-streaming">'
                                              f"{esc(one_line(text))}</div>"}
                    yield history, gr.skip(), conv, ""
            if answer is None:
                raise RuntimeError("the desk returned no answer")
            history[-1] = {"role": "assistant", "content": answer_html(answer, len(conv.turns))}
            yield history, sources_html(conv.turns), conv, ""
        except NewsdeskError as e:
            history[-1] = {"role": "assistant", "content": message_html(str(e))}
            yield history, gr.skip(), conv, ""
        except Exception as e:
            log.exception("answering failed")
            history[-1] = {"role": "assistant", "content": message_html(
                f"Something went wrong ({type(e).__name__}); the details are in the server log.")}
            yield history, gr.skip(), conv, ""

    @staticmethod
    def stopped(history: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
        """Stop handler: say so in the bubble of the answer that was cut short."""
        history = list(history or [])
        if history and history[-1].get("role") == "assistant":
            content = history[-1].get("content")
            parts = content if isinstance(content, list) else [content]
            text = "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in parts)
            if "nd-streaming" in text:
                note = message_html("Stopped before the answer was finished; no sources.", "info")
                keep = "" if "nd-pending" in text else text.replace(" nd-streaming", "")
                history[-1] = {"role": "assistant", "content": keep + note}
        return history

    def clear(self) -> tuple[list[Any], str, None, str]:
        """Start over: empty chat, empty sources, a new conversation."""
        return [], sources_html([]), None, ""

    # -- library ------------------------------------------------------------------------

    def library_desk(self, collection: str | None = None) -> NewsDesk:
        """The desk of the Library tab's collection (blank: the server's; a new name is an
        empty collection until something is added to it)."""
        return open_collection(self.desk, collection, create=True)

    def library_rows(self, query: str = "", collection: str | None = None) -> list[list[Any]]:
        """The article table, newest first, filtered by ``query`` (title, date, source, id)."""
        return library_rows(self.library_desk(collection).articles(), query)

    def choices(self, collection: str | None = None) -> list[tuple[str, str]]:
        """The delete picker's choices: ``(title (date), article id)``."""
        out = []
        for a in self.library_desk(collection).articles():
            when = a.published.isoformat() if a.published else "undated"
            out.append((f"{one_line(a.title)[:90] or a.id} ({when})", a.id))
        return out

    def collections(self) -> list[str]:
        """The collections the chat can ask, by name."""
        return [c.name for c in self.desk.collections()]

    def collection_update(self, current: str | None) -> Any:
        """The collection picker with the collections there are now (keeping the choice)."""
        try:
            names = self.collections()
        except NewsdeskError:
            return gr.skip()
        keep = current if current in names else self.desk.store.collection
        return gr.update(choices=names or [keep], value=keep)

    def library_collection_update(self, current: str | None) -> Any:
        """The Library's collection picker with the collections there are now (keeping the
        choice, even a new name that nothing has been added to yet)."""
        try:
            names = self.collections()
        except NewsdeskError:
            return gr.skip()
        keep = (current or "").strip() or self.desk.store.collection
        return gr.update(choices=names if keep in names else [*names, keep], value=keep)

    def sources(self) -> list[str]:
        """The outlets in the store (the choices of the source filter)."""
        return list(self.desk.stats().get("sources") or [])

    def refresh_library(self, query: str = "", selected: str | None = None,
                        collection: str | None = None) -> tuple[Any, ...]:
        """Table, delete picker, statistics and source filter, fresh from the store (the
        table, picker and statistics of the Library's ``collection``)."""
        try:
            desk = self.library_desk(collection)
            choices = self.choices(collection)
            ids = {c[1] for c in choices}
            stats = desk.stats()
            chat_stats = stats if desk is self.desk else self.desk.stats()
            rows = self.library_rows(query, collection)
            return (gr.update(value=rows, label=table_label(len(rows), len(choices))),
                    gr.update(choices=choices, value=selected if selected in ids else None),
                    stats_html(stats), gr.update(choices=list(chat_stats.get("sources") or [])))
        except NewsdeskError as e:
            gr.Warning(str(e))
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()

    def filter_library(self, query: str, collection: str | None = None) -> Any:
        """The table filtered by ``query``."""
        try:
            rows = self.library_rows(query, collection)
            total = len(self.library_desk(collection).articles())
            return gr.update(value=rows, label=table_label(len(rows), total))
        except NewsdeskError as e:
            gr.Warning(str(e))
            return gr.skip()

    def select_row(self, table: Any, evt: gr.SelectData) -> Any:
        """Clicking a table row picks that article for deletion."""
        rows = table.values.tolist() if hasattr(table, "values") else list(table or [])
        row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        if isinstance(row, int) and 0 <= row < len(rows):
            return gr.update(value=str(rows[row][4]))
        return gr.skip()

    def ui_delete(self, article_id: str | None, query: str, collection: str | None = None
                  ) -> tuple[Any, ...]:
        """Delete the picked article (of the Library's collection) and refresh the library."""
        if not article_id:
            return (message_html("Pick an article first (click its row or choose it in the list).",
                                 "info"), *self.refresh_library(query, None, collection))
        try:
            desk = self.library_desk(collection)
            title = next((a.title for a in desk.articles() if a.id == article_id), article_id)
            n = desk.delete(article_id)
            msg = message_html(f"Deleted “{title}” ({n} chunks).", "info")
        except NewsdeskError as e:
            msg = message_html(str(e))
        return (msg, *self.refresh_library(query, None, collection))

    def ui_ingest(self, files: list[str] | None, query: str, collection: str | None = None,
                  request: gr.Request | None = None,
                  progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        """Upload handler: store, ingest into the Library's collection (a new name creates it)
        with a progress bar, summarise, refresh the library (the signed-in user is recorded
        as the uploader)."""
        progress(0, desc="Reading the files…")

        def step(done: int, total: int, label: str) -> None:
            progress((done, total), desc=f"Ingesting {label[:60]}", unit="articles")

        try:
            _, summary = ingest_uploads(self.library_desk(collection), files, self.uploads,
                                        self.settings.max_file_mb, progress=step,
                                        uploaded_by=str(getattr(request, "username", "") or ""))
        except NewsdeskError as e:
            summary = message_html(str(e))
        except Exception as e:
            log.exception("ingest failed")
            summary = message_html(f"Ingest failed ({type(e).__name__}); see the server log.")
        return (summary, None, *self.refresh_library(query, None, collection))

    def ui_add_urls(self, text: str | None, query: str, collection: str | None = None,
                    progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        """Web addresses handler: fetch, ingest into the Library's collection, summarise,
        refresh the library."""
        progress(0, desc="Fetching the pages…")

        def step(done: int, total: int, label: str) -> None:
            progress((done, total), desc=f"Ingesting {label[:60]}", unit="articles")

        try:
            _, summary = add_url_text(self.library_desk(collection), text, progress=step)
        except NewsdeskError as e:
            summary = message_html(str(e))
        except Exception as e:
            log.exception("adding URLs failed")
            summary = message_html(f"Adding the pages failed ({type(e).__name__}); see the "
                                   "server log.")
        return (summary, "", *self.refresh_library(query, None, collection))

    def feeds_panel(self) -> str:
        """The feeds followed and their state."""
        try:
            return feeds_html(self.desk.feeds.list())
        except NewsdeskError as e:
            return message_html(str(e))

    def example_update(self) -> Any:
        """The example questions, fresh from the store (after an ingest or a delete)."""
        try:
            qs = example_questions(self.corpus, self.desk.articles())
        except NewsdeskError:
            return gr.skip()
        return gr.update(samples=[[q] for q in qs]) if qs else gr.skip()

    # -- status -------------------------------------------------------------------------

    def status_line(self) -> str:
        """The status line: the first-start ingest's progress or result, and the LLM
        backend's state (checked again when older than 30 s)."""
        text = self.seeder.status()
        llm, kind = self.llm_state.line()
        return (message_html(text, "info") if text else "") + \
            (message_html(llm, kind) if llm else "")

    def status_update(self) -> tuple[str, str]:
        """The status line and the answering backend's line (page load and timer ticks)."""
        return self.status_line(), self.llm_status()

    def restore_settings(self, state: Any) -> tuple[Any, ...]:
        """The answer settings this browser kept (page load), as updates for the controls."""
        try:
            return restored(state, self.collections(), self.sources())
        except NewsdeskError:
            return restored(None, [], [])

    def seed_status(self, collection: str | None = None) -> tuple[Any, ...]:
        """Timer tick: the first-start ingest's progress; stops the timer and refreshes when done."""
        status = self.status_line()
        if self.seeder.running:
            return (status, gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip())
        return (status, gr.Timer(active=False), *self.refresh_library("", None, collection))

    def llm_status(self) -> str:
        """The answering backend and whether it is usable."""
        if not self.llm_state.configured:
            return "none (extractive): answers are sentences quoted from the articles; no LLM"
        return self.llm_state.line()[0].removeprefix("LLM: ")
