"""Upload records: each uploaded file's article id, original name and hash (``Catalog.uploads``)."""

from __future__ import annotations

from sqlalchemy import Engine


class UploadCatalog:
    """Upload records: each uploaded file's article id, original name and hash (``Catalog.uploads``)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
