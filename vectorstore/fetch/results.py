"""What a fetch gives back: the response (:class:`Fetched`) or why there is none (:class:`FetchFailure`).

Per-URL problems are values, never exceptions: one failing URL never stops the others.
"""

from __future__ import annotations

from dataclasses import dataclass

from vectorstore.loading.common import LoadIssue


@dataclass(frozen=True)
class Fetched:
    """A response that was fetched (or confirmed unchanged: ``not_modified``).

    Attributes:
        url: The final URL, after redirects.
        status: The HTTP status (200, or 304 when ``not_modified``).
        content: The body, decoded from gzip (``b""`` when not modified).
        content_type: The media type, lower case, without parameters (``text/html``).
        charset: The ``charset`` parameter of the content type, or ``""``.
        etag: The ``ETag`` to send next time, or ``""``.
        last_modified: The ``Last-Modified`` to send next time, or ``""``.
        not_modified: True for 304 Not Modified: what was fetched before is still current.
        requested: The URL asked for.
        redirects: The URLs redirected through, in order (the final one excluded).
    """

    url: str
    status: int
    content: bytes = b""
    content_type: str = ""
    charset: str = ""
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False
    requested: str = ""
    redirects: tuple[str, ...] = ()

    def text(self) -> str:
        """The body as text, decoded with the declared charset (else UTF-8), never raising."""
        try:
            return self.content.decode(self.charset or "utf-8", errors="replace")
        except LookupError:  # an unknown charset name
            return self.content.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class FetchFailure:
    """A URL that could not be fetched, and why.

    Attributes:
        url: The URL concerned (the hop that failed, for a redirect chain).
        reason: One readable sentence: what is wrong, and the fix where there is one.
        status: The HTTP status, when the server answered.
        transient: True when trying again later may work (timeouts, 429, 5xx, network).
        refused: True when Newsdesk itself refused (unsafe address, robots.txt, scheme).
    """

    url: str
    reason: str
    status: int | None = None
    transient: bool = False
    refused: bool = False

    def as_issue(self) -> LoadIssue:
        """The failure as a :class:`LoadIssue`, for ingest reports."""
        return LoadIssue(self.url, self.reason, "skipped" if self.refused else "failed")
