"""``newsdesk eval``: score the desk on a question set; exit 1 when a ``--min-*`` fails.

``--json`` prints the report as JSON on stdout (instead of the tables), ``--out FILE`` writes
it to a file; the old ``--json FILE`` still writes the file, with a note to use ``--out``.

Without ``--corpus`` (newsdesk format) the configured store is used; with it, or with
``--format realtimeqa``, articles go into a fresh temporary store (or a reusable one under
``--store-cache``, keyed by what was ingested and how it was embedded).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.cli.common import UsageError, command, day_arg, k_arg, open_desk, print_json, shown
from qa.cli.progress import tqdm_progress
from qa.eval import (
    GATED_METRICS,
    HALVES,
    EvalCase,
    EvalReport,
    QuestionSetError,
    evaluate,
    load_cases,
    load_realtimeqa,
    write_html,
)

if TYPE_CHECKING:
    from qa.desk import NewsDesk

_Setup = tuple["NewsDesk", list[EvalCase], "tempfile.TemporaryDirectory[str] | None"]
"""What an eval runs on: the desk, the cases, and the temporary store folder to clean up."""

__all__ = ["add_command", "cmd_eval", "store_home"]


def store_home(cache: str | None, spec: Mapping[str, Any]
               ) -> tuple[Path, tempfile.TemporaryDirectory[str] | None]:
    """The folder for the eval's store: a cache sub-folder keyed by ``spec``, or a temp dir.

    Returns the folder and the :class:`tempfile.TemporaryDirectory` to clean up (``None``
    for a cache folder, which is kept).
    """
    if cache:
        key = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()
        home = Path(cache).expanduser() / f"store-{key[:12]}"
        home.mkdir(parents=True, exist_ok=True)
        (home / "spec.json").write_text(json.dumps(spec, indent=2, default=str) + "\n")
        return home, None
    tmp = tempfile.TemporaryDirectory(prefix="newsdesk-eval-", ignore_cleanup_errors=True)
    return Path(tmp.name), tmp


def _model_spec() -> dict[str, Any]:
    from vectorstore.config import Settings

    s = Settings.from_env()
    return {"embed_model": s.embed_model, "chunk_tokens": s.chunk_tokens,
            "chunk_overlap": s.chunk_overlap}


def _fresh_desk(home: Path, args: argparse.Namespace) -> NewsDesk:
    from qa.desk import NewsDesk
    from vectorstore.config import Settings

    s = Settings.from_env().with_(home=home, chroma_url="")
    return NewsDesk.open(settings=s, llm=getattr(args, "llm", None))


def _ingest(desk: NewsDesk, paths: Sequence[str | Path]) -> None:
    with tqdm_progress("article", desc="ingest") as update:
        rep = desk.ingest(list(paths), progress=update)
    failed = [i for i in rep.issues if i.kind != "skipped"]
    for issue in failed[:10]:
        print(f"{issue.kind}: {shown(issue.path)}: {shown(issue.reason)}", file=sys.stderr)
    print(f"ingest: {rep.summary()}", file=sys.stderr)


def _realtimeqa_desk(args: argparse.Namespace, meta: dict[str, Any]) -> _Setup:
    """The realtimeqa cases and a desk holding their articles (in a fresh or cached store)."""
    window, half = getattr(args, "window_days", None), getattr(args, "half", None)
    data = load_realtimeqa(args.questions, limit=args.limit, window_days=window, half=half)
    spec = {"format": "realtimeqa", "folder": str(Path(args.questions).resolve()),
            "limit": args.limit, "window_days": window, "n_articles": len(data.articles)}
    if half is not None and window is not None:
        # only when it narrows the articles: a store cached before halves keeps its key,
        # and both halves share the whole-folder store
        spec["half"] = half
    home, tmp = store_home(getattr(args, "store_cache", None), {**spec, **_model_spec()})
    desk = _fresh_desk(home, args)
    path = data.write_articles(home / "realtimeqa-articles.jsonl")
    print(f"realtimeqa: {len(data.cases)} questions"
          + (f" (the {half} half)" if half is not None else "")
          + f", {len(data.articles)} articles"
          + (f" (published within {window} days before a question)" if window is not None
             else ""), file=sys.stderr)
    _ingest(desk, [path])
    meta.update(spec, half=half)
    return desk, data.cases, tmp


def _newsdesk_desk(args: argparse.Namespace, meta: dict[str, Any]) -> _Setup:
    """The question set's cases and a desk: a fresh store of ``--corpus``, or the configured one."""
    cases = load_cases(args.questions)
    if args.limit is not None:
        cases = cases[:args.limit]
    if not args.corpus:
        desk = open_desk(args)
        meta["store"] = desk.store.location
        return desk, cases, None
    spec = {"format": "newsdesk", "corpus": sorted(str(Path(c).resolve()) for c in args.corpus)}
    home, tmp = store_home(getattr(args, "store_cache", None), {**spec, **_model_spec()})
    desk = _fresh_desk(home, args)
    _ingest(desk, args.corpus)
    meta["corpus"] = list(args.corpus)
    return desk, cases, tmp


