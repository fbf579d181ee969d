"""Newsdesk question answering: ``NewsDesk`` is the facade.

Also re-exported here, so that the web wing needs nothing but ``qa``: the settings, the
errors, the range of ``k`` and the article loader's result types.
"""

from qa.desk import NewsDesk
from qa.eval import EvalReport, evaluate, load_cases
from qa.types import Answer, Citation, Conversation, Turn
from vectorstore.config import Settings, apply_privacy_defaults
from vectorstore.errors import (
    BadQuestion,
    ConfigError,
    LoadError,
    NewsdeskError,
    NotFound,
    StoreUnavailable,
)
from vectorstore.limits import K_MAX
from vectorstore.loading import LoadIssue, load_paths
from vectorstore.types import Article, Filters, Passage

__all__ = [
    "K_MAX", "Answer", "Article", "BadQuestion", "Citation", "ConfigError", "Conversation",
    "EvalReport", "Filters", "LoadError", "LoadIssue", "NewsDesk", "NewsdeskError", "NotFound", "Passage",
    "Settings", "StoreUnavailable", "Turn", "apply_privacy_defaults", "evaluate", "load_cases",
    "load_paths",
]
