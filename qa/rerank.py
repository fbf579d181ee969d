"""Reranking retrieved passages by how well they fit the question, before the ``k`` are chosen.

The hybrid search (:mod:`qa.retrieval`) fuses dense and BM25 ranks; that order knows nothing
of the story a question is about. :class:`PassageReranker` scores each of the best fused
candidates by a few cheap, general features and sorts them by a fixed linear combination
(:data:`WEIGHTS`; used when the search has an as-of date, see :data:`UNDATED_WEIGHTS`):

* ``fused``: the candidate's fused rank as ``1 / (1 + rank)``, so that the search still counts;
* ``dense``: the passage's cosine similarity to the question (computed by the search already);
* ``title``: the weighted share of the question's content words (stems) in the article's title;
* ``names``: the share of the question's names (capitalised words) that the passage holds;
* ``fresh``: closeness of the article's date to the as-of date (``filters.until``), when set;
* ``story``: how many of the candidates come from the same article (at most
  :data:`STORY_CAP`): an article that many passages match is more likely the story asked
  about than one passage of a digest that mentions everything once.

No embedding is computed here: ranking costs only stems of the candidates' texts.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from datetime import date

from qa.retrieval import Candidate
from qa.text.analysis import analyse_question
from qa.text.stems import stems
from vectorstore.types import Filters

FEATURES = ("fused", "dense", "title", "names", "fresh", "story")

#: Feature -> weight when the search has an as-of date (``filters.until``), fitted on the
#: realtimeqa-dev TUNE half only (49 questions, 7-day windows, each asked as of its date, the
#: best :data:`POOL` fused candidates of each): a conditional logit (a softmax over each
#: question's candidates, the passages of its gold article the target) with an L2 penalty,
#: chosen by 7-fold cross-validation on that half (0.01); rounded to one decimal.
#: Reproduce with ``python -m bench.fit_rerank``.
WEIGHTS: dict[str, float] = {"fused": 3.4, "dense": 7.1, "title": 3.9, "names": 1.9,
                             "fresh": 5.7, "story": 3.4}
#: Weights for searches without an as-of date; ``None`` keeps the fused order there. The
#: same fit with ``fresh`` withheld (``bench.fit_rerank``: fused 3.6, dense 3.1, title 1.2,
#: names 2.6, story 2.7) raised the BBC set's hit@5 (0.903 -> 0.917) but the extractive
#: answerer then answered three more unanswerable "how many" questions (abstention recall
#: 0.394 -> 0.303, under the gate), so it is off until answers are typed (issue 13, point 3).
UNDATED_WEIGHTS: dict[str, float] | None = None
#: Days over which ``fresh`` halves.
FRESH_HALF_LIFE = 7.0
#: ``story`` counts at most this many passages of one article.
STORY_CAP = 5
#: Fused candidates the search hands the reranker.
POOL = 20


def _share(terms: dict[str, float], have: set[str]) -> float:
    """The weighted share of ``terms`` found in ``have`` (0 when there are no terms)."""
    total = sum(terms.values())
    return sum(w for t, w in terms.items() if t in have) / total if total else 0.0


def _fresh(published: date | None, as_of: date | None) -> float:
    """1 for an article of the as-of day, halving every :data:`FRESH_HALF_LIFE` days away."""
    if published is None or as_of is None:
        return 0.0
    return math.pow(0.5, abs((as_of - published).days) / FRESH_HALF_LIFE)


def features(query: str, cands: Sequence[Candidate], filters: Filters
             ) -> list[dict[str, float]]:
    """The :data:`FEATURES` of each candidate, in the order given."""
    info = analyse_question(query)
    names = dict.fromkeys(info.proper, 1.0)
    per_article = Counter(c.passage.article_id for c in cands)
    titles: dict[str, set[str]] = {}
    out: list[dict[str, float]] = []
    for c in cands:
        p = c.passage
        if p.article_id not in titles:
            titles[p.article_id] = stems(p.title)
        out.append({
            "fused": 1.0 / (1 + c.rank), "dense": p.score,
            "title": _share(info.terms, titles[p.article_id]),
            "names": _share(names, stems(p.text)) if names else 0.0,
            "fresh": _fresh(p.published, filters.until),
            "story": min(per_article[p.article_id], STORY_CAP) / STORY_CAP})
    return out


class PassageReranker:
    """Reorders fused candidates by the weighted sum of their :data:`FEATURES`.

    Args:
        weights: Feature -> weight with an as-of date (default :data:`WEIGHTS`).
        undated: Feature -> weight without one (default :data:`UNDATED_WEIGHTS`); ``None``
            keeps the fused order when there is no as-of date.
    """

    def __init__(self, weights: dict[str, float] | None = None,
                 undated: dict[str, float] | None = UNDATED_WEIGHTS) -> None:
        self.weights = dict(WEIGHTS if weights is None else weights)
        self.undated = None if undated is None else dict(undated)

    def __call__(self, query: str, cands: list[Candidate], filters: Filters) -> list[Candidate]:
        """``cands`` best first by their weighted features (ties keep the fused order)."""
        w = self.weights if filters.until is not None else self.undated
        if w is None:
            return list(cands)
        scores = [self.score(f, w) for f in features(query, cands, filters)]
        order = sorted(range(len(cands)), key=lambda i: (-scores[i], cands[i].rank))
        return [cands[i] for i in order]

    @staticmethod
    def score(feats: dict[str, float], weights: dict[str, float]) -> float:
        """The weighted sum of one candidate's features."""
        return sum(weights.get(k, 0.0) * v for k, v in feats.items())
