# Newsdesk: `make run` starts the app on the bundled corpus, `make test` runs every test.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False
export ORT_DISABLE_TELEMETRY := 1

.PHONY: setup run test test-fast lint gate bench browser clean

setup: $(VENV)/.installed

# torch is installed first and pinned: the CPU wheel, never a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[test]' torch==2.13.0
	touch $@

run: setup
	$(PY) app.py

# Debian's chromium for the browser tests and PostgreSQL for the catalog tests (needs root;
# the tests skip without them).
browser:
	@if { [ ! -x /usr/bin/chromium ] || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } \
		&& [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
			fonts-liberation postgresql >/dev/null; \
	fi

test: setup browser
	$(PY) -m pytest -q

test-fast: setup
	$(PY) -m pytest -q -m "not browser and not slow"

lint: setup
	$(VENV)/bin/ruff check qa vectorstore web app.py tests bench
	$(VENV)/bin/mypy

gate: setup
	bash bench/quality_gate.sh

bench: setup
	$(PY) -m pip install -q --no-deps langchain-huggingface langchain-chroma langchain-text-splitters openvino
	$(PY) -m bench.run_all

clean:
	rm -rf $(VENV) .newsdesk .pytest_cache .mypy_cache .ruff_cache test-artifacts
