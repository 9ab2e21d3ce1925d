# Two entry points: `make run` (the studio on http://localhost:8000) and `make test` (everything CI runs).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed

.PHONY: run test setup web api-types system-deps lint format bench clean

run: setup web
	$(VENV)/bin/vtrack serve --host $${VTRACK_HOST:-127.0.0.1} --port $${VTRACK_PORT:-8000}

test: setup web system-deps
	$(VENV)/bin/ruff check vtrack tests bench
	$(VENV)/bin/ruff format --check vtrack tests bench
	cd web && npm run --silent typecheck && npm run --silent test
	$(PY) -m pytest -q -ra
	cd web && npm run --silent e2e

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[embedded,queue,demucs,sam2,dev]'
	# mediapipe's own requirements pull jax and a GUI OpenCV, demucs's pull hub clients; neither
	# needs them to run here.
	$(PIP) install -q --no-deps mediapipe==0.10.14 demucs==4.1.0
	# sam2 1.1.0 is an sdist: built against the torch above, without its optional CUDA extension.
	SAM2_BUILD_CUDA=0 $(PIP) install -q --no-build-isolation --no-deps sam2==1.1.0
	touch $@

web: vtrack/api/static/index.html

vtrack/api/static/index.html: $(shell find web/src web/index.html web/package.json -type f 2>/dev/null)
	cd web && (test -d node_modules || npm ci --no-audit --no-fund) && npm run --silent build
	rm -rf vtrack/api/static && cp -r web/dist vtrack/api/static

# The web client's API types, made from the server's OpenAPI schema (run after changing an endpoint
# or a response model; tests/api/test_openapi_client.py fails while the checked-in file is stale).
API_TYPES := web/src/lib/api-schema.ts
api-types: setup
	cd web && (test -d node_modules || npm ci --no-audit --no-fund)
	set -o pipefail; $(PY) -m vtrack.api.openapi | node web/scripts/gen-api-types.mjs > $(API_TYPES).tmp
	mv $(API_TYPES).tmp $(API_TYPES)

# Test-only system packages: a real browser, a real Redis, real recorded music samples.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	test -d /usr/share/sonic-pi/samples || missing="$$missing sonic-pi-samples"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

lint:
	$(VENV)/bin/ruff check vtrack tests bench && $(VENV)/bin/ruff format --check vtrack tests bench

format:
	$(VENV)/bin/ruff format vtrack tests bench && $(VENV)/bin/ruff check --fix vtrack tests bench

bench: setup
	$(PY) bench/bench_pipelines.py

clean:
	rm -rf $(VENV) web/node_modules web/dist vtrack/api/static
