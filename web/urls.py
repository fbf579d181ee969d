"""The Library tab's web addresses and feeds: pages added by URL, and the feeds followed.

No Gradio here. Fetching goes through :meth:`qa.NewsDesk.add_urls` (the desk's one polite,
safe client); nothing is fetched unless someone enters an address.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from qa import LoadError, NewsDesk
from web.render import esc, ingest_html

__all__ = ["add_url_text", "feeds_html", "start_watcher"]


def add_url_text(desk: NewsDesk, text: str | None,
                 progress: Callable[[int, int, str], None] | None = None
                 ) -> tuple[dict[str, Any], str]:
    """Fetch and ingest every address in ``text`` (one per line, or separated by spaces).

    Returns:
        The summary (``summary``, counts, ``issues``, ``article_ids``) and its HTML.

    Raises:
        LoadError: no address was given.
    """
    urls = [u for u in (text or "").split() if u.strip()]
    if not urls:
        raise LoadError("no web address given: paste one or more http(s):// article addresses")
    report = desk.add_urls(urls, progress=progress)
    d = report.to_dict()
    out: dict[str, Any] = {k: d[k] for k in ("added", "updated", "unchanged", "duplicates",
                                             "failed", "skipped", "chunks")}
    out.update(summary=report.summary(), article_ids=list(report.article_ids),
               issues=[{"file": i["path"], "reason": i["reason"], "kind": i["kind"]}
                       for i in d["issues"]])
    return out, ingest_html(out)


def feeds_html(rows: Sequence[Any]) -> str:
    """The feeds followed, one table row each: feed, status, last and next fetch, counts."""
    if not rows:
        return ('<div class="nd-info">No feeds followed. Add one with <code>newsdesk feeds add '
                'URL</code>; <code>newsdesk watch</code> (or the UI started with '
                '<code>--watch</code>) fetches them.</div>')

    def when(t: datetime | None, none: str) -> str:
        return t.astimezone().strftime("%Y-%m-%d %H:%M") if t else none

    body = "".join(
        f"<tr><td>{esc(r.title or r.url)}<br><small>{esc(r.url)}</small></td>"
        f"<td>{esc(r.status)}{'<br><small>' + esc(r.reason) + '</small>' if r.reason else ''}"
        f"</td><td>{esc(when(r.last_fetch, 'never'))}</td><td>{r.items_seen}</td>"
        f"<td>{r.articles_added}</td><td>{esc(when(r.next_fetch, 'now'))}</td></tr>"
        for r in rows)
    return ('<table class="nd-feeds"><thead><tr><th>Feed</th><th>Status</th><th>Last fetch</th>'
            '<th>Items seen</th><th>Articles added</th><th>Next fetch</th></tr></thead>'
            f"<tbody>{body}</tbody></table>")


def start_watcher(desk: NewsDesk, log: Callable[[str], None] = print
                  ) -> tuple[threading.Thread, threading.Event]:
    """Watch the desk's feeds in a background thread (``newsdesk-ui --watch``) until the
    event returned is set; each pass is logged in one line."""
    stop = threading.Event()

    def report(r: Any) -> None:
        if not r.ran:
            log(f"feeds: another watcher is running ({r.holder}); waiting")
        elif r.feeds:
            log(f"feeds: {len(r.feeds)} fetched, {r.added} articles added")

    def work() -> None:
        try:
            desk.feeds.run(stop=stop.is_set, report=report, tick=1.0)
        except Exception as e:  # the UI keeps serving; the log says why watching stopped
            log(f"feeds: the watcher stopped ({type(e).__name__}: {e})")

    thread = threading.Thread(target=work, name="newsdesk-feeds", daemon=True)
    thread.start()
    return thread, stop
