"""Settings (vectorstore.config): the NEWSDESK_* variables, their defaults and their errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from vectorstore.config import DEFAULT_MODEL, PRIVACY_DEFAULTS, Settings
from vectorstore.errors import ConfigError


def test_unset_and_empty_variables_keep_the_defaults():
    defaults = Settings()
    assert defaults.home == Path(".newsdesk") and defaults.embed_model == DEFAULT_MODEL
    assert (defaults.chunk_tokens, defaults.chunk_overlap, defaults.k, defaults.port) == (200, 32, 5, 7860)
    assert Settings.from_env({}) == defaults
    blank = {n: "" for n in ("NEWSDESK_HOME", "NEWSDESK_EMBED_MODEL", "NEWSDESK_CHUNK_TOKENS",
                             "NEWSDESK_K", "NEWSDESK_LLM", "NEWSDESK_LLM_TIMEOUT", "OLLAMA_HOST")}
    assert Settings.from_env(blank) == defaults
    assert Settings.from_env({"NEWSDESK_K": "  ", "NEWSDESK_LLM_TIMEOUT": " "}) == defaults


def test_variables_are_read_trimmed_and_typed():
    s = Settings.from_env({
        "NEWSDESK_HOME": "~/nd", "NEWSDESK_EMBED_BACKEND": " ONNX ", "NEWSDESK_DEVICE": "CPU",
        "NEWSDESK_CHUNK_TOKENS": " 120 ", "NEWSDESK_CHUNK_OVERLAP": "0", "NEWSDESK_PORT": "8080",
        "NEWSDESK_LLM_TIMEOUT": "2.5", "NEWSDESK_HOST": " 0.0.0.0 ", "NEWSDESK_AUTH": "ann:pw",
        "OLLAMA_HOST": "http://gpu:11434 ", "NEWSDESK_ABSTAIN_THRESHOLD": "-1e3"})
    assert s.home == Path("~/nd").expanduser() and s.embed_backend == "onnx" and s.device == "cpu"
    assert (s.chunk_tokens, s.chunk_overlap, s.port) == (120, 0, 8080)
    assert s.llm_timeout == 2.5 and s.abstain_threshold == -1000.0
    assert (s.host, s.auth, s.ollama_host) == ("0.0.0.0", "ann:pw", "http://gpu:11434")


def test_the_api_key_falls_back_to_openai_api_key():
    assert Settings.from_env({"OPENAI_API_KEY": "sk-1"}).llm_api_key == "sk-1"
    assert Settings.from_env({"OPENAI_API_KEY": "sk-1", "NEWSDESK_LLM_API_KEY": "nd"}).llm_api_key == "nd"
    assert Settings.from_env({"OPENAI_API_KEY": "sk-1", "NEWSDESK_LLM_API_KEY": ""}).llm_api_key == "sk-1"


def test_only_the_exact_variable_names_count():
    env = {"newsdesk_port": "1", "Newsdesk_K": "9", "NEWSDESK_HOME_X": "/x", "LLM_API_KEY": "k"}
    assert Settings.from_env(env) == Settings()


def test_settings_arguments_never_read_the_environment(monkeypatch):
    monkeypatch.setenv("NEWSDESK_PORT", "9999")
    monkeypatch.setenv("NEWSDESK_CORPUS", "/elsewhere")
    assert Settings().port == 7860 and Settings().corpus == ""
    assert Settings.from_env().port == 9999 and Settings.from_env().corpus == "/elsewhere"


@pytest.mark.parametrize(("env", "message"), [
    ({"NEWSDESK_CHUNK_TOKENS": "abc"}, "NEWSDESK_CHUNK_TOKENS='abc' is not a whole number: set it to e.g. 200"),
    ({"NEWSDESK_CHUNK_TOKENS": "8"}, "NEWSDESK_CHUNK_TOKENS=8 is too small: it must be at least 16"),
    ({"NEWSDESK_CHUNK_OVERLAP": "-1"}, "NEWSDESK_CHUNK_OVERLAP=-1 is too small: it must be at least 0"),
    ({"NEWSDESK_K": "1.5"}, "NEWSDESK_K='1.5' is not a whole number: set it to e.g. 5"),
    ({"NEWSDESK_PORT": "0"}, "NEWSDESK_PORT=0 is too small: it must be at least 1"),
    ({"NEWSDESK_LLM_TIMEOUT": "soon"}, "NEWSDESK_LLM_TIMEOUT='soon' is not a number: set it to e.g. 60.0"),
    ({"NEWSDESK_LLM_TIMEOUT": "0"}, "NEWSDESK_LLM_TIMEOUT=0.0 must be more than 0 seconds"),
    ({"NEWSDESK_CHUNK_TOKENS": "300"}, "NEWSDESK_CHUNK_TOKENS=300: the model reads at most 256"),
    ({"NEWSDESK_CHUNK_TOKENS": "32", "NEWSDESK_CHUNK_OVERLAP": "32"},
     "NEWSDESK_CHUNK_OVERLAP (32) must be smaller than NEWSDESK_CHUNK_TOKENS (32)"),
    ({"NEWSDESK_DEVICE": "tpu"}, "NEWSDESK_DEVICE='tpu' is unknown: use auto, cpu or cuda"),
    ({"NEWSDESK_CHROMA_URL": "localhost:8000"}, "must look like http://127.0.0.1:8000"),
    ({"NEWSDESK_LLM": "gpt4"}, "NEWSDESK_LLM='gpt4' is not understood"),
    ({"NEWSDESK_AUTH": "ann"}, "NEWSDESK_AUTH must be user:password"),
])
def test_a_bad_variable_is_a_config_error_naming_it_and_the_fix(env, message):
    with pytest.raises(ConfigError) as e:
        Settings.from_env(env)
    assert message in str(e.value)


def test_with_applies_changes_validated_and_ignores_none():
    s = Settings().with_(home="/tmp/nd", port=None, llm="openai:m")
    assert s.home == Path("/tmp/nd") and s.port == 7860 and s.llm == "openai:m"
    assert Settings().with_() == Settings()
    with pytest.raises(ConfigError, match="NEWSDESK_CHUNK_OVERLAP"):
        s.with_(chunk_tokens=20, chunk_overlap=20)
    with pytest.raises(ConfigError, match="NEWSDESK_PORT='eighty'"):
        s.with_(port="eighty")
    with pytest.raises(TypeError, match="no field 'colour'"):
        s.with_(colour="red")


def test_settings_are_frozen_and_hashable():
    s = Settings()
    with pytest.raises(ValidationError):
        s.port = 1  # type: ignore[misc]
    assert hash(s) == hash(Settings()) and s == Settings() and s != s.with_(k=6)


def test_importing_the_settings_sets_no_environment_variable():
    env = {k: v for k, v in os.environ.items() if k not in PRIVACY_DEFAULTS}
    code = ("import os, sys; before = dict(os.environ); import vectorstore.config, "
            "vectorstore.store, vectorstore.ingest, vectorstore.embedding; "
            "sys.exit(0 if dict(os.environ) == before else 1)")
    assert subprocess.run([sys.executable, "-c", code], env=env).returncode == 0
    code = ("import os; from vectorstore.config import apply_privacy_defaults as a; a(); "
            "print(os.environ['ANONYMIZED_TELEMETRY'], os.environ['ORT_DISABLE_TELEMETRY'])")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.split() == ["False", "1"]
