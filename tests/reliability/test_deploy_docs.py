"""docs/deploy.md, compose.yaml and the Dockerfile agree: compose.yaml parses, has the layout
the docs describe (one Chroma server, one PostgreSQL, app replicas, a sticky proxy), and
every image, port and variable the docs name is the one compose.yaml uses; every
``NEWSDESK_*`` variable of either is a real setting; the Chroma image follows the installed
client's version; the health checks use ``/healthz``.
"""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import yaml

from qa import Settings

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def _settings_variables() -> set[str]:
    names = {f"NEWSDESK_{f.upper()}" for f in Settings.model_fields}
    return names | {"OLLAMA_HOST", "OPENAI_API_KEY"}


def test_the_layout_the_docs_describe(compose: dict[str, Any]):
    services = compose["services"]
    assert set(services) == {"chroma", "postgres", "app", "proxy"}
    assert services["app"]["deploy"]["replicas"] >= 2
    assert services["app"]["build"] == "." and (ROOT / "Dockerfile").exists()
    assert "ports" not in services["app"]  # reached through the proxy only
    [published] = services["proxy"]["ports"]
    assert published.split(":")[1] == "80"
    nginx = compose["configs"]["nginx"]["content"]
    assert "ip_hash;" in nginx and "server app:7860;" in nginx


def test_every_image_and_port_is_named_in_the_docs(compose: dict[str, Any]):
    for name, service in compose["services"].items():
        assert f"`{service['image']}`" in DOC, (name, service["image"])
        for port in [str(p).split(":")[0] for p in service.get("ports", [])] + \
                [str(p) for p in service.get("expose", [])]:
            assert re.search(rf"\b{port}\b", DOC), (name, port)


def test_the_chroma_server_follows_the_installed_client(compose: dict[str, Any]):
    image, _, tag = compose["services"]["chroma"]["image"].partition(":")
    assert image == "chromadb/chroma"
    assert tag == version("chromadb"), "update the chroma image with the chromadb client"


def test_every_variable_is_a_setting_and_named_in_the_docs(compose: dict[str, Any]):
    env = compose["services"]["app"]["environment"]
    known = _settings_variables()
    assert set(env) <= known, set(env) - known
    for var in env:
        assert f"`{var}" in DOC, var
    named = set(re.findall(r"NEWSDESK_[A-Z_]+", DOC))
    assert named <= known, named - known
    assert env["NEWSDESK_CHROMA_URL"] == "http://chroma:8000"
    assert "@postgres:5432/" in env["NEWSDESK_DATABASE_URL"]
    assert env["NEWSDESK_HOST"] == "0.0.0.0" and {"NEWSDESK_AUTH", "NEWSDESK_API_KEY"} <= set(env)
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert f"NEWSDESK_PORT={env['NEWSDESK_PORT']}" in dockerfile
    assert f"EXPOSE {env['NEWSDESK_PORT']}" in dockerfile


def test_the_health_checks_use_healthz(compose: dict[str, Any]):
    assert "/healthz" in " ".join(compose["services"]["app"]["healthcheck"]["test"])
    assert "/healthz" in (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert compose["services"]["app"]["depends_on"]["postgres"]["condition"] == "service_healthy"
