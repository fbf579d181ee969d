"""Helpers for the reliability tests: the CLI in a subprocess, generated corpora, a store
consistency check, and the app started under a network audit hook.

Nothing here stands in for Newsdesk code: the CLI, the app and the store are the real ones.
"""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from web_fixtures import (  # noqa: F401  (the app helpers, shared with the UI tests)
    ROOT,
    free_port,
    start_app,
)
from web_fixtures import RunningApp as App  # noqa: F401
from web_fixtures import app_env as cli_env

SEED_FILE = ROOT / "corpus" / "articles" / "000_0777dc97777bf6e9.txt"
UI_MAX_FILE_MB = 2
"""The upload cap the shared app (the ``ui_app`` fixture) runs with (``NEWSDESK_MAX_FILE_MB``)."""

_VOCABULARY = (
    "council harbour bridge river market school budget police storm railway museum library "
    "farmers fishermen minister mayor court hospital airport festival orchestra company union "
    "workers teachers nurses students villagers officials engineers scientists volunteers "
    "announced approved rejected delayed opened closed repaired expanded planned reviewed "
    "on Monday on Tuesday last week next spring in the morning after a long debate despite "
    "protests with strong support by a narrow vote according to a statement in the north "
    "new old small large regional national local public private historic modern rural urban"
)
_WORDS = _VOCABULARY.split()


def article_text(marker: str, rng: random.Random, sentences: int = 6) -> str:
    """A plain news-like text with ``marker`` (a made-up word) in its first sentence."""
    out = [f"The {marker} project was discussed by the {rng.choice(_WORDS)} "
           f"{rng.choice(_WORDS)} {rng.choice(_WORDS)}."]
    for _ in range(sentences - 1):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(10, 18))]
        out.append("The " + " ".join(words) + ".")
    return " ".join(out)


def write_corpus(folder: Path, n: int, *, seed: int = 7, sentences: int = 6,
                 prefix: str = "Zorvex") -> dict[str, str]:
    """Write ``n`` small dated .txt articles; return ``{file name: marker word}``.

    Each article carries its own made-up marker word (``Zorvex003``...), so a search for it
    finds that article and no other.
    """
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    out = {}
    for i in range(n):
        marker = f"{prefix}{i:03d}"
        name = f"a{i:03d}.txt"
        day = 1 + i % 28
        (folder / name).write_text(
            f"Title: The {marker} report\nDate: 2021-02-{day:02d}\nSource: Wire {i % 3}\n\n"
            f"{article_text(marker, rng, sentences)}\n", encoding="utf-8")
        out[name] = marker
    return out


# --------------------------------------------------------------------------- the CLI


def cli_cmd(home: Path, *args: str | bytes) -> list[str | bytes]:
    """The ``newsdesk`` command line (``python -m qa.cli``) for the store at ``home``."""
    return [sys.executable, "-m", "qa.cli", "--home", str(home), *args]


def run_cli(home: Path, *args: str | bytes, timeout: float = 600,
            **env: str) -> subprocess.CompletedProcess[bytes]:
    """Run ``newsdesk ARGS`` to completion; output is kept as bytes."""
    return subprocess.run(cli_cmd(home, *args), cwd=ROOT, env=cli_env(home, **env),
                          capture_output=True, timeout=timeout)


def one_line_error(proc: subprocess.CompletedProcess[bytes]) -> str:
    """Assert that a CLI run failed with exit 1 and one ``error:`` line, no traceback;
    return that line."""
    err = proc.stderr.decode("utf-8", errors="replace")
    assert proc.returncode == 1, f"exit {proc.returncode}; stderr: {err[-2000:]}"
    assert "Traceback" not in err, err[-3000:]
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err[-2000:]
    return lines[0]


# --------------------------------------------------------------------------- store checks


