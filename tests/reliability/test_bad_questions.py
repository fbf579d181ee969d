"""Bad questions get a clear message, never a traceback or a made-up answer: through the API
(``NewsDesk.ask``), the CLI (``newsdesk ask``) and the UI (``gradio_client`` ``/ask``).
"""

from __future__ import annotations

import json
import re
import subprocess
import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from reliability_helpers import ROOT, SEED_FILE, App, cli_cmd, cli_env, one_line_error

from qa import Answer
from qa.text.questions import MAX_QUESTION_CHARS, clean_question
from vectorstore.errors import BadQuestion

SEED_TEXT = SEED_FILE.read_text(encoding="utf-8")
TALKS = "Who attended the 2+2 talks?"
HUGE = (TALKS + " ") * (100_000 // (len(TALKS) + 1) + 1)
HUGE = HUGE[:100_000]

# Unusable questions, and what the message must say.
BAD = {
    "empty": ("", "empty"),
    "whitespace": ("   \t \n  ", "empty"),
    "100,000 characters": (HUGE, f"{MAX_QUESTION_CHARS:,}"),
    "control characters only": ("\x00\x01\x07\x1b\x7f\x9f", "empty"),
    "lone surrogates only": ("\ud800\udcff\udfff", "no words"),
    "emoji only": ("🙂🔥🇫🇷", "no words"),
    "punctuation only": ("?!… ¿", "no words"),
}

# Odd but usable questions: an answer (or an honest abstention), never a crash.
ODD = {
    "control characters inside": "Who attended\x00 the 2+2\x07 talks?\x1b",
    "lone surrogate inside": "Who attended the \ud800 2+2 talks?",
    "emoji": "Who attended 🤝 the 2+2 talks? 🇫🇷🇷🇺",
    "beyond the calendar": "What happened 5000 years ago?",
    "a lookback beyond the calendar": "Who met in the last 10000 years?",
    "right-to-left Arabic": "من حضر محادثات 2+2 في موسكو؟",
    "right-to-left marks": "\u202bWho attended the 2+2 talks?\u202c",
    "French": "Qui a participé aux pourparlers 2+2 à Moscou ?",
    "just under the limit": ("Who attended the 2+2 talks " * 100)[:MAX_QUESTION_CHARS - 1] + "?",
}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def assert_honest(answer: Answer) -> None:
    """A plain answer: text, clean and encodable; any citation quotes the stored article."""
    assert isinstance(answer, Answer)
    assert answer.text.strip()
    json.dumps(answer.to_dict(), ensure_ascii=False).encode("utf-8")  # no lone surrogates
    assert not _CONTROL.search(answer.question)
    if answer.abstained:
        assert not answer.citations
        return
    assert answer.citations
    for c in answer.citations:
        assert c.quote_text and c.quote_text in c.passage.text
        assert c.passage.text in SEED_TEXT.replace("\r\n", "\n") or \
            _squash(c.passage.text) in _squash(SEED_TEXT)


def _squash(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- API


@pytest.mark.parametrize(("question", "says"), BAD.values(), ids=BAD.keys())
def test_api_refuses_unusable_questions_with_a_reason(seed_desk, question: str, says: str):
    with pytest.raises(BadQuestion) as e:
        seed_desk.ask(question)
    msg = str(e.value)
    assert says in msg and len(msg) < 300  # names the problem; does not echo a huge question


def test_api_refuses_a_question_that_is_not_text(seed_desk):
    for bad in (None, 42, ["Who?"]):
        with pytest.raises(BadQuestion, match="must be text"):
            seed_desk.ask(bad)


@pytest.mark.parametrize("question", ODD.values(), ids=ODD.keys())
def test_api_answers_odd_questions_plainly(seed_desk, question: str):
    answer = seed_desk.ask(question)
    assert_honest(answer)
    assert len(answer.question) <= MAX_QUESTION_CHARS


def test_control_characters_do_not_change_the_answer(seed_desk):
    clean = seed_desk.ask(TALKS)
    dirty = seed_desk.ask(ODD["control characters inside"])
    assert not clean.abstained and dirty.text == clean.text
    assert dirty.question == TALKS


@settings(max_examples=300, deadline=None)
@given(st.text(st.one_of(st.characters(), st.integers(0xD800, 0xDFFF).map(chr),
                         st.sampled_from("\x00\x07\x1b\x7f\x85\u202e\u200b\ufeff \t\n")),
               max_size=2500))
@example("a" * (MAX_QUESTION_CHARS + 1))
@example("Who \x00\ud800 is it?\x9f")
def test_clean_question_either_refuses_or_returns_clean_text(q: str):
    try:
        out = clean_question(q)
    except BadQuestion as e:
        assert str(e)
        return
    assert 0 < len(out) <= MAX_QUESTION_CHARS and out == out.strip()
    out.encode("utf-8")
    assert not _CONTROL.search(out)
    assert any(ch.isalnum() for ch in out)
    assert unicodedata.is_normalized("NFC", out)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.text(st.one_of(st.characters(), st.sampled_from("\x00\ud800 2+2?")), max_size=300))
def test_fuzzed_questions_give_an_answer_or_a_bad_question(seed_desk, q: str):
    try:
        answer = seed_desk.ask(q)
    except BadQuestion as e:
        assert str(e)
        return
    assert_honest(answer)


# --------------------------------------------------------------------------- CLI


def test_cli_refuses_unusable_questions_in_one_line(tmp_path):
    """Every bad question, raw invalid UTF-8 bytes included: exit 1, one line, no traceback.

    The runs go in parallel (each process mostly imports).
    """
    cases: dict[str, tuple[str | bytes, str]] = {
        k: BAD[k] for k in ("empty", "whitespace", "100,000 characters", "emoji only")}
    cases["control characters only"] = ("\x01\x02\x07\x1b\x7f", "empty")
    cases["invalid UTF-8 bytes only"] = (b"\xff\xfe\xc3\x28\xa0\xa1", "no words")
    procs = {}
    for i, (name, (arg, _)) in enumerate(cases.items()):
        home = tmp_path / f"h{i}"
        home.mkdir()  # an empty store: a --home that does not exist is refused first
        procs[name] = subprocess.Popen(cli_cmd(home, "ask", arg), cwd=ROOT, env=cli_env(home),
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    for name, p in procs.items():
        out, err = p.communicate(timeout=600)
        line = one_line_error(subprocess.CompletedProcess(p.args, p.returncode, out, err))
        assert cases[name][1] in line, (name, line)
        assert out == b"", (name, out[:300])


def test_cli_answers_a_question_with_invalid_utf8_bytes(seed_desk):
    """Raw invalid bytes inside a real question are dropped; the question is still answered."""
    home = seed_desk.settings.home
    arg = b"Who attended \xff\xfe the 2+2 talks?\xc3"
    p = subprocess.run(cli_cmd(home, "ask", "--json", arg), cwd=ROOT, env=cli_env(home),
                       capture_output=True, timeout=600)
    err = p.stderr.decode("utf-8", errors="replace")
    assert p.returncode == 0, err[-2000:]
    assert "Traceback" not in err
    out = json.loads(p.stdout)
    assert not out["abstained"] and "Lavrov" in out["text"] and out["citations"]
    assert "\ufffd" not in out["question"] and not _CONTROL.search(out["question"])


# --------------------------------------------------------------------------- UI


def _ui_error(app: App, question: object) -> str:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as e:
        app.client().predict(question, api_name="/ask")
    return str(e.value)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["empty", "whitespace", "100,000 characters",
                                  "control characters only", "emoji only"])
def test_ui_refuses_unusable_questions_with_a_readable_message(ui_app: App, name: str):
    question, says = BAD[name]
    msg = _ui_error(ui_app, question)
    assert says in msg, msg
    assert "Traceback" not in msg and "File \"" not in msg and len(msg) < 300


@pytest.mark.slow
@pytest.mark.parametrize("name", ["control characters inside", "emoji", "right-to-left Arabic",
                                  "French"])
def test_ui_answers_odd_questions(ui_app: App, name: str):
    r = ui_app.client().predict(ODD[name], api_name="/ask")
    assert r["text"].strip()
    assert not _CONTROL.search(r["question"])
    if not r["abstained"]:
        assert r["citations"] and all(c["quote"] and c["quote_span"][1] - c["quote_span"][0]
                                      == len(c["quote"]) for c in r["citations"])


@pytest.mark.slow
def test_ui_survives_surrogates_and_broken_bytes_on_the_wire(ui_app: App):
    """Lone surrogates (as JSON escapes) are cleaned; a body that is not UTF-8 is refused by
    the server, which keeps serving."""
    import httpx

    api = ui_app.url + "gradio_api/call/ask"

    def call(body: bytes) -> tuple[int, str]:
        r = httpx.post(api, content=body, headers={"Content-Type": "application/json"},
                       timeout=120)
        if r.status_code != 200:
            return r.status_code, r.text
        eid = r.json()["event_id"]
        with httpx.stream("GET", f"{api}/{eid}", timeout=120) as s:
            return 200, "\n".join(s.iter_lines())

    status, events = call(json.dumps({"data": ["Who attended \ud800 the 2+2 talks?\udfff"]})
                          .encode("ascii"))
    assert status == 200 and "event: complete" in events, events[-1000:]
    payload = json.loads(events.split("data:", 1)[1].strip().splitlines()[0])
    assert "Lavrov" in payload[0]["text"]

    status, text = call(b'{"data": ["Who attended \xff\xfe the talks?"]}')
    assert "Traceback" not in text
    assert status >= 400 or "event: error" in text
    assert "Lavrov" in ui_app.client().predict(TALKS, api_name="/ask")["text"]
