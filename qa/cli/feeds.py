"""``newsdesk`` commands that fetch from the web: add (pages by URL), feeds, watch.

Thin over :meth:`qa.NewsDesk.add_urls` and :class:`qa.feeds.Feeds` (``desk.feeds``).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any

from qa.cli.common import EXIT_ERROR, EXIT_USAGE, open_desk
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
        print(f"{bad[0]!r} is not a web address: give http(s):// URLs "
              "(for files and folders use `newsdesk ingest`)", file=sys.stderr)
        return EXIT_USAGE
    desk = open_desk(args)
    with tqdm_progress("article") as update:
        report = desk.add_urls(args.urls, progress=update)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        for issue in report.issues:
            print(f"{issue.kind}: {issue.path}: {issue.reason}", file=sys.stderr)
        print(report.summary())
    ok = report.added + report.updated + report.unchanged + report.duplicates
    return 0 if ok or not report.issues else EXIT_ERROR


def cmd_feeds_add(args: argparse.Namespace) -> int:
    """``newsdesk feeds add URL [--every 30m] [--keep 90d]``: follow a feed."""
    row = open_desk(args).feeds.add(args.url, every=args.every, keep=args.keep)
    keep = f", articles kept {row.keep_days} days" if row.keep_days else ""
    print(f"following {row.url} (every {_every(row.every_s)}{keep}); "
          "`newsdesk watch --once` fetches it now")
    return 0


def cmd_feeds_list(args: argparse.Namespace) -> int:
    """``newsdesk feeds list``: each feed with its last fetch, status, counts, next fetch."""
    rows = open_desk(args).feeds.list()
    if args.json:
        print(json.dumps([r.to_dict() for r in rows], indent=2))
        return 0
    for r in rows:
        status = r.status + (f" ({r.reason})" if r.reason else "")
        print(f"{r.url}\n  {r.title or '-'} · every {_every(r.every_s)}"
              + (f" · keep {r.keep_days}d" if r.keep_days else "")
              + f"\n  last fetch {_when(r.last_fetch)} · {status} · {r.items_seen} items seen · "
              f"{r.articles_added} articles added · next fetch {_when(r.next_fetch, 'now')}")
    print(f"{len(rows)} feeds")
    return 0


def cmd_feeds_remove(args: argparse.Namespace) -> int:
    """``newsdesk feeds remove URL``: stop following a feed (its articles stay)."""
    row = open_desk(args).feeds.remove(args.url)
    print(f"no longer following {row.url} (its {row.articles_added} articles stay)")
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    """``newsdesk watch [--once] [--all]``: fetch due feeds, ingest their new articles."""
    from qa.feeds import WatchReport

    feeds = open_desk(args).feeds
    if not feeds.list():
        print("no feeds followed: add one with `newsdesk feeds add URL`", file=sys.stderr)
        return EXIT_USAGE
    if not args.once:
        print("watching the feeds (Ctrl-C stops)", file=sys.stderr)
        feeds.run(all=args.all, report=lambda r: _print_watch(r, args.json))
        return 0
    report: WatchReport = feeds.watch(all=args.all)
    _print_watch(report, args.json)
    return 0 if report.ran else EXIT_ERROR


def _print_watch(report: Any, as_json: bool) -> None:
    if not report.ran:
        print(f"another watcher is running ({report.holder}, lease until "
              f"{_when(report.until)}): one watcher at a time", file=sys.stderr)
        return
    if as_json:
        print(json.dumps([{"url": f.url, "status": f.status, "reason": f.reason,
                           "new_items": f.new_items, "added": f.added, "summaries": f.summaries,
                           "deleted": f.deleted,
                           "issues": [{"path": i.path, "reason": i.reason, "kind": i.kind}
                                      for i in f.issues]} for f in report.feeds], indent=2))
        return
    for f in report.feeds:
        for issue in f.issues:
            print(f"{issue.kind}: {issue.path}: {issue.reason}", file=sys.stderr)
        extra = (f", {f.summaries} from summaries" if f.summaries else "") + \
                (f", {f.deleted} deleted (retention)" if f.deleted else "")
        why = f": {f.reason}" if f.reason else ""
        print(f"{f.url}: {f.status}{why}; {f.new_items} new items, {f.added} added{extra}")
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
    s = sub.add_parser("add", help="fetch articles by URL and add them")
    s.add_argument("urls", nargs="+", metavar="URL")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_add)

    f = sub.add_parser("feeds", help="follow RSS/Atom feeds: add, list, remove")
    fsub = f.add_subparsers(dest="feeds_command", required=True)
    s = fsub.add_parser("add", help="follow a feed (fetched by `newsdesk watch`)")
    s.add_argument("url", metavar="URL")
    s.add_argument("--every", default="30m", type=_duration, help="how often (default 30m)")
    s.add_argument("--keep", type=_duration, help="delete its articles older than this (90d)")
    s.set_defaults(fn=cmd_feeds_add)
    s = fsub.add_parser("list", help="the feeds followed and their state")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_feeds_list)
    s = fsub.add_parser("remove", help="stop following a feed (its articles stay)")
    s.add_argument("url", metavar="URL")
    s.set_defaults(fn=cmd_feeds_remove)

    s = sub.add_parser("watch", help="fetch the feeds when due and add their new articles")
    s.add_argument("--once", action="store_true", help="one pass, then exit")
    s.add_argument("--all", action="store_true", help="fetch every feed now, due or not")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_watch)
