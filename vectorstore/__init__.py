"""Newsdesk's storage layer: loading, chunking, embedding and the Chroma store."""

from vectorstore.config import Settings
from vectorstore.errors import (
    BackendError,
    BadQuestion,
    ConfigError,
    LoadError,
    ModelMismatch,
    NewsdeskError,
    NotFound,
    StoreUnavailable,
)
from vectorstore.types import Article, Chunk, Passage

__all__ = [
    "Article", "BackendError", "BadQuestion", "Chunk", "ConfigError", "LoadError",
    "ModelMismatch", "NewsdeskError", "NotFound", "Passage", "Settings", "StoreUnavailable",
]
