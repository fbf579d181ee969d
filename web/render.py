"""HTML for the chat, the sources panel and status lines.

Everything that comes from an article (titles, text, URLs) is untrusted: it is escaped with
:func:`html.escape` before it becomes HTML, and Gradio's sanitiser runs on top. No Gradio here:
these are plain functions of :mod:`qa` results.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlparse

from qa import Answer, Citation, Turn
from qa.citations import MARKER_RE

NOT_SUPPORTED = "not supported by the cited passage"
NO_SOURCES = "No sources: the articles don't answer this."
SOURCES_PLACEHOLDER = "The passages each answer cites appear here, with the supporting sentence marked."

# After html.escape: characters that Markdown, LaTeX or template engines would act on
# become numeric character references, so article text always shows as itself.
_INERT = {ord(c): f"&#{ord(c)};" for c in "\\`*_{}[]()|~$!+-:="}
_NEWLINES = re.compile(r"[ \t]*\n\s*")


def esc(text: object) -> str:
    """Escape ``text`` for HTML (quotes included) and make Markdown/template syntax inert."""
    return html.escape(str(text), quote=True).translate(_INERT)


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (newlines included) made one space."""
    return " ".join(text.split())


def _block(text: str) -> str:
    """Escape a passage fragment, keeping one line break per paragraph break."""
    return esc(_NEWLINES.sub("\n", text))


def safe_url(url: str) -> str:
    """Return ``url`` when it is a plain http(s) URL, else ``""`` (no ``javascript:`` links)."""
    url = (url or "").strip()
    if not url or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return ""
    try:
        parts = urlparse(url)
    except ValueError:
        return ""
    return url if parts.scheme in ("http", "https") and parts.netloc else ""


def _cite_link(c: Citation, turn: int) -> str:
    return (f'<a class="nd-cite" href="#src-{turn}-{c.n}" title="{esc(one_line(c.quote_text))}">'
            f"{esc(f'[{c.n}]')}</a>")


def _with_citations(text: str, cites: dict[int, Citation], turn: int) -> str:
    """Escape ``text``; each single-number marker ``[n]`` of a known citation becomes a link.

    Other markers (``[1, 3]``, ``[2-4]``, ``[ 2 ]``, unknown numbers) stay as text.
    """
    out: list[str] = []
    pos = 0
    for m in MARKER_RE.finditer(text):
        number = m.group(0)[1:-1]
        c = cites.get(int(number)) if number.isdigit() else None
        if c is None:
            continue
        out.append(esc(text[pos:m.start()]))
        out.append(_cite_link(c, turn))
        pos = m.end()
    out.append(esc(text[pos:]))
    return "".join(out)


def _spans(text: str, sentences: Sequence[str]) -> tuple[list[tuple[int, int]], list[str]]:
    """Where each sentence occurs in ``text`` (non-overlapping), and the ones not found."""
    spans: list[tuple[int, int]] = []
    missing: list[str] = []
    for s in sentences:
        s = one_line(s)
        i = text.find(s) if s else -1
        while i >= 0 and any(i < e and i + len(s) > b for b, e in spans):
            i = text.find(s, i + 1)
        if i < 0:
            missing.append(s)
        else:
            spans.append((i, i + len(s)))
    return sorted(spans), missing


def _notes_html(answer: Answer) -> str:
    """The rewritten question (for a follow-up) and the answer's warnings, as muted notes."""
    notes: list[str] = []
    if answer.standalone_question and \
            one_line(answer.standalone_question).lower() != one_line(answer.question).lower():
        notes.append(f"Understood as: {answer.standalone_question}")
    notes += [f"Note: {w}" for w in answer.warnings]
    return "".join(f'<div class="nd-note">{esc(one_line(n))}</div>' for n in notes)


