"""Bad files at ingest are reported one by one, with the reason, and the rest of the batch
goes in: through ``NewsDesk.ingest`` and ``newsdesk ingest``.

The loader alone is covered by tests/vectorstore/test_loading.py; here the whole pipeline
runs (load → chunk → embed → store → BM25) and the good articles must be searchable.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_helpers import article_text, lexical_hits, run_cli, store_problems

from qa import NewsDesk
from vectorstore.config import Settings

MB = 1024 * 1024


def make_batch(folder: Path) -> dict[str, str]:
    """A folder of good and bad files; return ``{good file or record: marker word}``."""
    rng = random.Random(3)
    folder.mkdir(parents=True)
    good = {}
    for name, marker in (("good.txt", "Quabbly"), ("good.md", "Frenzle")):
        (folder / name).write_text(f"# The {marker} story\n\n{article_text(marker, rng)}\n",
                                   encoding="utf-8")
        good[name] = marker
    recs = [json.dumps({"title": "Line one", "url": "https://example.org/1",
                        "text": article_text("Plinkett", rng)}),
            '{"title": "broken", "text": "no closing brace"',
            json.dumps({"title": "Line three", "url": "https://example.org/3",
                        "text": article_text("Wombrel", rng)})]
    (folder / "feed.jsonl").write_text("\n".join(recs) + "\n", encoding="utf-8")
    good["https://example.org/1"] = "Plinkett"
    good["https://example.org/3"] = "Wombrel"
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (folder / "zero.txt").write_bytes(b"")
    (folder / "blank.md").write_bytes(b" \n\t\n")
    with (folder / "huge.txt").open("wb") as f:  # 50 MB of real text
        line = b"The council met again on Monday and talked about the bridge.\n"
        f.write(line * (50 * MB // len(line) + 1))
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")
    (folder / "sub").mkdir()
    (folder / "sub" / "loop").symlink_to("..")
    (folder / "self.txt").symlink_to("self.txt")
    return good


def reasons_by_file(issues: list[tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for path, reason in issues:
        out[Path(path).name] = (out.get(Path(path).name, "") + " | " + reason).strip(" |")
    return out


EXPECTED_REASONS = {
    "binary.txt": "binary file",
    "zero.txt": "empty file",
    "blank.md": "empty file",
    "huge.txt": "over the 20 MB cap; raise NEWSDESK_MAX_FILE_MB",
    "feed.jsonl": "feed.jsonl:2: invalid JSON",
    "photo.png": "unsupported file type .png",
    "notes.docx": "unsupported file type .docx",
    "loop": "symbolic link loop",
    "self.txt": "broken or looping symbolic link",
}


@pytest.fixture(scope="module")
def batch_desk(tmp_path_factory: pytest.TempPathFactory) -> tuple[NewsDesk, object, dict]:
    folder = tmp_path_factory.mktemp("batch") / "articles"
    good = make_batch(folder)
    desk = NewsDesk.open(home=tmp_path_factory.mktemp("batch-home"))
    report = desk.ingest([folder])
    return desk, report, good


def test_api_reports_each_bad_file_with_its_reason(batch_desk):
    _, report, good = batch_desk
    got = reasons_by_file([(i.path, i.reason) for i in report.issues])
    assert set(got) == set(EXPECTED_REASONS), got
    for name, says in EXPECTED_REASONS.items():
        assert says in got[name], (name, got[name])
    assert report.added == len(good) == 4
    assert report.failed + report.skipped == len(report.issues)
    s = report.summary()
    assert s.startswith("4 added") and f"{report.failed} failed" in s


def test_api_good_files_of_a_bad_batch_are_stored_and_searchable(batch_desk):
    desk, report, good = batch_desk
    assert store_problems(desk) == []
    stored = {a.id: a for a in desk.articles()}
    assert len(stored) == 4 and set(report.article_ids) == set(stored)
    for key, marker in good.items():
        (aid,) = [i for i in stored if i.endswith(key) or i == key]
        assert lexical_hits(desk, marker) == {aid}
        top = desk.search().run(f"the {marker} project", 3)
        assert top and top[0].article_id == aid


def test_the_size_cap_is_configurable(tmp_path):
    """``NEWSDESK_MAX_FILE_MB`` sets the cap, and the refusal names it; under the cap the same
    file goes in."""
    padded = tmp_path / "in" / "padded.txt"
    padded.parent.mkdir()
    padded.write_text("The Snorkwell bridge opened on Monday after years of delay.\n"
                      + "\n" * int(1.5 * MB), encoding="utf-8")
    capped = NewsDesk.open(settings=Settings.from_env(
        {"NEWSDESK_HOME": str(tmp_path / "h1"), "NEWSDESK_MAX_FILE_MB": "1"}))
    r = capped.ingest([padded])
    assert r.added == 0 and r.failed == 1
    assert "over the 1 MB cap" in r.issues[0].reason
    assert "NEWSDESK_MAX_FILE_MB=2" in r.issues[0].reason
    default = NewsDesk.open(home=tmp_path / "h2")
    assert default.ingest([padded]).added == 1


def test_cli_reports_each_bad_file_on_stderr_and_ingests_the_rest(tmp_path):
    folder = tmp_path / "articles"
    good = make_batch(folder)
    home = tmp_path / "home"
    p = run_cli(home, "ingest", str(folder), NEWSDESK_MAX_FILE_MB="30")
    err = p.stderr.decode("utf-8", errors="replace")
    out = p.stdout.decode()
    assert p.returncode == 1, err[-3000:]  # some files failed: exit 1, the rest is stored
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.startswith(("failed: ", "skipped: "))]
    pairs = [ln.split(": ", 1)[1].split(": ", 1) for ln in lines]
    got = reasons_by_file([(path, reason) for path, reason in pairs])
    assert set(got) == set(EXPECTED_REASONS), err[-3000:]
    for name, says in EXPECTED_REASONS.items():
        says = says.replace("20 MB", "30 MB")  # the cap named is the configured one
        assert says in got[name], (name, got[name])
    assert out.startswith("4 added, 0 updated, 0 unchanged, 0 duplicate"), out
    desk = NewsDesk.open(home=home)
    assert store_problems(desk) == []
    for marker in good.values():
        assert len(lexical_hits(desk, marker)) == 1


# --------------------------------------------------------------------------- fuzz

_text = st.text(st.characters(codec="utf-8"), max_size=600)
_content = st.one_of(
    st.binary(max_size=400),
    _text.map(lambda t: t.encode("utf-8")),
    _text.map(lambda t: t.encode("utf-16")),
    st.builds(lambda h, t: f"Title: {h}\nDate: 2021-01-02\n\n{t}".encode(), _text, _text),
    st.builds(lambda t: f"<html><body><article><p>{t}</p></article></body></html>".encode(),
              _text),
)


@pytest.fixture(scope="module")
def fuzz_desk(tmp_path_factory: pytest.TempPathFactory) -> NewsDesk:
    return NewsDesk.open(home=tmp_path_factory.mktemp("fuzz-home"))


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(files=st.lists(st.tuples(_content, st.sampled_from([".txt", ".md", ".html"])),
                      min_size=1, max_size=4))
def test_fuzzed_batches_never_break_ingest_or_the_store(fuzz_desk, tmp_path_factory, files):
    """Random bytes as articles: ingest never raises, every file has exactly one outcome, and
    the store, its records and the BM25 index stay consistent."""
    folder = tmp_path_factory.mktemp("fuzz")
    for i, (data, ext) in enumerate(files):
        (folder / f"f{i}{ext}").write_bytes(data)
    report = fuzz_desk.ingest([folder])
    outcomes = (report.added + report.updated + report.unchanged + report.duplicates
                + report.failed + report.skipped)
    assert outcomes == len(files), report.to_dict()
    assert all(i.reason.strip() for i in report.issues)
    assert store_problems(fuzz_desk) == []
