"""The Gradio Blocks layout: the Chat and Library tabs, wired to :class:`web.ui.NewsdeskUI`,
and the ``gradio_client`` endpoints of :class:`web.api.Api`.

The page's CSS and JavaScript are files in ``web/static/``, read once at import.
"""

import contextlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr

from qa import NewsdeskError
from web.answer_settings import STORAGE_KEY
from web.answer_settings import saved as saved_settings
from web.api import API_NAMES
from web.history import HistoryPanel, build_sidebar, wire_sidebar
from web.library import LIBRARY_HEADERS, LIBRARY_WIDTHS, stats_html, table_label
from web.render import sources_html
from web.seed import example_questions
from web.ui import NewsdeskUI
from web.uploads import UPLOAD_TYPES

log = logging.getLogger("newsdesk.ui")

STATIC = Path(__file__).resolve().parent / "static"
"""The page's CSS and JavaScript."""
CSS = (STATIC / "newsdesk.css").read_text(encoding="utf-8")
"""The page CSS (passed to Gradio as ``css``)."""
HEAD = f"<script>\n{(STATIC / 'newsdesk.js').read_text(encoding='utf-8')}</script>"
"""The page head: the citation-link and passage-scrolling script."""


@dataclass(frozen=True)
class StartState:
    """What the page shows before its first refresh."""

    examples: list[str]
    rows: list[list[Any]]
    choices: list[tuple[str, str]]
    stats: dict[str, Any]
    sources: list[str]
    collections: list[str] = field(default_factory=list)


def start_state(ui: NewsdeskUI) -> StartState:
    """Example questions and the library as they are now (empty when the store is unavailable)."""
    stored: list[Any] = []
    with contextlib.suppress(NewsdeskError):
        stored = ui.desk.articles()
    examples = example_questions(ui.corpus, stored)
    try:
        return StartState(examples, ui.library_rows(), ui.choices(), ui.desk.stats(), ui.sources(),
                          ui.collections())
    except NewsdeskError as e:
        log.warning("library unavailable at start: %s", e)
        return StartState(examples, [], [], {"error": str(e)}, [])


class ApiBlocks(gr.Blocks):
    """``gr.Blocks`` whose API endpoints (:data:`web.api.API_NAMES`) may be called without
    their trailing optional inputs (``collection``): a raw ``/call`` with the question alone
    works as it did before they had one (gradio_client fills them in itself)."""

    def validate_inputs(self, block_fn: Any, inputs: list[Any]) -> None:
        """Fill the left-out trailing inputs with their defaults, then check as Gradio does."""
        wanted = block_fn.inputs
        if block_fn.api_name in API_NAMES and len(inputs) < len(wanted):
            inputs.extend(getattr(c, "value", None) for c in wanted[len(inputs):])
        super().validate_inputs(block_fn, inputs)


EXAMPLE_FILE = "article.txt"
"""The ``/ingest`` example on the API page: a local article file."""


def local_file_example(files: gr.File) -> gr.File:
    """Make ``files``' API-page example a local article file (Gradio's own is a PDF on the
    web, which a private desk never fetches). Set on the instance: a subclass of a Gradio
    component would make Gradio write a ``.pyi`` stub beside this module at import."""
    payload = [{"path": EXAMPLE_FILE, "orig_name": EXAMPLE_FILE,
                "meta": {"_type": "gradio.FileData"}}]
    files.example_payload = lambda: payload  # type: ignore[method-assign]
    files.example_value = lambda: [EXAMPLE_FILE]  # type: ignore[method-assign]
    return files


