"""A local news site for the fetching tests: feeds, article pages, PDFs and misbehaving endpoints.

Real HTTP on ``127.0.0.1`` and a free port, so Newsdesk's own client talks to it as to
any site. Every request is recorded (:attr:`NewsServer.hits`) with its arrival time, so
tests assert on what the server saw (its headers, the gaps between requests).

Usage::

    with NewsServer() as site:
        story = site.add_story()                 # generated text, in every feed
        seed = site.add_seed_story()             # made from corpus/articles
        site.url("/feed.rss"), site.url(f"/story/{story.slug}")

Endpoints:
    ``/robots.txt`` (:attr:`robots` with :attr:`robots_status`; ``None``: 404) ·
    ``/feed.rss`` (RSS 2.0, ETag and Last-Modified, 304 when they match) · ``/feed.atom`` ·
    ``/feed.rdf`` (RSS 1.0) · ``/feed-091.rss`` (RSS 0.91) · ``/broken.rss`` (malformed) · ``/story/SLUG`` (HTML,
    canonical on the same site) · ``/copied/SLUG`` (canonical on another site) ·
    ``/private/SLUG`` (robots.txt disallows it) · ``/gzip/SLUG`` · ``/hop/N/SLUG`` (N
    redirects, then the story) · ``/goto?to=URL`` (a redirect to anywhere) ·
    ``/status/CODE?retry_after=S`` · ``/flaky/CODE/N/SLUG?retry_after=S`` (CODE N times,
    then the story) · ``/slow/SECONDS`` · ``/big/BYTES`` · ``/endless`` (chunked, never ends) ·
    ``/data.json`` · ``/files/NAME`` (:attr:`files`).
"""

from __future__ import annotations

import gzip
import hashlib
import html
import io
import random
import ssl
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

__all__ = ["Hit", "NewsServer", "Story", "make_pdf"]

SEED = Path(__file__).resolve().parents[2] / "corpus" / "articles"

