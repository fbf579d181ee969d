"""The Chat tab's saved conversations: the sidebar's handlers (list, resume, new chat,
rename, delete, export) over :mod:`qa.history`.

Each conversation belongs to an owner: the signed-in user's name when the UI has a
password, else ``session:<id>`` where the id is kept in the browser (``gr.BrowserState``,
under :data:`BROWSER_KEY`), so that the list survives a page reload and an app restart.
:mod:`web.layout` lays the sidebar out and wires it to these handlers.
"""

from __future__ import annotations

import logging
import re
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from qa import Conversation, NewsDesk, NewsdeskError
from qa.history import conversations, delete, rename, to_json
from web.render import answer_html, esc, message_html, one_line, sources_html

log = logging.getLogger("newsdesk.ui")

BROWSER_KEY = "newsdesk-browser-id"
"""The ``localStorage`` key of this browser's id."""
BROWSER_SECRET = "newsdesk-browser-id"
"""``gr.BrowserState`` encrypts with a secret it sends to the page anyway; a fixed one keeps
the stored id readable after a restart (the id itself is random and unguessable)."""
_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
PHONE_WIDTH = 768
"""Narrower than this, the sidebar starts closed (open, it would cover the chat)."""
CLOSE_ON_PHONES = f"""() => {{
  if (window.innerWidth >= {PHONE_WIDTH}) return;
  document.querySelector('#nd-history.open > .toggle-button')?.click();
}}"""


def owner_of(request: gr.Request | None, browser_id: str | None = None) -> str:
    """Whose conversations these are: the signed-in user, else ``session:<browser id>``
    (``""`` when neither is known: nothing is saved then)."""
    user = getattr(request, "username", None) if request is not None else None
    if user:
        return str(user)
    return f"session:{browser_id}" if browser_id and _ID.fullmatch(browser_id) else ""


def chat_messages(conv: Conversation) -> list[dict[str, Any]]:
    """The chat bubbles of a saved conversation's turns (as :meth:`NewsdeskUI.respond` shows
    them)."""
    out: list[dict[str, Any]] = []
    for i, turn in enumerate(conv.turns, 1):
        out.append({"role": "user",
                    "content": f'<div class="nd-user">{esc(one_line(turn.question))}</div>'})
        out.append({"role": "assistant", "content": answer_html(turn.answer, i)})
    return out


class HistoryPanel:
    """The sidebar's handlers over one desk.

    Args:
        desk: The desk whose catalog keeps the conversations.
    """

    def __init__(self, desk: NewsDesk) -> None:
        self.desk = desk
        self.exports = Path(tempfile.mkdtemp(prefix="newsdesk-exports-"))

    def history_start(self, stored: Any, request: gr.Request) -> tuple[str, str, Any]:
        """Page load: this browser's id (made on its first visit), the owner, the list."""
        browser_id = stored if isinstance(stored, str) and _ID.fullmatch(stored) else \
            secrets.token_urlsafe(18)
        owner = owner_of(request, browser_id)
        return browser_id, owner, self.history_list(owner, None)

    def history_list(self, owner: str | None, conv: Conversation | None) -> Any:
        """The sidebar list: the owner's conversations by title, newest first, the open one
        selected."""
        if not owner:
            return gr.update(choices=[], value=None)
        try:
            rows = conversations(self.desk, owner)
        except NewsdeskError as e:
            log.warning("conversations unavailable: %s", e)
            return gr.skip()
        ids = {r.id for r in rows}
        choices = [(one_line(r.title) or "Untitled", r.id) for r in rows]
        current = conv.id if conv is not None and conv.id in ids else None
        return gr.update(choices=choices, value=current)

    def history_answered(self, owner: str | None, conv: Conversation | None
                         ) -> tuple[Any, Any, Any]:
        """After an answer: the list (the open conversation first) and its export files."""
        return (self.history_list(owner, conv), *self.history_exports(conv))

    def history_resume(self, conversation_id: str | None, owner: str | None
                       ) -> tuple[Any, ...]:
        """Open a saved conversation (a click in the list): its turns in the chat, their
        sources, its title in the rename box and its export files; follow-ups go on from it."""
        if not conversation_id or not owner:
            return (gr.skip(),) * 6
        try:
            conv = self.desk.chat(conversation_id=conversation_id, owner=owner)
        except NewsdeskError as e:
            return ([{"role": "assistant", "content": message_html(str(e))}],
                    sources_html([]), None, "", *self.history_exports(None))
        return (chat_messages(conv), sources_html(conv.turns), conv, conv.title,
                *self.history_exports(conv))

    def history_new(self) -> tuple[Any, ...]:
        """Start over: an empty chat and sources, no open conversation, nothing selected."""
        return ([], sources_html([]), None, "", gr.update(value=None), "",
                *self.history_exports(None))

    def history_cleared(self) -> tuple[Any, ...]:
        """The chat was cleared (a new conversation starts): nothing selected, no exports."""
        return (gr.update(value=None), "", *self.history_exports(None))

    def history_rename(self, conv: Conversation | None, title: str | None,
                       owner: str | None) -> tuple[Any, ...]:
        """Rename the open conversation (a blank title: its first question again)."""
        if conv is None or not conv.turns or not owner:
            gr.Info("Open or start a conversation first.")
            return (gr.skip(),) * 4
        try:
            row = rename(self.desk, conv.id, title or "", owner)
        except NewsdeskError as e:
            gr.Warning(str(e))
            return (gr.skip(),) * 4
        conv.title = row.title
        return (self.history_list(owner, conv), row.title, *self.history_exports(conv))

    def history_delete(self, conv: Conversation | None, owner: str | None) -> tuple[Any, ...]:
        """Delete the open conversation, then start over."""
        if conv is None or not conv.turns or not owner:
            gr.Info("Open a conversation first.")
            return (gr.skip(),) * 8
        try:
            delete(self.desk, conv.id, owner)
        except NewsdeskError as e:
            gr.Warning(str(e))
        fresh = self.history_new()
        return (*fresh[:4], self.history_list(owner, None), *fresh[5:])

    def history_exports(self, conv: Conversation | None) -> tuple[Any, Any]:
        """The open conversation as a Markdown and a JSON file, for the download buttons."""
        if conv is None or not conv.turns:
            return gr.update(value=None, interactive=False), gr.update(value=None,
                                                                        interactive=False)
        stem = re.sub(r"[^A-Za-z0-9]+", "-", conv.title).strip("-")[:40] or "conversation"
        folder = self.exports / conv.id
        folder.mkdir(parents=True, exist_ok=True)
        md, js = folder / f"{stem}.md", folder / f"{stem}.json"
        md.write_text(conv.to_markdown(), encoding="utf-8")
        js.write_text(to_json(conv) + "\n", encoding="utf-8")
        return (gr.update(value=str(md), interactive=True),
                gr.update(value=str(js), interactive=True))


