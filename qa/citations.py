"""The one citation-marker pattern: ``[1]``, ``[1, 3]``, ``[2-4]`` in answer texts."""

from __future__ import annotations

import re

#: One citation marker: ``[1]``, ``[1, 3]``, ``[2-4]``, ``[ 2 ]``.
MARKER_RE = re.compile(r"\[\s*\d+(?:\s*[,;–-]\s*\d+)*\s*\]")
#: A run of markers (with the whitespace before each) at a position.
LEADING_MARKERS_RE = re.compile(r"(?:\s*" + MARKER_RE.pattern + r")+")


def marker_numbers(marker: str) -> list[int]:
    """The numbers in one citation marker: ``"[1, 3-4]"`` → ``[1, 3, 4]``."""
    out: list[int] = []
    for part in re.split(r"\s*[,;]\s*", marker.strip("[] \t")):
        m = re.fullmatch(r"(\d+)\s*[–-]\s*(\d+)", part)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            if a <= b and b - a < 20:
                out.extend(range(a, b + 1))
            else:
                out.extend([a, b])
        elif part.strip().isdigit():
            out.append(int(part))
    return out


def strip_markers(text: str, *, tidy: bool = True) -> str:
    """``text`` without citation markers, whitespace collapsed.

    With ``tidy`` (the default) a space left before punctuation goes too (``"Moscow [1] ."``
    → ``"Moscow."``); without it each marker goes with the whitespace before it and nothing
    else changes, so the words are those of the answer as written (the evaluation counts them).
    """
    if not tidy:
        return " ".join(LEADING_MARKERS_RE.sub("", text).split())
    t = MARKER_RE.sub("", text)
    t = re.sub(r"\s+([.,;:!?])", r"\1", t)
    return re.sub(r"\s+", " ", t).strip()
