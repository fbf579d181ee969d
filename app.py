"""Newsdesk web UI: a thin Gradio layer over :class:`qa.NewsDesk`.

Run ``python app.py`` or ``newsdesk-ui``. It listens on 127.0.0.1:7860 by default
(``NEWSDESK_HOST``, ``NEWSDESK_PORT``; any other host needs ``NEWSDESK_AUTH=user:password``),
ingests the bundled ``corpus/`` on the first start, and serves these API endpoints for
``gradio_client``: ``/ask``, ``/chat``, ``/ingest``, ``/list``, ``/delete``.

Everything that comes from an article (titles, text, URLs) is untrusted: it is escaped
with :func:`html.escape` before it becomes HTML, and Gradio's sanitiser runs on top.
"""

import argparse
import contextlib
import html
import itertools
import json
import logging
import re
import shutil
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar
from urllib.parse import urlparse

from vectorstore.config import Settings  # sets the privacy defaults before gradio loads

# isort: split
import gradio as gr

from qa import Answer, Citation, Conversation, NewsDesk, Turn
from vectorstore.errors import ConfigError, LoadError, NewsdeskError

log = logging.getLogger("newsdesk.ui")

UPLOAD_TYPES = (".txt", ".md", ".html", ".json", ".jsonl")
"""The file types the Library tab and ``/ingest`` accept."""
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
"""Bind addresses that need no password."""
MAX_CONVERSATIONS = 256
"""API conversations kept server-side; the least recently used goes first."""
CONCURRENCY = 4
"""Requests served at once; the others wait in the queue."""
NOT_SUPPORTED = "not supported by the cited passage"
NO_SOURCES = "No sources: the articles don't answer this."
SOURCES_PLACEHOLDER = "The passages each answer cites appear here, with the supporting sentence marked."

T = TypeVar("T")

# --------------------------------------------------------------------------- safe rendering

# After html.escape: characters that Markdown, LaTeX or template engines would act on
# become numeric character references, so article text always shows as itself.
_INERT = {ord(c): f"&#{ord(c)};" for c in "\\`*_{}[]()|~$!+-:="}
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_MARKER = re.compile(r"\[(\d+)\]")
_NEWLINES = re.compile(r"[ \t]*\n\s*")


def esc(text: object) -> str:
    """Escape ``text`` for HTML (quotes included) and make Markdown/template syntax inert."""
    return html.escape(str(text), quote=True).translate(_INERT)


def _one_line(text: str) -> str:
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
    return (f'<a class="nd-cite" href="#src-{turn}-{c.n}" title="{esc(_one_line(c.quote_text))}">'
            f"{esc(f'[{c.n}]')}</a>")


def _with_citations(text: str, cites: dict[int, Citation], turn: int) -> str:
    out: list[str] = []
    pos = 0
    for m in _MARKER.finditer(text):
        c = cites.get(int(m.group(1)))
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
        s = _one_line(s)
        i = text.find(s) if s else -1
        while i >= 0 and any(i < e and i + len(s) > b for b, e in spans):
            i = text.find(s, i + 1)
        if i < 0:
            missing.append(s)
        else:
            spans.append((i, i + len(s)))
    return sorted(spans), missing


def answer_html(answer: Answer, turn: int) -> str:
    """The chat bubble for ``answer``: ``[n]`` become links to source cards ``#src-TURN-n``.

    Sentences the support check rejected get a dotted underline; an abstention is shown
    muted and without citations.
    """
    notes: list[str] = []
    if answer.standalone_question and \
            _one_line(answer.standalone_question).lower() != _one_line(answer.question).lower():
        notes.append(f"Understood as: {answer.standalone_question}")
    notes += [f"Note: {w}" for w in answer.warnings]
    note_html = "".join(f'<div class="nd-note">{esc(_one_line(n))}</div>' for n in notes)
    if answer.abstained:
        return f'<div class="nd-abstain">{esc(_one_line(answer.text))}</div>{note_html}'
    text = _one_line(answer.text)
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
    extra = "".join(f'<div class="nd-note"><span class="nd-unsupported" title="{NOT_SUPPORTED}">'
                    f"{esc(s)}</span> ({NOT_SUPPORTED})</div>" for s in missing)
    return f'<div class="nd-answer">{"".join(parts)}</div>{extra}{note_html}'


def source_card(c: Citation, turn: int) -> str:
    """One source card: title (linked when there is a URL), date, outlets, and the passage
    with the supporting sentence in ``<mark>``."""
    p = c.passage
    title = esc(_one_line(p.title) or "Untitled article")
    url = safe_url(p.url)
    if url:
        title = (f'<a href="{html.escape(url, quote=True)}" target="_blank" '
                 f'rel="noopener noreferrer nofollow">'
                 f"{title}</a>")
    outlets = ", ".join(p.sources) or p.source
    meta = " · ".join(esc(x) for x in (p.published.isoformat() if p.published else "undated",
                                       outlets) if x)
    s, e = c.quote
    body = f"{_block(p.text[:s])}<mark>{_block(p.text[s:e])}</mark>{_block(p.text[e:])}"
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
                        f'<div class="nd-q">{esc(_one_line(t.question))}</div>{cards}</section>')
    return f'<div class="nd-sources">{"".join(sections)}</div>'


