"""Reading an LLM's reply: the abstention phrase, citation numbers checked and renumbered,
the quote behind each citation, a rewritten question cleaned."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from qa.answerers import ABSTAIN
from qa.answerers.support import SentenceCheck
from qa.citations import MARKER_RE, marker_numbers, strip_markers
from qa.text.passages import passage_sentences
from vectorstore.types import Passage

_ABSTAIN_RE = re.compile(
    r"^(the )?(articles?|passages?|sources?)( provided)? (do not|don't|does not|doesn't) "
    r"(say|answer|mention|contain|state)")


@dataclass(frozen=True)
class ParsedReply:
    """A model reply with its citations checked and renumbered.

    Attributes:
        text: The answer with ``[1]``, ``[2]`` ... in order of first use.
        order: ``order[i]`` is the original passage number shown as ``[i + 1]``.
        warnings: One note per dropped citation number.
        abstained: The reply was the abstention phrase.
    """

    text: str
    order: tuple[int, ...] = ()
    warnings: tuple[str, ...] = ()
    abstained: bool = False


def is_abstention(reply: str) -> bool:
    """Whether ``reply`` (markers ignored) is the abstention phrase or a close variant."""
    t = strip_markers(reply).lower().replace("’", "'").strip(" \t\n\"'`*_.")
    return bool(_ABSTAIN_RE.match(t))


def _tidy(text: str) -> str:
    """Tidy what dropping markers left: spaces before punctuation, doubled spaces, markers
    after a stop (``"claim. [1]"`` -> ``"claim [1]."``)."""
    text = re.sub(r"([.!?])((?:\s*\[\d+\])+)(?=\s|$)",
                  lambda m: " " + re.sub(r"\s+", "", m.group(2)) + m.group(1), text)
    text = re.sub(r"(\[\d+\])\s+(?=\[\d+\])", r"\1", text)
    text = re.sub(r"[ \t]+([.,;:!?])", r"\1", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def parse_reply(reply: str, n_passages: int) -> ParsedReply:
    """Check and renumber the ``[n]`` citations of a model reply.

    Numbers outside ``1..n_passages`` are removed from the text with a warning
    (``"dropped citation [7]: there are only 5 passages"``); the rest are renumbered by
    first use, and ``"claim. [1]"`` becomes ``"claim [1]."``.
    """
    order: list[int] = []
    dropped: list[int] = []

    def renumber(m: re.Match[str]) -> str:
        out = []
        for n in marker_numbers(m.group(0)):
            if 1 <= n <= n_passages:
                if n not in order:
                    order.append(n)
                new = f"[{order.index(n) + 1}]"
                if new not in out:
                    out.append(new)
            elif n not in dropped:
                dropped.append(n)
        return "".join(out)

    text = _tidy(MARKER_RE.sub(renumber, reply.strip()))
    total = "passage" if n_passages == 1 else "passages"
    warnings = tuple(f"dropped citation [{n}]: there {'is' if n_passages == 1 else 'are'} only "
                     f"{n_passages} {total}" for n in dropped)
    if is_abstention(text) and not order:
        return ParsedReply(ABSTAIN, (), warnings, True)
    return ParsedReply(text, tuple(order), warnings, False)


def best_quote(n: int, p: Passage, checks: Sequence[SentenceCheck]) -> tuple[int, int]:
    """The passage sentence that best supports the answer sentences citing ``n``."""
    best: tuple[tuple[int, int], float] | None = None
    for c in checks:
        q = c.quotes.get(n)
        if q is not None and (best is None or q[1] > best[1]):
            best = q
    if best is not None:
        return best[0]
    spans = passage_sentences(p, keep_blank=True)
    return spans[0]


def clean_rewrite(reply: str, question: str) -> str:
    """The rewritten question in ``reply``; ``question`` when the reply is empty or far too long."""
    lines = [ln.strip() for ln in reply.strip().splitlines() if ln.strip()]
    if not lines:
        return question
    q = re.sub(r"^(standalone question|question|rewritten question)\s*:\s*", "", lines[0],
               flags=re.I)
    q = q.strip().strip("\"'`*“”").strip()
    if not q or len(q) > max(400, 4 * len(question)):
        return question
    return q
