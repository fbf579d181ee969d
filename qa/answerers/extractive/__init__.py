"""The extractive answerer: no LLM, picks supporting sentences, abstains on weak evidence."""

from qa.answerers.extractive.answerer import ABSTAIN, ExtractiveAnswerer, analyse_question

__all__ = ["ABSTAIN", "ExtractiveAnswerer", "analyse_question"]