def chroma_counts(home: Path) -> tuple[int, int]:
    """``(chunks, article records)`` read straight from the embedded store's SQLite file.

    Read-only and from outside: used to watch a store that another process is writing.
    Returns ``(0, 0)`` while the file does not exist or is locked. The tables may lag
    behind Chroma's write log: count through Chroma for an exact number.
    """
    db = home / "chroma" / "chroma.sqlite3"
    if not db.exists():
        return 0, 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.5)
        try:
            rows = dict(con.execute(
                "SELECT key, COUNT(*) FROM embedding_metadata "
                "WHERE key IN ('article_id', 'n_chunks') GROUP BY key").fetchall())
        finally:
            con.close()
    except sqlite3.Error:
        return 0, 0
    return int(rows.get("article_id", 0)), int(rows.get("n_chunks", 0))


def store_problems(desk: Any) -> list[str]:
    """Every way the store, its article records and its BM25 index disagree.

    Checks: each canonical article has ``n_chunks`` chunks, numbered ``0..n-1``, each the
    exact span of the stored article text; the sum is ``count_chunks()``; no chunk belongs to
    an article without a record; chunk ids are unique; duplicate records and the copies
    lists point at each other; the BM25 index (in memory and as saved) covers every chunk at
    the store's revision.
    """
    from vectorstore.lexical import LexicalIndex

    store = desk.store
    problems: list[str] = []
    records = store.articles(include_duplicates=True)
    canon = {r.id: r for r in records if not r.dup_of}
    dups = [r for r in records if r.dup_of]
    texts: dict[str, str] = {}
    seen: set[str] = set()
    per_article: Counter[str] = Counter()
    indexes: dict[str, list[int]] = defaultdict(list)
    for ids, docs, metas in store.iter_chunks():
        for cid, doc, m in zip(ids, docs, metas, strict=True):
            if cid in seen:
                problems.append(f"chunk {cid} is stored twice")
            seen.add(cid)
            aid = str(m.get("article_id", ""))
            per_article[aid] += 1
            indexes[aid].append(int(m.get("idx", -1)))
            if aid not in canon:
                problems.append(f"orphan chunk {cid}: article {aid!r} has no record")
                continue
            if aid not in texts:
                texts[aid] = store.article_text(aid)
            start, end = int(m.get("start", -1)), int(m.get("end", -1))
            if texts[aid][start:end] != doc:
                problems.append(f"chunk {cid} is not the text of {aid!r}[{start}:{end}]")
    for aid, rec in canon.items():
        if rec.n_chunks <= 0 or rec.n_chunks != per_article[aid]:
            problems.append(f"{aid!r}: record says {rec.n_chunks} chunks, "
                            f"{per_article[aid]} stored")
        elif sorted(indexes[aid]) != list(range(rec.n_chunks)):
            problems.append(f"{aid!r}: chunk numbers {sorted(indexes[aid])}")
    total = store.count_chunks()
    if sum(r.n_chunks for r in canon.values()) != total or len(seen) != total:
        problems.append(f"records sum to {sum(r.n_chunks for r in canon.values())} chunks, "
                        f"{len(seen)} listed, count_chunks() = {total}")
    for d in dups:
        owner = canon.get(d.dup_of)
        if owner is None or not any(c.get("id") == d.id for c in owner.copies):
            problems.append(f"duplicate {d.id!r} is not among the copies of {d.dup_of!r}")
    dup_ids = {d.id: d.dup_of for d in dups}
    for rec in canon.values():
        for c in rec.copies:
            if dup_ids.get(c.get("id", "")) != rec.id:
                problems.append(f"{rec.id!r} lists copy {c.get('id')!r}, which has no record")
    desk._sync_lexical()
    if len(desk.lexical) != total:
        problems.append(f"BM25 index holds {len(desk.lexical)} chunks, the store {total}")
    saved = LexicalIndex.for_store(desk.settings.home, store.location)
    rev = saved.load()
    if rev != store.revision() or len(saved) != total:
        problems.append(f"saved BM25 index: revision {rev} with {len(saved)} chunks; store: "
                        f"revision {store.revision()} with {total}")
    return problems


def lexical_hits(desk: Any, word: str) -> set[str]:
    """Article ids whose chunks BM25 finds for ``word``."""
    desk._sync_lexical()
    ids = [cid for cid, _ in desk.lexical.search(word, 10)]
    return {p.article_id for p in desk.store.get_passages(ids)}
