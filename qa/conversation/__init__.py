"""Rewriting follow-up questions into standalone ones.

With no LLM the rewrite is rule-based: the names of earlier turns (questions and answers,
read by :func:`~qa.conversation.memory.spot`, the one entity reader) stand in for the
pronouns that agree with them ("she" a woman, "it" a thing, "they" a group; "the two
leaders" the two latest people; "there" the latest place), unless the question binds a
pronoun itself ("What did Time Warner say about *its* profits?"); elliptical follow-ups
("And Lavrov?") take the previous question's frame. With an LLM,
:func:`qa.answerers.llm.rewrite_question` does it; the rules are the fallback.

:mod:`.memory` finds what earlier turns mention and what each pronoun means;
:mod:`.rewrite` puts it into the question.
"""

from qa.conversation.memory import spot
from qa.conversation.rewrite import QuestionRewriter, rewrite

__all__ = ["QuestionRewriter", "rewrite", "spot"]