def message_html(text: str, kind: str = "error") -> str:
    """A one-line notice (``error`` or ``info``) for the chat or a status line."""
    return f'<div class="nd-{kind}">{esc(_one_line(text))}</div>'


# --------------------------------------------------------------------------- JSON for the API


def answer_json(answer: Answer, conversation: Conversation | None = None) -> dict[str, Any]:
    """The JSON an API caller gets for ``answer`` (plus ``conversation_id`` and ``turn`` in a chat)."""
    out: dict[str, Any] = {
        "text": answer.text,
        "citations": [{
            "n": c.n, "title": c.passage.title, "url": c.passage.url,
            "published": c.passage.published.isoformat() if c.passage.published else None,
            "source": c.passage.source, "sources": list(c.passage.sources),
            "quote": c.quote_text, "passage": c.passage.text, "article_id": c.passage.article_id,
        } for c in answer.citations],
        "abstained": answer.abstained,
        "question": answer.question,
        "standalone_question": answer.standalone_question,
        "unsupported": list(answer.unsupported),
        "warnings": list(answer.warnings),
    }
    if conversation is not None:
        out["conversation_id"] = conversation.id
        out["turn"] = len(conversation.turns)
    return out


# --------------------------------------------------------------------------- uploads & binding


def safe_filename(name: str) -> str:
    """The file name an upload is stored under: basename only, ``[A-Za-z0-9._-]``.

    Raises:
        LoadError: the extension is not one of :data:`UPLOAD_TYPES`.
    """
    base = PurePosixPath(str(name).replace("\\", "/")).name
    stem, dot, ext = base.rpartition(".")
    ext = f".{ext.lower()}" if dot else ""
    if ext not in UPLOAD_TYPES:
        raise LoadError(f"{base!r} is not an article file: upload "
                        f"{', '.join(UPLOAD_TYPES[:-1])} or {UPLOAD_TYPES[-1]} files")
    stem = _SAFE_NAME.sub("_", stem).strip("._-")[:80] or "upload"
    return stem + ext


def store_upload(src: str | Path, uploads: Path, max_mb: int, name: str | None = None) -> Path:
    """Copy an uploaded file into ``uploads`` under a safe name and return the copy.

    Args:
        src: The uploaded file (Gradio's temporary copy).
        uploads: The uploads folder (``NEWSDESK_HOME/uploads``).
        max_mb: The size limit (``NEWSDESK_MAX_FILE_MB``).
        name: The name the user gave the file (default: ``src``'s name).

    Raises:
        LoadError: wrong type, too big, or unreadable.
    """
    src = Path(src)
    safe = safe_filename(name or src.name)
    try:
        size = src.stat().st_size
    except OSError as e:
        raise LoadError(f"{safe}: the upload cannot be read ({e.strerror}): upload it again") from e
    if size > max_mb * 1024 * 1024:
        raise LoadError(f"{safe}: {size / 1024 / 1024:.1f} MB is over the {max_mb} MB limit: "
                        "split the file, or raise NEWSDESK_MAX_FILE_MB")
    root = uploads.resolve()
    root.mkdir(parents=True, exist_ok=True)
    dest = (root / safe).resolve()
    if dest.parent != root:  # cannot happen with a sanitised name; kept as a guard
        raise LoadError(f"{safe}: not a plain file name: rename the file and upload it again")
    shutil.copyfile(src, dest)
    return dest


def check_bind(settings: Settings) -> tuple[str, str] | None:
    """Return the ``(user, password)`` for ``launch(auth=...)``, or ``None`` when unset.

    Raises:
        ConfigError: the UI would listen beyond this machine without a password, or
            ``NEWSDESK_AUTH`` is malformed.
    """
    auth = None
    if settings.auth:
        user, _, password = settings.auth.partition(":")
        if not user.strip() or not password:
            raise ConfigError("NEWSDESK_AUTH must be user:password with both parts non-empty")
        auth = (user.strip(), password)
    host = settings.host.strip().strip("[]").lower()
    if host not in LOCAL_HOSTS and auth is None:
        raise ConfigError(
            f"NEWSDESK_HOST={settings.host} would let other machines reach the UI without a "
            "password: set NEWSDESK_AUTH=user:password too, or use NEWSDESK_HOST=127.0.0.1")
    return auth


