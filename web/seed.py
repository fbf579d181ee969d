"""The first start: which corpus to ingest, ingesting it in the background, example questions.

No Gradio here.
"""

from __future__ import annotations

import itertools
import json
import logging
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from qa import ConfigError, NewsDesk, NewsdeskError, Settings, load_paths
from web.render import one_line

log = logging.getLogger("newsdesk.ui")

_REPO = Path(__file__).resolve().parents[1]


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
    for p in (_REPO / "corpus", Path.cwd() / "corpus"):
        if p.is_dir():
            return p
    return None


def articles_dir(corpus: Path) -> Path:
    """The articles inside a corpus folder (``corpus/articles`` when there is one)."""
    return corpus / "articles" if (corpus / "articles").is_dir() else corpus


def _file_questions(corpus: Path | None, n: int) -> list[str]:
    """The first ``n`` distinct questions of ``corpus/questions.jsonl`` (none without one)."""
    qs: list[str] = []
    qfile = corpus / "questions.jsonl" if corpus else None
    if not (qfile and qfile.is_file()):
        return qs
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
                break
    return qs


def _corpus_titles(corpus: Path | None) -> set[str]:
    """The titles of the corpus's own articles (the bundled ones, unless NEWSDESK_CORPUS)."""
    if corpus is None:
        return set()
    loaded = itertools.islice(load_paths([articles_dir(corpus)]), 200)
    return {one_line(str(getattr(a, "title", ""))) for a in loaded if getattr(a, "title", "")}


def question_from_title(title: str) -> str:
    """A question about an article, made from its title with no LLM."""
    words = one_line(title).rstrip("…. ").split()
    topic = " ".join(words[:10]) + ("…" if len(words) > 10 else "")
    return f"What do the articles say about “{topic}”?" if words else ""


def example_questions(corpus: Path | None, stored: Sequence[Any] = (), n: int = 4) -> list[str]:
    """Example questions for the chat, drawn from what the store holds.

    Args:
        corpus: The corpus folder (its ``questions.jsonl`` and articles).
        stored: The stored articles (anything with ``title`` and ``published``), or titles.
        n: How many.

    Returns:
        While the store holds only the corpus's own articles (or nothing yet): the first
        questions of ``corpus/questions.jsonl`` when there is one. Otherwise questions made
        from the titles of the newest stored articles (undated ones last).
    """
    records = [r if not isinstance(r, str) else _Titled(r) for r in stored]
    titles = {one_line(r.title) for r in records if r.title}
    if not titles or titles <= _corpus_titles(corpus):
        qs = _file_questions(corpus, n)
        if qs:
            return qs
    if not records and corpus:
        loaded = itertools.islice(load_paths([articles_dir(corpus)]), n * 3)
        records = [_Titled(str(getattr(a, "title", ""))) for a in loaded]
    newest = sorted(records, key=lambda r: (r.published is not None, r.published or date.min),
                    reverse=True)
    out: list[str] = []
    for r in newest:
        q = question_from_title(r.title or "")
        if q and q not in out:
            out.append(q)
        if len(out) >= n:
            break
    return out


@dataclass(frozen=True)
class _Titled:
    title: str
    published: date | None = None


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
            report = self.desk.ingest([articles_dir(self.corpus)], progress=self._progress)
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
