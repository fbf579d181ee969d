"""Collection names: the one rule for them and the Chroma collection each one's chunks live in.

A collection is a named archive of its own (articles, chunks, BM25 index) in the same Chroma
and the same catalog. The default collection, ``default``, keeps the names of a store from
before collections, so existing stores open as it without re-ingesting.
"""

from __future__ import annotations

import re

from vectorstore.errors import ConfigError

DEFAULT_COLLECTION = "default"
NAME_RULE = "lowercase letters, digits, '-' and '_', 1 to 48 characters"
_NAME = re.compile(r"[a-z0-9_-]{1,48}")
DEFAULT_CHUNKS = "newsdesk_chunks"
"""The Chroma collection of the default collection's chunks (the name stores always had)."""


class BadCollectionName(ConfigError):
    """A collection name that breaks :data:`NAME_RULE`."""


def valid_collection_name(name: object) -> bool:
    """Whether ``name`` follows :data:`NAME_RULE`."""
    return isinstance(name, str) and _NAME.fullmatch(name) is not None


def check_collection_name(name: str) -> str:
    """Return ``name`` if it is a valid collection name.

    Raises:
        BadCollectionName: it is not (the message gives the rule).
    """
    if not valid_collection_name(name):
        raise BadCollectionName(
            f"collection name {name!r} is not valid: use {NAME_RULE} (e.g. 'sport-2024')")
    return name


def chunks_collection(name: str) -> str:
    """The Chroma collection that holds the chunks of collection ``name``.

    ``newsdesk_chunks`` for the default collection; ``nd_<name>_chunks`` for another (Chroma
    names start and end with a letter or digit, which ``nd_`` and ``_chunks`` ensure).
    """
    check_collection_name(name)
    return DEFAULT_CHUNKS if name == DEFAULT_COLLECTION else f"nd_{name}_chunks"