def resolve_corpus(settings: Settings) -> Path | None:
    """The folder to ingest on the first start: ``NEWSDESK_CORPUS`` or the bundled ``corpus/``.

    Raises:
        ConfigError: ``NEWSDESK_CORPUS`` names a folder that does not exist.
    """
    if settings.corpus:
        p = Path(settings.corpus).expanduser()
        if not p.exists():
            raise ConfigError(f"NEWSDESK_CORPUS={settings.corpus} does not exist: "
                              "point it at a folder of articles, or unset it")
        return p
    for p in (Path(__file__).resolve().parent / "corpus", Path.cwd() / "corpus"):
        if p.is_dir():
            return p
    return None


def _articles_dir(corpus: Path) -> Path:
    """The articles inside a corpus folder (``corpus/articles`` when there is one)."""
    return corpus / "articles" if (corpus / "articles").is_dir() else corpus


def example_questions(corpus: Path | None, titles: Sequence[str] = (), n: int = 4) -> list[str]:
    """Example questions drawn from the corpus.

    Args:
        corpus: The corpus folder; its ``questions.jsonl`` supplies the first questions.
        titles: Titles of the stored articles, used when there is no question file.
        n: How many.

    Returns:
        The first questions of ``corpus/questions.jsonl`` when there is one, else questions
        made from ``titles`` (or, when empty, from the titles of the corpus articles).
    """
    qs: list[str] = []
    qfile = corpus / "questions.jsonl" if corpus else None
    if qfile and qfile.is_file():
        with qfile.open(encoding="utf-8", errors="replace") as f:
            for line in itertools.islice(f, 200):
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                q = rec.get("question") if isinstance(rec, dict) else None
                if isinstance(q, str) and q.strip() and q.strip() not in qs:
                    qs.append(q.strip())
                if len(qs) >= n:
                    return qs
    if qs:
        return qs
    titles = [t for t in titles if t][: n * 3]
    if not titles and corpus:
        from vectorstore.loading import load_paths

        loaded = itertools.islice(load_paths([_articles_dir(corpus)]), n * 3)
        titles = [str(getattr(a, "title", "")) for a in loaded if getattr(a, "title", "")]
    out: list[str] = []
    for t in titles:
        words = _one_line(t).rstrip("…. ").split()
        if not words:
            continue
        topic = " ".join(words[:12]) + ("…" if len(words) > 12 else "")
        q = f"What do the articles say about “{topic}”?"
        if q not in out:
            out.append(q)
        if len(out) >= n:
            break
    return out


# --------------------------------------------------------------------------- first-start ingest


class Seeder:
    """Ingests the bundled corpus in the background when the store is empty.

    Progress goes to the console and to :meth:`status` (shown in the UI).
    """

    def __init__(self, desk: NewsDesk, corpus: Path | None, echo: bool = True) -> None:
        self.desk = desk
        self.corpus = corpus
        self.echo = echo
        self.running = False
        self.done = 0
        self.total = 0
        self.label = ""
        self.message = ""
        self.thread: threading.Thread | None = None
        self._last_print = 0.0

    def start(self) -> bool:
        """Start ingesting if the store is empty and there is a corpus; return whether it started."""
        if self.corpus is None or not self.desk.is_empty():
            return False
        self.running = True
        self.message = f"Loading the bundled articles from {self.corpus}…"
        self._say(self.message)
        self.thread = threading.Thread(target=self._run, name="newsdesk-seed", daemon=True)
        self.thread.start()
        return True

    def _say(self, text: str) -> None:
        if self.echo:
            print(f"newsdesk: {text}", file=sys.stderr, flush=True)

    def _progress(self, done: int, total: int, label: str) -> None:
        self.done, self.total, self.label = done, total, label
        now = time.monotonic()
        if done == total or now - self._last_print > 2:
            self._last_print = now
            self._say(f"ingesting {done}/{total}: {label[:70]}")

    def _run(self) -> None:
        assert self.corpus is not None
        try:
            report = self.desk.ingest([_articles_dir(self.corpus)], progress=self._progress)
            self.message = f"Loaded the bundled articles: {report.summary()}"
            for issue in report.issues:
                self._say(f"{issue.kind}: {issue.path}: {issue.reason}")
        except NewsdeskError as e:
            self.message = f"Could not load the bundled articles: {e}"
        except Exception as e:  # never kill the UI over the seed corpus
            log.exception("seeding failed")
            self.message = f"Could not load the bundled articles ({type(e).__name__}: {e})"
        finally:
            self.running = False
            self._say(self.message)

    def status(self) -> str:
        """One line on what the first-start ingest is doing (empty when it never ran)."""
        if self.running and self.total:
            return f"Loading the bundled articles: {self.done}/{self.total} ({self.label[:60]})"
        return self.message


# --------------------------------------------------------------------------- the UI

