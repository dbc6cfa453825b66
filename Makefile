# kmpress — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy

.PHONY: run serve install install-dev system-deps browser varnish compose-cli bench-deps lighthouse fonts messages test lint format bench clean

## run: install, migrate, load demo content and serve http://127.0.0.1:8000 (SQLite)
run: install messages
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo --admin
	$(MANAGE) prepare_renditions
	@echo
	@echo "  kmpress is starting on http://$(HOST):$(PORT)/"
	@echo "  Admin: http://$(HOST):$(PORT)/admin/  login: admin  password: changeme"
	@echo
	$(MANAGE) runserver $(HOST):$(PORT)

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

## install: the pinned runtime dependencies from uv.lock
install: $(UV) system-deps
	$(UV) sync --frozen --no-dev --inexact --python $(PYTHON)

install-dev: $(UV) system-deps
	$(UV) sync --frozen --python $(PYTHON)

# gettext compiles the catalogues; apt is used only when it is missing.
system-deps:
	@command -v msgfmt >/dev/null || { \
		echo "Installing gettext (apt)…"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; }

# Debian's Chromium drives the browser tests (Playwright's own download fails here).
browser:
	@command -v chromium >/dev/null || { \
		echo "Installing Chromium (apt)…"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

# Varnish sits in front of two gunicorns in the production-shape tests (tests/stack).
varnish:
	@command -v varnishd >/dev/null || [ -x /usr/sbin/varnishd ] || { \
		echo "Installing Varnish (apt)…"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq varnish >/dev/null; }

# tests/test_deployment.py parses docker-compose.yml with a real compose CLI
# (`config` needs no Docker daemon): Debian's docker-compose when none is there.
compose-cli:
	@command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1 || { \
		echo "Installing docker-compose (apt)…"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null; }

# The page benchmark drives load with Debian's wrk.
bench-deps:
	@command -v wrk >/dev/null || { \
		echo "Installing wrk (apt)…"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

# Lighthouse (npm) for `make bench BENCH=lighthouse`, run on Debian's Chromium.
LIGHTHOUSE := $(TOOLS)/lighthouse/node_modules/.bin/lighthouse
$(LIGHTHOUSE):
	npm install --prefix $(TOOLS)/lighthouse --no-audit --no-fund --save-exact lighthouse@13.5.0

lighthouse: browser $(LIGHTHOUSE)

## fonts: rebuild the four web-font files from Fontsource (site_project/webfonts.py)
fonts: install-dev
	npm install --prefix $(TOOLS)/fontsource --no-audit --no-fund --save-exact \
		@fontsource/pt-serif@5.3.0 @fontsource/pt-sans@5.3.0
	$(PY) -m site_project.webfonts

messages:
	$(MANAGE) compilemessages --ignore=.venv --ignore=.tools -v0

# Search quality is defined on every database: when the suite ran on
# DATABASE_URL (PostgreSQL in CI), these run once more on the embedded SQLite.
SEARCH_QUALITY = tests/test_search_morphology.py tests/test_search_page.py \
	tests/test_search_bad_input.py

# The suite runs in TEST_WORKERS pytest-xdist processes, a test file each at a
# time; `make test PYTEST_ARGS="-n0"` runs it in this one process instead.
TEST_WORKERS ?= 2
PARALLEL = -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder
# The slowest tests and set-ups close every run's report: where time goes.
DURATIONS = --durations=30 --durations-min=5

## test: lint, migration and catalogue checks, then the whole pytest suite
test: install-dev browser varnish compose-cli messages lint
	DJANGO_SETTINGS_MODULE=site_project.settings.test $(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PARALLEL) $(DURATIONS) $(PYTEST_ARGS)
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "Search quality once more on SQLite (the suite ran on DATABASE_URL)"; \
		env -u DATABASE_URL $(VENV)/bin/pytest --create-db -q $(SEARCH_QUALITY); \
	fi

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## bench: benchmarks (never part of the test suite)
bench: install-dev bench-deps varnish lighthouse messages
	$(PY) -m tests.bench $(BENCH)

clean:
	rm -rf $(VENV) $(TOOLS) staticfiles tests/.media tests/artifacts