_PLACES = ["Riverton", "Lakeside", "Northfield", "Port Alden", "Greyhaven", "Millbrook"]
_BODIES = ["city council", "port authority", "water board", "school district", "transit agency"]
_ACTS = ["approved", "rejected", "postponed", "debated", "amended"]
_THINGS = ["a new budget", "a bridge repair plan", "a housing proposal", "a ferry timetable",
           "a flood defence scheme", "a library extension"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


@dataclass(frozen=True)
class Story:
    """An article the site publishes (in its feeds and at ``/story/SLUG``)."""

    slug: str
    title: str
    text: str  # paragraphs separated by blank lines
    published: date
    summary: str = ""


@dataclass(frozen=True)
class Hit:
    """A request the server received: when (``time.monotonic()``), what, and its headers."""

    at: float
    path: str
    headers: dict[str, str] = field(default_factory=dict)


def generated_text(seed: str, paragraphs: int = 5) -> str:
    """Readable, deterministic local-news prose (different for each ``seed``)."""
    rnd = random.Random(seed)
    out = []
    for _ in range(paragraphs):
        sentences = []
        for _ in range(3):
            sentences.append(
                f"The {rnd.choice(_BODIES)} of {rnd.choice(_PLACES)} {rnd.choice(_ACTS)} "
                f"{rnd.choice(_THINGS)} on {rnd.choice(_DAYS)} after a vote of "
                f"{rnd.randint(3, 9)} to {rnd.randint(0, 2)}, officials said.")
        out.append(" ".join(sentences))
    return "\n\n".join(out)


def make_pdf(pages: list[str], *, title: str = "", created: str = "",
             scanned: bool = False) -> bytes:
    """A PDF with one page per text (a real text layer, Helvetica); ``scanned``: pages that
    only draw shapes (no text layer). ``created``: a PDF date (``D:20240305120000Z``)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    for text in pages:
        page = writer.add_blank_page(612, 792)
        font = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                                 NameObject("/Subtype"): NameObject("/Type1"),
                                 NameObject("/BaseFont"): NameObject("/Helvetica")})
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
        if scanned:
            ops = "0.5 g 72 72 468 648 re f 0 g 100 700 m 500 700 l S"
        else:
            lines = [ln.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
                     for ln in text.split("\n")]
            ops = "BT /F1 11 Tf 72 720 Td 14 TL " + " T* ".join(f"({ln}) Tj" for ln in lines) + " ET"
        stream = DecodedStreamObject()
        stream.set_data(ops.encode("latin-1"))
        page.replace_contents(stream)
    meta = {k: v for k, v in (("/Title", title), ("/CreationDate", created)) if v}
    if meta:
        writer.add_metadata(meta)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


class NewsServer:
    """The local news site. Start with ``with NewsServer() as site`` (or :meth:`start`)."""

    site_name = "Riverton Gazette"

    def __init__(self, *, tls: tuple[Path, Path] | None = None, name: str = "127.0.0.1") -> None:
        """``tls``: (certificate, key) files to serve HTTPS; ``name``: the host in :meth:`url`."""
        self.tls, self.name = tls, name
        self.stories: list[Story] = []
        self.hits: list[Hit] = []
        self.files: dict[str, tuple[str, bytes]] = {}
        self.robots: str | None = "User-agent: *\nDisallow: /private/\n"
        self.robots_status = 200  # of /robots.txt when ``robots`` is set
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- life ---------------------------------------------------------------------------------

    def start(self) -> NewsServer:
        handler = type("Handler", (_Handler,), {"site": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        if self.tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*self.tls)
            self._server.socket = ctx.wrap_socket(self._server.socket, server_side=True)
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> NewsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base(self) -> str:
        assert self._server is not None, "start the server first"
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{self.name}:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    # -- content ------------------------------------------------------------------------------

    def add_story(self, title: str = "", text: str = "", published: date | None = None) -> Story:
        """Publish a story (generated text unless given); it heads every feed."""
        n = len(self.stories) + 1
        text = text or generated_text(f"story-{n}")
        title = title or f"{_PLACES[n % len(_PLACES)]} council decides, story {n}"
        story = Story(f"story-{n}", title, text, published or date(2026, 11, 1) + timedelta(n),
                      text.split("\n\n")[0])
        with self._lock:
            self.stories.append(story)
        return story

    def add_seed_story(self) -> Story:
        """Publish the first seed article of ``corpus/articles``, read by Newsdesk's loader."""
        from vectorstore.loading import load_file

        first = sorted(SEED.glob("*.txt"))[0]
        article = load_file(first)[0]
        assert not hasattr(article, "reason"), article
        return self.add_story(article.title, article.text, article.published)  # type: ignore[union-attr]

    def story(self, slug: str) -> Story | None:
        return next((s for s in self.stories if s.slug == slug), None)

    def hits_for(self, prefix: str) -> list[Hit]:
        """The requests whose path starts with ``prefix``, in arrival order."""
        with self._lock:
            return [h for h in self.hits if h.path.startswith(prefix)]

    def count(self, path: str) -> int:
        """How often ``path`` was asked for (for the flaky endpoints)."""
        with self._lock:
            self._counts[path] += 1
            return self._counts[path]

    def record(self, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self.hits.append(Hit(time.monotonic(), path, headers))

    # -- rendering ----------------------------------------------------------------------------

    def page(self, story: Story, canonical: str) -> bytes:
        """The story's HTML page, with boilerplate around the article."""
        paras = "".join(f"<p>{html.escape(p)}</p>\n" for p in story.text.split("\n\n"))
        t = html.escape(story.title)
        return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{t} | {self.site_name}</title>
<meta property="og:site_name" content="{self.site_name}">
<meta property="og:title" content="{t}">
<meta property="article:published_time" content="{story.published.isoformat()}T08:00:00Z">
<link rel="canonical" href="{html.escape(canonical)}"></head>
<body><header><nav><a href="/">Home</a> <a href="/local">Local</a></nav></header>
<main><article><h1>{t}</h1><p class="byline">By the newsroom</p>
{paras}</article></main>
<footer><p>Copyright {self.site_name}. All rights reserved.</p></footer></body></html>
""".encode()

    def feed(self, kind: str) -> bytes:
        """The feed of every story, newest first, as ``rss``, ``atom``, ``rdf`` or ``091``."""
        with self._lock:
            stories = list(reversed(self.stories))
        items = []
        for s in stories:
            link, e = self.url(f"/story/{s.slug}"), html.escape
            when = format_datetime(datetime(s.published.year, s.published.month,
                                            s.published.day, 8, tzinfo=UTC), usegmt=True)
            if kind == "atom":
                items.append(f"<entry><id>urn:story:{s.slug}</id><title>{e(s.title)}</title>"
                             f'<link href="{link}"/><updated>{s.published}T08:00:00Z</updated>'
                             f"<summary>{e(s.summary)}</summary></entry>")
            elif kind == "rdf":
                items.append(f'<item rdf:about="{link}"><title>{e(s.title)}</title>'
                             f"<link>{link}</link><dc:date>{s.published}</dc:date>"
                             f"<description>{e(s.summary)}</description></item>")
            else:
                guid = f"<guid>{link}</guid><pubDate>{when}</pubDate>" if kind == "rss" else ""
                items.append(f"<item><title>{e(s.title)}</title><link>{link}</link>{guid}"
                             f"<description>{e(s.summary)}</description></item>")
        return _wrap_feed(kind, self.site_name, self.base, "".join(items)).encode()


def _wrap_feed(kind: str, name: str, base: str, items: str) -> str:
    head = '<?xml version="1.0" encoding="utf-8"?>'
    if kind == "atom":
        return (f'{head}<feed xmlns="http://www.w3.org/2005/Atom"><title>{name}</title>'
                f'<id>{base}/</id><link href="{base}/"/><updated>2026-11-29T00:00:00Z</updated>'
                f"{items}</feed>")
    if kind == "rdf":
        return (f'{head}<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
                f'<channel rdf:about="{base}/"><title>{name}</title><link>{base}/</link>'
                f"<description>{name}</description></channel>{items}</rdf:RDF>")
    version = "0.91" if kind == "091" else "2.0"
    return (f'{head}<rss version="{version}"><channel><title>{name}</title><link>{base}/</link>'
            f"<description>{name}</description><language>en</language>{items}</channel></rss>")


class _Handler(BaseHTTPRequestHandler):
    site: NewsServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self.site.record(self.path, {k.lower(): v for k, v in self.headers.items()})
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        segs = [s for s in parts.path.split("/") if s]
        try:
            _route(self, segs, query)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def send(self, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def story_page(self, slug: str, canonical: str | None = None) -> None:
        story = self.site.story(slug)
        if story is None:
            self.send(404, b"<html><body>Not found</body></html>")
            return
        self.send(200, self.site.page(story, canonical or self.site.url(f"/story/{slug}")))

    def endless(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        piece = b"<p>" + b"more news " * 6500 + b"</p>"
        for _ in range(20_000):  # about 1.3 GB at most: the client must stop long before
            self.wfile.write(f"{len(piece):X}\r\n".encode() + piece + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")

    def conditional_feed(self, kind: str, ctype: str) -> None:
        body = self.site.feed(kind)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        modified = "Sun, 29 Nov 2026 08:00:00 GMT"
        if self.headers.get("If-None-Match") == etag:
            self.send(304, b"", ctype, {"ETag": etag, "Last-Modified": modified})
            return
        self.send(200, body, ctype, {"ETag": etag, "Last-Modified": modified})


def _route(h: _Handler, segs: list[str], q: dict[str, str]) -> None:
    """Dispatch one GET."""
    site, head = h.site, (segs[0] if segs else "")
    if head == "robots.txt":
        status = 404 if site.robots is None else site.robots_status
        h.send(status, (site.robots or "").encode(), "text/plain")
    elif head in {"feed.rss", "feed.atom", "feed.rdf", "feed-091.rss"}:
        kind = {"feed.rss": "rss", "feed.atom": "atom", "feed.rdf": "rdf"}.get(head, "091")
        ctype = "application/atom+xml" if kind == "atom" else "application/rss+xml"
        h.conditional_feed(kind, ctype)
    elif head == "broken.rss":
        body = site.feed("rss").decode().replace("</channel></rss>", "<item><title>Cut & off")
        h.send(200, body.encode(), "application/rss+xml")
    elif head in {"story", "private"} and len(segs) == 2:
        h.story_page(segs[1])
    elif head == "copied" and len(segs) == 2:
        h.story_page(segs[1], f"https://other.example/story/{segs[1]}")
    elif head == "gzip" and len(segs) == 2 and site.story(segs[1]):
        body = gzip.compress(site.page(site.story(segs[1]), site.url(f"/story/{segs[1]}")))  # type: ignore[arg-type]
        h.send(200, body, headers={"Content-Encoding": "gzip"})
    elif head == "hop" and len(segs) == 3:
        n = int(segs[1])
        to = f"/hop/{n - 1}/{segs[2]}" if n > 1 else f"/story/{segs[2]}"
        h.send(302, b"", headers={"Location": to})
    elif head == "goto":
        h.send(302, b"", headers={"Location": q.get("to", "/")})
    elif head == "status" and len(segs) == 2:
        extra = {"Retry-After": q["retry_after"]} if "retry_after" in q else {}
        h.send(int(segs[1]), f"status {segs[1]}".encode(), "text/plain", extra)
    elif head == "flaky" and len(segs) == 4:
        if site.count(h.path) <= int(segs[2]):
            extra = {"Retry-After": q["retry_after"]} if "retry_after" in q else {}
            h.send(int(segs[1]), b"busy", "text/plain", extra)
        else:
            h.story_page(segs[3])
    elif head == "slow" and len(segs) == 2:
        time.sleep(float(segs[1]))
        h.send(200, b"<html><body><p>Late.</p></body></html>")
    elif head == "big" and len(segs) == 2:
        h.send(200, b"<p>" + b"x" * int(segs[1]) + b"</p>")
    elif head == "endless":
        h.endless()
    elif head == "data.json":
        h.send(200, b'{"headline": "not a page"}', "application/json")
    elif head == "files" and len(segs) == 2 and segs[1] in site.files:
        ctype, body = site.files[segs[1]]
        h.send(200, body, ctype)
    else:
        h.send(404, b"<html><body>Not found</body></html>")
