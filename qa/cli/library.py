"""``newsdesk`` commands that manage the articles: ingest, stats, list, delete, reindex, repair,
export, import, reset."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from qa.cli.common import EXIT_USAGE, day_arg, open_desk
from qa.cli.progress import tqdm_progress

__all__ = ["add_commands", "cmd_delete", "cmd_export", "cmd_import", "cmd_ingest", "cmd_list",
           "cmd_reindex", "cmd_repair", "cmd_reset", "cmd_stats"]


def cmd_ingest(args: argparse.Namespace) -> int:
    """``newsdesk ingest PATH...``: add articles, print the summary (or JSON)."""
    urls = [p for p in args.paths if str(p).lower().startswith(("http://", "https://"))]
    if urls:
        print(f"{urls[0]} is a web address: use `newsdesk add URL...` to fetch pages "
              "(`ingest` reads files and folders)", file=sys.stderr)
        return EXIT_USAGE
    desk = open_desk(args)
    new = desk.store.collection not in desk.store.collections()
    with tqdm_progress("article") as update:
        report = desk.ingest(args.paths, progress=update)
    if new and desk.store.collection in desk.store.collections():
        print(f"created collection {desk.store.collection}",
              file=sys.stderr if args.json else sys.stdout)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        for issue in report.issues:
            print(f"{issue.kind}: {issue.path}: {issue.reason}", file=sys.stderr)
        print(report.summary())
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    """``newsdesk stats``: counts of articles and chunks, dates, model, store."""
    st = open_desk(args).stats()
    if args.json:
        print(json.dumps(st, indent=2))
        return 0
    for key in ("collection", "articles", "duplicates", "chunks", "earliest", "latest", "model", "backend",
                "store", "llm"):
        print(f"{key:11} {st[key]}")
    print(f"{'sources':11} {', '.join(st['sources']) or '-'}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """``newsdesk list``: one line per article, with its id."""
    arts = open_desk(args).articles()
    if args.json:
        print(json.dumps([a.to_dict() for a in arts], indent=2))
        return 0
    for a in arts:
        when = a.published.isoformat() if a.published else "----------"
        extra = f" (+{len(a.copies)} copies)" if a.copies else ""
        print(f"{when}  {a.n_chunks:4d} chunks  {a.title[:70]}{extra}\n            id: {a.id}")
    print(f"{len(arts)} articles")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    """``newsdesk delete ID`` or ``delete --source S --before DATE``: delete articles."""
    if bool(args.article_id) == bool(args.source or args.before):
        print("give an article id, or --source and/or --before to delete in bulk",
              file=sys.stderr)
        return EXIT_USAGE
    desk = open_desk(args)
    if args.article_id:
        n = desk.delete(args.article_id)
        print(f"deleted {args.article_id} ({n} chunks)")
        return 0
    from qa.feeds import delete_where

    gone = delete_where(desk, source=args.source, before=args.before)
    print(f"deleted {len(gone)} articles")
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    """``newsdesk reindex``: re-embed every article with the configured model."""
    from qa.desk import NewsDesk
    from vectorstore.config import Settings
    from vectorstore.embedding import Embedder
    from vectorstore.store import open_store

    s = Settings.from_env().with_(home=args.home, chroma_url=args.chroma_url,
                                  collection=getattr(args, "collection", None))
    emb = Embedder.from_settings(s)
    store = open_store(s, model=emb.identity, dim=emb.dim, allow_model_change=True)
    desk = NewsDesk(s, store, embedder=emb)
    with tqdm_progress("article") as update:
        report = desk.reindex(progress=update)
    print(f"reindexed with {emb.identity}: {report.summary()}")
    return 0


def cmd_repair(args: argparse.Namespace) -> int:
    """``newsdesk repair``: rebuild the vector store from the catalog's texts."""
    desk = open_desk(args)
    with tqdm_progress("article") as update:
        report = desk.repair(progress=update)
    print(f"rebuilt the vector store from the catalog: {report.summary()}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """``newsdesk export FILE``: every article and its metadata as JSONL (no vectors)."""
    n = open_desk(args).export_articles(args.file)
    print(f"exported {n} articles to {args.file}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """``newsdesk import FILE``: read a file of ``export`` into the catalog, then embed it."""
    desk = open_desk(args)
    with tqdm_progress("article") as update:
        report = desk.import_articles(args.file, progress=update)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(f"imported {args.file}: {report.summary()}")
    return 0


def cmd_reset(args: argparse.Namespace) -> int:
    """``newsdesk reset``: delete every article (asks first unless ``--yes``)."""
    desk = open_desk(args)
    if not args.yes:
        if not sys.stdin.isatty():
            print("reset deletes every article: add --yes to confirm", file=sys.stderr)
            return EXIT_USAGE
        reply = input(f"Delete every article in {desk.store.location}? Type 'yes': ")
        if reply.strip().lower() != "yes":
            print("nothing deleted")
            return 0
    desk.reset()
    print("store emptied")
    return 0


def add_commands(sub: Any) -> None:
    """Register the library commands on the ``newsdesk`` sub-parsers."""
    s = sub.add_parser("ingest", help="add articles (files or folders)")
    s.add_argument("paths", nargs="+")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_ingest)

    s = sub.add_parser("stats", help="counts of articles and chunks")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_stats)

    s = sub.add_parser("list", help="list the articles")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_list)

    s = sub.add_parser("delete", help="delete an article, or in bulk by source or date")
    s.add_argument("article_id", nargs="?")
    s.add_argument("--source", help="every article from this outlet")
    s.add_argument("--before", type=day_arg, help="every article published before YYYY-MM-DD")
    s.set_defaults(fn=cmd_delete)

    s = sub.add_parser("reindex", help="re-embed every article with the configured model")
    s.set_defaults(fn=cmd_reindex)

    s = sub.add_parser("repair", help="rebuild the vector store from the catalog's texts")
    s.set_defaults(fn=cmd_repair)

    s = sub.add_parser("export", help="write every article (no vectors) to a JSONL file")
    s.add_argument("file")
    s.set_defaults(fn=cmd_export)

    s = sub.add_parser("import", help="read a file of `export`, then embed its articles")
    s.add_argument("file")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_import)

    s = sub.add_parser("reset", help="delete everything (asks first)")
    s.add_argument("--yes", action="store_true", help="do not ask")
    s.set_defaults(fn=cmd_reset)
