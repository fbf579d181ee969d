"""``newsdesk`` commands that fetch from the web: add (pages by URL), feeds, watch.

Thin over :meth:`qa.NewsDesk.add_urls` and :class:`qa.feeds.Feeds` (``desk.feeds``).
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any

from qa.cli.common import EXIT_ERROR, UsageError, command, open_desk, print_json, shown
from qa.cli.library import print_report
from qa.cli.progress import tqdm_progress

__all__ = ["add_commands", "cmd_add", "cmd_feeds_add", "cmd_feeds_list", "cmd_feeds_remove",
           "cmd_watch"]


def _duration(value: str) -> str:
    """An argparse ``type`` for ``30m``, ``2h``, ``90d`` (a bad one exits 2, naming it)."""
    from qa.feeds import parse_duration
    from vectorstore.errors import ConfigError

    try:
        parse_duration(value)
    except ConfigError as e:
        raise argparse.ArgumentTypeError(str(e).removeprefix("--every ")) from None
    return value


def cmd_add(args: argparse.Namespace) -> int:
    """``newsdesk add URL...``: fetch each page and ingest its article."""
    from qa.fetching import is_url

    bad = [u for u in args.urls if not is_url(u)]
    if bad:
        raise UsageError(f"{shown(repr(bad[0]))} is not a web address: give http(s):// URLs "
                         "(for files and folders use `newsdesk ingest`)")
    desk = open_desk(args)
    with tqdm_progress("article", desc="add") as update:
        report = desk.add_urls(args.urls, progress=update)
    return print_report(report, args.json)


def cmd_feeds_add(args: argparse.Namespace) -> int:
    """``newsdesk feeds add URL [--every 30m] [--keep 90d]``: follow a feed."""
    row = open_desk(args).feeds.add(args.url, every=args.every, keep=args.keep)
    keep = f", articles kept {row.keep_days} days" if row.keep_days else ""
    if args.json:
        print_json(row.to_dict())
    else:
        print(f"following {shown(row.url)} (every {_every(row.every_s)}{keep}); "
              "`newsdesk watch --once` fetches it now")
    return 0


def cmd_feeds_list(args: argparse.Namespace) -> int:
    """``newsdesk feeds list``: each feed with its last fetch, status, counts, next fetch."""
    rows = open_desk(args).feeds.list()
    if args.json:
        print_json([r.to_dict() for r in rows])
        return 0
    for r in rows:
        status = shown(r.status + (f" ({r.reason})" if r.reason else ""))
        print(f"{shown(r.url)}\n  {shown(r.title or '-')} · every {_every(r.every_s)}"
              + (f" · keep {r.keep_days}d" if r.keep_days else "")
              + f"\n  last fetch {_when(r.last_fetch)} · {status} · {r.items_seen} items seen · "
              f"{r.articles_added} articles added · next fetch {_when(r.next_fetch, 'now')}")
    print(f"{len(rows)} feeds")
    return 0


def cmd_feeds_remove(args: argparse.Namespace) -> int:
    """``newsdesk feeds remove URL``: stop following a feed (its articles stay)."""
    row = open_desk(args).feeds.remove(args.url)
    if args.json:
        print_json(row.to_dict())
    else:
        print(f"no longer following {shown(row.url)} (its {row.articles_added} articles stay)")
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    """``newsdesk watch [--once] [--all]``: fetch due feeds, ingest their new articles; exit 1
    when a feed failed or another watcher is running."""
    from qa.feeds import WatchReport

    feeds = open_desk(args).feeds
    if not feeds.list():
        raise UsageError("no feeds followed: add one with `newsdesk feeds add URL`")
    if not args.once:
        print("watching the feeds (Ctrl-C stops)", file=sys.stderr)
        feeds.run(all=args.all, report=lambda r: _print_watch(r, args.json))
        return 0
    report: WatchReport = feeds.watch(all=args.all)
    _print_watch(report, args.json)
    failed = [f for f in report.feeds if f.status == "failed"] if report.ran else [None]
    return EXIT_ERROR if failed else 0


def _print_watch(report: Any, as_json: bool) -> None:
    if not report.ran:
        print(f"another watcher is running ({report.holder}, lease until "
              f"{_when(report.until)}): one watcher at a time", file=sys.stderr)
        return
    if as_json:
        print_json([{"url": f.url, "status": f.status, "reason": f.reason,
                           "new_items": f.new_items, "added": f.added, "summaries": f.summaries,
                           "deleted": f.deleted,
                           "issues": [{"path": i.path, "reason": i.reason, "kind": i.kind}
                                      for i in f.issues]} for f in report.feeds])
        return
    for f in report.feeds:
        for issue in f.issues:
            print(f"{issue.kind}: {shown(issue.path)}: {shown(issue.reason)}", file=sys.stderr)
        extra = (f", {f.summaries} from summaries" if f.summaries else "") + \
                (f", {f.deleted} deleted (retention)" if f.deleted else "")
        why = f": {shown(f.reason)}" if f.reason else ""
        print(f"{shown(f.url)}: {f.status}{why}; {f.new_items} new items, {f.added} added{extra}")
    print(f"{len(report.feeds)} feeds fetched, {report.added} articles added")


def _every(seconds: int) -> str:
    for unit, n in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % n == 0:
            return f"{seconds // n}{unit}"
    return f"{seconds}s"


def _when(t: datetime | None, none: str = "never") -> str:
    return t.astimezone().strftime("%Y-%m-%d %H:%M") if t else none


def add_commands(sub: Any) -> None:
    """Register ``add``, ``feeds`` and ``watch`` on the ``newsdesk`` sub-parsers."""
    s = command(sub, "add", "fetch articles by URL and add them",
                "newsdesk add https://example.com/news/story-1 https://example.com/report.pdf")
    s.add_argument("urls", nargs="+", metavar="URL", help="web pages or PDFs, http(s)://")
    s.set_defaults(fn=cmd_add, writes=True)

    f = command(sub, "feeds", "follow RSS/Atom feeds: add, list, remove",
                ["newsdesk feeds add https://example.com/rss.xml --every 30m --keep 90d",
                 "newsdesk feeds list"])
    fsub = f.add_subparsers(dest="feeds_command", required=True, metavar="ACTION")
    s = command(fsub, "add", "follow a feed (fetched by `newsdesk watch`)",
                "newsdesk feeds add https://example.com/rss.xml --every 30m --keep 90d")
    s.add_argument("url", metavar="URL", help="the feed's address (RSS or Atom)")
    s.add_argument("--every", default="30m", type=_duration, help="how often (default 30m)")
    s.add_argument("--keep", type=_duration, help="delete its articles older than this (90d)")
    s.set_defaults(fn=cmd_feeds_add, writes=True)
    s = command(fsub, "list", "the feeds followed and their state", "newsdesk feeds list --json")
    s.set_defaults(fn=cmd_feeds_list)
    s = command(fsub, "remove", "stop following a feed (its articles stay)",
                "newsdesk feeds remove https://example.com/rss.xml")
    s.add_argument("url", metavar="URL", help="the feed's address, as `feeds list` shows it")
    s.set_defaults(fn=cmd_feeds_remove)

    s = command(sub, "watch", "fetch the feeds when due and add their new articles",
                ["newsdesk watch --once", "newsdesk watch"])
    s.add_argument("--once", action="store_true", help="one pass, then exit")
    s.add_argument("--all", action="store_true", help="fetch every feed now, due or not")
    s.set_defaults(fn=cmd_watch, writes=True)
