"""Tests for qa.eval.realtimeqa: the realtimeqa-dev reader (a fake folder, and the shared data)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from qa.eval import QuestionSetError, load_realtimeqa, normalize_url
from tests.qa.eval.eval_builders import RTQA, fake_realtimeqa

# --------------------------------------------------------------------------- realtimeqa reader


def test_realtimeqa_reader(tmp_path: Path) -> None:
    folder = fake_realtimeqa(tmp_path / "rtqa")
    data = load_realtimeqa(folder)
    assert [c.id for c in data.cases] == ["20220617_0", "20220624_0", "20220701_0"]
    t0 = data.cases[0].turns[0]
    assert t0.answers == ("“Squid Game”",) and t0.as_of == date(2022, 6, 16)
    assert t0.sources == ("https://news.example/2022/06/12/squid/index.html",)
    assert len(data.articles) == 4
    two = load_realtimeqa(folder, limit=2, window_days=5)
    assert len(two.cases) == 2
    # 06/12 is within 5 days of 06/16, 06/20 within 5 of 06/23; 2021 and 06/30 are not.
    assert [a["url"] for a in two.articles] == ["https://news.example/2022/06/12/squid/index.html",
                                                "https://news.example/madrid"]
    out = two.write_articles(tmp_path / "store" / "a.jsonl")
    assert len(out.read_text().splitlines()) == 2
    with pytest.raises(QuestionSetError, match="questions.jsonl not found"):
        load_realtimeqa(tmp_path / "nowhere")


@pytest.mark.shared
def test_realtimeqa_reader_on_shared_data() -> None:
    if not (RTQA / "questions.jsonl").is_file():
        pytest.skip(f"{RTQA} is absent")
    data = load_realtimeqa(RTQA, limit=30, window_days=7)
    assert len(data.cases) == 30
    assert all(c.turns[0].as_of and c.turns[0].answers and c.turns[0].sources for c in data.cases)
    assert all("#:~:" not in s for c in data.cases for s in c.turns[0].sources)
    urls = {normalize_url(a["url"]) for a in data.articles}
    in_window = sum(any(normalize_url(s) in urls for s in c.turns[0].sources) for c in data.cases)
    assert in_window >= 20  # most gold articles fall inside the window
