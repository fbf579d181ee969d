"""Helpers shared by the loading tests: write a file, pick articles and issues out of a result."""

from __future__ import annotations

from pathlib import Path

from vectorstore.loading import LoadIssue
from vectorstore.types import Article


def write(path: Path, content: str | bytes, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode(encoding))
    return path


def only_article(items: list[Article | LoadIssue]) -> Article:
    assert len(items) == 1, items
    assert isinstance(items[0], Article), items[0]
    return items[0]


def only_issue(items: list[Article | LoadIssue]) -> LoadIssue:
    assert len(items) == 1, items
    assert isinstance(items[0], LoadIssue), items[0]
    return items[0]


def articles(items: list[Article | LoadIssue]) -> list[Article]:
    return [x for x in items if isinstance(x, Article)]


def issues(items: list[Article | LoadIssue]) -> list[LoadIssue]:
    return [x for x in items if isinstance(x, LoadIssue)]
