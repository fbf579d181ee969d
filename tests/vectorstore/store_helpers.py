"""Articles and helpers shared by the store, ingest and BM25 tests."""

from __future__ import annotations

from pathlib import Path

from vectorstore.chunking import Chunker
from vectorstore.config import Settings
from vectorstore.embedding import Embedder
from vectorstore.ingest import Ingestor
from vectorstore.lexical import LexicalIndex
from vectorstore.store import Store, open_store

PARAS = [
    "The city council of Dunmore voted on Tuesday to build a new bridge over the river Arl. "
    "The vote was 7 to 2, after a debate that lasted four hours.",
    "Mayor Alice Varga said the bridge would cost 14 million euros and open in 2027. "
    "Opponents said the money should go to schools instead.",
    "Construction is expected to start next spring, the council's engineering office said. "
    "The old ferry will keep running until the bridge opens.",
]
OTHER = ("A storm knocked out power to 30,000 homes in the coastal town of Pellow on Sunday. "
         "Crews worked through the night to restore electricity, the utility said.")


def write(path: Path, text: str, date_line: str = "date 2024-03-05 ") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f" {date_line}{text}\n" if date_line else text, encoding="utf-8")
    return path


def make(settings: Settings, embedder: Embedder, chunker: Chunker) -> tuple[Store, Ingestor]:
    store = open_store(settings, model=embedder.identity, dim=embedder.dim)
    lexical = LexicalIndex.for_store(settings.home, store.location)
    return store, Ingestor(store, embedder, chunker, lexical)