@dataclass
class Sidebar:
    """The sidebar's components (made by :func:`build_sidebar`)."""

    browser_id: Any
    owner: Any
    listing: Any
    new_chat: Any
    title: Any
    rename: Any
    delete: Any
    export_md: Any
    export_json: Any


def build_sidebar() -> Sidebar:
    """Lay out the conversations sidebar (inside the Chat tab's ``gr.Blocks`` context)."""
    browser_id = gr.BrowserState(None, storage_key=BROWSER_KEY, secret=BROWSER_SECRET)
    owner = gr.State("")
    with gr.Sidebar(label="Conversations", open=True, elem_id="nd-history"):
        new_chat = gr.Button("New chat", variant="primary", size="sm", elem_id="nd-new-chat")
        listing = gr.Radio(choices=[], value=None, label="Conversations (newest first)",
                           elem_id="nd-conversations")
        title = gr.Textbox(label="Title", max_lines=1, elem_id="nd-conv-title",
                           placeholder="Open a conversation to rename it")
        with gr.Row():
            rename_btn = gr.Button("Rename", size="sm", elem_id="nd-conv-rename")
            delete_btn = gr.Button("Delete", size="sm", variant="stop", elem_id="nd-conv-delete")
        with gr.Row():
            export_md = gr.DownloadButton("Export .md", size="sm", interactive=False,
                                          elem_id="nd-export-md")
            export_json = gr.DownloadButton("Export .json", size="sm", interactive=False,
                                            elem_id="nd-export-json")
    return Sidebar(browser_id, owner, listing, new_chat, title, rename_btn, delete_btn,
                   export_md, export_json)


def wire_sidebar(panel: HistoryPanel, bar: Sidebar, demo: gr.Blocks, chat: dict[str, Any],
                 asking: list[Any]) -> None:
    """Connect the sidebar: the list on page load and after each answer (``asking``: the
    events that answer), resume on a click, new chat, rename, delete, export. ``chat`` names
    the chat's components: ``chatbot``, ``sources``, ``conv``, ``question`` (and ``clear``,
    its Clear button, which deselects the list)."""
    hidden: dict[str, Any] = {"api_visibility": "private"}
    conv = chat["conv"]
    exports = [bar.export_md, bar.export_json]
    fresh = [chat["chatbot"], chat["sources"], conv, chat["question"], bar.listing, bar.title]
    demo.load(panel.history_start, [bar.browser_id], [bar.browser_id, bar.owner, bar.listing],
              **hidden)
    demo.load(None, None, None, js=CLOSE_ON_PHONES, **hidden)
    for answered in asking:
        answered.then(panel.history_answered, [bar.owner, conv], [bar.listing, *exports],
                      **hidden)
    bar.listing.input(panel.history_resume, [bar.listing, bar.owner],
                      [chat["chatbot"], chat["sources"], conv, bar.title, *exports],
                      cancels=asking, **hidden)
    bar.new_chat.click(panel.history_new, None, [*fresh, *exports], cancels=asking, **hidden)
    if "clear" in chat:
        chat["clear"].click(panel.history_cleared, None, [bar.listing, bar.title, *exports],
                            **hidden)
    for renaming in (bar.rename.click, bar.title.submit):
        renaming(panel.history_rename, [conv, bar.title, bar.owner],
                 [bar.listing, bar.title, *exports], **hidden)
    bar.delete.click(panel.history_delete, [conv, bar.owner], [*fresh, *exports],
                     cancels=asking, **hidden)
