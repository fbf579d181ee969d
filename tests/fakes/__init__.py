"""Local stand-ins for hosted services, speaking their real wire protocols.

``tests/`` is on ``sys.path`` when pytest runs (``tests/conftest.py`` puts it there), so
tests import these as ``from fakes.llm_server import FakeLLMServer, Reply``.
"""
