"""``newsdesk``: the command line, a thin layer over :class:`qa.NewsDesk`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from vectorstore.errors import NewsdeskError

EXIT_ERROR = 1
EXIT_USAGE = 2


def _desk(args: argparse.Namespace) -> Any:
    from qa.desk import NewsDesk

    return NewsDesk.open(home=args.home, chroma_url=args.chroma_url, llm=args.llm)


def _progress_bar(total_hint: str) -> tuple[Callable[[int, int, str], None], Callable[[], None]]:
    from tqdm import tqdm

    bar: list[Any] = []

    def update(done: int, total: int, label: str) -> None:
        if not bar:
            bar.append(tqdm(total=total, unit=total_hint, file=sys.stderr, leave=False,
                            disable=None))
        b = bar[0]
        b.total = total
        b.update(done - b.n)

    def close() -> None:
        if bar:
            bar[0].close()

    return update, close


def cmd_ingest(args: argparse.Namespace) -> int:
    desk = _desk(args)
    update, close = _progress_bar("article")
    try:
        report = desk.ingest(args.paths, progress=update)
    finally:
        close()
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        for issue in report.issues:
            print(f"{issue.kind}: {issue.path}: {issue.reason}", file=sys.stderr)
        print(report.summary())
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    st = _desk(args).stats()
    if args.json:
        print(json.dumps(st, indent=2))
        return 0
    for key in ("articles", "duplicates", "chunks", "earliest", "latest", "model", "backend",
                "store", "llm"):
        print(f"{key:11} {st[key]}")
    print(f"{'sources':11} {', '.join(st['sources']) or '-'}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    arts = _desk(args).articles()
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
    n = _desk(args).delete(args.article_id)
    print(f"deleted {args.article_id} ({n} chunks)")
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    from qa.desk import NewsDesk
    from vectorstore.config import Settings
    from vectorstore.embedding import Embedder
    from vectorstore.store import open_store

    s = Settings.from_env().with_(home=args.home, chroma_url=args.chroma_url)
    emb = Embedder.from_settings(s)
    store = open_store(s, model=emb.identity, dim=emb.dim, allow_model_change=True)
    desk = NewsDesk(s, store)
    desk.embedder = emb
    update, close = _progress_bar("article")
    try:
        report = desk.reindex(progress=update)
    finally:
        close()
    print(f"reindexed with {emb.identity}: {report.summary()}")
    return 0


def cmd_reset(args: argparse.Namespace) -> int:
    desk = _desk(args)
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


def _print_answer(answer: Any, as_json: bool) -> None:
    if as_json:
        print(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
        return
    print(answer.text)
    if answer.standalone_question != answer.question:
        print(f"  (understood as: {answer.standalone_question})")
    for c in answer.citations:
        p = c.passage
        when = p.published.isoformat() if p.published else "undated"
        where = ", ".join(x for x in (p.source, p.url) if x)
        print(f"[{c.n}] {p.title} ({when}{'; ' + where if where else ''})")
        print(f"    \"{c.quote_text}\"")
    for w in answer.unsupported:
        print(f"  unsupported: {w}")
    for w in answer.warnings:
        print(f"  note: {w}", file=sys.stderr)


def cmd_ask(args: argparse.Namespace) -> int:
    desk = _desk(args)
    answer = desk.ask(args.question, k=args.k, since=args.since, until=args.until,
                      sources=args.source or None)
    _print_answer(answer, args.json)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    desk = _desk(args)
    conv = desk.chat()
    print("Ask about the articles. Empty line or Ctrl-D to quit.", file=sys.stderr)
    while True:
        try:
            q = input("> ")
        except (EOFError, KeyboardInterrupt):
            print(file=sys.stderr)
            return 0
        if not q.strip():
            return 0
        try:
            _print_answer(conv.ask(q, k=args.k), False)
        except NewsdeskError as e:
            print(f"error: {e}", file=sys.stderr)


def cmd_eval(args: argparse.Namespace) -> int:
    from qa.eval.evaluation import run_cli

    return int(run_cli(args))


def build_parser() -> argparse.ArgumentParser:
    """The ``newsdesk`` argument parser."""
    p = argparse.ArgumentParser(prog="newsdesk",
                                description="Ask questions about news articles, with citations.")
    p.add_argument("--home", help="data folder (default NEWSDESK_HOME or ./.newsdesk)")
    p.add_argument("--chroma-url", help="Chroma server, http://host:port (NEWSDESK_CHROMA_URL)")
    p.add_argument("--llm", help="none, ollama:MODEL or openai:MODEL (NEWSDESK_LLM)")
    sub = p.add_subparsers(dest="command", required=True)

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

    s = sub.add_parser("delete", help="delete an article and its chunks")
    s.add_argument("article_id")
    s.set_defaults(fn=cmd_delete)

    s = sub.add_parser("reindex", help="re-embed every article with the configured model")
    s.set_defaults(fn=cmd_reindex)

    s = sub.add_parser("reset", help="delete everything (asks first)")
    s.add_argument("--yes", action="store_true", help="do not ask")
    s.set_defaults(fn=cmd_reset)

    for name, fn, hlp in (("ask", cmd_ask, "answer one question"),
                          ("chat", cmd_chat, "interactive conversation")):
        s = sub.add_parser(name, help=hlp)
        if name == "ask":
            s.add_argument("question")
            s.add_argument("--json", action="store_true")
            s.add_argument("--since", help="only articles published on or after YYYY-MM-DD")
            s.add_argument("--until", help="only articles published on or before YYYY-MM-DD")
            s.add_argument("--source", action="append", help="only this outlet (repeatable)")
        s.add_argument("--k", type=int, default=None, help="passages to retrieve")
        s.set_defaults(fn=fn)

    s = sub.add_parser("eval", help="score answers against a question set")
    s.add_argument("questions", help="question set (JSONL), or the realtimeqa folder")
    s.add_argument("--corpus", action="append", help="articles to ingest into a fresh store first")
    s.add_argument("--format", choices=["newsdesk", "realtimeqa"], default="newsdesk")
    s.add_argument("--k", type=int, default=5)
    s.add_argument("--limit", type=int, default=None, help="score only the first N cases")
    s.add_argument("--window-days", type=int, default=None, metavar="N",
                   help="realtimeqa: only articles published in the N days before a question")
    s.add_argument("--store-cache", metavar="DIR",
                   help="keep the eval store under DIR and reuse it (no re-embedding)")
    s.add_argument("--json", dest="json_out", metavar="OUT", help="write the report as JSON")
    s.add_argument("--report", metavar="OUT.html", help="write an HTML report")
    for m in ("hit_at_1", "hit_at_k", "mrr", "accuracy", "f1", "citation_precision",
              "citation_recall", "abstention_precision", "abstention_recall"):
        s.add_argument(f"--min-{m.replace('_', '-')}", type=float, default=None,
                       help=f"exit 1 if {m} is below this")
    s.set_defaults(fn=cmd_eval)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; errors become one line on stderr and a non-zero exit."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.fn(args))
    except NewsdeskError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # last resort: never a traceback for the user
        print(f"error: unexpected {type(e).__name__}: {e} (set NEWSDESK_DEBUG=1 for details)",
              file=sys.stderr)
        import os

        if os.environ.get("NEWSDESK_DEBUG"):
            raise
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
