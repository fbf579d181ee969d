"""The numbers the extractive answerer decides by, in one place.

Every weight, bonus, penalty and threshold of the sentence score, the re-ranker, the
evidence score and the composer is a field of :class:`Weights`; the defaults are the
calibrated values (``bench/calibrate_abstention.py`` sets ``threshold``). Pass another
``Weights`` to :class:`~qa.answerers.extractive.ExtractiveAnswerer` to try other values.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_THRESHOLD = 0.38
"""Evidence score under which the answerer abstains (see ``bench/calibrate_abstention.py``).
Re-set 2026-11-29 once number and day questions must be answered by a number or day of the
asked shape bound to the question's words (``number_untyped``): swept from 0.33 to 0.39 on
the realtimeqa tune half, the archive set and the bundled set, 0.38 is the lowest that keeps
the archive set's abstention recall at 0.70 with precision 0.96, and the bundled set's
precision and recall at 0.92 and 1.00 (0.39: 0.80 and 1.00); held-back accuracy is the same
from 0.33 to 0.39."""


@dataclass(frozen=True)
class Weights:
    """Weights and thresholds of the extractive answerer (defaults: today's calibration).

    Sentence score: ``coverage`` x the sentence's share of the question's weighted terms
    (terms it inherits from a neighbour that continues it count ``context_share``) +
    ``passage_coverage`` x its passage's share + ``passage_cosine`` x the passage's cosine
    similarity + ``rank_bonus / (1 + passage rank)``, plus the bonuses below, minus
    ``short_penalty`` under ``short_words`` words and ``long_penalty`` over ``long_words``.

    Evidence score (abstain under ``threshold``): ``ev_coverage`` x the best sentence's
    coverage + ``ev_passage_coverage`` x its passage's + ``ev_passage_cosine`` x the
    passage's cosine + ``ev_similarity`` x the sentence's own similarity, then the
    ``typed_*`` adjustment and the multiplying penalties below.
    """

    threshold: float = DEFAULT_THRESHOLD
    """Evidence score under which the answerer abstains."""

    # -- choosing the sentence --------------------------------------------------------------
    typed_margin: float = 0.15
    """How much lower (at least; ``typed_margin_share`` of the best score when more) a
    sentence holding an answer of the asked type may score than the best sentence and still
    be preferred to it."""
    typed_margin_share: float = 0.35
    typed_bonus: float = 0.12
    """Score added to a sentence holding an answer of the asked type."""
    entity_bonus: float = 0.06
    """The same for "which <agency, team, show...>": a name there (names are found by shape,
    so this is a weaker sign than a date or a number)."""
    entity_margin: float = 0.15

    vote_bonus: float = 0.2
    """x the share of the top answer's votes that a sentence's answer holds (:mod:`.votes`)."""
    vote_pool: int = 15
    """The best sentences that vote..."""
    vote_margin: float = 0.3
    """...scoring within this of the best."""
    headlines: bool = True
    """Each article's headline is a candidate sentence too (news headlines state the main
    fact: "Colorado Avalanche win first Stanley Cup title since 2001")."""

    # -- re-ranking by embedding similarity ---------------------------------------------------
    rerank: int = 4
    """At most this many of the lexically best sentences are embedded and compared with the
    question (with the chosen sentence always: its similarity is part of the evidence)."""
    tie: float = 0.08
    """Sentences scoring within this of the best are re-ranked by similarity."""
    sim_weight: float = 0.15
    """Weight of a re-ranked sentence's similarity (less the pool's mean) in its score."""
    embed_words: int = 80
    """Words of each text embedded."""

    # -- the sentence score ------------------------------------------------------------------
    coverage: float = 0.55
    passage_coverage: float = 0.2
    passage_cosine: float = 0.25
    context_share: float = 0.5
    rank_bonus: float = 0.03
    short_words: int = 5
    short_penalty: float = 0.1
    long_words: int = 60
    long_penalty: float = 0.05
    scene_place: float = 0.05
    """Added to a sentence naming the place the question sets its scene in ("in the US")."""
    echo_penalty: float = 0.2
    """Taken off a sentence that asks a question or only repeats the question."""
    reason_bonus: float = 0.05
    """A "why" question: a sentence giving a reason ("because", "after", "amid")..."""
    reason_after_term_bonus: float = 0.05
    """...and again when the reason follows a question term ("suspended after ...")."""
    naming_bonus: float = 0.06
    """"What is X called": a sentence naming something ("so-called", "dubbed")."""
    quote_bonus: float = 0.08
    """"What did X say": a sentence quoting X."""
    fit_bonus: float = 0.15
    """x how well a person in the sentence fits the asked country and role (-2..2)."""
    relative_bonus: float = 0.25
    """"The day before X": a sentence dating something that day..."""
    relative_coverage: float = 0.3
    """...and the coverage it gains."""

    # -- the evidence score ------------------------------------------------------------------
    ev_coverage: float = 0.4
    ev_passage_coverage: float = 0.15
    ev_passage_cosine: float = 0.2
    ev_similarity: float = 0.25
    typed_found: float = 0.05
    """Added when an answer of the asked type was found (or a name, a dated event)."""
    typed_missing: float = 0.08
    """Subtracted when a typed question got no typed answer."""
    missing_names: float = 0.6
    """x the share of the question's names that no passage mentions, taken off."""
    unbound_names: float = 0.3
    """x the share of the question's names that the answer's article (its retrieved
    passages and its title) does not mention, taken off (it is about something else)."""
    unnamed_phrase: float = 0.6
    """x when the answer's article never names a name of several words the question names
    ("Tour de France"), not even two of its words together."""
    off_topic: float = 0.75
    """x when none of the question's own words is in the sentence..."""
    off_topic_words: int = 1
    """...and the question has at least this many own (not name) words."""
    off_topic_similarity: float = 0.55
    """...unless the sentence's similarity reaches this."""
    unquoted: float = 0.5
    """x when "what did X say" gets a sentence that does not quote X."""
    unquoted_role: float = 0.6
    """x when "what did the German chancellor say" gets nobody such quoted."""
    other_year: float = 0.6
    """x when the question's year is not the sentence's."""
    strict_untyped: float = 0.7
    """x when a question naming its answer's unit, class or day gets no such answer."""
    identity_untyped: float = 0.6
    """x when "who is the Russian foreign minister" finds nobody fitting."""
    number_untyped: float = 0.5
    """x when a "how many/how old/when" question gets no number or day of the asked shape,
    or one with none of the question's own words around it (it belongs to something else)."""

    # -- composing the answer ----------------------------------------------------------------
    max_words: int = 60
    """Longest answer (words) made of two sentences; a sentence over ``max_words`` +
    ``shorten_slack`` words is cut to ``max_words``."""
    shorten_slack: int = 10
    second_share: float = 0.9
    """A second, separate sentence joins when it scores this share of the best..."""
    second_coverage: float = 0.5
    """...and covers at least this much of the question."""


#: Today's calibration.
DEFAULT_WEIGHTS = Weights()
