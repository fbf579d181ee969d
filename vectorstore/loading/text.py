"""Plain-text and Markdown articles: optional header lines, a date line, a title from the lede."""

from __future__ import annotations

import re
from pathlib import Path

from vectorstore.loading.common import LoadIssue, file_id, read_date
from vectorstore.loading.titles import first_sentence, shorten, title_from
from vectorstore.types import Article

_HEADER_KEYS = {
    "title": "title",
    "headline": "title",
    "url": "url",
    "link": "url",
    "source": "source",
    "publisher": "source",
    "outlet": "source",
    "date": "date",
    "published": "date",
}
_HEADER_LINE = re.compile(r"([A-Za-z_]+)[ \t]*:[ \t]*(.*)")
_DATE_LINE = re.compile(r"date[ \t]+(\d{4}-\d{2}-\d{2})(?:[ \t]+|(?=\n)|$)", re.IGNORECASE)


def from_text(text: str, path: Path, *, markdown: bool) -> list[Article | LoadIssue]:
    """The article of a .txt or .md file's text (and a warning about an invalid date), or
    why there is none."""
    meta, body = _split_header(text)
    body = body.strip("\n").rstrip()
    if not body.strip():
        return [LoadIssue(str(path), "no article text: the file holds only header lines")]
    published, warning = read_date(meta.get("date"), str(path), path.name)
    stripped = body.lstrip()
    m = _DATE_LINE.match(stripped)
    if m:
        line_date, line_warning = read_date(m.group(1), str(path), path.name)
        published, warning = published or line_date, warning or line_warning
        text_out = stripped[m.end() :].lstrip()
        if not text_out:
            return [LoadIssue(str(path), "no article text: the file holds only a date line")]
        lede = text_out.split("\n", 1)[0]
        title = meta.get("title") or shorten(first_sentence(lede))
    else:
        text_out = body.strip()
        first = next((ln.strip() for ln in text_out.split("\n") if ln.strip()), "")
        if markdown:
            first = first.strip("#").strip()
            if len(first) > 4 and first[:2] == first[-2:] and first[:2] in ("**", "__"):
                first = first[2:-2].strip()
        title = meta.get("title") or title_from(first)
    url = meta.get("url", "").strip()
    article = Article(
        id=url or file_id(path),
        text=text_out,
        title=title,
        url=url,
        source=meta.get("source", "").strip(),
        published=published,
        path=str(path),
    )
    return [article] if warning is None else [article, warning]


def _split_header(text: str) -> tuple[dict[str, str], str]:
    """Split optional ``Key: value`` header lines (or ``---`` front matter) off the top.

    Only known keys (title, url, source, date and their synonyms) count as a bare
    header; inside ``---`` fences unknown keys are allowed and ignored.
    """
    lines = text.split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    meta: dict[str, str] = {}
    if i < len(lines) and lines[i].strip() == "---":
        end = next(
            (j for j in range(i + 1, min(len(lines), i + 60)) if lines[j].strip() == "---"), None
        )
        if end is not None and all(
            not ln.strip() or _HEADER_LINE.fullmatch(ln.strip()) for ln in lines[i + 1 : end]
        ):
            for ln in lines[i + 1 : end]:
                m = _HEADER_LINE.fullmatch(ln.strip())
                if m and m.group(1).lower() in _HEADER_KEYS:
                    meta.setdefault(_HEADER_KEYS[m.group(1).lower()], _unquote(m.group(2)))
            return meta, "\n".join(lines[end + 1 :])
        return {}, text
    j = i
    while j < len(lines):
        m = _HEADER_LINE.fullmatch(lines[j].strip())
        if not m or m.group(1).lower() not in _HEADER_KEYS:
            break
        meta.setdefault(_HEADER_KEYS[m.group(1).lower()], _unquote(m.group(2)))
        j += 1
    if not meta:
        return {}, text
    return meta, "\n".join(lines[j:])


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1].strip()
    return value

