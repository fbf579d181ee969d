"""The web app (app.py, web/): safe rendering, uploads, launch rules, our own routes beside
the mounted UI, and its API via gradio_client.

The API tests drive the real app (``python app.py``) on a free 127.0.0.1 port, with its
data folder in a temporary directory and the bundled corpus ingested (see web_fixtures).
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from web_fixtures import (  # noqa: F401
    ROOT,
    RunningApp,
    app_env,
    newsdesk_app_fixture,
    start_app,
    write_article,
)

from qa import Answer, Citation, ConfigError, LoadError, Passage, Settings, Turn
from qa.eval.metrics import contains_answer
from web.api import answer_json
from web.render import NO_SOURCES, answer_html, esc, safe_url, source_card, sources_html
from web.seed import example_questions, resolve_corpus
from web.server import check_bind
from web.ui import NewsdeskUI
from web.uploads import check_upload, upload_name

PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
TALKS = "Who attended the 2+2 talks?"
TALKS_NAMES = ("Le Drian", "Parly", "Lavrov", "Shoigu")


def _text(fragment: str) -> str:
    """What a browser shows for an HTML fragment: tags dropped, references decoded."""
    return html.unescape(re.sub(r"<[^>]*>", "", fragment))


def _passage(text: str, **kw: object) -> Passage:
    fields: dict[str, object] = {"article_id": "a1", "title": "A title", "url": "",
                                 "source": "Wire", "published": date(2020, 1, 2)}
    fields.update(kw)
    return Passage(text=text, **fields)  # type: ignore[arg-type]


def _cited(text: str, sentence: str, **kw: object) -> Citation:
    p = _passage(text, **kw)
    start = text.index(sentence)
    return Citation(1, p, (start, start + len(sentence)))


# --------------------------------------------------------------------------- safe rendering


def test_esc_leaves_no_markup_and_no_markdown_syntax():
    out = esc(PAYLOAD + " *bold* _it_ [1](javascript:x) `code` $$x$$ ${x} {{x}}")
    assert "<" not in out and ">" not in out and '"' not in out
    for ch in "*_[]()`${}":
        assert ch not in out, ch


def test_answer_links_each_citation_to_its_source_card_and_escapes_the_text():
    sentence = f"Lavrov met Parly {PAYLOAD}."
    c = _cited(f"Intro. {sentence} Outro.", sentence)
    a = Answer(question="q?", standalone_question="q?", text=f"Lavrov met Parly {PAYLOAD} [1]",
               citations=(c,), passages=(c.passage,))
    out = answer_html(a, turn=3)
    assert re.search(r'<a class="nd-cite" href="#src-3-1" title="[^"<>]*Lavrov met Parly[^"<>]*">',
                     out)
    assert "<script" not in out and "<img" not in out
    assert "&lt;script&gt;" in out
    assert _text(out) == f"Lavrov met Parly {PAYLOAD} [1]"  # shown as text, marker included


def test_unsupported_sentences_are_marked_and_abstentions_carry_no_citations():
    c = _cited("Parly went to Moscow. It rained.", "Parly went to Moscow.")
    a = Answer(question="q?", standalone_question="q?",
               text="Parly went to Moscow [1]. She flew there by balloon [1].", citations=(c,),
               unsupported=("She flew there by balloon [1].",))
    out = answer_html(a, turn=1)
    m = re.search(r'<span class="nd-unsupported" title="not supported by the cited passage">(.*?)'
                  r"</span>", out)
    assert m and _text(m.group(1)) == "She flew there by balloon [1]."
    assert "left out" not in out

    left = Answer(question="q?", standalone_question="q?", text="Parly went to Moscow [1].",
                  citations=(c,), unsupported=("She flew there by <b>balloon</b> [1].",))
    out = answer_html(left, turn=1)
    m = re.search(r'<details class="nd-note nd-left-out"><summary>(.*?)</summary>(.*?)</details>',
                  out)
    assert m and m.group(1) == "1 sentence without support in the sources was left out"
    assert "&lt;b&gt;balloon" in m.group(2) and "<b>" not in out

    no = Answer(question="Capital of Mars?", standalone_question="Capital of Mars?",
                text="The articles don't say.", abstained=True, passages=(c.passage,))
    out = answer_html(no, turn=2)
    assert 'class="nd-abstain"' in out and "nd-cite" not in out and "href" not in out
    panel = sources_html([Turn("Capital of Mars?", no)])
    assert NO_SOURCES in _text(panel) and "<mark>" not in panel


def test_follow_up_rewrites_are_shown_with_the_answer():
    c = _cited("Parly told TASS about trust.", "Parly told TASS about trust.")
    a = Answer(question="What did she say?", standalone_question="What did Parly say?",
               text="Parly told TASS about trust [1]", citations=(c,))
    assert "Understood as: What did Parly say?" in _text(answer_html(a, turn=2))


def test_only_single_number_markers_of_known_citations_become_links():
    c = _cited("Parly spoke.", "Parly spoke.")
    a = Answer(question="q?", standalone_question="q?", citations=(c,),
               text="A [1] b [01] c [2] d [1, 2] e [1-2] f [ 1 ] g [[1]] h [1 ]")
    out = answer_html(a, turn=4)
    links = re.findall(r'<a class="nd-cite" href="#src-4-1"[^>]*>(.*?)</a>', out)
    assert [_text(x) for x in links] == ["[1]", "[1]", "[1]"]  # [1], [01] and the inner [1]
    assert _text(out) == "A [1] b [1] c [2] d [1, 2] e [1-2] f [ 1 ] g [[1]] h [1 ]"


def test_source_card_marks_the_quote_links_only_http_urls_and_escapes_everything():
    sentence = f"Shoigu attended {PAYLOAD}."
    text = f"First line.\n\n\n{sentence}\n\nLast line."
    c = _cited(text, sentence, title=f"Talks {PAYLOAD}", url="https://example.org/a?b=1&c=2",
               sources=("AFP", "Reuters"))
    card = source_card(c, turn=2)
    assert card.startswith('<article class="nd-card" id="src-2-1">')
    m = re.search(r"<mark>(.*?)</mark>", card)
    assert m and _text(m.group(1)) == sentence
    assert '<a href="https://example.org/a?b=1&amp;c=2" target="_blank"' in card
    assert "2020-01-02 · AFP, Reuters" in _text(card) and "p. " not in _text(card)
    paged = source_card(_cited(text, sentence, sources=("AFP",), page=3), turn=2)
    assert "2020-01-02 · AFP · p. 3" in _text(paged)  # a PDF's page
    assert "<script" not in card and "<img" not in card
    assert "\n\n" not in card  # paragraph breaks collapse to one line break

    for bad in ("javascript:alert(1)", "data:text/html,x", "http://exa mple.org", "//x.org"):
        assert safe_url(bad) == ""
        assert "href" not in source_card(_cited("S.", "S.", url=bad), 1)


def test_source_card_of_a_headline_citation_marks_the_title_not_the_text():
    p = _passage("First line.\n\nSecond line.", title="Wolves win the cup")
    card = source_card(Citation(1, p, (0, 0)), turn=1)
    assert re.findall(r"<mark>(.*?)</mark>", card) == ["Wolves win the cup"]
    assert "First line." in _text(card) and "Second line." in _text(card)


def test_sources_panel_lists_turns_newest_first_with_unique_anchors():
    c1 = _cited("One.", "One.", title="First")
    c2 = _cited("Two.", "Two.", title="Second")
    turns = [Turn("q1", Answer("q1", "q1", "One [1]", (c1,))),
             Turn("q2", Answer("q2", "q2", "Two [1]", (c2,)))]
    panel = sources_html(turns)
    assert panel.index('id="src-2-1"') < panel.index('id="src-1-1"')
    assert panel.index("Second") < panel.index("First")


def test_stop_marks_the_unfinished_answer_and_keeps_finished_ones():
    user = {"role": "user", "content": [{"type": "text", "text": "q"}]}
    streaming = {"role": "assistant",
                 "content": [{"type": "text", "text": '<div class="nd-answer nd-streaming">Jean</div>'}]}
    out = NewsdeskUI.stopped([user, streaming])
    assert out[0] == user
    assert "Jean" in out[1]["content"] and "Stopped before the answer was finished" in out[1]["content"]
    assert "nd-streaming" not in out[1]["content"]
    pending = {"role": "assistant", "content": '<div class="nd-pending nd-streaming">…</div>'}
    assert "nd-pending" not in NewsdeskUI.stopped([user, pending])[1]["content"]
    done = {"role": "assistant", "content": '<div class="nd-answer">Done [1]</div>'}
    assert NewsdeskUI.stopped([user, done]) == [user, done]
    assert NewsdeskUI.stopped([]) == []


def test_api_json_carries_text_citations_and_conversation():
    c = _cited("Lavrov spoke.", "Lavrov spoke.", url="https://e.org/x")
    a = Answer("q", "q", "Lavrov spoke [1]", (c,))
    out = answer_json(a)
    assert out["text"] == "Lavrov spoke [1]" and out["abstained"] is False
    want = {"n": 1, "article_id": "a1", "title": "A title", "url": "https://e.org/x",
            "source": "Wire", "published": "2020-01-02", "quote": "Lavrov spoke.",
            "quote_span": [0, 13], "page": None}
    assert out["citations"][0] == want == c.to_dict()
    assert "conversation_id" not in out


# --------------------------------------------------------------------------- uploads


@pytest.mark.parametrize(("name", "expected"), [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\windows\\win.ini.md", "win.ini.md"),
    ("/abs/path/My Article (1).HTML", "My Article (1).HTML"),
    ("a\x1b[31mred\x07\n.jsonl", "a[31mred.jsonl"),
    ("新闻.txt", "新闻.txt"),
    ("Cafe\u0301.md", "Caf\u00e9.md"),
    (".txt", "upload.txt"),
])
def test_upload_names_keep_the_original_base_name_without_folders_or_controls(name, expected):
    assert upload_name(name) == expected


@pytest.mark.parametrize("name", ["evil.exe", "notes", "archive.txt.zip", "page.htm"])
def test_upload_types_other_than_the_six_are_refused(name):
    with pytest.raises(LoadError, match=r"\.txt, \.md, \.html, \.json, \.jsonl or \.pdf"):
        upload_name(name)


def test_an_upload_is_known_by_its_base_name_whatever_it_was_called(tmp_path):
    src = tmp_path / "tmp" / "x.txt"
    src.parent.mkdir()
    src.write_text("Title: T\n\nBody text.\n")
    assert check_upload(src, max_mb=1, name="../../etc/passwd.txt") == "passwd.txt"


def test_an_upload_over_the_size_limit_is_refused(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * (1024 * 1024 // 5 + 10))
    with pytest.raises(LoadError, match="NEWSDESK_MAX_FILE_MB"):
        check_upload(big, max_mb=1)


# --------------------------------------------------------------------------- launch rules


def test_binding_beyond_localhost_requires_a_password():
    assert check_bind(Settings()) is None
    assert check_bind(Settings(host="::1")) is None
    assert check_bind(Settings(host="localhost", auth="ann:pw")) == ("ann", "pw")
    assert check_bind(Settings(host="0.0.0.0", auth="ann:p:w", api_key="k")) == ("ann", "p:w")
    with pytest.raises(ConfigError, match="NEWSDESK_AUTH=user:password"):
        check_bind(Settings(host="0.0.0.0"))
    with pytest.raises(ConfigError, match="NEWSDESK_API_KEY"):
        check_bind(Settings(host="0.0.0.0", auth="ann:pw"))
    with pytest.raises(ConfigError, match="NEWSDESK_AUTH"):
        check_bind(Settings(host="0.0.0.0", auth="ann:"))


def test_the_app_refuses_to_start_on_a_public_address_without_auth(tmp_path):
    env = app_env(tmp_path / "home", NEWSDESK_HOST="0.0.0.0")
    r = subprocess.run([sys.executable, str(ROOT / "app.py")], env=env, cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    assert "NEWSDESK_AUTH=user:password" in r.stderr
    assert "Traceback" not in r.stderr


def test_a_missing_corpus_folder_is_a_readable_error(tmp_path):
    with pytest.raises(ConfigError, match="NEWSDESK_CORPUS"):
        resolve_corpus(Settings(corpus=str(tmp_path / "nope")))
    assert resolve_corpus(Settings()) == ROOT / "corpus"


def test_example_questions_come_from_the_corpus(tmp_path):
    (tmp_path / "questions.jsonl").write_text(
        '{"question": "Who won the match?"}\nnot json\n{"question": "Where was it played?"}\n'
        '{"question": "Who won the match?"}\n{"question": "When?"}\n')
    assert example_questions(tmp_path, n=2) == ["Who won the match?", "Where was it played?"]

    bare = tmp_path / "bare"
    write_article(bare / "articles", "a.txt", title="Harbour bridge reopens after storm",
                  body="The harbour bridge reopened on Monday.")
    qs = example_questions(bare)
    assert len(qs) == 1 and "Harbour bridge reopens after storm" in qs[0]
    assert example_questions(None, ["Stored title one"]) == [
        "What do the articles say about “Stored title one”?"]


def test_every_example_the_ui_offers_is_answered_with_its_answer_alone(seed_desk):
    # the examples the chat shows on a fresh desk, each asked as the UI asks it; "alone":
    # no other example's answer in it ("Sergei Lavrov and Sergei Shoigu" is not the Russian
    # foreign minister)
    records = {json.loads(line)["question"]: json.loads(line)
               for line in (ROOT / "corpus" / "questions.jsonl").read_text().splitlines()
               if line.strip() and "question" in json.loads(line)}
    examples = example_questions(ROOT / "corpus", seed_desk.store.articles())
    assert len(examples) == 4 and all(q in records for q in examples)
    for q in examples:
        text = seed_desk.ask(q).text
        assert contains_answer(text, records[q]["answers"]), (q, text)
        others = [a for o in examples if o != q for a in records[o]["answers"]
                  if not contains_answer(" ".join(records[q]["answers"]), [a])]
        assert not contains_answer(text, others), (q, text)


def test_examples_follow_the_store_not_the_bundled_questions(tmp_path):
    corpus = tmp_path / "corpus"
    write_article(corpus / "articles", "a.txt", title="Ministers meet in Moscow",
                  body="The ministers met in Moscow on Monday.")
    (corpus / "questions.jsonl").write_text('{"question": "Where did the ministers meet?"}\n')
    bundled = [SimpleNamespace(title="Ministers meet in Moscow", published=date(2019, 9, 9))]
    assert example_questions(corpus, bundled) == ["Where did the ministers meet?"]
    assert example_questions(corpus, []) == ["Where did the ministers meet?"]  # still seeding
    own = [SimpleNamespace(title="Colorado Avalanche win first Stanley Cup title since 2001",
                           published=date(2022, 6, 27)),
           SimpleNamespace(title="an undated note about tides", published=None),
           SimpleNamespace(title="Ministers meet in Moscow", published=date(2019, 9, 9)),
           SimpleNamespace(title="Mustard runs out in French supermarkets",
                           published=date(2022, 8, 8))]
    qs = example_questions(corpus, own, n=3)
    assert "Where did the ministers meet?" not in qs
    assert "Mustard runs out" in qs[0]  # the newest first
    assert "Colorado Avalanche win" in qs[1]
    assert "Ministers meet in Moscow" in qs[2] and len(qs) == 3  # the undated one last, past n


def test_the_examples_are_refreshed_from_the_store_after_an_ingest(tmp_path):
    corpus = tmp_path / "corpus"
    write_article(corpus / "articles", "a.txt", title="Ministers meet in Moscow",
                  body="The ministers met in Moscow on Monday.")
    (corpus / "questions.jsonl").write_text('{"question": "Where did the ministers meet?"}\n')
    stored = [SimpleNamespace(title="Ministers meet in Moscow", published=date(2019, 9, 9))]
    ui = SimpleNamespace(corpus=corpus, desk=SimpleNamespace(articles=lambda: list(stored)))
    assert NewsdeskUI.example_update(ui)["samples"] == [["Where did the ministers meet?"]]
    stored.append(SimpleNamespace(title="Harbour bridge reopens", published=date(2024, 1, 2)))
    samples = NewsdeskUI.example_update(ui)["samples"]
    assert samples[0] == ["What do the articles say about “Harbour bridge reopens”?"]


def test_the_entry_point_turns_analytics_off_before_gradio_loads(tmp_path):
    code = ("import sys, app\n"
            "assert 'gradio' not in sys.modules and 'web' not in sys.modules\n"
            "rc = app.main(['--no-seed'])\n"
            "import gradio.analytics\n"
            "print(rc, 'web.server' in sys.modules, gradio.analytics.analytics_enabled())\n")
    env = app_env(tmp_path / "home", NEWSDESK_HOST="0.0.0.0")  # refused: no server starts
    env.pop("GRADIO_ANALYTICS_ENABLED", None)
    r = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True,
                       text=True, timeout=120)
    assert r.stdout.split() == ["1", "True", "False"], r.stderr[-2000:]


def test_a_taken_port_is_a_readable_error(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = app_env(tmp_path / "home", NEWSDESK_PORT=str(port))
        r = subprocess.run([sys.executable, str(ROOT / "app.py"), "--no-seed"], env=env,
                           cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in r.stderr and "NEWSDESK_PORT" in r.stderr
    assert "Traceback" not in r.stderr


# --------------------------------------------------------------------------- our routes


def _get(url: str, **kw: object) -> tuple[int, str, str]:
    """GET ``url`` over real HTTP: (status, content type, body)."""
    import httpx

    r = httpx.get(url, timeout=30, **kw)  # type: ignore[arg-type]
    return r.status_code, r.headers.get("content-type", ""), r.text


@pytest.mark.slow
def test_healthz_answers_beside_the_mounted_ui(newsdesk_app: RunningApp):
    status, kind, body = _get(newsdesk_app.url + "healthz")
    assert (status, kind) == (200, "application/json")
    assert json.loads(body)["status"] == "ok"
    status, kind, body = _get(newsdesk_app.url)
    assert status == 200 and kind.startswith("text/html") and "nd-question" in body
    assert not re.search(r'"auth_required":\s*true', body)
    status, _, body = _get(newsdesk_app.url + "gradio_api/info")
    named = json.loads(body)["named_endpoints"]
    assert status == 200 and "/ask" in named
    # typed return schemas: every field of a citation, an article, an ingest summary
    for endpoint, fields in (("/ask", ("quote_span", "standalone_question", "unsupported")),
                             ("/chat", ("conversation_id", "turn", "quote_span")),
                             ("/list", ("n_chunks", "published", "copies")),
                             ("/delete", ("deleted", "chunks"))):
        returns = json.dumps(named[endpoint]["returns"])
        assert all(f'"{f}"' in returns for f in fields), (endpoint, returns[:300])
    example = json.dumps(named["/ingest"]["parameters"][0]["example_input"])
    assert "article.txt" in example and "http" not in example, example  # a local file
    for path in ("docs", "redoc"):  # no API pages of our own (they would load a CDN)
        assert _get(newsdesk_app.url + path)[0] == 404


@pytest.mark.slow
def test_with_auth_healthz_is_open_but_the_ui_and_api_are_not(tmp_path: Path):
    from gradio_client import Client

    app = start_app(tmp_path, args=["--no-seed"], wait_for_articles=False,
                    NEWSDESK_AUTH="ann:s3cret pass")
    try:
        status, kind, body = _get(app.url + "healthz")
        assert (status, json.loads(body)["status"]) == (200, "ok")
        for path in ("config", "gradio_api/info"):
            assert _get(app.url + path)[0] in (401, 403), path
        page = _get(app.url)[2]  # the login page: no components until signed in
        assert re.search(r'"auth_required":\s*true', page) and "nd-question" not in page
        with pytest.raises(Exception, match="(?i)login|credentials"):
            Client(app.url, verbose=False)
        assert Client(app.url, verbose=False, auth=("ann", "s3cret pass")).predict(
            api_name="/list") == []
    finally:
        app.stop()


# --------------------------------------------------------------------------- the API, live


@pytest.mark.slow
def test_ask_answers_with_the_names_and_a_citation(newsdesk_app: RunningApp):
    r = newsdesk_app.client().predict(TALKS, api_name="/ask")
    assert r["abstained"] is False
    assert "[1]" in r["text"]
    missing = [n for n in TALKS_NAMES if n not in r["text"]]
    assert not missing, f"answer {r['text']!r} lacks {missing}"
    c1 = next(c for c in r["citations"] if c["n"] == 1)
    assert c1["published"] == "2019-09-09"
    start, end = c1["quote_span"]
    assert c1["quote"] and end - start == len(c1["quote"]) and c1["page"] is None
    assert {"Lavrov", "Shoigu"} <= set(re.findall(r"\w+", c1["quote"]))


@pytest.mark.slow
def test_chat_keeps_the_conversation_for_follow_ups(newsdesk_app: RunningApp):
    client = newsdesk_app.client()
    r1 = client.predict(TALKS, "", api_name="/chat")
    cid = r1["conversation_id"]
    assert cid and r1["turn"] == 1
    r2 = client.predict("What did she tell TASS?", cid, api_name="/chat")
    assert r2["conversation_id"] == cid and r2["turn"] == 2
    assert "Parly" in r2["text"] and "[1]" in r2["text"]
    r3 = client.predict(TALKS, "", api_name="/chat")
    assert r3["conversation_id"] != cid and r3["turn"] == 1


@pytest.mark.slow
def test_api_errors_are_readable_messages(newsdesk_app: RunningApp):
    from gradio_client.exceptions import AppError

    client = newsdesk_app.client()
    with pytest.raises(AppError, match="the question is empty"):
        client.predict("   ", api_name="/ask")
    with pytest.raises(AppError, match="unknown or has expired"):
        client.predict("Who?", "no-such-conversation", api_name="/chat")
    with pytest.raises(AppError, match="no article 'file:nowhere/none.txt'"):
        client.predict("file:nowhere/none.txt", api_name="/delete")


@pytest.mark.slow
def test_upload_list_ask_delete(newsdesk_app: RunningApp, tmp_path: Path):
    from gradio_client import handle_file

    client = newsdesk_app.client()
    word = f"Quillfeather{uuid.uuid4().hex[:6]}"
    f = write_article(tmp_path, f"{word} report (draft).txt", title=f"{word} regatta cancelled",
                      body=f"The {word} regatta on Lake Annecy was cancelled on Sunday because "
                           "of high winds, the organisers said. It will be held in June instead.")
    junk = tmp_path / "virus.exe"
    junk.write_bytes(b"MZ\x90\x00")
    r = client.predict([handle_file(str(f)), handle_file(str(junk))], api_name="/ingest")
    assert r["added"] == 1 and r["failed"] == 1
    assert [i["file"] for i in r["issues"]] == ["virus.exe"]
    assert r["files"] == [f.name]
    assert not (newsdesk_app.home / "uploads").exists()  # no copy kept: the catalog has the text
    (aid,) = r["article_ids"]
    assert aid.startswith("upload:") and aid.endswith(f"/{f.name}")

    listed = {a["id"]: a for a in client.predict(api_name="/list")}
    assert listed[aid]["title"] == f"{word} regatta cancelled"
    assert listed[aid]["published"] == "2021-03-04" and listed[aid]["n_chunks"] >= 1

    ans = client.predict(f"Why was the {word} regatta cancelled?", api_name="/ask")
    assert not ans["abstained"] and "wind" in ans["text"]
    assert any(c["article_id"] == aid for c in ans["citations"])

    out = client.predict(aid, api_name="/delete")
    assert out == {"deleted": aid, "chunks": listed[aid]["n_chunks"]}
    assert aid not in {a["id"] for a in client.predict(api_name="/list")}


def test_the_library_lists_newest_first_undated_last_and_counts():
    from web.library import library_rows, stats_html, table_label

    def art(i: str, title: str, day: date | None) -> SimpleNamespace:
        return SimpleNamespace(id=f"file:{i}.txt", title=title, published=day, sources=("Wire",),
                               copies=(), n_chunks=2, url="")

    arts = [art("a", "Old story", date(2019, 1, 2)), art("b", "Undated note", None),
            art("c", "New story", date(2022, 5, 6)), art("d", "", date(2020, 1, 1))]
    rows = library_rows(arts)
    assert [r[0] for r in rows] == ["New story", "file:d.txt", "Old story", "Undated note"]
    assert [r[0] for r in library_rows(arts, "story 2019")] == ["Old story"]
    assert table_label(4, 4) == "4 articles (click a row to pick it)"
    assert table_label(1, 4) == "1 of 4 articles (click a row to pick it)"
    html_ = stats_html({"articles": 1234, "chunks": 5, "sources": ["A", "B"], "llm": "",
                        "revision": 1795925039627325, "store": "<x>"})
    assert "1,234" in html_ and "A, B" in html_ and "&lt;x&gt;" in html_
    assert "1795925039627325" not in html_ and "extractive answers" in html_
    assert stats_html({"error": "store <down>"}) == '<p class="nd-error">store &lt;down&gt;</p>'