CSS = """
.nd-answer { line-height: 1.5; }
.nd-cite { text-decoration: none; font-weight: 600; padding: 0 1px; }
.nd-cite:hover { text-decoration: underline; }
.nd-abstain { color: var(--body-text-color-subdued); font-style: italic; }
.nd-abstain::before { content: "∅ "; font-style: normal; }
.nd-note { color: var(--body-text-color-subdued); font-size: 0.85em; margin-top: 4px; }
.nd-unsupported { text-decoration: underline dotted; text-decoration-color: #c2410c;
  text-underline-offset: 3px; cursor: help; }
.nd-error { color: #b91c1c; }
.nd-error::before { content: "⚠ "; }
.nd-info { color: var(--body-text-color-subdued); }
.nd-pending { color: var(--body-text-color-subdued); font-style: italic; }
.nd-sources { font-size: 0.92em; }
.nd-empty, .nd-none { color: var(--body-text-color-subdued); font-style: italic; padding: 6px 0; }
.nd-turn { margin-bottom: 14px; }
.nd-turn + .nd-turn { opacity: 0.8; border-top: 1px dashed var(--border-color-primary);
  padding-top: 8px; }
.nd-q { font-weight: 600; margin: 2px 0 6px; }
.nd-q::before { content: "Q: "; color: var(--body-text-color-subdued); }
.nd-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 10px;
  margin: 6px 0; background: var(--background-fill-secondary); scroll-margin: 12px; }
.nd-card:target, .nd-card.nd-active { outline: 2px solid var(--color-accent);
  background: var(--color-accent-soft); }
.nd-card.nd-hover { outline: 2px dashed var(--color-accent); }
.nd-card-head { font-weight: 600; }
.nd-n { color: var(--color-accent); }
.nd-meta { color: var(--body-text-color-subdued); font-size: 0.85em; margin: 2px 0 4px; }
.nd-passage { position: relative; white-space: pre-line; margin: 0; padding-left: 8px;
  border-left: 3px solid var(--border-color-primary); max-height: 16em; overflow-y: auto; }
.nd-passage mark { background: #fde68a; color: #111; padding: 0 1px; border-radius: 2px; }
.nd-status { min-height: 1.2em; }
"""

HEAD = """<script>
(() => {
  const cardFor = (a) => document.getElementById((a.getAttribute('href') || '').slice(1));
  const citeOf = (ev) => ev.target && ev.target.closest ? ev.target.closest('a[href^="#src-"]') : null;
  document.addEventListener('click', (ev) => {
    const a = citeOf(ev);
    if (!a) return;
    ev.preventDefault();
    ev.stopPropagation();
    const card = cardFor(a);
    if (!card) return;
    document.querySelectorAll('.nd-card.nd-active').forEach((c) => c.classList.remove('nd-active'));
    card.classList.add('nd-active');
    card.scrollIntoView({behavior: 'smooth', block: 'nearest'});
    history.replaceState(null, '', '#' + card.id);
  }, true);
  document.addEventListener('mouseover', (ev) => {
    const a = citeOf(ev);
    const card = a && cardFor(a);
    if (card) card.classList.add('nd-hover');
  });
  document.addEventListener('mouseout', (ev) => {
    const a = citeOf(ev);
    const card = a && cardFor(a);
    if (card) card.classList.remove('nd-hover');
  });
  // scroll each new passage so that its supporting sentence is in view
  const reveal = () => document.querySelectorAll('.nd-passage').forEach((p) => {
    const m = p.querySelector('mark');
    const card = p.closest('.nd-card');
    const sig = (card ? card.id : '') + ':' + (m ? m.textContent.length : -1);
    if (p.getAttribute('data-nd-shown') === sig) return;
    p.setAttribute('data-nd-shown', sig);
    if (!m || m.offsetTop + m.offsetHeight <= p.clientHeight) return;
    const line = parseFloat(getComputedStyle(p).lineHeight) || 20;
    p.scrollTop = Math.max(0, m.offsetTop - line);
  });
  new MutationObserver(reveal).observe(document.documentElement, {childList: true, subtree: true});
})();
</script>"""

_LIBRARY_HEADERS = ["Title", "Date", "Source", "Chunks", "ID"]


