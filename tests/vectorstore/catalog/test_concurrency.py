"""Two real processes writing at once: each text stored once, every write journalled once, in
order, and a third process following the journal misses nothing."""

from __future__ import annotations

import multiprocessing as mp
import queue
import time
from dataclasses import replace
from typing import Any

from catalog_helpers import row

from vectorstore.catalog import JournalEntry, open_catalog

N = 20
CTX = mp.get_context("fork")  # the children open their own connections


def _ingest(url: str, name: str, ids_prefix: str, reverse: bool, barrier: Any,
            out: Any) -> None:
    """Open the catalog (migrating it, maybe at the same moment as the other) and put the N
    articles one transaction each; report what each put did."""
    barrier.wait(timeout=60)
    cat = open_catalog(url, process=name)
    order = range(N, 0, -1) if reverse else range(1, N + 1)
    added: list[str] = []
    other: list[str] = []
    for n in order:
        r = row(n)
        if ids_prefix:
            r = replace(r, id=f"{ids_prefix}{n}")
        res = cat.put_articles([r])
        added += res.added
        other += list(res.unchanged) + [i for i, _ in res.duplicates]
    cat.close()
    out.put((name, added, other))


def _race(url: str, prefixes: tuple[str, str]) -> dict[str, tuple[list[str], list[str]]]:
    """Run two ingesting processes at once; their reports by name."""
    barrier, out = CTX.Barrier(2), CTX.Queue()
    procs = [CTX.Process(target=_ingest, args=(url, name, prefix, name == "b", barrier, out))
             for name, prefix in zip(("a", "b"), prefixes, strict=True)]
    for p in procs:
        p.start()
    reports: dict[str, tuple[list[str], list[str]]] = {}
    deadline = time.monotonic() + 120
    while len(reports) < len(procs) and time.monotonic() < deadline:
        try:
            name, added, other = out.get(timeout=0.5)
            reports[name] = (added, other)
        except queue.Empty:
            failed = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
            assert not failed, f"a writer failed (exit code {failed[0]}): see its stderr"
    assert len(reports) == len(procs), "the writers did not finish in 120 s"
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return reports


def _check_journal(entries: list[JournalEntry], expected_ids: set[str]) -> None:
    seqs = [e.seq for e in entries]
    assert seqs == sorted(set(seqs))  # strictly increasing
    assert [e.kind for e in entries] == ["added"] * N
    assert sorted(e.article_id for e in entries) == sorted(expected_ids)  # each exactly once
    assert {e.process for e in entries} <= {"a", "b"}


def test_two_processes_putting_the_same_articles_store_each_once(catalog_url: str) -> None:
    reports = _race(catalog_url, ("", ""))
    (a_added, a_other), (b_added, b_other) = reports["a"], reports["b"]
    ids = {row(n).id for n in range(1, N + 1)}
    assert not set(a_added) & set(b_added) and set(a_added) | set(b_added) == ids
    assert len(a_added) + len(a_other) == N and len(b_added) + len(b_other) == N
    cat = open_catalog(catalog_url)
    assert cat.count() == N and {r.id for r in cat.articles()} == ids
    _check_journal(cat.journal_since(0), ids)
    cat.close()


def test_the_same_texts_under_other_ids_are_stored_once(catalog_url: str) -> None:
    reports = _race(catalog_url, ("", "file:copy/"))
    cat = open_catalog(catalog_url)
    stored = cat.articles()
    assert len(stored) == N and len({r.content_hash for r in stored}) == N
    added = set(reports["a"][0]) | set(reports["b"][0])
    assert added == {r.id for r in stored}
    assert len(reports["a"][1]) + len(reports["b"][1]) == N  # the rest: duplicates
    _check_journal(cat.journal_since(0), added)
    cat.close()


def _write_many(url: str, name: str, start: int, barrier: Any) -> None:
    """Put 30 articles of its own, one transaction each."""
    barrier.wait(timeout=60)
    cat = open_catalog(url, process=name)
    for n in range(start, start + 30):
        cat.put_articles([row(n)])
    cat.close()


def test_a_follower_misses_no_entry(catalog_url: str) -> None:
    cat = open_catalog(catalog_url)  # migrated before the writers start
    barrier = CTX.Barrier(2)
    procs = [CTX.Process(target=_write_many, args=(catalog_url, f"w{i}", 1 + 100 * i, barrier))
             for i in range(2)]
    for p in procs:
        p.start()
    seen: list[JournalEntry] = []
    last = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        running = any(p.is_alive() for p in procs)
        new = cat.journal_since(last)
        seen += new
        last = new[-1].seq if new else last
        if not running:
            break
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    seen += cat.journal_since(last)
    everything = cat.journal_since(0)
    assert len(everything) == 60 and cat.count() == 60
    assert seen == everything  # nothing committed behind the follower's back
    cat.close()
