"""The extractive answerer: no LLM, picks supporting sentences, abstains on weak evidence.

Modules: ``answerer`` (:class:`ExtractiveAnswerer`), ``weights`` (:class:`Weights`, every
number it decides by), ``scoring`` (sentence scores, evidence), ``rerank`` (embedding
similarity), ``context`` (the passages of one question), ``phrases`` (typed answer
phrases), ``cues`` (quoting, naming, continuing), ``compose`` (the answer text and its
citations). Question analysis lives in :mod:`qa.text.analysis`.
"""

from qa.answerers import ABSTAIN
from qa.answerers.extractive.answerer import ExtractiveAnswerer
from qa.answerers.extractive.weights import DEFAULT_THRESHOLD, Weights

__all__ = ["ABSTAIN", "DEFAULT_THRESHOLD", "ExtractiveAnswerer", "Weights"]
