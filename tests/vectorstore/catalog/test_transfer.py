"""Export and import: a desk's articles, collections and schema record move whole."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from catalog_helpers import row

from vectorstore.catalog import Catalog, open_catalog
from vectorstore.errors import LoadError


def _fill(cat: Catalog) -> None:
    cat.set_schema(embed_model="all-MiniLM-L6-v2", dim=384, backend="onnx-int8")
    cat.ensure_collection("world", embed_model="all-MiniLM-L6-v2", dim=384,
                          chunking={"tokens": 200})
    cat.put_articles([row(n) for n in range(1, 8)] + [row(n, collection="world")
                                                      for n in range(20, 24)])
    cat.mark_indexed({row(1).id: 4})
    cat.put_articles([row(99, text="Unicode: café — «quotes», 東京\nline two")])


def test_export_then_import_gives_the_same_articles(cat: Catalog, other_url: str,
                                                    tmp_path: Path) -> None:
    _fill(cat)
    path = tmp_path / "desk.jsonl"
    assert cat.export_jsonl(path) == 12
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    assert [x["type"] for x in lines[:3]] == ["newsdesk-catalog", "collection", "collection"]
    other = open_catalog(other_url)
    res = other.import_jsonl(path)
    assert len(res.added) == 12 and not res.changed + res.unchanged + res.duplicates
    for coll in ("default", "world"):
        want = [replace(r, indexed=False) for r in cat.articles(coll, with_text=True)]
        assert other.articles(coll, with_text=True) == want
    mine, theirs = cat.get_collection("world"), other.get_collection("world")
    assert mine is not None and theirs is not None
    assert (theirs.embed_model, theirs.dim, theirs.chunking) == (mine.embed_model, mine.dim,
                                                                 mine.chunking)
    assert other.schema() == cat.schema()
    assert len(other.pending()) == 8  # imported articles wait for their vectors
    again = other.import_jsonl(path)
    assert len(again.unchanged) == 12 and not again.added and other.journal_head() == 12
    other.close()


def test_a_file_that_is_not_an_export_is_refused(cat: Catalog, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": "y"}\n', encoding="utf-8")
    with pytest.raises(LoadError, match="export it again"):
        cat.import_jsonl(bad)
    bad.write_text("not json\n", encoding="utf-8")
    with pytest.raises(LoadError, match="not JSON"):
        cat.import_jsonl(bad)
    with pytest.raises(LoadError, match="cannot read"):
        cat.import_jsonl(tmp_path / "absent.jsonl")
    assert cat.count() == 0