def build(ui: NewsdeskUI) -> gr.Blocks:
    """Build the Blocks app over ``ui`` (:func:`web.server.create_app` mounts and serves it)."""
    start = start_state(ui)
    settings = ui.settings
    with ApiBlocks(title="Newsdesk", analytics_enabled=False) as demo:
        gr.Markdown("## Newsdesk\nAsk about the loaded news articles. Every answer quotes "
                    "them and cites the passage it came from; when they don't say, Newsdesk "
                    "says so.", elem_id="nd-intro")
        seed_line = gr.HTML(ui.status_line(), elem_classes=["nd-status"], elem_id="nd-status")
        conv = gr.State(None)
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"), gr.Row(equal_height=False, elem_id="nd-chat-row"):
                bar = build_sidebar()  # saved conversations
                with gr.Column(scale=3, elem_id="nd-chat-col"):
                    chatbot = gr.Chatbot(
                        label="Conversation", height=400, sanitize_html=True,
                        latex_delimiters=[], feedback_options=None, buttons=["copy"],
                        elem_id="nd-chat",
                        placeholder="Ask a question about the articles. Answers cite "
                                    "their sources as [1], [2]…")
                    with gr.Row(elem_id="nd-ask-row"):
                        question = gr.Textbox(
                            show_label=False, placeholder="Ask about the news…",
                            scale=6, max_lines=4, elem_id="nd-question", autofocus=True)
                        ask_btn = gr.Button("Ask", variant="primary", scale=1,
                                            elem_id="nd-ask")
                        with gr.Column(scale=1, min_width=80, elem_id="nd-stop-col"):
                            stop_btn = gr.Button("Stop", size="sm", elem_id="nd-stop")
                            clear_btn = gr.Button("Clear", size="sm", elem_id="nd-clear")
                    ex = gr.Examples(examples=[[q] for q in start.examples], inputs=[question],
                                     label="Examples from the articles (click to ask)",
                                     api_visibility="private", elem_id="nd-examples"
                                     ) if start.examples else None
                with gr.Column(scale=2, elem_id="nd-side-col"):
                    collection = gr.Dropdown(
                        choices=start.collections or [ui.desk.store.collection],
                        value=ui.desk.store.collection, label="Collection",
                        elem_id="nd-collection", filterable=False)
                    with gr.Accordion("Answer settings", open=False, elem_id="nd-settings"):
                        with gr.Row():
                            k = gr.Slider(1, 20, value=settings.k, step=1,
                                          label="Passages per question (k)")
                            since = gr.Textbox(label="Published since", placeholder="YYYY-MM-DD")
                            until = gr.Textbox(label="Published until (as of)",
                                               placeholder="YYYY-MM-DD")
                        src_filter = gr.Dropdown(choices=start.sources, multiselect=True, value=[],
                                                 label="Only these sources (empty: all)")
                        llm_box = gr.Textbox(value=ui.llm_status(), interactive=False,
                                             label="Answering backend (NEWSDESK_LLM)")
                    with gr.Column(elem_id="nd-sources-col"):
                        gr.Markdown("**Sources**")
                        sources_panel = gr.HTML(sources_html([]), elem_id="nd-sources",
                                                max_height=640, js_on_load=None)
            with gr.Tab("Library", id="library"):
                lib_status = gr.HTML("", elem_id="nd-lib-status")
                with gr.Row():
                    lib_collection = gr.Dropdown(
                        choices=start.collections or [ui.desk.store.collection],
                        value=ui.desk.store.collection, label="Collection (type a new name "
                        "to start one)", allow_custom_value=True, scale=2,
                        elem_id="nd-lib-collection")
                    lib_filter = gr.Textbox(label="Filter", placeholder="words in the title, "
                                            "date, source or id", scale=4,
                                            elem_id="nd-lib-filter")
                    refresh_btn = gr.Button("Refresh", size="sm", scale=1)
                table = gr.Dataframe(value=start.rows, headers=LIBRARY_HEADERS, type="array",
                                     datatype=["str", "str", "str", "number", "str"],
                                     interactive=False, wrap=True, max_height=420,
                                     column_widths=LIBRARY_WIDTHS,
                                     label=table_label(len(start.rows), len(start.rows)),
                                     elem_id="nd-library")
                with gr.Row():
                    pick = gr.Dropdown(choices=start.choices, value=None, label="Article",
                                       scale=4, elem_id="nd-pick")
                    delete_btn = gr.Button("Delete article", variant="stop", scale=1,
                                           elem_id="nd-delete")
                with gr.Accordion("Add articles", open=True):
                    files = gr.File(file_count="multiple", file_types=list(UPLOAD_TYPES),
                                    type="filepath", elem_id="nd-upload",
                                    label=f"Article files (.txt .md .html .json .jsonl .pdf, "
                                          f"up to {settings.max_file_mb} MB each)")
                    ingest_btn = gr.Button("Add to library", variant="primary",
                                           elem_id="nd-ingest")
                    ingest_out = gr.HTML("", elem_id="nd-ingest-out")
                    url_box = gr.Textbox(label="Web addresses (one per line): articles or PDFs",
                                         lines=2, placeholder="https://…", elem_id="nd-urls")
                    add_urls_btn = gr.Button("Fetch and add", elem_id="nd-add-urls")
                with gr.Accordion("Feeds", open=False):
                    feeds_panel = gr.HTML("", elem_id="nd-feeds")
                with gr.Accordion("Statistics", open=False):
                    stats_json = gr.HTML(stats_html(start.stats), elem_id="nd-stats")
        timer = gr.Timer(1.0, active=ui.seeder.running)
        llm_timer = gr.Timer(30.0, active=ui.llm_state.configured)  # the LLM's state, again
        kept = gr.BrowserState(None, storage_key=STORAGE_KEY)  # the answer settings

        # hidden components for the /ingest endpoint (files in, JSON out)
        api_files = local_file_example(gr.File(file_count="multiple", type="filepath",
                                               visible=False, label="files"))
        api_collection = gr.Textbox("", visible=False, label="collection")
        api_out = gr.JSON(visible=False, label="result")
        api_btn = gr.Button(visible=False)

        library_outputs = [table, pick, stats_json, src_filter]
        chat_inputs = [question, chatbot, conv, k, since, until, src_filter, collection,
                       bar.owner]
        chat_outputs = [chatbot, sources_panel, conv, question]
        hidden: dict[str, Any] = {"api_visibility": "private"}
        ev_submit = question.submit(ui.respond, chat_inputs, chat_outputs, **hidden)
        ev_click = ask_btn.click(ui.respond, chat_inputs, chat_outputs, **hidden)
        asking: list[Any] = [ev_submit, ev_click]
        if ex is not None:
            asking.append(ex.load_input_event.then(ui.respond, chat_inputs, chat_outputs,
                                                   **hidden))
        stop_btn.click(ui.stopped, [chatbot], [chatbot], cancels=asking, queue=False, **hidden)
        clear_btn.click(ui.clear, None, chat_outputs, cancels=asking, **hidden)
        chatbot.clear(ui.clear, None, chat_outputs, cancels=asking, **hidden)
        wire_sidebar(HistoryPanel(ui.desk), bar, demo, {"chatbot": chatbot, "conv": conv,
                     "sources": sources_panel, "question": question, "clear": clear_btn}, asking)

        lib_view = [lib_filter, pick, lib_collection]
        lib_filter.change(ui.filter_library, [lib_filter, lib_collection], [table], **hidden)
        lib_collection.change(ui.refresh_library, lib_view, library_outputs, **hidden)
        refresh_btn.click(ui.refresh_library, lib_view, library_outputs, **hidden)
        table.select(ui.select_row, [table], [pick], **hidden)
        deleted = delete_btn.click(ui.ui_delete, [pick, lib_filter, lib_collection],
                                   [lib_status, *library_outputs],
                                   concurrency_id="write", concurrency_limit=1, **hidden)
        ingested = ingest_btn.click(ui.ui_ingest, [files, lib_filter, lib_collection],
                                    [ingest_out, files, *library_outputs],
                                    concurrency_id="write", concurrency_limit=1, **hidden)
        fetched = add_urls_btn.click(ui.ui_add_urls, [url_box, lib_filter, lib_collection],
                                     [ingest_out, url_box, *library_outputs],
                                     concurrency_id="write", concurrency_limit=1, **hidden)
        for done in (deleted, ingested, fetched):  # a new collection joins both pickers
            done.then(ui.collection_update, [collection], [collection], **hidden)
            done.then(ui.library_collection_update, [lib_collection], [lib_collection], **hidden)
        refresh_btn.click(ui.feeds_panel, None, [feeds_panel], **hidden)
        demo.load(ui.feeds_panel, None, [feeds_panel], **hidden)
        if ex is not None:  # the examples follow the store's newest articles
            for done in (deleted, ingested, fetched):
                done.then(ui.example_update, None, [ex.dataset], **hidden)
        timer.tick(ui.seed_status, [lib_collection], [seed_line, timer, *library_outputs],
                   **hidden)
        demo.load(ui.refresh_library, lib_view, library_outputs, **hidden)
        answer_settings: list[Any] = [k, since, until, src_filter, collection]
        demo.load(ui.collection_update, [collection], [collection], **hidden).then(
            ui.restore_settings, [kept], answer_settings, **hidden)
        gr.on([c.change for c in answer_settings], saved_settings, answer_settings, [kept],
              queue=False, **hidden)
        demo.load(ui.status_update, None, [seed_line, llm_box], **hidden)
        llm_timer.tick(ui.status_update, None, [seed_line, llm_box], **hidden)
        demo.load(ui.library_collection_update, [lib_collection], [lib_collection], **hidden)

        api = ui.api
        gr.api(api.api_ask, api_name="ask")
        gr.api(api.api_chat, api_name="chat")
        gr.api(api.api_list, api_name="list")
        gr.api(api.api_delete, api_name="delete", concurrency_id="write", concurrency_limit=1)
        api_btn.click(api.api_ingest, [api_files, api_collection], [api_out], api_name="ingest",
                      api_description="Add article files (.txt .md .html .json .jsonl .pdf) "
                                      "to a collection (blank: the server's; a new name "
                                      "creates it); returns the ingest summary as JSON.",
                      concurrency_id="write", concurrency_limit=1)
    return demo
