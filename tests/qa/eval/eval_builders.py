"""Builders shared by the evaluation tests: answers made of our own value types (Answer,
Citation, Passage), not mocks; question-set and realtimeqa files; a tiny corpus."""

from __future__ import annotations

import json
import os
from pathlib import Path

from qa.eval import EvalReport, EvalTurn, score_answer
from qa.types import Answer, Citation, Passage

ROOT = Path(__file__).resolve().parents[3]
QUESTIONS = ROOT / "corpus" / "questions.jsonl"
SEED_DIR = ROOT / "corpus" / "articles"
SEED_NAME = "000_0777dc97777bf6e9.txt"
SHARED = Path(os.environ.get("NEWSDESK_SHARED", ROOT.parent / "shared"))
RTQA = SHARED / "data" / "realtimeqa-dev"

GOLD = "file:articles/gold.txt"
OTHER = "file:articles/other.txt"


def passage(text: str, article_id: str = GOLD, url: str = "", urls: tuple[str, ...] = (),
            n: int = 0) -> Passage:
    return Passage(text=text, article_id=article_id, url=url, urls=urls or ((url,) if url else ()),
                   chunk_id=f"{article_id}:{n}", score=0.5)


def answer(text: str, passages: list[Passage] | None = None, cited: list[int] | None = None,
           abstained: bool = False) -> Answer:
    """An Answer whose citation n (1-based) points at passages[cited[n-1]]."""
    ps = passages or []
    cites = tuple(Citation(i + 1, ps[j], (0, len(ps[j].text))) for i, j in enumerate(cited or []))
    return Answer(question="q", standalone_question="q", text=text, citations=cites,
                  passages=tuple(ps), abstained=abstained)


def turn(answers: list[str] | None = None, sources: list[str] | None = None,
         unanswerable: bool = False) -> EvalTurn:
    return EvalTurn("q?", tuple(answers or ()), tuple(sources or ()), unanswerable)


def report_of(*pairs: tuple[EvalTurn, Answer], k: int = 5) -> EvalReport:
    return EvalReport([score_answer(t, a, k=k, case_id=f"c{i}") for i, (t, a) in enumerate(pairs)],
                      k=k)


def write_jsonl(path: Path, records: list[object]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def fake_realtimeqa(folder: Path) -> Path:
    """A tiny folder with the real realtimeqa field layout."""
    write_jsonl(folder / "questions.jsonl", [
        {"id": "20220617_0", "date": "2022/06/16", "source": "CNN",
         "question": "Which show was green lit for a new season?",
         "choices": ["Dark", "Squid Game", "Friends", "Lost"], "answers": ["“Squid Game”"],
         "evidence": "Netflix announced ...",
         "gold_urls": ["https://news.example/2022/06/12/squid/index.html#:~:text=Netflix"]},
        {"id": "20220624_0", "date": "2022/06/23", "source": "CNN",
         "question": "Which city hosted the summit?", "choices": ["Madrid", "Rome"],
         "answers": ["Madrid"], "evidence": "", "gold_urls": ["https://news.example/madrid"]},
        {"id": "20220701_0", "date": "2022/07/01", "source": "CNN", "question": "Third?",
         "choices": ["a"], "answers": ["a"], "evidence": "", "gold_urls": []},
    ])
    write_jsonl(folder / "articles.jsonl", [
        {"url": "https://news.example/2022/06/12/squid/index.html", "title": None,
         "date": "2022/06/12",
         "text": "Squid Game is coming back. Netflix announced a second season of the show."},
        {"url": "https://news.example/madrid", "title": "Summit", "date": "2022/06/20",
         "text": "Leaders gathered in Madrid for the alliance summit this week."},
        {"url": "https://news.example/old", "title": "Old", "date": "2021/01/01",
         "text": "An old story about the weather in the mountains last winter."},
        {"url": "https://news.example/late", "title": "Late", "date": "2022/06/30",
         "text": "A story published after the questions it could answer were asked."},
    ])
    return folder


def tiny_corpus(folder: Path) -> Path:
    """Three files: a story, an exact copy of it under another name and URL, another story."""
    story = ("date 2021-05-04 The harbour bridge in Porto Vale will reopen on Friday after "
             "two years of repairs, the city council said. Repairs cost 40 million euros.\n")
    (folder).mkdir(parents=True, exist_ok=True)
    (folder / "bridge.txt").write_text("URL: https://news.example/bridge/index.html\n" + story)
    (folder / "bridge_copy.txt").write_text("URL: https://mirror.example/bridge-copy\n" + story)
    (folder / "orchard.txt").write_text(
        "date 2021-05-06 Apple growers in the valley expect a record harvest this autumn, "
        "helped by a warm spring and few frosts.\n")
    return folder
