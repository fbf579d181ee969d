"""Concurrency: 20 UI users at once (``gradio_client``), with an upload going on, get the same
correct answers as one user alone, and no errors.

"The same as one user alone": the upload changes the store, and a new article can change an
answer for a lone user too (the answerer weighs the passages it is given); so each answer
must be the lone-user answer of the store before or after the upload, and the expected words
must be in every answer to a question the upload did not change.

The full 20 × 10 run, with its timings, is ``python -m bench.load_ui`` (bench/README.md);
here 20 × 3, and nothing is timed.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from reliability_helpers import App

from bench.load_ui import (
    SEED_QUESTIONS,
    check_questions,
    reference_answers,
    run_load,
    write_articles,
)

pytestmark = pytest.mark.slow


def test_the_seed_questions_are_answerable_from_the_seed_article():
    check_questions()
    with pytest.raises(ValueError, match="not in the seed article"):
        check_questions([("Who?", ("Napoleon Bonaparte",))])


def test_twenty_users_at_once_while_articles_are_uploaded(ui_app: App, tmp_path: Path):
    ref = reference_answers(ui_app.url, SEED_QUESTIONS)
    wrong_alone = {q: ref[q] for q, words in SEED_QUESTIONS if not all(w in ref[q] for w in words)}
    assert not wrong_alone, f"wrong even for one user: {wrong_alone}"

    files = write_articles(tmp_path / "upload", 3, "t")
    before = len(ui_app.client().predict(api_name="/list"))
    result = run_load(ui_app.url, users=20, per_user=3, reference=ref,
                      ingest_files=list(files), ingest_names=list(files.values()))

    assert len(result.calls) == 60
    assert {c.endpoint for c in result.calls} == {"/ask", "/chat"}
    assert not result.errors, [(c.question, c.error) for c in result.errors[:5]]
    assert not result.inconsistent, [(c.question, c.text[:200]) for c in result.inconsistent[:5]]
    assert not result.wrong_alone(), result.wrong_alone()
    assert not result.wrong, [(c.question, c.text[:200]) for c in result.wrong[:5]]
    assert len(result.changed_by_upload) < len(SEED_QUESTIONS) / 2
    for q in result.changed_by_upload:
        warnings.warn(f"uploading 3 unrelated articles changed the answer to {q!r} from "
                      f"{result.before[q][:80]!r} to {result.after[q][:80]!r}", stacklevel=1)

    assert not result.ingest_error, result.ingest_error
    assert result.ingest["added"] == 3 and result.ingest["failed"] == 0
    assert len(ui_app.client().predict(api_name="/list")) == before + 3
    assert result.uploaded_answerable == 3
    # The upload was ingested while users were asking (so the test does test that).
    assert result.during_ingest, "no question was in flight during the upload"