class NewsdeskUI:
    """The Gradio app over one :class:`NewsDesk`.

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
        self._convs: OrderedDict[str, Conversation] = OrderedDict()
        self._convs_lock = threading.Lock()

    # -- plumbing -----------------------------------------------------------------------

    @staticmethod
    def _api_call(fn: Callable[[], T]) -> T:
        """Run ``fn``; our errors become a readable ``gr.Error``, others a logged one-liner."""
        try:
            return fn()
        except NewsdeskError as e:
            raise gr.Error(str(e), print_exception=False) from None
        except gr.Error:
            raise
        except Exception as e:
            log.exception("API call failed")
            raise gr.Error(f"unexpected {type(e).__name__}: see the server log for details",
                           print_exception=False) from None

    def _conversation(self, conversation_id: str) -> Conversation:
        with self._convs_lock:
            cid = (conversation_id or "").strip()
            if not cid:
                conv = self.desk.chat()
                self._convs[conv.id] = conv
                while len(self._convs) > MAX_CONVERSATIONS:
                    self._convs.popitem(last=False)
                return conv
            found = self._convs.get(cid)
            if found is None:
                raise gr.Error(f"conversation {cid!r} is unknown or has expired: pass an empty "
                               "conversation_id to start a new one", print_exception=False)
            self._convs.move_to_end(cid)
            return found

    # -- API endpoints ----------------------------------------------------------------

    def api_ask(self, question: str) -> dict[str, Any]:
        """Answer one question from the articles, in a fresh conversation.

        Args:
            question: The question.

        Returns:
            ``{"text", "citations": [{"n", "title", "url", "published", "quote", ...}],
            "abstained", "standalone_question", "unsupported", "warnings"}``.
        """
        return self._api_call(lambda: answer_json(self.desk.ask(question)))

    def api_chat(self, question: str, conversation_id: str = "") -> dict[str, Any]:
        """Ask within a conversation, so that follow-up questions are understood.

        Args:
            question: The question.
            conversation_id: ``""`` to start a conversation, else the id a previous call returned.

        Returns:
            What ``/ask`` returns, plus ``conversation_id`` to pass next time and ``turn``
            (1 for the first question of the conversation).
        """
        conv = self._conversation(conversation_id)
        return self._api_call(lambda: answer_json(conv.ask(question), conv))

    def api_list(self) -> list[dict[str, Any]]:
        """List the stored articles, newest first.

        Returns:
            ``[{"id", "title", "url", "source", "sources", "published", "n_chunks", "copies"}]``.
        """
        return self._api_call(lambda: [_article_json(a) for a in self.desk.articles()])

    def api_delete(self, article_id: str) -> dict[str, Any]:
        """Delete an article (its id from ``/list``) and its chunks.

        Returns:
            ``{"deleted": article_id, "chunks": number of chunks removed}``.
        """
        aid = (article_id or "").strip()
        return self._api_call(lambda: {"deleted": aid, "chunks": self.desk.delete(aid)})

    def api_ingest(self, files: list[str] | None) -> dict[str, Any]:
        """Add uploaded article files (.txt .md .html .json .jsonl).

        Returns:
            ``{"summary", "added", "updated", "unchanged", "duplicates", "failed", "chunks",
            "issues": [{"file", "reason", "kind"}], "article_ids", "files"}``. (``file``, not
            ``path``: gradio_client would try to download a dict with a ``path`` key.)
        """
        return self._api_call(lambda: self._ingest(files)[0])

    # -- work shared by the UI and the API ------------------------------------------------

    def _ingest(self, files: Sequence[Any] | None,
                progress: Callable[[int, int, str], None] | None = None
                ) -> tuple[dict[str, Any], str]:
        stored: list[Path] = []
        rejected: list[dict[str, str]] = []
        for f in files or []:
            path = str(getattr(f, "name", None) or getattr(f, "path", None) or f)
            try:
                stored.append(store_upload(path, self.uploads, self.settings.max_file_mb))
            except LoadError as e:
                rejected.append({"file": PurePosixPath(path.replace("\\", "/")).name,
                                 "reason": str(e), "kind": "rejected"})
        out: dict[str, Any] = {"summary": "", "added": 0, "updated": 0, "unchanged": 0,
                               "duplicates": 0, "failed": len(rejected), "chunks": 0,
                               "issues": list(rejected), "article_ids": [],
                               "files": [p.name for p in stored]}
        if not stored and not rejected:
            raise LoadError("no files given: choose .txt, .md, .html, .json or .jsonl files")
        if stored:
            report = self.desk.ingest(stored, progress=progress)
            d = report.to_dict()
            out.update({k: d[k] for k in ("added", "updated", "unchanged", "duplicates",
                                          "chunks", "skipped")})
            out["failed"] = d["failed"] + len(rejected)
            out["issues"] += [{"file": Path(i["path"]).name, "reason": i["reason"],
                               "kind": i["kind"]} for i in d["issues"]]
            out["article_ids"] = list(report.article_ids)
            out["summary"] = report.summary() + (f"; {len(rejected)} rejected" if rejected else "")
        else:
            out["summary"] = f"nothing ingested; {len(rejected)} rejected"
        return out, _ingest_html(out)

    # -- UI handlers --------------------------------------------------------------------

    def respond(self, question: str, history: list[dict[str, Any]] | None,
                conv: Conversation | None, k: float | None, since: str | None,
                until: str | None, sources: list[str] | None
                ) -> Iterator[tuple[Any, Any, Any, Any]]:
        """Chat handler: stream the answer into the chat, then fill the sources panel."""
        history = list(history or [])
        q = (question or "").strip()
        if not q:
            gr.Info("Type a question first.")
            yield history, gr.skip(), conv, question
            return
        if conv is None:
            conv = self.desk.chat()
        history.append({"role": "user", "content": f'<div class="nd-user">{esc(_one_line(q))}</div>'})
        if self.seeder.running and self.desk.is_empty():
            history.append({"role": "assistant", "content": message_html(
                f"{self.seeder.status() or 'The bundled articles are loading'}. "
                "Ask again in a moment.", "info")})
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
                                     sources=list(sources or []) or None):
                if isinstance(piece, Answer):
                    answer = piece
                else:
                    text += piece
                    history[-1] = {"role": "assistant",
                                   "content": '<div class="nd-answer nd-streaming">'
                                              f"{esc(_one_line(text))}</div>"}
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

    def library_rows(self, query: str = "") -> list[list[Any]]:
        """The article table, filtered by ``query`` (words matched in title, date, source, id)."""
        words = (query or "").lower().split()
        rows = []
        for a in self.desk.articles():
            srcs = ", ".join(a.sources) + (f" (+{len(a.copies)} copies)" if a.copies else "")
            row = [a.title, a.published.isoformat() if a.published else "", srcs, a.n_chunks, a.id]
            hay = " ".join(str(x) for x in (*row, a.url)).lower()
            if all(w in hay for w in words):
                rows.append(row)
        return rows

    def _choices(self) -> list[tuple[str, str]]:
        out = []
        for a in self.desk.articles():
            when = a.published.isoformat() if a.published else "undated"
            out.append((f"{_one_line(a.title)[:90] or a.id} ({when})", a.id))
        return out

    def _sources(self) -> list[str]:
        return list(self.desk.stats().get("sources") or [])

    def refresh_library(self, query: str = "", selected: str | None = None) -> tuple[Any, ...]:
        """Table, delete picker, statistics and source filter, fresh from the store."""
        try:
            choices = self._choices()
            ids = {c[1] for c in choices}
            stats = self.desk.stats()
            return (gr.update(value=self.library_rows(query)),
                    gr.update(choices=choices, value=selected if selected in ids else None),
                    stats, gr.update(choices=list(stats.get("sources") or [])))
        except NewsdeskError as e:
            gr.Warning(str(e))
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()

    def filter_library(self, query: str) -> Any:
        """The table filtered by ``query``."""
        try:
            return self.library_rows(query)
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

    def ui_delete(self, article_id: str | None, query: str) -> tuple[Any, ...]:
        """Delete the picked article and refresh the library."""
        if not article_id:
            return (message_html("Pick an article first (click its row or choose it in the list).",
                                 "info"), *self.refresh_library(query))
        try:
            title = next((a.title for a in self.desk.articles() if a.id == article_id), article_id)
            n = self.desk.delete(article_id)
            msg = message_html(f"Deleted “{title}” ({n} chunks).", "info")
        except NewsdeskError as e:
            msg = message_html(str(e))
        return (msg, *self.refresh_library(query))

    def ui_ingest(self, files: list[str] | None, query: str,
                  progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        """Upload handler: store, ingest with a progress bar, summarise, refresh the library."""
        progress(0, desc="Reading the files…")

        def step(done: int, total: int, label: str) -> None:
            progress((done, total), desc=f"Ingesting {label[:60]}", unit="articles")

        try:
            _, summary = self._ingest(files, progress=step)
        except NewsdeskError as e:
            summary = message_html(str(e))
        except Exception as e:
            log.exception("ingest failed")
            summary = message_html(f"Ingest failed ({type(e).__name__}); see the server log.")
        return (summary, None, *self.refresh_library(query))

    def seed_status(self) -> tuple[Any, ...]:
        """Timer tick: the first-start ingest's progress; stops the timer and refreshes when done."""
        text = self.seeder.status()
        status = message_html(text, "info") if text else ""
        if self.seeder.running:
            return (status, gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip())
        return (status, gr.Timer(active=False), *self.refresh_library(""))

    def llm_status(self) -> str:
        """The answering backend and whether it is usable."""
        name = self.settings.llm.strip()
        if name.lower() in {"", "none"}:
            return "none (extractive): answers are sentences quoted from the articles; no LLM"
        try:
            _ = self.desk.llm
        except NewsdeskError as e:
            return f"{name}: not usable: {e}"
        except Exception as e:
            return f"{name}: not usable ({type(e).__name__}: {e})"
        return f"{name}: configured; if it fails, answers fall back to the extractive answerer"

    # -- layout -------------------------------------------------------------------------

    def build(self) -> gr.Blocks:
        """Build the Blocks app (call :meth:`launch` or ``.launch()`` on the result)."""
        titles: list[str] = []
        with contextlib.suppress(NewsdeskError):
            titles = [a.title for a in self.desk.articles()]
        examples = example_questions(self.corpus, titles)
        try:
            rows, choices, stats, srcs = (self.library_rows(), self._choices(), self.desk.stats(),
                                          self._sources())
        except NewsdeskError as e:
            log.warning("library unavailable at start: %s", e)
            rows, choices, stats, srcs = [], [], {"error": str(e)}, []

        with gr.Blocks(title="Newsdesk", analytics_enabled=False) as demo:
            gr.Markdown("## Newsdesk\nAsk about the loaded news articles. Every answer quotes "
                        "them and cites the passage it came from; when they don't say, Newsdesk "
                        "says so.")
            seed_line = gr.HTML(message_html(self.seeder.status(), "info")
                                if self.seeder.status() else "", elem_classes=["nd-status"])
            conv = gr.State(None)
            with gr.Tabs():
                with gr.Tab("Chat", id="chat"), gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(
                            label="Conversation", height=520, sanitize_html=True,
                            latex_delimiters=[], feedback_options=None, buttons=["copy"],
                            elem_id="nd-chat",
                            placeholder="Ask a question about the articles. Answers cite "
                                        "their sources as [1], [2]…")
                        with gr.Row():
                            question = gr.Textbox(
                                show_label=False, placeholder="Ask about the news…",
                                scale=6, max_lines=4, elem_id="nd-question", autofocus=True)
                            ask_btn = gr.Button("Ask", variant="primary", scale=1,
                                                elem_id="nd-ask")
                        with gr.Row():
                            stop_btn = gr.Button("Stop", size="sm", elem_id="nd-stop")
                            clear_btn = gr.Button("Clear", size="sm", elem_id="nd-clear")
                        ex = gr.Examples(examples=[[q] for q in examples], inputs=[question],
                                         label="Examples from the articles (click to ask)",
                                         api_visibility="private") if examples else None
                    with gr.Column(scale=2):
                        gr.Markdown("**Sources**")
                        sources_panel = gr.HTML(sources_html([]), elem_id="nd-sources",
                                                max_height=640, js_on_load=None)
                with gr.Tab("Library", id="library"):
                    lib_status = gr.HTML("", elem_id="nd-lib-status")
                    with gr.Row():
                        lib_filter = gr.Textbox(label="Filter", placeholder="words in the title, "
                                                "date, source or id", scale=4,
                                                elem_id="nd-lib-filter")
                        refresh_btn = gr.Button("Refresh", size="sm", scale=1)
                    table = gr.Dataframe(value=rows, headers=_LIBRARY_HEADERS, type="array",
                                         datatype=["str", "str", "str", "number", "str"],
                                         interactive=False, wrap=True, max_height=420,
                                         label="Articles (click a row to pick it)",
                                         elem_id="nd-library")
                    with gr.Row():
                        pick = gr.Dropdown(choices=choices, value=None, label="Article",
                                           scale=4, elem_id="nd-pick")
                        delete_btn = gr.Button("Delete article", variant="stop", scale=1,
                                               elem_id="nd-delete")
                    with gr.Accordion("Add articles", open=True):
                        files = gr.File(file_count="multiple", file_types=list(UPLOAD_TYPES),
                                        type="filepath", elem_id="nd-upload",
                                        label=f"Article files (.txt .md .html .json .jsonl, "
                                              f"up to {self.settings.max_file_mb} MB each)")
                        ingest_btn = gr.Button("Add to library", variant="primary",
                                               elem_id="nd-ingest")
                        ingest_out = gr.HTML("", elem_id="nd-ingest-out")
                    with gr.Accordion("Settings", open=False):
                        with gr.Row():
                            k = gr.Slider(1, 20, value=self.settings.k, step=1,
                                          label="Passages per question (k)")
                            since = gr.Textbox(label="Published since", placeholder="YYYY-MM-DD")
                            until = gr.Textbox(label="Published until (as of)",
                                               placeholder="YYYY-MM-DD")
                        src_filter = gr.Dropdown(choices=srcs, multiselect=True, value=[],
                                                 label="Only these sources (empty: all)")
                        gr.Textbox(value=self.llm_status(), label="Answering backend (NEWSDESK_LLM)",
                                   interactive=False)
                    with gr.Accordion("Statistics", open=False):
                        stats_json = gr.JSON(stats, label="Store")
            timer = gr.Timer(1.0, active=self.seeder.running)

            # hidden components for the /ingest endpoint (files in, JSON out)
            api_files = gr.File(file_count="multiple", type="filepath", visible=False,
                                label="files")
            api_out = gr.JSON(visible=False, label="result")
            api_btn = gr.Button(visible=False)

            library_outputs = [table, pick, stats_json, src_filter]
            chat_inputs = [question, chatbot, conv, k, since, until, src_filter]
            chat_outputs = [chatbot, sources_panel, conv, question]
            hidden: dict[str, Any] = {"api_visibility": "private"}
            ev_submit = question.submit(self.respond, chat_inputs, chat_outputs, **hidden)
            ev_click = ask_btn.click(self.respond, chat_inputs, chat_outputs, **hidden)
            asking: list[Any] = [ev_submit, ev_click]
            if ex is not None:
                asking.append(ex.load_input_event.then(self.respond, chat_inputs, chat_outputs,
                                                       **hidden))
            stop_btn.click(self.stopped, [chatbot], [chatbot], cancels=asking, queue=False,
                           **hidden)
            clear_btn.click(self.clear, None, chat_outputs, cancels=asking, **hidden)
            chatbot.clear(self.clear, None, chat_outputs, cancels=asking, **hidden)

            lib_filter.change(self.filter_library, [lib_filter], [table], **hidden)
            refresh_btn.click(self.refresh_library, [lib_filter, pick], library_outputs, **hidden)
            table.select(self.select_row, [table], [pick], **hidden)
            delete_btn.click(self.ui_delete, [pick, lib_filter], [lib_status, *library_outputs],
                             concurrency_id="write", concurrency_limit=1, **hidden)
            ingest_btn.click(self.ui_ingest, [files, lib_filter],
                             [ingest_out, files, *library_outputs],
                             concurrency_id="write", concurrency_limit=1, **hidden)
            timer.tick(self.seed_status, None, [seed_line, timer, *library_outputs], **hidden)
            demo.load(self.refresh_library, [lib_filter, pick], library_outputs, **hidden)

            gr.api(self.api_ask, api_name="ask")
            gr.api(self.api_chat, api_name="chat")
            gr.api(self.api_list, api_name="list")
            gr.api(self.api_delete, api_name="delete", concurrency_id="write", concurrency_limit=1)
            api_btn.click(self.api_ingest, [api_files], [api_out], api_name="ingest",
                          api_description="Add article files (.txt .md .html .json .jsonl); "
                                          "returns the ingest summary as JSON.",
                          concurrency_id="write", concurrency_limit=1)
        return demo

    def launch(self, *, host: str | None = None, port: int | None = None,
               block: bool = True, quiet: bool = False) -> tuple[gr.Blocks, str]:
        """Seed, warm, build and serve; return the app and its local URL.

        Args:
            host: Bind address (default ``settings.host``).
            port: Port (default ``settings.port``).
            block: Serve until interrupted (``False``: return at once, for tests).
            quiet: Print less.

        Raises:
            ConfigError: a non-local bind address without ``NEWSDESK_AUTH``.
        """
        s = self.settings.with_(host=host, port=port)
        auth = check_bind(s)
        self.seeder.start()
        self.desk.warm()
        demo = self.build()
        demo.queue(default_concurrency_limit=CONCURRENCY, max_size=64)
        _, url, _ = demo.launch(
            server_name=s.host, server_port=s.port, auth=auth, prevent_thread_lock=not block,
            share=False, quiet=quiet, show_error=False, footer_links=["api", "settings"],
            max_file_size=f"{s.max_file_mb}mb", enable_monitoring=False, mcp_server=False,
            run_history=False, pwa=False, ssr_mode=False, css=CSS, head=HEAD,
            auth_message="Newsdesk: sign in with the NEWSDESK_AUTH user and password.")
        return demo, url


