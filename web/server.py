"""Our FastAPI app: ``/healthz``, the OpenAI-compatible ``/v1`` (:mod:`web.openai_api`), its
schema at ``/openapi.json``, and the Gradio UI (with its API) mounted at ``/``.

:func:`check_bind` holds the bind/auth rule: the app listens on localhost unless sign-in
(catalog users or ``NEWSDESK_AUTH``) and an API key are set. The Gradio login (:mod:`web.auth`)
guards the UI and the ``gradio_client`` API; routes of our own are outside it (``/healthz`` is
open, ``/v1`` checks ``NEWSDESK_API_KEY``). :mod:`web.throttle` slows password and key guessing.
"""

import socket
from pathlib import Path

import gradio as gr
import uvicorn
from fastapi import FastAPI

from qa import ConfigError, NewsDesk, Settings
from qa.accounts import Accounts, users_exist
from web.auth import AuthCheck, make_auth
from web.health import healthz_route
from web.layout import CSS, HEAD, build
from web.openai_api import add_openai_api
from web.throttle import add_throttle
from web.ui import NewsdeskUI

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
DEFAULT_HOST = "127.0.0.1"
"""Bind addresses that need no password."""
CONCURRENCY = 4
"""Requests served at once; the others wait in the queue."""
QUEUE_SIZE = 64
"""Requests that may wait in the queue; more are refused."""
AUTH_MESSAGE = "Newsdesk: sign in with your user name and password."


def check_bind(settings: Settings, has_users: bool | None = None) -> tuple[str, str] | None:
    """Return the ``NEWSDESK_AUTH`` ``(user, password)``, or ``None`` when unset.

    ``has_users``: whether the catalog has users (``None``: look, without making a catalog).

    Raises:
        ConfigError: the app would listen beyond this machine without sign-in (catalog
            users or ``NEWSDESK_AUTH``) and an API key (``NEWSDESK_API_KEY``, for ``/v1``),
            or ``NEWSDESK_AUTH`` is malformed.
    """
    auth = None
    if settings.auth:
        user, _, password = settings.auth.partition(":")
        if not user.strip() or not password:
            raise ConfigError("NEWSDESK_AUTH must be user:password with both parts non-empty")
        auth = (user.strip(), password)
    host = settings.host.strip().strip("[]").lower() or DEFAULT_HOST
    if host not in LOCAL_HOSTS and auth is None and not (
            users_exist(settings) if has_users is None else has_users):
        raise ConfigError(
            f"NEWSDESK_HOST={settings.host} would let other machines reach the UI without a "
            "password: add a user (`newsdesk users add NAME`) or set "
            "NEWSDESK_AUTH=user:password too, or use NEWSDESK_HOST=127.0.0.1")
    if host not in LOCAL_HOSTS and not settings.api_key.strip():
        raise ConfigError(
            f"NEWSDESK_HOST={settings.host} would let other machines use the OpenAI-compatible "
            "API (/v1) without a key (the UI password does not cover it): set "
            "NEWSDESK_API_KEY too, or use NEWSDESK_HOST=127.0.0.1")
    return auth


def base_app(desk: NewsDesk, settings: Settings) -> FastAPI:
    """Our FastAPI app with its own routes: ``/healthz``, ``/v1``, and the schema at
    ``/openapi.json`` (no docs pages: they would load scripts from a CDN)."""
    app = FastAPI(title="Newsdesk", docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    app.add_api_route("/healthz", healthz_route(desk), methods=["GET"])
    add_openai_api(app, desk, settings)
    return app


def mount_ui(app: FastAPI, demo: gr.Blocks, settings: Settings,
             auth: AuthCheck | tuple[str, str] | None) -> FastAPI:
    """Mount ``demo`` (queued) at ``/`` of ``app``, behind ``auth`` (Gradio's sign-in check)
    when given."""
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    app = gr.mount_gradio_app(
        app, demo, path="/", server_name=settings.host, server_port=settings.port, auth=auth,
        auth_message=AUTH_MESSAGE, show_error=False, footer_links=["api", "settings"],
        max_file_size=f"{settings.max_file_mb}mb", enable_monitoring=False, mcp_server=False,
        run_history=False, pwa=False, ssr_mode=False, css=CSS, head=HEAD)
    # Gradio checks the file paths a request names (uploaded files only: a client must not
    # make the server read one of its own files) only once ``launch()`` has set this flag;
    # mounting does not set it (gradio 6.31), so set it here, as ``launch()`` would.
    demo.has_launched = True
    return app


def create_app(desk: NewsDesk, settings: Settings, corpus: Path | None = None,
               echo: bool = True, accounts: Accounts | None = None) -> FastAPI:
    """Start the first-start ingest, warm the desk, and build the app to serve.

    Args:
        desk: The desk to serve.
        settings: Bind address, auth, upload limit, k, LLM.
        corpus: Folder to ingest when the store is empty (``None``: no seeding).
        echo: Print first-start progress on the console.
        accounts: Who may sign in, and the failed attempts (default: the desk's catalog's
            users and ``settings.auth``).

    Raises:
        ConfigError: a non-local bind address without sign-in and ``NEWSDESK_API_KEY``, or
            a bad ``NEWSDESK_TRUSTED_PROXIES``.
    """
    accounts = accounts or Accounts.of_desk(desk, settings.auth)
    check_bind(settings, has_users=accounts.count() > 0)
    app = base_app(desk, settings)
    add_throttle(app, accounts, proxies=settings.trusted_proxies,
                 guard_api=bool(settings.api_key.strip()))
    ui = NewsdeskUI(desk, settings, corpus, echo=echo)
    ui.seeder.start()
    ui.llm_state.start()  # the LLM backend, checked once now (the status line shows it)
    desk.warm()
    return mount_ui(app, build(ui), settings, make_auth(accounts))


def listen(host: str, port: int) -> list[socket.socket]:
    """Bound (not yet listening) sockets for ``host:port``, one per address ``host`` names.

    Bound here, before the app starts, so that a taken port is reported at once.

    Raises:
        OSError: the address cannot be bound (in use, not on this machine, no permission).
    """
    host = host.strip().strip("[]") or DEFAULT_HOST  # blank is this machine, never every interface
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                               flags=socket.AI_PASSIVE)
    sockets: list[socket.socket] = []
    try:
        for family, kind, proto, _, addr in dict.fromkeys(infos):
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(addr)
            sock.set_inheritable(True)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def serve(app: FastAPI, sockets: list[socket.socket]) -> None:
    """Serve ``app`` with uvicorn on ``sockets`` until interrupted (SIGINT or SIGTERM)."""
    uvicorn.Server(server_config(app)).run(sockets=sockets)


def server_config(app: FastAPI) -> uvicorn.Config:
    """How uvicorn serves ``app``: quiet, and without its own reading of ``X-Forwarded-For``
    (it would believe any local peer: :mod:`web.throttle` believes only trusted proxies)."""
    return uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=5,
                          proxy_headers=False)
