"""``newsdesk`` commands that manage the articles: ingest, stats, list, delete, reindex, repair,
export, import, reset."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from qa.cli.common import (
    EXIT_ERROR,
    EXIT_USAGE,
    UsageError,
    command,
    day_arg,
    open_desk,
    print_json,
    shown,
)
from qa.cli.progress import tqdm_progress

__all__ = ["add_commands", "cmd_delete", "cmd_export", "cmd_import", "cmd_ingest", "cmd_list",
           "cmd_reindex", "cmd_repair", "cmd_reset", "cmd_stats", "print_report"]


def print_report(report: Any, as_json: bool, prefix: str = "") -> int:
    """Print an ingest report (its issues on stderr, then the summary), or its JSON; return
    the exit status: 1 when any file or article failed, else 0."""
    if as_json:
        print_json(report.to_dict())
    else:
        for issue in report.issues:
            print(f"{issue.kind}: {shown(issue.path)}: {shown(issue.reason)}", file=sys.stderr)
        print(prefix + report.summary())
    return EXIT_ERROR if report.failed else 0


def cmd_ingest(args: argparse.Namespace) -> int:
    """``newsdesk ingest PATH...``: add articles, print the summary (or JSON); exit 1 when a
    file failed (a path that does not exist counts as one)."""
    urls = [p for p in args.paths if str(p).lower().startswith(("http://", "https://"))]
    if urls:
        raise UsageError(f"{shown(urls[0])} is a web address: use `newsdesk add URL...` to "
                         "fetch pages (`ingest` reads files and folders)")
    desk = open_desk(args)
    new = desk.store.collection not in desk.store.collections()
    with tqdm_progress("article", desc="ingest") as update:
        report = desk.ingest(args.paths, progress=update)
    if new and desk.store.collection in desk.store.collections():
        print(f"created collection {desk.store.collection}",
              file=sys.stderr if args.json else sys.stdout)
    return print_report(report, args.json)


def cmd_stats(args: argparse.Namespace) -> int:
    """``newsdesk stats``: counts of articles and chunks, dates, model, store."""
    st = open_desk(args).stats()
    if args.json:
        print_json(st)
        return 0
    for key in ("collection", "articles", "duplicates", "chunks", "earliest", "latest", "model",
                "backend", "store", "llm"):
        print(f"{key:11} {shown(st[key])}")
    print(f"{'sources':11} {shown(', '.join(st['sources'])) or '-'}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """``newsdesk list``: one line per article, with its id (control characters escaped)."""
    arts = open_desk(args).articles()
    if args.json:
        print_json([a.to_dict() for a in arts])
        return 0
    for a in arts:
        when = a.published.isoformat() if a.published else "----------"
        extra = f" (+{len(a.copies)} copies)" if a.copies else ""
        print(f"{when}  {a.n_chunks:4d} chunks  {shown(a.title[:70])}{extra}\n"
              f"            id: {shown(a.id)}")
    print(f"{len(arts)} articles")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    """``newsdesk delete ID`` or ``delete --source S --before DATE``: delete articles."""
    if bool(args.article_id) == bool(args.source or args.before):
        raise UsageError("give an article id, or --source and/or --before to delete in bulk")
    desk = open_desk(args)
    if args.article_id:
        n = desk.delete(args.article_id)
        gone, text = [args.article_id], f"deleted {shown(args.article_id)} ({n} chunks)"
    else:
        from qa.feeds import delete_where

        gone = delete_where(desk, source=args.source, before=args.before)
        n, text = -1, f"deleted {len(gone)} articles"
    if args.json:
        print_json({"deleted": gone, **({"chunks": n} if n >= 0 else {})})
    else:
        print(text)
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
    with tqdm_progress("article", desc="reindex") as update:
        report = desk.reindex(progress=update)
    return print_report(report, args.json, prefix=f"reindexed with {emb.identity}: ")


def cmd_repair(args: argparse.Namespace) -> int:
    """``newsdesk repair``: rebuild the vector store from the catalog's texts (a damaged
    store too: it is opened without its damage checks)."""
    from qa.doctor import open_for_repair

    desk = open_for_repair(home=args.home, chroma_url=args.chroma_url,
                           collection=getattr(args, "collection", None))
    with tqdm_progress("article", desc="repair") as update:
        report = desk.repair(progress=update)
    return print_report(report, args.json, prefix="rebuilt the vector store from the catalog: ")


def cmd_export(args: argparse.Namespace) -> int:
    """``newsdesk export FILE``: every article and its metadata as JSONL (no vectors)."""
    n = open_desk(args).export_articles(args.file)
    if args.json:
        print_json({"exported": n, "file": args.file})
    else:
        print(f"exported {n} articles to {shown(args.file)}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """``newsdesk import FILE``: read a file of ``export`` into the catalog, then embed it."""
    desk = open_desk(args)
    with tqdm_progress("article", desc="import") as update:
        report = desk.import_articles(args.file, progress=update)
    return print_report(report, args.json, prefix=f"imported {shown(args.file)}: ")


def cmd_reset(args: argparse.Namespace) -> int:
    """``newsdesk reset``: delete every article (asks first unless ``--yes``); works on a
    store however damaged (another model's, a broken schema record, broken Chroma files)."""
    from qa.doctor import open_for_reset, store_location

    if not args.yes:
        if not sys.stdin.isatty():
            print("reset deletes every article: add --yes to confirm", file=sys.stderr)
            return EXIT_USAGE
        where = store_location(home=args.home, chroma_url=args.chroma_url)
        reply = input(f"Delete every article in {where}? Type 'yes': ")
        if reply.strip().lower() != "yes":
            print("nothing deleted")
            return 0
    desk, note = open_for_reset(home=args.home, chroma_url=args.chroma_url,
                                collection=getattr(args, "collection", None))
    if note:
        print(note, file=sys.stderr)
    desk.reset()
    if getattr(args, "json", False):
        print_json({"reset": True})
    else:
        print("store emptied")
    return 0


def add_commands(sub: Any) -> None:
    """Register the library commands on the ``newsdesk`` sub-parsers."""
    s = command(sub, "ingest", "add articles (files or folders)",
                ["newsdesk ingest corpus/articles notes.md",
                 "newsdesk --home ~/news --collection sport ingest ./sport/ --json"])
    s.add_argument("paths", nargs="+", metavar="PATH",
                   help="files or folders: .txt .md .html .json .jsonl .pdf")
    s.set_defaults(fn=cmd_ingest, writes=True)

    s = command(sub, "stats", "counts of articles and chunks", "newsdesk stats --json")
    s.set_defaults(fn=cmd_stats)

    s = command(sub, "list", "list the articles, newest first", "newsdesk list | head")
    s.set_defaults(fn=cmd_list)

    s = command(sub, "delete", "delete an article, or in bulk by source or date",
                ["newsdesk delete file:articles/story.txt",
                 'newsdesk delete --source "Example News" --before 2026-01-01'])
    s.add_argument("article_id", nargs="?", metavar="ID", help="the id `newsdesk list` shows")
    s.add_argument("--source", help="every article from this outlet")
    s.add_argument("--before", type=day_arg, help="every article published before YYYY-MM-DD")
    s.set_defaults(fn=cmd_delete)

    s = command(sub, "reindex", "re-embed every article with the configured model",
                "NEWSDESK_EMBED_MODEL=/models/other newsdesk reindex")
    s.set_defaults(fn=cmd_reindex)

    s = command(sub, "repair", "rebuild the vector store from the catalog's texts",
                "newsdesk repair")
    s.set_defaults(fn=cmd_repair, writes=True)

    s = command(sub, "export", "write every article (no vectors) to a JSONL file",
                "newsdesk export desk.jsonl")
    s.add_argument("file", help="the JSONL file to write")
    s.set_defaults(fn=cmd_export)

    s = command(sub, "import", "read a file of `export`, then embed its articles",
                "newsdesk --home ~/copy import desk.jsonl")
    s.add_argument("file", help="a JSONL file written by `newsdesk export`")
    s.set_defaults(fn=cmd_import, writes=True)

    s = command(sub, "reset", "delete everything (asks first)", "newsdesk reset --yes")
    s.add_argument("--yes", action="store_true", help="do not ask")
    s.set_defaults(fn=cmd_reset, writes=True)