def answer_html(answer: Answer, turn: int) -> str:
    """The chat bubble for ``answer``: ``[n]`` become links to source cards ``#src-TURN-n``.

    Sentences the support check rejected get a dotted underline; an abstention is shown
    muted and without citations.
    """
    note_html = _notes_html(answer)
    if answer.abstained:
        return f'<div class="nd-abstain">{esc(one_line(answer.text))}</div>{note_html}'
    text = one_line(answer.text)
    cites = {c.n: c for c in answer.citations}
    spans, missing = _spans(text, answer.unsupported)
    parts: list[str] = []
    pos = 0
    for b, e in spans:
        parts.append(_with_citations(text[pos:b], cites, turn))
        parts.append(f'<span class="nd-unsupported" title="{NOT_SUPPORTED}">'
                     f"{_with_citations(text[b:e], cites, turn)}</span>")
        pos = e
    parts.append(_with_citations(text[pos:], cites, turn))
    return f'<div class="nd-answer">{"".join(parts)}</div>{left_out_html(missing)}{note_html}'


def left_out_html(sentences: Sequence[str]) -> str:
    """One line saying how many sentences failed the support check and were left out of the
    answer; it opens to show them."""
    if not sentences:
        return ""
    n = len(sentences)
    head = f"{n} sentence{'s' if n > 1 else ''} without support in the sources " \
           f"{'were' if n > 1 else 'was'} left out"
    items = "".join(f'<div class="nd-unsupported" title="{NOT_SUPPORTED}">{esc(one_line(x))}</div>'
                    for x in sentences)
    return f'<details class="nd-note nd-left-out"><summary>{esc(head)}</summary>{items}</details>'


def source_card(c: Citation, turn: int) -> str:
    """One source card: title (linked when there is a URL), date, outlets, and the passage
    with the supporting sentence in ``<mark>``."""
    p = c.passage
    title = esc(one_line(p.title) or "Untitled article")
    url = safe_url(p.url)
    if url:
        title = (f'<a href="{html.escape(url, quote=True)}" target="_blank" '
                 f'rel="noopener noreferrer nofollow">'
                 f"{title}</a>")
    outlets = ", ".join(p.sources) or p.source
    page = f"p. {p.page}" if p.page else ""
    meta = " · ".join(esc(x) for x in (p.published.isoformat() if p.published else "undated",
                                       outlets, page) if x)
    s, e = c.quote
    body = f"{_block(p.text[:s])}<mark>{_block(p.text[s:e])}</mark>{_block(p.text[e:])}" \
        if not c.headline else _block(p.text)
    if c.headline:  # the answer's words are the headline's
        title = f"<mark>{title}</mark>"
    return (f'<article class="nd-card" id="src-{turn}-{c.n}">'
            f'<div class="nd-card-head"><span class="nd-n">{esc(f"[{c.n}]")}</span> {title}</div>'
            f'<div class="nd-meta">{meta}</div>'
            f'<blockquote class="nd-passage">{body}</blockquote></article>')


def sources_html(turns: Sequence[Turn], max_turns: int = 20) -> str:
    """The sources panel for a conversation: each turn's cited passages, newest first."""
    if not turns:
        return f'<div class="nd-sources nd-empty">{esc(SOURCES_PLACEHOLDER)}</div>'
    sections = []
    for i in range(len(turns), max(0, len(turns) - max_turns), -1):
        t = turns[i - 1]
        a = t.answer
        cards = (f'<div class="nd-none">{esc(NO_SOURCES)}</div>' if a.abstained or not a.citations
                 else "".join(source_card(c, i) for c in a.citations))
        sections.append(f'<section class="nd-turn" id="turn-{i}">'
                        f'<div class="nd-q">{esc(one_line(t.question))}</div>{cards}</section>')
    return f'<div class="nd-sources">{"".join(sections)}</div>'


def message_html(text: str, kind: str = "error") -> str:
    """A one-line notice (``error`` or ``info``) for the chat or a status line."""
    return f'<div class="nd-{kind}">{esc(one_line(text))}</div>'


def ingest_html(result: Mapping[str, Any]) -> str:
    """The Library tab's ingest summary: one info line, then one error line per issue."""
    lines = [f'<div class="nd-info">{esc(result["summary"])}</div>']
    lines += [f'<div class="nd-error">{esc(i["file"])}: {esc(i["reason"])}</div>'
              for i in result["issues"]]
    return "".join(lines)
