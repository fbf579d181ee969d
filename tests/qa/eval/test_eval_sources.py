"""Tests for qa.eval.sources: URL normalisation and gold-source matching."""

from __future__ import annotations

from qa.eval import SourceMatcher, normalize_url
from tests.qa.eval.eval_builders import passage
from vectorstore.store import ArticleRecord

# --------------------------------------------------------------------------- sources


def test_normalize_url() -> None:
    a = "https://www.cnn.com/2022/06/12/tech/x/index.html#:~:text=The%20company"
    assert normalize_url(a) == "https://www.cnn.com/2022/06/12/tech/x"
    assert normalize_url("HTTPS://WWW.CNN.com/2022/x/") == "https://www.cnn.com/2022/x"
    assert normalize_url("https://a.org/x?id=1") != normalize_url("https://a.org/x?id=2")


def test_source_matching_by_id_url_and_file_name() -> None:
    m = SourceMatcher()
    file_p = passage("t", "file:articles/000_abc.txt")
    for src in ("file:articles/000_abc.txt", "000_abc.txt", "articles/000_abc.txt"):
        assert m.matches(file_p, [src]), src
    assert not m.matches(file_p, ["000_abd.txt"])
    assert not m.matches(file_p, ["file:other/000_abc.txt"])
    url_p = passage("t", "https://news.example/a/index.html", url="https://news.example/a/index.html")
    for src in ("https://news.example/a", "https://news.example/a/",
                "https://news.example/a/index.html#:~:text=hello"):
        assert m.matches(url_p, [src]), src
    assert not m.matches(url_p, ["https://news.example/b"])
    assert m.matches(passage("t", "id:42"), ["id:42"])
    assert not m.matches(passage("t", "id:42"), [])


def test_source_matching_by_record_path_and_duplicate_copies() -> None:
    rec = ArticleRecord(
        id="https://a.example/story", title="", url="https://a.example/story", source="",
        published=None, n_chunks=1, hash="", simhash=0, path="/data/feed/story.html",
        copies=({"id": "file:mirror/copy.txt", "url": "", "path": "/x/mirror/copy.txt"},
                {"id": "https://b.example/copy", "url": "https://b.example/copy", "path": ""}))
    m = SourceMatcher([rec])
    p = passage("t", rec.id, url=rec.url)
    for src in ("story.html", "feed/story.html", "copy.txt", "file:mirror/copy.txt",
                "mirror/copy.txt", "https://b.example/copy"):
        assert m.matches(p, [src]), src
    assert not m.matches(p, ["other.txt"])
    # Without the record, the passage's own copy URLs still match.
    bare = passage("t", rec.id, url=rec.url, urls=(rec.url, "https://b.example/copy"))
    assert SourceMatcher().matches(bare, ["https://b.example/copy/index.html"])
    assert not SourceMatcher().matches(bare, ["copy.txt"])
