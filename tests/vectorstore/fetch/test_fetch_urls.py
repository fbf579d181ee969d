"""The URL normaliser (property tests) and the same-site rule for canonical URLs."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vectorstore.fetch.urls import article_url, normalise_url, same_site

label = st.from_regex(r"[a-zA-Z0-9]([a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?", fullmatch=True)
hosts = st.lists(label, min_size=1, max_size=4).map(".".join)
path_seg = st.text(alphabet=st.characters(codec="ascii", exclude_characters="/?#%"),
                   max_size=8)
paths = st.lists(path_seg, max_size=4).map(lambda segs: "/" + "/".join(segs))
params = st.lists(st.tuples(st.sampled_from(["a", "B", "id", "utm_source", "fbclid", "gclid",
                                             "page", "utm_medium"]),
                            st.text(alphabet="abcXYZ019-_", max_size=5)), max_size=5)


@st.composite
def urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "Https"]))
    host = draw(hosts)
    port = draw(st.sampled_from(["", ":80", ":443", ":8080"]))
    query = "&".join(f"{k}={v}" for k, v in draw(params))
    frag = draw(st.sampled_from(["", "#top", "#"]))
    return f"{scheme}://{host}{port}{draw(paths)}{'?' + query if query else ''}{frag}"


@given(st.text())
@settings(max_examples=300)
def test_never_raises_on_any_text_and_is_idempotent(text: str) -> None:
    once = normalise_url(text)
    assert normalise_url(once) == once


@given(urls())
@settings(max_examples=300)
def test_urls_normalise_idempotently_and_keep_their_host(url: str) -> None:
    once = normalise_url(url)
    assert normalise_url(once) == once
    assert urlsplit(once).hostname == urlsplit(url).hostname
    assert "#" not in once and "utm_" not in once and "fbclid" not in once
    assert unquote(urlsplit(once).path) == (urlsplit(url.strip()).path or "/")  # case kept


@given(urls(), urls())
def test_same_site_is_symmetric_and_reflexive(a: str, b: str) -> None:
    assert same_site(a, a)
    assert same_site(a, b) == same_site(b, a)


def test_normalise_examples() -> None:
    assert (normalise_url(" HTTPS://WWW.Example.COM:443/News/Story?utm_source=rss&b=2&a=1"
                          "&fbclid=x&gclid=y#comments ")
            == "https://www.example.com/News/Story?a=1&b=2")
    assert normalise_url("http://example.com:8080") == "http://example.com:8080/"
    assert normalise_url("mailto:desk@example.com") == "mailto:desk@example.com"
    assert normalise_url("not a url") == "not a url"


@pytest.mark.parametrize(("a", "b", "same"), [
    ("https://www.cnn.com/a", "https://cnn.com/b", True),
    ("https://edition.cnn.com/a", "https://www.cnn.com/b", True),
    ("http://example.com/a", "https://example.com/b", True),
    ("https://a.blogspot.com/x", "https://b.blogspot.com/x", False),
    ("https://example.com/a", "https://example.org/a", False),
    ("https://notexample.com/a", "https://example.com/a", False),
    ("http://127.0.0.1:8000/a", "http://127.0.0.1:9000/b", True),
    ("http://10.0.0.1/a", "http://0.0.1/a", False),
    ("ftp://example.com/a", "https://example.com/a", False),
])
def test_same_site(a: str, b: str, same: bool) -> None:
    assert same_site(a, b) is same


def test_article_url_takes_the_canonical_only_from_the_same_site() -> None:
    fetched = "https://www.example.com/news/123?utm_source=rss"
    assert article_url(fetched, "https://example.com/news/123-slug") == \
        "https://example.com/news/123-slug"
    assert article_url(fetched, "/news/123-slug#top") == "https://www.example.com/news/123-slug"
    assert article_url(fetched, "https://other.example/news/999") == \
        "https://www.example.com/news/123"
    assert article_url(fetched) == "https://www.example.com/news/123"