def _article_json(a: Any) -> dict[str, Any]:
    return {"id": a.id, "title": a.title, "url": a.url, "source": a.source,
            "sources": list(a.sources),
            "published": a.published.isoformat() if a.published else None,
            "n_chunks": a.n_chunks, "copies": len(a.copies)}


def _ingest_html(out: dict[str, Any]) -> str:
    lines = [f'<div class="nd-info">{esc(out["summary"])}</div>']
    lines += [f'<div class="nd-error">{esc(i["file"])}: {esc(i["reason"])}</div>'
              for i in out["issues"]]
    return "".join(lines)


# --------------------------------------------------------------------------- entry point


def build_parser() -> argparse.ArgumentParser:
    """The ``newsdesk-ui`` argument parser."""
    p = argparse.ArgumentParser(prog="newsdesk-ui",
                                description="Newsdesk web UI: ask the articles, with citations.")
    p.add_argument("--home", help="data folder (default NEWSDESK_HOME or ./.newsdesk)")
    p.add_argument("--host", help="bind address (default NEWSDESK_HOST or 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default NEWSDESK_PORT or 7860)")
    p.add_argument("--corpus", help="folder ingested on the first start, when the store is "
                                    "empty (default NEWSDESK_CORPUS or the bundled corpus/)")
    p.add_argument("--no-seed", action="store_true",
                   help="do not ingest the corpus on the first start")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Start the UI; configuration errors become one line on stderr and exit status 1."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    log.setLevel(logging.INFO)
    try:
        settings = Settings.from_env().with_(
            home=Path(args.home) if args.home else None, host=args.host, port=args.port,
            corpus=args.corpus)
        check_bind(settings)
        corpus = None if args.no_seed else resolve_corpus(settings)
        desk = NewsDesk.open(settings=settings)
    except NewsdeskError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    try:
        NewsdeskUI(desk, settings, corpus).launch()
    except NewsdeskError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"error: cannot listen on {settings.host}:{settings.port} ({e}): choose a free "
              "port with NEWSDESK_PORT or --port", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
