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


def strip_markers(text: str) -> str:
    """``text`` without citation markers, whitespace tidied."""
    t = MARKER_RE.sub("", text)
    t = re.sub(r"\s+([.,;:!?])", r"\1", t)
    return re.sub(r"\s+", " ", t).strip()
