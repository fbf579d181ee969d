"""``/v1`` over collections: one model per collection, and a model answers from its own
collection only (real model, real embedded Chroma, our FastAPI app in-process)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qa import NewsDesk
from tests.vectorstore.store_helpers import OTHER, write
from web.server import base_app

SEED = Path(__file__).resolve().parents[2] / "corpus" / "articles" / "000_0777dc97777bf6e9.txt"
TALKS = "Who attended the 2+2 talks?"
STORM = "How many homes lost power in Pellow?"


@pytest.fixture(scope="module")
def v1(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The default collection holds the 2+2 talks article; ``storms`` the storm article."""
    root = tmp_path_factory.mktemp("v1-collections")
    desk = NewsDesk.open(home=root / "home", llm="none")
    desk.ingest([SEED])
    NewsDesk.open(home=root / "home", llm="none", collection="storms").ingest(
        [write(root / "storm.txt", OTHER)])
    with TestClient(base_app(desk, desk.settings)) as client:
        yield client


def _cited(v1: TestClient, model: str, question: str, **extra: object) -> tuple[str, set[str]]:
    r = v1.post("/v1/chat/completions", json={
        "model": model, "messages": [{"role": "user", "content": question}], **extra})
    assert r.status_code == 200, r.text[:300]
    msg = r.json()["choices"][0]["message"]
    return msg["content"], {c["article_id"] for c in msg["citations"]}


def test_models_lists_every_collection_default_first(v1: TestClient) -> None:
    ids = [m["id"] for m in v1.get("/v1/models").json()["data"]]
    assert ids == ["newsdesk", "newsdesk:storms"]


def test_a_collection_model_answers_from_that_collection_only(v1: TestClient) -> None:
    text, cited = _cited(v1, "newsdesk:storms", STORM)
    assert "30,000" in text and cited and all("storm" in c for c in cited)
    _, cited = _cited(v1, "newsdesk:storms", TALKS)
    assert all("storm" in c for c in cited)  # the talks article is not in it
    text, cited = _cited(v1, "newsdesk", TALKS)
    assert "Lavrov" in text and cited and not any("storm" in c for c in cited)
    _, cited = _cited(v1, "newsdesk", STORM)
    assert not any("storm" in c for c in cited)


def test_streaming_answers_from_the_chosen_collection(v1: TestClient) -> None:
    r = v1.post("/v1/chat/completions", json={
        "model": "newsdesk:storms", "stream": True,
        "messages": [{"role": "user", "content": STORM}]})
    assert r.status_code == 200
    events = [json.loads(line[6:]) for line in r.text.splitlines()
              if line.startswith("data: ") and line != "data: [DONE]"]
    text = "".join(e["choices"][0]["delta"].get("content") or "" for e in events)
    assert "30,000" in text


def test_a_collection_that_does_not_exist_is_404(v1: TestClient) -> None:
    r = v1.post("/v1/chat/completions", json={
        "model": "newsdesk:weather", "messages": [{"role": "user", "content": STORM}]})
    assert r.status_code == 404 and "newsdesk:storms" in r.json()["error"]["message"]
