"""Tests for vectorstore.loading: real files in tmp_path, no mocks."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loading_helpers import articles, issues, only_article, only_issue, write

from vectorstore.loading import (
    SUPPORTED,
    LoadIssue,
    first_sentence,
    load_file,
    load_paths,
    shorten,
)
from vectorstore.types import Article

SEED = Path(__file__).resolve().parents[3] / "corpus" / "articles" / "000_0777dc97777bf6e9.txt"

LEDE = (
    "The city council approved a new budget on Monday after months of debate over "
    "how to pay for the repair of the old harbour bridge."
)
BODY = (
    f" date 2021-03-04 {LEDE}\n\n"
    "The vote was seven to two. Opponents said the plan relied on optimistic forecasts.\n\n"
    "Work on the bridge is due to start in the spring.\n"
)


# --------------------------------------------------------------------------- the seed


def test_seed_article() -> None:
    a = only_article(load_file(SEED))
    assert a.published == date(2019, 9, 9)
    assert a.text.startswith("The French foreign and defense ministers")
    assert "date 2019-09-09" not in a.text
    assert a.title.startswith("The French foreign and defense ministers have begun")
    assert a.title.endswith("…") and len(a.title) <= 90
    assert a.title[:-1] in first_sentence(a.text)
    assert a.id == "file:articles/000_0777dc97777bf6e9.txt"
    assert a.source == "" and a.url == ""
    assert a.path == str(SEED)
    assert "\n\n" in a.text  # paragraph breaks kept for the chunker


def test_seed_same_id_from_corpus_or_articles_folder() -> None:
    via_corpus = articles(list(load_paths([SEED.parents[1]])))
    via_articles = articles(list(load_paths([SEED.parent])))
    assert {a.id for a in via_corpus} == {a.id for a in via_articles}
    assert "file:articles/000_0777dc97777bf6e9.txt" in {a.id for a in via_corpus}


# --------------------------------------------------------------------------- .txt / .md


def test_txt_with_date_line(tmp_path: Path) -> None:
    a = only_article(load_file(write(tmp_path / "news" / "bridge.txt", BODY)))
    assert a.published == date(2021, 3, 4)
    assert a.text.startswith("The city council approved a new budget on Monday")
    assert a.text.endswith("due to start in the spring.")
    assert "\n\nThe vote was seven to two." in a.text
    assert a.title == shorten(LEDE) and a.title.endswith("…") and len(a.title) <= 90
    assert a.id == "file:news/bridge.txt"
    assert a.source == ""


def test_txt_date_line_short_lede_is_whole_title(tmp_path: Path) -> None:
    f = write(tmp_path / "a.txt", "date 2020-01-02 Floods hit the north. More rain is due.\n")
    a = only_article(load_file(f))
    assert a.title == "Floods hit the north."
    assert a.text == "Floods hit the north. More rain is due."
    assert a.published == date(2020, 1, 2)


def test_txt_without_date_line(tmp_path: Path) -> None:
    f = write(
        tmp_path / "plain.txt",
        "\n  Harbour bridge to reopen  \r\n\r\nThe bridge will reopen in May.\r\n\r\nIt was shut in 2019.\r\n\n  ",
    )
    a = only_article(load_file(f))
    assert a.title == "Harbour bridge to reopen"
    assert a.text == (
        "Harbour bridge to reopen  \n\nThe bridge will reopen in May.\n\nIt was shut in 2019."
    )
    assert "\r" not in a.text
    assert a.published is None and a.source == "" and a.url == ""


def test_txt_long_first_line_gives_short_title(tmp_path: Path) -> None:
    long_line = LEDE + " " + LEDE
    a = only_article(load_file(write(tmp_path / "long.txt", long_line + "\n")))
    assert len(a.title) <= 90 and a.title.endswith("…")
    assert a.text == long_line


def test_txt_header_lines(tmp_path: Path) -> None:
    f = write(
        tmp_path / "h.txt",
        "Title: Bridge reopens\nURL: https://example.com/bridge\nsource: Harbour Times\n"
        "Date: 2022/05/06\n\nThe bridge reopened today.\n",
    )
    a = only_article(load_file(f))
    assert a.title == "Bridge reopens"
    assert a.url == "https://example.com/bridge" == a.id
    assert a.source == "Harbour Times"
    assert a.published == date(2022, 5, 6)
    assert a.text == "The bridge reopened today."


def test_md(tmp_path: Path) -> None:
    f = write(
        tmp_path / "docs" / "README.md", "## Storm warning ##\n\nWinds of 100 km/h expected.\n"
    )
    a = only_article(load_file(f))
    assert a.title == "Storm warning"
    assert a.text == "## Storm warning ##\n\nWinds of 100 km/h expected."
    assert a.id == "file:docs/README.md"


def test_md_front_matter(tmp_path: Path) -> None:
    f = write(
        tmp_path / "fm.md",
        '---\ntitle: "Vote counted"\nauthor: Someone\ndate: 2023-11-02\n---\n# Vote counted\n\nBody.\n',
    )
    a = only_article(load_file(f))
    assert a.title == "Vote counted"
    assert a.published == date(2023, 11, 2)
    assert a.text == "# Vote counted\n\nBody."


def test_control_characters_removed_tabs_and_paragraphs_kept(tmp_path: Path) -> None:
    filler = "A stray control character should not sink a real article. " * 3
    f = write(tmp_path / "c.txt", f"Title\n\nA\x07B\tC\x1b.\n\n\nD\x7f. {filler}\n")
    a = only_article(load_file(f))
    assert a.text == f"Title\n\nAB\tC.\n\n\nD. {filler}".rstrip()


# --------------------------------------------------------------------------- encodings


def test_latin1_file(tmp_path: Path) -> None:
    f = write(tmp_path / "l.txt", "Le café de la gare\n\nNaïve façade, très belle.\n", "latin-1")
    a = only_article(load_file(f))
    assert a.title == "Le café de la gare"
    assert "Naïve façade, très belle." in a.text


def test_cp1252_file(tmp_path: Path) -> None:
    f = write(tmp_path / "w.txt", "Prices rise\n\nA coffee now costs 3 € – “too much”.\n", "cp1252")
    a = only_article(load_file(f))
    assert "3 € – “too much”." in a.text


def test_utf8_bom_stripped(tmp_path: Path) -> None:
    f = write(tmp_path / "b.txt", "\ufeffHeadline\n\nBody ünïcode.\n")
    a = only_article(load_file(f))
    assert a.title == "Headline"
    assert a.text.startswith("Headline")


def test_utf16_with_bom(tmp_path: Path) -> None:
    f = write(tmp_path / "u16.txt", "Headline\n\nBody café.\n", "utf-16")
    a = only_article(load_file(f))
    assert a.text == "Headline\n\nBody café."


# --------------------------------------------------------------------------- bad files


def test_binary_file_with_nul(tmp_path: Path) -> None:
    f = write(tmp_path / "img.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    i = only_issue(load_file(f))
    assert i.kind == "failed" and "binary file" in i.reason and i.path == str(f)


def test_a_few_stray_nul_bytes_are_dropped_not_a_reason_to_refuse(tmp_path: Path) -> None:
    body = ("The harbour bridge reopened on Monday after a storm closed it. " * 24).strip()
    text = f"Bridge reopens\n\n{body}".encode()
    assert len(text) > 1400
    f = write(tmp_path / "nul.txt", text[:300] + b"\x00" + text[300:700] + b"\x00\x00" + text[700:])
    a = only_article(load_file(f))
    assert "\x00" not in a.text and a.title == "Bridge reopens"
    assert a.text.replace("\n", " ").startswith("Bridge reopens")
    many = write(tmp_path / "many.txt", b"\x00".join(text[i:i + 40] for i in range(0, 1400, 40)))
    assert "binary file" in only_issue(load_file(many)).reason  # about 2.5% NUL bytes


def test_binary_file_of_control_characters(tmp_path: Path) -> None:
    f = write(tmp_path / "ctl.md", bytes([1, 2, 3, 4, 5, 6, 65, 66]) * 50)
    assert "binary file" in only_issue(load_file(f)).reason


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  ", "\u00a0\n".encode()])
@pytest.mark.parametrize("ext", [".txt", ".md", ".html", ".json", ".jsonl"])
def test_empty_and_whitespace_files(tmp_path: Path, content: bytes, ext: str) -> None:
    f = write(tmp_path / f"e{ext}", content)
    i = only_issue(load_file(f))
    assert i.kind == "failed" and "empty file" in i.reason


def test_too_big_file(tmp_path: Path) -> None:
    f = write(tmp_path / "big.txt", "Title\n\n" + "word " * 100)
    i = only_issue(load_file(f, max_bytes=100))
    assert i.kind == "failed"
    assert "MB" in i.reason and "0.000095 MB" in i.reason
    assert "NEWSDESK_MAX_FILE_MB" in i.reason
    assert only_article(load_file(f, max_bytes=10_000)).title == "Title"


def test_too_big_names_cap_in_megabytes(tmp_path: Path) -> None:
    f = write(tmp_path / "big.jsonl", b"x" * (2 * 1024 * 1024 + 1))
    i = only_issue(list(load_paths([f], max_bytes=2 * 1024 * 1024)))
    assert "over the 2 MB cap" in i.reason and "NEWSDESK_MAX_FILE_MB=3" in i.reason


def test_unsupported_extension(tmp_path: Path) -> None:
    pdf = write(tmp_path / "folder" / "report.docx", b"PK\x03\x04")
    write(tmp_path / "folder" / "ok.txt", "Title\n\nText.")
    out = list(load_paths([tmp_path / "folder"]))
    skipped = [i for i in issues(out) if i.path == str(pdf)]
    assert skipped == [
        LoadIssue(
            str(pdf),
            "unsupported file type .docx: use .txt, .md, .html, .json, .jsonl or .pdf",
            kind="skipped",
        )
    ]
    assert len(articles(out)) == 1
    # named explicitly, it is a failure rather than a skip
    assert only_issue(load_file(pdf)).kind == "failed"


def test_nonexistent_path() -> None:
    missing = "/no/such/place/news.txt"
    i = only_issue(list(load_paths([missing])))
    assert i.path == missing and missing in i.reason and "does not exist" in i.reason
    assert "does not exist" in only_issue(load_file(Path(missing))).reason


def test_symlink_loop_terminates(tmp_path: Path) -> None:
    root = tmp_path / "root"
    write(root / "sub" / "a.txt", "A\n\nText a.")
    os.symlink(root, root / "sub" / "back")  # sub/back -> root: a loop
    os.symlink("self", root / "self")  # a link to itself
    out = list(load_paths([root]))
    assert [a.text for a in articles(out)] == ["A\n\nText a."]
    loops = [i for i in issues(out) if "loop" in i.reason]
    assert len(loops) == 2
    assert any(i.path == str(root / "sub" / "back") for i in loops)


def test_same_folder_through_two_links_is_read_once(tmp_path: Path) -> None:
    write(tmp_path / "real" / "a.txt", "A\n\nText.")
    os.symlink(tmp_path / "real", tmp_path / "zlink")
    out = list(load_paths([tmp_path]))
    assert len(articles(out)) == 1
    assert [i.kind for i in issues(out)] == ["skipped"]


# --------------------------------------------------------------------------- folders & ids


def test_folder_recursion_sorted_hidden_skipped(tmp_path: Path) -> None:
    write(tmp_path / "b.txt", "B\n\nText b.")
    write(tmp_path / "a" / "z.md", "# Z\n\nText z.")
    write(tmp_path / "a" / "deeper" / "y.txt", "Y\n\nText y.")
    write(tmp_path / "c.jsonl", json.dumps({"text": "Text c.", "title": "C"}) + "\n")
    write(tmp_path / ".hidden.txt", "H\n\nhidden")
    write(tmp_path / ".git" / "x.txt", "G\n\nhidden")
    out = list(load_paths([tmp_path]))
    assert not issues(out)
    assert [a.title for a in articles(out)] == ["Y", "Z", "B", "C"]


def test_load_paths_accepts_a_single_path(tmp_path: Path) -> None:
    f = write(tmp_path / "one.txt", "One\n\nText.")
    assert [a.title for a in articles(list(load_paths(str(f))))] == ["One"]
    # a bare Path is outside the declared type, but a common slip: it must still work
    assert [a.title for a in articles(list(load_paths(f)))] == ["One"]  # type: ignore[arg-type]


def test_file_id_same_from_any_root(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write(corpus / "articles" / "x.txt", "X\n\nText.")
    shutil.copy(SEED, corpus / "articles" / SEED.name)
    ids_top = sorted(a.id for a in articles(list(load_paths([corpus]))))
    ids_sub = sorted(a.id for a in articles(list(load_paths([corpus / "articles"]))))
    ids_file = sorted(
        a.id
        for a in articles(
            list(load_paths([corpus / "articles" / "x.txt", corpus / "articles" / SEED.name]))
        )
    )
    assert (
        ids_top
        == ids_sub
        == ids_file
        == sorted(["file:articles/x.txt", f"file:articles/{SEED.name}"])
    )
    # a relative path gives the same id too
    cwd = os.getcwd()
    try:
        os.chdir(corpus / "articles")
        assert only_article(load_file(Path("x.txt"))).id == "file:articles/x.txt"
    finally:
        os.chdir(cwd)


# --------------------------------------------------------------------------- helpers


def test_shorten_and_first_sentence() -> None:
    assert shorten("short title") == "short title"
    s = shorten("word " * 40)
    assert len(s) <= 90 and s.endswith("word…")
    assert first_sentence("Mr. Smith went to the U.S. Capitol. He left.") == (
        "Mr. Smith went to the U.S. Capitol."
    )
    assert first_sentence("No full stop here") == "No full stop here"


# --------------------------------------------------------------------------- fuzz

_contents = st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.text(alphabet=st.sampled_from(list('{}[]":,\n date2019-09-0 abc\x00\r')), max_size=300).map(
        str.encode
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=_contents, ext=st.sampled_from(SUPPORTED))
def test_fuzz_random_files_never_raise(content: bytes, ext: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / f"fuzz{ext}"
        f.write_bytes(content)
        out = list(load_paths([d]))
        assert out, "every file yields something"
        for item in out:
            assert isinstance(item, Article | LoadIssue)
            if isinstance(item, Article):
                assert item.text.strip()
                item.text.encode("utf-8")
                item.title.encode("utf-8")
            else:
                assert item.reason and item.kind in ("failed", "skipped")


def test_folder_readme_is_skipped_but_loads_when_named(tmp_path: Path) -> None:
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "README.md").write_text("# About this folder\n\nThe articles below.\n")
    (tmp_path / "news" / "story.txt").write_text("Storm hits coast\n\nWinds reached 100 km/h.\n")
    items = list(load_paths([tmp_path / "news"]))
    arts = [i for i in items if isinstance(i, Article)]
    skipped = [i for i in items if isinstance(i, LoadIssue)]
    assert [a.title for a in arts] == ["Storm hits coast"]
    assert len(skipped) == 1 and skipped[0].kind == "skipped" and "README.md" in skipped[0].reason
    named = list(load_paths([tmp_path / "news" / "README.md"]))
    assert len(named) == 1 and isinstance(named[0], Article)