def _write_outputs(report: EvalReport, args: argparse.Namespace) -> list[str]:
    """Print the tables (or the JSON), write the JSON and HTML reports; return the failed
    thresholds."""
    if args.json:
        print_json(report.to_dict())
    else:
        print(shown(report.metrics_table(), lines=True))
        print()
        print(shown(report.failures_table(), lines=True))
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(report.to_dict(), indent=2,
                                             ensure_ascii=False) + "\n")
        print(f"\nwrote {args.out}", file=sys.stderr)
    thresholds = {m: getattr(args, f"min_{m}", None) for m in GATED_METRICS}
    below = report.check(thresholds)
    if args.report:
        write_html(report, args.report, thresholds=thresholds, below=below)
        print(f"wrote {args.report}", file=sys.stderr)
    if below:
        for line in below:
            print(f"FAIL: {line}", file=sys.stderr)
    elif any(v is not None for v in thresholds.values()):
        print("quality gate passed", file=sys.stderr)
    return below


def cmd_eval(args: argparse.Namespace) -> int:
    """``newsdesk eval``: score the desk on a question set; 1 when a ``--min-*`` fails."""
    _legacy_json(args)
    k = int(args.k)
    meta: dict[str, Any] = {"questions": str(args.questions), "format": args.format, "k": k}
    today = getattr(args, "today", None)
    if getattr(args, "half", None) is not None and args.format != "realtimeqa":
        raise UsageError("--half splits the realtimeqa questions: use it with --format "
                         "realtimeqa")
    as_of = not getattr(args, "no_as_of", False)
    if not as_of and today is None:
        raise UsageError("--no-as-of asks every question without its date, so relative dates "
                         "(\"this week\") are read against today: fix that day with --today "
                         "YYYY-MM-DD so that the run can be repeated")
    tmp: tempfile.TemporaryDirectory[str] | None = None
    try:
        if args.format == "realtimeqa":
            desk, cases, tmp = _realtimeqa_desk(args, meta)
        else:
            desk, cases, tmp = _newsdesk_desk(args, meta)
        if desk.is_empty():
            raise QuestionSetError("the store is empty: pass --corpus PATH (articles to ingest "
                                   "into a fresh store) or ingest articles first")
        with tqdm_progress("question", desc="eval") as update:
            report = evaluate(desk, cases, k=k, progress=update, meta=meta, today=today,
                              as_of=as_of)
        return 1 if _write_outputs(report, args) else 0
    finally:
        if tmp is not None:
            tmp.cleanup()


def _legacy_json(args: argparse.Namespace) -> None:
    """Read the old ``--json FILE`` as ``--out FILE`` (with a note on stderr), and
    ``eval --json QUESTIONS`` as the flag followed by the question set.

    Raises:
        UsageError: no question set was given.
    """
    value = getattr(args, "json", False)
    if isinstance(value, str) and args.questions is None:
        args.questions, value = value, True
    elif isinstance(value, str):
        print(f"note: `--json {shown(value)}` is deprecated: use `--out {shown(value)}` to write "
              "the report's JSON to a file (`--json` alone prints it to stdout)", file=sys.stderr)
        args.out = args.out or value
        value = False
    args.json = bool(value)
    if args.questions is None:
        raise UsageError("the following arguments are required: questions")


def add_command(sub: Any) -> None:
    """Register ``eval`` on the ``newsdesk`` sub-parsers."""
    s = command(sub, "eval", "score answers against a question set",
                ["newsdesk eval corpus/questions.jsonl --corpus corpus/articles --report eval.html",
                 "newsdesk eval corpus/questions.jsonl --min-accuracy 0.8 --out eval.json"])
    s.add_argument("questions", nargs="?",
                   help="question set (JSONL), or the realtimeqa folder")
    s.add_argument("--corpus", action="append", metavar="PATH",
                   help="articles to ingest into a fresh store first (repeatable)")
    s.add_argument("--format", choices=["newsdesk", "realtimeqa"], default="newsdesk",
                   help="the question set's format (default newsdesk)")
    s.add_argument("--k", type=k_arg, default=5, help="passages to retrieve, 1 to 100 (default 5)")
    s.add_argument("--limit", type=int, default=None, help="score only the first N cases")
    s.add_argument("--window-days", type=int, default=None, metavar="N",
                   help="realtimeqa: only articles published in the N days before a question")
    s.add_argument("--half", choices=HALVES, default=None,
                   help="realtimeqa: only the tune or the held-back half of the questions, "
                        "split by a hash of the question id (default: all)")
    s.add_argument("--today", type=day_arg, default=None, metavar="YYYY-MM-DD",
                   help="read relative dates in questions without an as-of date (\"this "
                        "week\", \"yesterday\") against this day (default: the real today)")
    s.add_argument("--no-as-of", action="store_true",
                   help="ask every question with no date (no until), as a user would; the "
                        "questions' dates are ignored; needs --today")
    s.add_argument("--store-cache", metavar="DIR",
                   help="keep the eval store under DIR and reuse it (no re-embedding)")
    s.add_argument("--out", metavar="FILE.json", help="write the report as JSON to this file")
    s.add_argument("--json", nargs="?", const=True, default=argparse.SUPPRESS, metavar="FILE",
                   help="print the report as JSON to stdout (instead of the tables); with a "
                        "FILE (deprecated: use --out FILE), write it there")
    s.add_argument("--report", metavar="OUT.html", help="write an HTML report")
    for m in GATED_METRICS:
        s.add_argument(f"--min-{m.replace('_', '-')}", type=float, default=None,
                       help=f"exit 1 if {m} is below this")
    s.set_defaults(fn=cmd_eval)
