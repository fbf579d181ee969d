"""Newsdesk question answering: ``NewsDesk`` is the facade."""

from qa.desk import NewsDesk
from qa.evaluation import EvalReport, evaluate, load_cases
from qa.types import Answer, Citation, Conversation, Turn
from vectorstore.errors import BadQuestion, NewsdeskError, StoreUnavailable
from vectorstore.types import Passage

__all__ = [
    "Answer", "BadQuestion", "Citation", "Conversation", "EvalReport", "NewsDesk", "NewsdeskError",
    "Passage", "StoreUnavailable", "Turn", "evaluate", "load_cases",
]
