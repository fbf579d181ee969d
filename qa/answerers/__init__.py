"""Answerers: turn a question and retrieved passages into a cited answer.

``extractive`` (no LLM: picks supporting sentences), ``llm`` (a LangChain chat model with
the prompts of ``prompts`` and the reply checks of ``replies``) and ``support`` (is each
answer sentence backed by the passage it cites?). The :class:`qa.protocols.Answerer`
protocol is what the desk needs from one.
"""

#: What an answerer says when the passages do not answer the question (an LLM must reply
#: exactly this; the extractive answerer adds the question after it).
ABSTAIN = "The articles don't say."
