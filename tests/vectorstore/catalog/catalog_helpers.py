"""Rows for the catalog tests."""

from __future__ import annotations

import hashlib
from datetime import date

from vectorstore.catalog import ArticleRow


def row(n: int, *, collection: str = "default", text: str | None = None, **kw: object) -> ArticleRow:
    """Article ``n``: distinct text, hash and SimHash (the high bit set for odd ``n``)."""
    body = text if text is not None else f"Article number {n}. " * 5
    values: dict[object, object] = {
        "id": f"https://example.com/{n}", "content_hash": hashlib.sha1(body.encode()).hexdigest(),
        "title": f"Title {n}", "url": f"https://example.com/{n}", "source": f"Outlet {n % 3}",
        "published": date(2024, 1, 1 + n % 28), "simhash": (n * 0x9E3779B97F4A7C15) % 2**64 | (
            (n % 2) << 63), "copies": ({"id": f"copy-{n}", "url": f"https://copy.org/{n}",
                                         "source": "Copy", "title": "", "path": ""},),
        "origin_kind": "file", "origin": f"/data/{n}.txt", "pages": n % 4 or None,
        "page_starts": tuple(40 * i for i in range(n % 4)),
        "n_chunks": 0, "text": body, "collection": collection,
    }
    values.update(kw)
    return ArticleRow(**values)  # type: ignore[arg-type]
