"""Who may sign in to the UI: Gradio's ``auth`` callable over :class:`qa.accounts.Accounts`.

The catalog's users (``newsdesk users add NAME``) and the ``NEWSDESK_AUTH`` user both sign in;
Gradio then gives each request ``request.username``, the signed-in name. Checking a password
costs an scrypt hash (~50 ms), so it runs in a worker thread, not on the event loop. Failed
attempts are counted by :mod:`web.throttle`, which sees the client's address.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import anyio

from qa.accounts import Accounts

AuthCheck = Callable[[str, str], Awaitable[bool]]


def make_auth(accounts: Accounts) -> AuthCheck | None:
    """Gradio's ``auth`` for ``accounts``: ``None`` (no sign-in) when there are neither
    catalog users nor ``NEWSDESK_AUTH``."""
    if not accounts.enabled:
        return None

    async def check(username: str, password: str) -> bool:
        """True when ``password`` is ``username``'s."""
        return bool(await anyio.to_thread.run_sync(accounts.verify, username, password))

    return check
