# One command set for people and CI. Every target installs what it needs first.
VENV  := .venv
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST  ?= 127.0.0.1
PORT  ?= 8000
GRAPHIQL        := web/graphiql
GRAPHIQL_ASSETS := src/idv_gateway/http/graphiql/assets/manifest.json

.PHONY: install conformance-deps test lint format run bench clean

install: $(STAMP) $(GRAPHIQL_ASSETS)

# Pinned versions live in requirements.lock; the project itself is installed editable.
$(STAMP): pyproject.toml requirements.lock
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# GraphiQL's browser files, from the npm packages pinned in web/graphiql, copied into the
# Python package so the gateway serves them itself (no CDN; works offline).
$(GRAPHIQL_ASSETS): $(GRAPHIQL)/package.json $(GRAPHIQL)/package-lock.json scripts/build_graphiql.py
	cd $(GRAPHIQL) && npm ci --no-audit --no-fund --loglevel=error
	python3 scripts/build_graphiql.py

# Real clients for tests/conformance: npm packages from the committed lock, and Debian's
# chromium for GraphiQL (nothing may download a browser at run time); CHROMIUM_PATH names
# another, already installed Chromium. Quick once installed.
CONFORMANCE := tests/conformance
NPM_STAMP   := $(CONFORMANCE)/node_modules/.installed
CHROMIUM    := $(or $(CHROMIUM_PATH),/usr/bin/chromium)
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

conformance-deps: $(NPM_STAMP) $(CHROMIUM)

$(NPM_STAMP): $(CONFORMANCE)/package.json $(CONFORMANCE)/package-lock.json
	cd $(CONFORMANCE) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		chromium fonts-liberation curl

test: install conformance-deps
	$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

run: install
	$(VENV)/bin/idv-gateway serve --host $(HOST) --port $(PORT)

bench: install
	$(PY) -m benchmarks.run

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis \
		$(CONFORMANCE)/node_modules $(GRAPHIQL)/node_modules \
		src/idv_gateway/http/graphiql/assets artifacts
