"""Tests for qa.eval.quizset: the realtimeqa-dev reader (a fake folder, and the shared data)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from qa.eval import HALVES, QuestionSetError, half_of, load_realtimeqa, normalize_url
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


# --------------------------------------------------------------------------- tune / held-back


def test_halves_are_fixed_by_id_disjoint_and_cover_every_question(tmp_path: Path) -> None:
    folder = fake_realtimeqa(tmp_path / "rtqa")
    every = [c.id for c in load_realtimeqa(folder).cases]
    tune = [c.id for c in load_realtimeqa(folder, half="tune").cases]
    held = [c.id for c in load_realtimeqa(folder, half="held-back").cases]
    assert tune and held and not set(tune) & set(held)
    assert sorted(tune + held) == sorted(every)
    assert all(half_of(i) == "tune" for i in tune) and all(half_of(i) == "held-back" for i in held)
    # a function of the id alone: the same every time, whatever else the set holds
    assert [half_of(i) for i in every] == [half_of(i) for i in every]
    assert half_of("20220617_1") == half_of("20220617_1") and half_of("") in HALVES
    with pytest.raises(QuestionSetError, match="tune, held-back"):
        load_realtimeqa(folder, half="train")


def test_limit_counts_within_the_half(tmp_path: Path) -> None:
    folder = fake_realtimeqa(tmp_path / "rtqa")
    held = [c.id for c in load_realtimeqa(folder, half="held-back").cases]
    assert [c.id for c in load_realtimeqa(folder, half="held-back", limit=1).cases] == held[:1]


@pytest.mark.shared
def test_halves_on_shared_data_are_roughly_even() -> None:
    if not (RTQA / "questions.jsonl").is_file():
        pytest.skip(f"{RTQA} is absent")
    every = [c.id for c in load_realtimeqa(RTQA).cases]
    tune = {c.id for c in load_realtimeqa(RTQA, half="tune").cases}
    held = {c.id for c in load_realtimeqa(RTQA, half="held-back").cases}
    assert not tune & held and tune | held == set(every)
    assert len(every) == 103 and (len(tune), len(held)) == (49, 54)  # pinned: ids never move
    assert abs(len(tune) - len(held)) <= 0.1 * len(every)
