"""Tests for qa.eval.evaluation and qa.eval.report: metrics on hand-built answers, the question-set and
realtimeqa readers, and the `newsdesk eval` command on real stores (real model, real Chroma).

Answers here are built from our own value types (Answer, Citation, Passage), not mocks.
No test asserts answer quality: the answerer changes; bench/quality_gate.sh gates that.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from qa.cli import main
from qa.eval.evaluation import (
    GATED_METRICS,
    MAX_ANSWER_WORDS,
    METRICS,
    EvalCase,
    EvalReport,
    EvalTurn,
    QuestionSetError,
    SourceMatcher,
    contains_answer,
    evaluate,
    load_cases,
    load_realtimeqa,
    normalize_answer,
    normalize_url,
    parse_cases,
    percentile,
    score_answer,
    strip_markers,
    token_f1,
)
from qa.eval.report import render_html
from qa.types import Answer, Citation, Passage
from vectorstore.errors import NewsdeskError
from vectorstore.store import ArticleRecord

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = ROOT / "corpus" / "questions.jsonl"
SEED_DIR = ROOT / "corpus" / "articles"
SEED_NAME = "000_0777dc97777bf6e9.txt"
SHARED = Path(os.environ.get("NEWSDESK_SHARED", ROOT.parent / "shared"))
RTQA = SHARED / "data" / "realtimeqa-dev"

GOLD = "file:articles/gold.txt"
OTHER = "file:articles/other.txt"


# --------------------------------------------------------------------------- builders


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


# --------------------------------------------------------------------------- text scoring


def test_normalize_answer_is_squad_normalisation() -> None:
    assert normalize_answer("The  Quick, brown FOX!") == "quick brown fox"
    assert normalize_answer("An apple a day") == "apple day"
    assert normalize_answer("“Squid Game”") == "squid game"  # unicode quotes are punctuation
    assert normalize_answer("Sept. 9") == normalize_answer("sept 9") == "sept 9"
    assert normalize_answer("theatre") == "theatre"  # articles only as whole words


def test_strip_markers() -> None:
    assert strip_markers("Moscow [1]. Paris [2][3] and [1, 2] or [1-3].") == \
        "Moscow. Paris and or."
    assert strip_markers("In [2019] it rained [4]") == "In it rained"
    assert strip_markers("a [b] c") == "a [b] c"


def test_contains_answer_needs_whole_tokens() -> None:
    assert contains_answer("They met on Sept. 9, 2019.", ["September 9", "Sept 9"])
    assert not contains_answer("They met on Sept. 19.", ["Sept 9"])
    assert not contains_answer("Moscovites", ["Moscow"])
    assert not contains_answer("anything", [""])


def test_token_f1_exact_values() -> None:
    assert token_f1("the cat sat on the mat", ["cat sat"]) == pytest.approx(2 / 3)
    assert token_f1("Florence Parly", ["Florence Parly"]) == 1.0
    assert token_f1("Parly", ["Florence Parly"]) == pytest.approx(2 / 3)
    assert token_f1("Moscow", ["Paris"]) == 0.0
    assert token_f1("Moscow", ["Paris", "in Moscow"]) == pytest.approx(2 / 3)  # best alias
    # repeated tokens count once per occurrence in both
    assert token_f1("x b b", ["b b c"]) == pytest.approx(2 / 3)
    assert token_f1("a b b", ["b b c"]) == pytest.approx(0.8)  # "a" is an article: dropped


def test_percentile_interpolates() -> None:
    assert percentile([], 50) is None
    assert percentile([10.0], 95) == 10.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([float(x) for x in range(1, 101)], 95) == pytest.approx(95.05)


# --------------------------------------------------------------------------- accuracy and F1


def test_accuracy_passes_for_short_answer_with_alias() -> None:
    r = report_of((turn(["Moscow"]), answer("The talks were in Moscow [1].")))
    assert r.metrics["accuracy"] == 1.0
    assert r.cases[0].correct and not r.cases[0].failed


def test_accuracy_fails_for_alias_buried_in_61_words() -> None:
    filler = " ".join(["word"] * (MAX_ANSWER_WORDS - 1))
    at_limit = answer(f"Moscow {filler} [1]")  # 60 words once the marker is stripped
    too_long = answer(f"Moscow {filler} more [1]")  # 61 words
    r = report_of((turn(["Moscow"]), at_limit), (turn(["Moscow"]), too_long))
    assert [c.words for c in r.cases] == [60, 61]
    assert [c.correct for c in r.cases] == [True, False]
    assert r.metrics["accuracy"] == 0.5
    assert "too long" in r.cases[1].problems[0]


def test_accuracy_and_f1_fail_for_wrong_or_abstained_answer() -> None:
    r = report_of((turn(["Moscow"]), answer("They met in Paris.")),
                  (turn(["Moscow"]), answer("Moscow", abstained=True)))
    assert r.metrics["accuracy"] == 0.0
    assert r.metrics["f1"] == 0.0  # an abstention scores 0 even if its text matched
    assert r.cases[1].problems == ["abstained on an answerable question"]


def test_f1_metric_is_mean_over_answerable_only() -> None:
    r = report_of((turn(["Florence Parly"]), answer("Parly [1]")),
                  (turn(["Paris"]), answer("Paris")),
                  (turn(unanswerable=True), answer("Something else")))
    assert r.metrics["f1"] == pytest.approx((2 / 3 + 1) / 2)
    assert r.support["f1"] == r.support["accuracy"] == 2


def test_marker_numbers_are_not_answers() -> None:
    r = report_of((turn(["1"]), answer("Nobody knows [1].")))
    assert r.metrics["accuracy"] == 0.0


# --------------------------------------------------------------------------- retrieval


def test_hit_at_1_when_gold_first_and_zero_when_absent() -> None:
    gold, other = passage("x", GOLD), passage("y", OTHER)
    r = report_of((turn(["x"], ["gold.txt"]), answer("x", [gold, other])),
                  (turn(["x"], ["gold.txt"]), answer("x", [other, other])))
    assert [c.rank for c in r.cases] == [1, 0]
    assert r.metrics["hit_at_1"] == 0.5
    assert r.metrics["hit_at_k"] == 0.5
    assert r.metrics["mrr"] == 0.5
    assert "no gold source in the top 5" in r.cases[1].problems


def test_rank_three_gives_mrr_third_and_respects_k() -> None:
    ps = [passage("a", OTHER, n=1), passage("b", OTHER, n=2), passage("c", GOLD)]
    t = turn(["c"], [GOLD])
    r5 = report_of((t, answer("c", ps)), k=5)
    assert (r5.metrics["hit_at_1"], r5.metrics["hit_at_k"]) == (0.0, 1.0)
    assert r5.metrics["mrr"] == pytest.approx(1 / 3)
    r2 = report_of((t, answer("c", ps)), k=2)
    assert r2.metrics["hit_at_k"] == 0.0


def test_retrieval_metrics_only_over_answerable_cases_with_sources() -> None:
    r = report_of((turn(["x"]), answer("x", [passage("x")])),  # no sources
                  (turn(unanswerable=True), answer("no", [passage("x")], abstained=True)))
    assert r.support["hit_at_1"] == 0
    assert r.metrics["hit_at_1"] is None and r.metrics["mrr"] is None


# --------------------------------------------------------------------------- citations


def test_citation_precision_zero_when_cited_passage_lacks_answer() -> None:
    ps = [passage("They met in Paris.", OTHER), passage("The talks were in Moscow.", GOLD)]
    r = report_of((turn(["Moscow"], ["gold.txt"]), answer("Moscow [1]", ps, cited=[0])))
    assert r.metrics["citation_precision"] == 0.0
    assert r.cases[0].citations[0]["supports"] is False


def test_citation_precision_counts_alias_or_gold_source_as_support() -> None:
    with_alias = passage("The talks were in Moscow.", OTHER)
    gold_without_alias = passage("The ministers met.", GOLD)
    neither = passage("Unrelated text.", OTHER, n=2)
    ps = [with_alias, gold_without_alias, neither]
    r = report_of((turn(["Moscow"], ["gold.txt"]), answer("Moscow [1][2][3]", ps, [0, 1, 2])),
                  (turn(["Moscow"], ["gold.txt"]), answer("Moscow [1]", ps, [0])))
    assert [c.citation_precision for c in r.cases] == [pytest.approx(2 / 3), 1.0]
    assert r.metrics["citation_precision"] == pytest.approx((2 / 3 + 1) / 2)


def test_citation_recall_over_cases_whose_retrieved_passages_hold_the_answer() -> None:
    lacks, holds = passage("They met.", OTHER), passage("They met in Moscow.", GOLD)
    cited_wrong = answer("Moscow [1]", [lacks, holds], cited=[0])
    cited_right = answer("Moscow [1]", [lacks, holds], cited=[1])
    not_retrieved = answer("Moscow", [lacks])  # excluded: no passage holds the answer
    r = report_of((turn(["Moscow"]), cited_wrong), (turn(["Moscow"]), cited_right),
                  (turn(["Moscow"]), not_retrieved))
    assert [c.answer_cited for c in r.cases] == [False, True, None]
    assert r.metrics["citation_recall"] == 0.5
    assert r.support["citation_recall"] == 2
    only_missing = report_of((turn(["Moscow"]), not_retrieved))
    assert only_missing.metrics["citation_recall"] is None


# --------------------------------------------------------------------------- abstention


def test_abstention_precision_and_recall_on_mixed_cases() -> None:
    r = report_of(
        (turn(unanswerable=True), answer("The articles don't say.", abstained=True)),  # TP
        (turn(unanswerable=True), answer("A made-up answer.")),  # FN
        (turn(["Moscow"]), answer("The articles don't say.", abstained=True)),  # FP
        (turn(["Moscow"]), answer("Moscow")),  # TN
        (turn(unanswerable=True), answer("The articles don't say.", abstained=True)),  # TP
    )
    assert r.metrics["abstention_precision"] == pytest.approx(2 / 3)
    assert r.metrics["abstention_recall"] == pytest.approx(2 / 3)
    assert r.support["abstention_precision"] == 3 and r.support["abstention_recall"] == 3
    assert r.cases[1].problems == ["answered an unanswerable question"]
    assert r.metrics["accuracy"] == 0.5  # unanswerable cases are not in accuracy


def test_abstention_precision_undefined_without_abstentions() -> None:
    r = report_of((turn(unanswerable=True), answer("An answer.")))
    assert r.metrics["abstention_precision"] is None
    assert r.metrics["abstention_recall"] == 0.0


# --------------------------------------------------------------------------- thresholds


def test_check_reports_metrics_under_threshold_and_unmeasurable_ones() -> None:
    r = report_of((turn(["Moscow"]), answer("Moscow")), (turn(["Moscow"]), answer("Paris")))
    assert r.check({"accuracy": 0.5}) == []
    assert r.check({"accuracy": None}) == []
    below = r.check({"accuracy": 0.6, "f1": 0.4})
    assert len(below) == 1 and "accuracy 0.500 is below --min-accuracy 0.6" in below[0]
    unmeasured = r.check({"abstention_recall": 0.1})
    assert len(unmeasured) == 1 and "could not be measured" in unmeasured[0]
    with pytest.raises(NewsdeskError, match="unknown metric"):
        r.check({"nonsense": 0.1})


def test_report_dict_has_every_metric_and_failures() -> None:
    r = report_of((turn(["Moscow"]), answer("Paris")), (turn(["Paris"]), answer("Paris")))
    d = r.to_dict()
    assert set(d["metrics"]) == set(METRICS)
    assert d["failures"] == ["c0"] and [c.id for c in r.failures()] == ["c0"]
    assert d["counts"]["questions"] == 2 and d["counts"]["failures"] == 1
    json.dumps(d)  # JSON-ready


# --------------------------------------------------------------------------- sources


def test_normalize_url() -> None:
    a = "https://www.cnn.com/2022/06/12/tech/x/index.html#:~:text=The%20company"
    assert normalize_url(a) == "https://www.cnn.com/2022/06/12/tech/x"
    assert normalize_url("HTTPS://WWW.CNN.com/2022/x/") == "https://www.cnn.com/2022/x"
    assert normalize_url("https://a.org/x?id=1") != normalize_url("https://a.org/x?id=2")


def test_source_matching_by_id_url_and_file_name() -> None:
    m = SourceMatcher()
    file_p = passage("t", "file:articles/000_abc.txt")
    for src in ("file:articles/000_abc.txt", "000_abc.txt", "articles/000_abc.txt"):
        assert m.matches(file_p, [src]), src
    assert not m.matches(file_p, ["000_abd.txt"])
    assert not m.matches(file_p, ["file:other/000_abc.txt"])
    url_p = passage("t", "https://news.example/a/index.html", url="https://news.example/a/index.html")
    for src in ("https://news.example/a", "https://news.example/a/",
                "https://news.example/a/index.html#:~:text=hello"):
        assert m.matches(url_p, [src]), src
    assert not m.matches(url_p, ["https://news.example/b"])
    assert m.matches(passage("t", "id:42"), ["id:42"])
    assert not m.matches(passage("t", "id:42"), [])


def test_source_matching_by_record_path_and_duplicate_copies() -> None:
    rec = ArticleRecord(
        id="https://a.example/story", title="", url="https://a.example/story", source="",
        published=None, n_chunks=1, hash="", simhash=0, path="/data/feed/story.html",
        copies=({"id": "file:mirror/copy.txt", "url": "", "path": "/x/mirror/copy.txt"},
                {"id": "https://b.example/copy", "url": "https://b.example/copy", "path": ""}))
    m = SourceMatcher([rec])
    p = passage("t", rec.id, url=rec.url)
    for src in ("story.html", "feed/story.html", "copy.txt", "file:mirror/copy.txt",
                "mirror/copy.txt", "https://b.example/copy"):
        assert m.matches(p, [src]), src
    assert not m.matches(p, ["other.txt"])
    # Without the record, the passage's own copy URLs still match.
    bare = passage("t", rec.id, url=rec.url, urls=(rec.url, "https://b.example/copy"))
    assert SourceMatcher().matches(bare, ["https://b.example/copy/index.html"])
    assert not SourceMatcher().matches(bare, ["copy.txt"])


# --------------------------------------------------------------------------- question sets


def write_jsonl(path: Path, records: list[object]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_load_cases_single_and_conversation(tmp_path: Path) -> None:
    f = write_jsonl(tmp_path / "q.jsonl", [
        {"id": "a", "question": "Where?", "answers": ["Moscow"], "sources": ["x.txt"],
         "unanswerable": False, "as_of": "2019-09-30"},
        {"id": "b", "question": "Who won?", "answers": [], "unanswerable": True},
        {"id": "c", "as_of": "2019/09/10", "turns": [
            {"question": "Who?", "answers": "Parly", "sources": ["x.txt"]},
            {"question": "And she said?", "answers": ["hello"], "as_of": "2019-09-11"}]},
    ])
    (tmp_path / "q.jsonl").write_text((tmp_path / "q.jsonl").read_text() + "\n\n")
    cases = load_cases(f)
    assert [c.id for c in cases] == ["a", "b", "c"]
    assert cases[0].turns[0].as_of == date(2019, 9, 30) and not cases[0].conversation
    assert cases[1].turns[0].unanswerable and cases[1].turns[0].answers == ()
    assert cases[2].conversation and len(cases[2].turns) == 2
    assert cases[2].turns[0].answers == ("Parly",) and cases[2].turns[0].as_of == date(2019, 9, 10)
    assert cases[2].turns[1].as_of == date(2019, 9, 11)
    assert parse_cases([cases[2].to_dict()])[0] == cases[2]


@pytest.mark.parametrize("record, message", [
    ({"id": "x", "question": "Q?", "answers": ["a"], "unanswerable": True}, "has answers"),
    ({"id": "x", "question": "Q?"}, "nothing to score"),
    ({"id": "x", "answers": ["a"]}, "no \"question\""),
    ({"id": "x", "question": "Q?", "answers": [1]}, "list of strings"),
    ({"id": "x", "question": "Q?", "answers": ["a"], "as_of": "last week"}, "not a date"),
    ({"id": "x", "turns": []}, "non-empty list"),
    ("just text", "not a JSON object"),
])
def test_bad_cases_are_named_with_the_fix(record: object, message: str) -> None:
    with pytest.raises(QuestionSetError, match=message):
        parse_cases([record])  # type: ignore[list-item]


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(QuestionSetError, match="not found"):
        load_cases(tmp_path / "missing.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "question": "Q?", "answers": ["x"]}\n{oops\n')
    with pytest.raises(QuestionSetError, match=r"bad.jsonl:2: invalid JSON"):
        load_cases(bad)
    dup = write_jsonl(tmp_path / "dup.jsonl", [{"id": "a", "question": "Q?", "answers": ["x"]}] * 2)
    with pytest.raises(QuestionSetError, match="used twice"):
        load_cases(dup)


def test_bundled_question_set_is_well_formed() -> None:
    cases = load_cases(QUESTIONS)
    singles = [c for c in cases if not c.conversation]
    convs = [c for c in cases if c.conversation]
    assert len(cases) >= 40
    assert sum(c.turns[0].unanswerable for c in singles) >= 8
    assert len(convs) >= 5 and all(len(c.turns) >= 2 for c in convs)
    seed_text = (SEED_DIR / SEED_NAME).read_text(encoding="utf-8")
    seed = passage(seed_text, f"file:articles/{SEED_NAME}")
    for c in cases:
        for t in c.turns:
            if t.unanswerable:
                assert not t.answers and not t.sources, c.id
            else:
                assert t.answers and SourceMatcher().matches(seed, t.sources), c.id
                assert all(len(a.split()) <= 8 for a in t.answers), c.id  # short aliases
                # paraphrased: no question is a verbatim 8-word run of the article
                words = t.question.rstrip("?").split()
                runs = {" ".join(words[i:i + 8]) for i in range(max(len(words) - 7, 0))}
                assert not any(r in seed_text for r in runs), c.id


# --------------------------------------------------------------------------- realtimeqa reader


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


# --------------------------------------------------------------------------- HTML


def test_html_report_is_self_contained_and_escaped() -> None:
    evil = "<script>alert(1)</script> & \"quotes\""
    p = passage(f"Text with {evil}", OTHER)
    t = EvalTurn(f"Why {evil}?", ("Moscow",), ("gold.txt",))
    r = EvalReport([score_answer(t, answer(f"Because {evil} [1]", [p], cited=[0]),
                                 case_id="x<y>", latency_ms=12.0)])
    html = render_html(r, thresholds={"accuracy": 0.5}, below=r.check({"accuracy": 0.5}))
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "x&lt;y&gt;" in html
    assert html.count("<svg") == 2
    assert "Quality gate failed" in html
    assert "src=" not in html and "<link" not in html and "http://" not in html.replace(
        "http://www.w3.org/2000/svg", "")


# --------------------------------------------------------------------------- end to end


@pytest.mark.slow
def test_evaluate_api_on_seed_desk(seed_desk: object) -> None:
    records = [
        {"id": "one", "question": "In which city did the ministers meet?", "answers": ["Moscow"],
         "sources": [SEED_NAME]},
        {"id": "conv", "turns": [
            {"question": "Who is the French defence minister?", "answers": ["Parly"],
             "sources": [SEED_NAME]},
            {"question": "Which agency did she talk to?", "answers": ["TASS"]}]},
        {"id": "early", "question": "Who met in Moscow?", "unanswerable": True,
         "as_of": "2019-01-01"},
    ]
    r = evaluate(seed_desk, records, k=3)  # question-set records are parsed by evaluate
    assert [c.id for c in r.cases] == ["one", "conv#1", "conv#2", "early"]
    assert r.cases[0].rank == 1  # the only article in the store
    assert all(len(c.passages) <= 3 for c in r.cases)
    assert r.cases[3].passages == []  # as_of before the article: nothing retrievable
    assert r.support["hit_at_1"] == 2 and r.support["accuracy"] == 3
    assert r.support["abstention_recall"] == 1
    assert all(c.latency_ms > 0 for c in r.cases)
    with pytest.raises(QuestionSetError, match="not a mix"):
        evaluate(seed_desk, [records[0], parse_cases(records)[1]])


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


@pytest.mark.slow
def test_gate_exit_codes_and_source_matching_on_a_real_store(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]
                                                               ) -> None:
    home = tmp_path / "home"
    corpus = tiny_corpus(tmp_path / "articles")
    assert main(["--home", str(home), "ingest", str(corpus)]) == 0
    qs = write_jsonl(tmp_path / "q.jsonl", [
        {"id": "by-url", "question": "When will the harbour bridge reopen?",
         "answers": ["Friday"], "sources": ["https://news.example/bridge#:~:text=Friday"]},
        {"id": "by-copy", "question": "How much did the bridge repairs cost?",
         "answers": ["40 million euros"], "sources": ["bridge_copy.txt"]},
        {"id": "by-id", "question": "What harvest do apple growers expect?",
         "answers": ["record harvest"], "sources": ["file:articles/orchard.txt"]},
        {"id": "missing", "question": "Who repaired the bridge?", "answers": ["a company"],
         "sources": ["not-in-the-store.txt"]},
    ])
    out = tmp_path / "out.json"
    # 2 stored chunks (the copy has none) < k: every article is retrieved, so hit@5 is 3/4.
    rc = main(["--home", str(home), "eval", str(qs), "--json", str(out),
               "--min-hit-at-k", "0.75"])
    assert rc == 0
    data = json.loads(out.read_text())
    ranks = {c["id"]: c["rank"] for c in data["cases"]}
    assert ranks["by-url"] > 0 and ranks["by-copy"] > 0 and ranks["by-id"] > 0
    assert ranks["missing"] == 0
    assert data["metrics"]["hit_at_k"] == 0.75
    capsys.readouterr()
    rc = main(["--home", str(home), "eval", str(qs), "--min-hit-at-k", "0.8",
               "--min-mrr", "0", "--min-abstention-recall", "0.5"])
    assert rc == 1
    err = capsys.readouterr().err
    assert "hit_at_k 0.750 is below --min-hit-at-k 0.8" in err
    assert "abstention_recall could not be measured" in err
    assert "mrr" not in err


@pytest.mark.slow
def test_realtimeqa_command_with_store_cache(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    folder = fake_realtimeqa(tmp_path / "rtqa")
    cache, out = tmp_path / "cache", tmp_path / "r.json"
    args = ["eval", str(folder), "--format", "realtimeqa", "--window-days", "5", "--limit", "2",
            "--store-cache", str(cache), "--json", str(out)]
    assert main(args) == 0
    first = capsys.readouterr().err
    assert "2 questions, 2 articles" in first and "2 added" in first
    data = json.loads(out.read_text())
    assert [c["id"] for c in data["cases"]] == ["20220617_0", "20220624_0"]
    assert data["support"]["hit_at_1"] == 2
    # the window holds no 'late' article, and the as_of filter is applied per question
    assert all(p["url"] != "https://news.example/late" for c in data["cases"]
               for p in c["passages"])
    assert all(c["rank"] > 0 for c in data["cases"])
    # as of 06/16 the Madrid story (06/20) is not yet published
    assert {p["url"] for p in data["cases"][0]["passages"]} == {
        "https://news.example/2022/06/12/squid/index.html"}
    assert main(args) == 0
    assert "0 added" in capsys.readouterr().err  # reused, not re-embedded


@pytest.mark.slow
def test_eval_command_end_to_end(tmp_path: Path) -> None:
    out, html = tmp_path / "out" / "eval.json", tmp_path / "out" / "eval.html"
    rc = main(["eval", str(QUESTIONS), "--corpus", str(SEED_DIR), "--json", str(out),
               "--report", str(html)])
    assert rc == 0
    data = json.loads(out.read_text())
    assert set(data["metrics"]) == set(METRICS)
    for m in GATED_METRICS:
        v = data["metrics"][m]
        assert v is None or 0.0 <= v <= 1.0, m
    n_questions = sum(len(c.turns) for c in load_cases(QUESTIONS))
    assert data["counts"]["questions"] == len(data["cases"]) == n_questions
    assert data["support"]["abstention_recall"] >= 8
    page = html.read_text()
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    assert all(f"<h3>{c}</h3>" in page for c in data["failures"])


def test_cases_type_is_exported() -> None:
    import qa

    assert qa.evaluate is evaluate and qa.load_cases is load_cases
    assert isinstance(EvalCase("a", (turn(["x"]),)), EvalCase)
