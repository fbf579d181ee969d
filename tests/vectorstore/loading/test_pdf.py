"""PDF files, read with pypdf: text per page, metadata, and scanned PDFs reported."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from loading_helpers import articles, issues, only_article, only_issue, write

from tests.fakes.news_server import make_pdf
from vectorstore.loading import LoadIssue, load_file, load_paths
from vectorstore.loading.pdf import from_pdf

PAGES = [
    "Council approves budget\nThe Riverton council approved the budget on Tuesday.\n"
    "The vote was 7 to 2.",
    "The mayor (Ms. Ortiz) said the bridge repair starts in March.",
    "Residents may comment until Friday.",
]


def test_a_pdf_with_text_keeps_its_pages(tmp_path: Path) -> None:
    f = write(tmp_path / "docs" / "budget.pdf", make_pdf(PAGES))
    a = only_article(load_file(f))
    assert a.id == "file:docs/budget.pdf" and a.path == str(f)
    assert a.title == "Council approves budget"  # the first line, a heading
    assert len(a.page_starts) == 3 and a.page_starts[0] == 0
    for n, start in enumerate(a.page_starts, start=1):
        assert a.page_at(start) == n
    assert a.text[a.page_starts[1]:].startswith("The mayor (Ms. Ortiz) said")
    assert a.page_at(a.text.index("7 to 2")) == 1
    assert a.page_at(a.text.index("Friday")) == 3
    assert a.page_at(len(a.text)) == 3


def test_title_and_date_come_from_the_metadata(tmp_path: Path) -> None:
    f = write(tmp_path / "r.pdf", make_pdf(PAGES[:1], title="Budget 2027",
                                           created="D:20240305120000Z"))
    a = only_article(load_file(f))
    assert a.title == "Budget 2027" and a.published == date(2024, 3, 5)


def test_a_scanned_pdf_is_reported_not_stored_empty(tmp_path: Path) -> None:
    f = write(tmp_path / "scan.pdf", make_pdf(["", ""], scanned=True))
    i = only_issue(load_file(f))
    assert "scanned PDF" in i.reason and "2 page(s)" in i.reason and "OCR" in i.reason


def test_a_broken_pdf_is_an_issue(tmp_path: Path) -> None:
    f = write(tmp_path / "bad.pdf", b"%PDF-1.4\nthis is not really a PDF\n")
    i = only_issue(load_file(f))
    assert i.kind == "failed" and "PDF" in i.reason


def test_pdfs_are_found_when_walking_a_folder(tmp_path: Path) -> None:
    write(tmp_path / "in" / "a.pdf", make_pdf(PAGES[1:]))
    write(tmp_path / "in" / "b.txt", "Title\n\nText of b.")
    write(tmp_path / "in" / "c.pdf", make_pdf([""], scanned=True))
    out = list(load_paths([tmp_path / "in"]))
    assert sorted(Path(a.path).name for a in articles(out)) == ["a.pdf", "b.txt"]
    assert [Path(i.path).name for i in issues(out)] == ["c.pdf"]


def test_articles_from_text_files_have_no_pages(tmp_path: Path) -> None:
    a = only_article(load_file(write(tmp_path / "n.txt", "Title\n\nText.")))
    assert a.page_starts == () and a.page_at(3) is None


def test_from_pdf_on_bytes_names_where_they_came_from() -> None:
    a = from_pdf(make_pdf(PAGES[:2]), "https://example.com/r.pdf")
    assert not isinstance(a, LoadIssue) and a.path == "https://example.com/r.pdf"
    assert a.title == "Council approves budget" and "Ms. Ortiz" in a.text
    headless = from_pdf(make_pdf(PAGES[1:2]), "x.pdf")
    assert not isinstance(headless, LoadIssue)
    assert headless.title == "The mayor (Ms. Ortiz) said the bridge repair starts in March."
