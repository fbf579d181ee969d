"""Rewriting follow-up questions into standalone ones (stub)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qa.types import Turn


class QuestionRewriter:
    """Turns "What did she say?" into "What did Florence Parly say?" using earlier turns."""

    def __init__(self, llm: Any = None) -> None:
        self.llm = llm

    def run(self, question: str, history: Sequence[Turn]) -> str:
        """Return ``question`` as a standalone question."""
        return question
