"""Moving a desk: the catalog as JSON lines (collections, schema record, articles with their
texts; no vectors), and back.

The file's first line is the header (``{"type": "newsdesk-catalog", "version": 1, ...}``),
then one line per collection, then one per article. Imported articles are not ``indexed``:
the desk embeds them again (``newsdesk repair``), for the same or another model.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

import vectorstore.catalog.admin as admin
from vectorstore.catalog.articles import journal_head, put_rows
from vectorstore.catalog.engine import reading, writing
from vectorstore.catalog.migrate import current_revision, version_number
from vectorstore.catalog.rows import ArticleRow, PutResult, Writer, article_row, now
from vectorstore.catalog.tables import articles
from vectorstore.errors import LoadError

FORMAT = "newsdesk-catalog"
FORMAT_VERSION = 1
BATCH = 200


def _header(engine: Engine) -> dict[str, Any]:
    """The first line of an export: the format and the schema record."""
    with reading(engine) as conn:
        schema = admin.schema_record(conn, version_number(current_revision(conn)))
    return {"type": FORMAT, "version": FORMAT_VERSION, "exported_at": now().isoformat(),
            "catalog_version": schema.catalog_version,
            "schema": {"embed_model": schema.embed_model, "dim": schema.dim,
                       "backend": schema.backend}}


def export_jsonl(engine: Engine, path: Path) -> int:
    """Write the catalog to ``path`` (atomically: a temporary file, then renamed); return
    the number of articles written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    n = 0
    try:
        with tmp.open("w", encoding="utf-8") as f:
            f.write(json.dumps(_header(engine)) + "\n")
            with reading(engine) as conn:
                for c in admin.all_collections(conn):
                    f.write(json.dumps({"type": "collection", "name": c.name,
                                        "embed_model": c.embed_model, "dim": c.dim,
                                        "chunking": dict(c.chunking)}) + "\n")
            for row in _every_article(engine):
                f.write(json.dumps({"type": "article", **row.to_dict()}) + "\n")
                n += 1
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return n


def _every_article(engine: Engine) -> Iterator[ArticleRow]:
    """Every article of every collection, texts included, read in batches."""
    stmt = select(articles).order_by(articles.c.collection, articles.c.id)
    with reading(engine) as conn:
        for m in conn.execution_options(yield_per=BATCH).execute(stmt).mappings():
            yield article_row(m)
def _lines(path: Path) -> Iterator[dict[str, Any]]:
    """The records of an export file, its header checked."""
    try:
        f = path.open(encoding="utf-8")
    except OSError as e:
        raise LoadError(f"cannot read {path}: {e.strerror}") from None
    with f:
        for no, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except ValueError:
                raise LoadError(f"{path}:{no} is not JSON: is it a file of `newsdesk "
                                "export`?") from None
            if no == 1 and (rec.get("type") != FORMAT or rec.get("version") != FORMAT_VERSION):
                raise LoadError(f"{path} is not a file of `newsdesk export` (format "
                                f"{FORMAT} {FORMAT_VERSION}): export it again")
            yield rec


def _apply(engine: Engine, rec: dict[str, Any]) -> None:
    """Take the schema record (where none is set) or a collection (where it is new)."""
    with writing(engine) as conn:
        if rec.get("type") == FORMAT:
            schema = rec.get("schema") or {}
            if schema.get("embed_model") and not admin.schema_record(conn, 0).embed_model:
                admin.set_meta(conn, admin.SCHEMA_KEY, {
                    "embed_model": schema["embed_model"], "dim": int(schema.get("dim", 0)),
                    "backend": str(schema.get("backend", ""))})
        else:
            admin.ensure_collection(conn, str(rec["name"]), str(rec.get("embed_model", "")),
                                    int(rec.get("dim", 0)), rec.get("chunking"))


def import_jsonl(engine: Engine, path: Path, writer: Writer) -> PutResult:
    """Read an export file into the catalog; return what was stored (summed over batches)."""
    totals: dict[str, list[Any]] = {"added": [], "changed": [], "unchanged": [], "duplicates": []}
    batch: list[ArticleRow] = []

    def flush() -> None:
        if batch:
            with writing(engine) as conn:
                for name in {r.collection for r in batch}:
                    admin.ensure_collection(conn, name)
                res = put_rows(conn, batch, writer)
            for k in totals:
                totals[k] += getattr(res, k)
            batch.clear()

    for rec in _lines(path):
        if rec.get("type") in (FORMAT, "collection"):
            _apply(engine, rec)
        elif rec.get("type") == "article":
            batch.append(ArticleRow.from_dict(rec))
            if len(batch) >= BATCH:
                flush()
    flush()
    with reading(engine) as conn:
        head = journal_head(conn)
    return PutResult(added=tuple(totals["added"]), changed=tuple(totals["changed"]),
                     unchanged=tuple(totals["unchanged"]),
                     duplicates=tuple(totals["duplicates"]), head=head)
