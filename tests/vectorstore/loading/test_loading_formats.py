"""The HTML and JSON readers (vectorstore.loading.html, vectorstore.loading.json): real files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from loading_helpers import articles, issues, only_article, only_issue, write

from vectorstore.ids import short_hash
from vectorstore.loading import LoadIssue, load_file, load_paths
from vectorstore.text.dates import parse_date

# --------------------------------------------------------------------------- .html

HTML = """<!doctype html>
<html><head>
<meta charset="utf-8">
<title>Harbour bridge to reopen in May | Harbour Times</title>
<link rel="canonical" href="https://harbourtimes.example/news/bridge-reopens">
<meta property="og:site_name" content="Harbour Times">
<meta property="article:published_time" content="2021-03-04T10:00:00Z">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World news</a></li>
<li><a href="/subscribe">Subscribe today for full access</a></li></ul></nav>
<main><article>
<h1>Harbour bridge to reopen in May</h1>
<p>The harbour bridge, closed since the storm of 2019, will reopen to traffic in May, the city council said on Thursday.</p>
<p>Engineers have replaced the damaged cables and resurfaced the deck, according to a statement from the mayor's office.</p>
<p>Residents welcomed the news, saying the closure had doubled their journey times across the bay.</p>
</article></main>
<footer><p>Copyright 2021 Harbour Times Media Group. All rights reserved.</p>
<a href="/privacy">Privacy policy</a> <a href="/cookies">Cookie settings</a></footer>
</body></html>
"""


def test_html_drops_boilerplate(tmp_path: Path) -> None:
    a = only_article(load_file(write(tmp_path / "page.html", HTML)))
    assert "will reopen to traffic in May" in a.text
    assert "doubled their journey times" in a.text
    for junk in ("Subscribe today", "World news", "Copyright", "Privacy policy", "Cookie settings"):
        assert junk not in a.text
    assert a.title == "Harbour bridge to reopen in May"
    assert a.url == "https://harbourtimes.example/news/bridge-reopens" == a.id
    assert a.source == "Harbour Times"
    assert a.published == date(2021, 3, 4)
    assert "\n\n" in a.text  # paragraphs kept apart


def test_html_without_url_uses_file_id(tmp_path: Path) -> None:
    html = HTML.replace(
        '<link rel="canonical" href="https://harbourtimes.example/news/bridge-reopens">', ""
    )
    a = only_article(load_file(write(tmp_path / "site" / "page.htm", html, "cp1252")))
    assert a.id == "file:site/page.htm" and a.url == ""


def test_html_without_article_text(tmp_path: Path) -> None:
    page = (
        "<html><head><title>x</title><style>p {color: red}</style></head>"
        '<body><script>var a = 1;</script><img src="a.png"></body></html>'
    )
    f = write(tmp_path / "empty.html", page)
    i = only_issue(load_file(f))
    assert i.reason == "no article text found in the HTML"


# --------------------------------------------------------------------------- .json / .jsonl


def test_json_object(tmp_path: Path) -> None:
    rec = {
        "headline": "Budget passed",
        "body": "The budget passed.\n\nIt was close.",
        "pubDate": "Mon, 09 Sep 2019 10:00:00 GMT",
        "link": "  https://ex.example/budget  ",
        "publisher": "Ex Daily",
    }
    a = only_article(load_file(write(tmp_path / "one.json", json.dumps(rec))))
    assert a.title == "Budget passed"
    assert a.text == "The budget passed.\n\nIt was close."
    assert a.published == date(2019, 9, 9)
    assert a.url == a.id == "https://ex.example/budget"
    assert a.source == "Ex Daily"
    assert a.path == str(tmp_path / "one.json")


def test_json_list_and_id_rules(tmp_path: Path) -> None:
    recs = [
        {"title": "With URL", "text": "Text one.", "url": "https://ex.example/1", "id": 7},
        {"title": "With id", "content": "Text two.", "id": 42, "date": "2019/09/09"},
        {"title": "No id", "text": "Text three.", "published_at": "2019-09-09T23:00:00+02:00"},
        {"text": "Fourth text. Second sentence.", "source": {"id": "x", "name": "NewsAPI Outlet"}},
    ]
    out = load_file(write(tmp_path / "list.json", json.dumps(recs)))
    got = articles(out)
    assert not issues(out)
    assert [a.id for a in got[:2]] == ["https://ex.example/1", "id:42"]
    assert got[2].id == "sha:" + short_hash("No id\n2019-09-09\nText three.")
    assert [a.published for a in got[1:3]] == [date(2019, 9, 9)] * 2
    assert got[3].title == "Fourth text." and got[3].source == "NewsAPI Outlet"


@pytest.mark.parametrize(("text", "title"), [
    ("New York CNN Business —\n\nPrices at the pump continue to sink. More.",
     "Prices at the pump continue to sink."),
    ("Colombo, Sri Lanka CNN —\n\nSri Lanka is “bankrupt,” its prime minister said. More.",
     "Sri Lanka is “bankrupt,” its prime minister said."),
    ("LONDON (Reuters) -\nShares fell sharply on Monday. Then rose.", "Shares fell sharply on Monday."),
    ("Adele is returning to Las Vegas.\n\nAfter postponing her residency, she said so.",
     "Adele is returning to Las Vegas."),
    ("Budget passed - with a twist\n\nThe budget passed.", "Budget passed - with a twist"),
])
def test_a_title_made_from_the_text_skips_a_dateline(tmp_path: Path, text: str, title: str) -> None:
    a = only_article(load_file(write(tmp_path / "one.json", json.dumps({"text": text}))))
    assert a.title == title


@pytest.mark.parametrize("key", ["articles", "items", "data"])
def test_json_object_with_list(tmp_path: Path, key: str) -> None:
    doc = {"meta": {"n": 2}, key: [{"text": "A."}, {"text": "B.", "title": "Bee"}]}
    out = load_file(write(tmp_path / "wrapped.json", json.dumps(doc)))
    assert [a.text for a in articles(out)] == ["A.", "B."]


def test_json_dates() -> None:
    assert parse_date("2019-09-09") == date(2019, 9, 9)
    assert parse_date("2019/9/9") == date(2019, 9, 9)
    assert parse_date("2019-09-09T10:00:00Z") == date(2019, 9, 9)
    assert parse_date("Mon, 09 Sep 2019 10:00:00 GMT") == date(2019, 9, 9)
    bad: object
    for bad in ("yesterday", "2019-02-30", "", None, [], {"d": 1}, True):
        assert parse_date(bad) is None


def test_jsonl_with_invalid_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"title": "One", "text": "First."}),
        "{not json",
        "",
        json.dumps({"title": "Two", "text": "Second."}),
        '{"title": "Three", "text": "Third."',
        json.dumps({"title": "Four", "text": "Fourth."}),
    ]
    f = write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    out = load_file(f)
    assert [a.title for a in articles(out)] == ["One", "Two", "Four"]
    bad = issues(out)
    assert [i.reason.split(": invalid JSON")[0] for i in bad] == ["feed.jsonl:2", "feed.jsonl:5"]
    assert all(i.kind == "failed" and i.path == str(f) for i in bad)
    assert bad[0].reason.startswith("feed.jsonl:2: invalid JSON (")


def test_jsonl_many_invalid_lines_are_summarised(tmp_path: Path) -> None:
    f = write(tmp_path / "junk.jsonl", "nope\n" * 50 + json.dumps({"text": "Good."}) + "\n")
    out = load_file(f)
    assert len(articles(out)) == 1
    assert len(issues(out)) == 21 and "30 more invalid JSON lines" in issues(out)[-1].reason


def test_jsonl_question_set_is_skipped(tmp_path: Path) -> None:
    qs = [
        {"question": "Who met in Moscow?", "answers": ["ministers"]},
        {"question": "When?", "answers": ["2019-09-09"]},
    ]
    f = write(tmp_path / "questions.jsonl", "\n".join(json.dumps(q) for q in qs) + "\n")
    i = only_issue(list(load_paths([f])))
    assert i == LoadIssue(
        str(f),
        "not articles: no record has a text, content or body field (a question set?)",
        kind="skipped",
    )


def test_jsonl_records_with_empty_text(tmp_path: Path) -> None:
    recs = [
        {"text": "Good."},
        {"text": "   "},
        {"text": None},
        {"title": "no text"},
        [1, 2],
        {"text": 5},
    ]
    out = load_file(write(tmp_path / "mixed.jsonl", "\n".join(json.dumps(r) for r in recs)))
    assert [a.text for a in articles(out)] == ["Good."]
    reasons = [i.reason for i in issues(out)]
    assert len(reasons) == 5
    assert reasons[0] == "mixed.jsonl:2: record has empty text"
    assert reasons[1] == "mixed.jsonl:3: record has empty text"
    assert reasons[2].startswith("mixed.jsonl:4: record has no text")


def test_invalid_json_file(tmp_path: Path) -> None:
    i = only_issue(load_file(write(tmp_path / "bad.json", '{"text": "unterminated')))
    assert i.kind == "failed" and i.reason.startswith("invalid JSON (")


def test_jsonl_saved_as_json_and_json_saved_as_jsonl(tmp_path: Path) -> None:
    lines = "\n".join(json.dumps({"text": t}) for t in ("A.", "B."))
    assert len(articles(load_file(write(tmp_path / "x.json", lines)))) == 2
    pretty = json.dumps([{"text": "A."}, {"text": "B."}], indent=2)
    assert len(articles(load_file(write(tmp_path / "y.jsonl", pretty)))) == 2


def test_json_scalar_is_not_articles(tmp_path: Path) -> None:
    i = only_issue(load_file(write(tmp_path / "n.json", "42")))
    assert i.kind == "skipped" and i.reason.startswith("not articles")


def test_json_lone_surrogates_and_controls_removed(tmp_path: Path) -> None:
    raw = '{"title": "T\\ud800itle", "text": "A\\u0000B\\n\\nC\\ud83d\\ude00"}'
    a = only_article(load_file(write(tmp_path / "s.json", raw)))
    assert a.title == "Title" and a.text == "AB\n\nC\U0001f600"
    a.text.encode("utf-8")
