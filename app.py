"""Newsdesk web app: the entry point (``python app.py`` or ``newsdesk-ui``).

It listens on 127.0.0.1:7860 by default (``NEWSDESK_HOST``, ``NEWSDESK_PORT``; any other host
needs ``NEWSDESK_AUTH=user:password``), ingests the bundled ``corpus/`` on the first start, and
serves the Gradio UI, the ``gradio_client`` endpoints (``/ask``, ``/chat``, ``/ingest``,
``/list``, ``/delete``) and ``/healthz``. The app itself is built in :mod:`web.server`; this
module reads the arguments and the environment, and runs it with uvicorn.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

log = logging.getLogger("newsdesk.ui")


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
    p.add_argument("--watch", action="store_true",
                   help="follow the feeds (`newsdesk feeds add`) in the background; off by default")
    return p


def _fail(message: str) -> int:
    """Print ``message`` as one line on stderr; return the exit status 1."""
    print(f"error: {message}", file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Start the UI; configuration errors become one line on stderr and exit status 1."""
    import qa

    qa.apply_privacy_defaults()  # telemetry off before gradio, chromadb or onnxruntime load
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    log.setLevel(logging.INFO)
    from qa.logs import enable_question_log

    enable_question_log()  # one JSON line per question on stderr

    from web.seed import resolve_corpus
    from web.server import check_bind, create_app, listen, serve

    try:
        settings = qa.Settings.from_env().with_(
            home=Path(args.home) if args.home else None, host=args.host, port=args.port,
            corpus=args.corpus)
        check_bind(settings)
        corpus = None if args.no_seed else resolve_corpus(settings)
        desk = qa.NewsDesk.open(settings=settings)
    except qa.NewsdeskError as e:
        return _fail(str(e))
    try:
        sockets = listen(settings.host, settings.port)
    except OSError as e:
        return _fail(f"cannot listen on {settings.host}:{settings.port} ({e}): choose a free "
                     "port with NEWSDESK_PORT or --port")
    watcher = None
    if args.watch:
        from web.urls import start_watcher

        watcher = start_watcher(desk, log.info)[1]
    try:
        app = create_app(desk, settings, corpus)
        print(f"* Running on local URL:  http://{settings.host}:{settings.port}", flush=True)
        serve(app, sockets)
    except qa.NewsdeskError as e:
        return _fail(str(e))
    except KeyboardInterrupt:
        return 0
    finally:
        if watcher is not None:
            watcher.set()
        for sock in sockets:
            sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
