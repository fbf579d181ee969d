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
from pathlib import Path

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
    qs = _file_questions(corpus, n)
    if qs:
        return qs
    titles = [t for t in titles if t][: n * 3]
    if not titles and corpus:
        loaded = itertools.islice(load_paths([articles_dir(corpus)]), n * 3)
        titles = [str(getattr(a, "title", "")) for a in loaded if getattr(a, "title", "")]
    out: list[str] = []
    for t in titles:
        words = one_line(t).rstrip("…. ").split()
        if not words:
            continue
        topic = " ".join(words[:12]) + ("…" if len(words) > 12 else "")
        q = f"What do the articles say about “{topic}”?"
        if q not in out:
            out.append(q)
        if len(out) >= n:
            break
    return out


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
