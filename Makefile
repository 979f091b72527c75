# The two commands: `make run` (the demo) and `make test` (the suite). Both install what is missing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP_PY := $(VENV)/.installed
STAMP_JS := static/vendor/govuk/.built
CHROMIUM ?= /usr/bin/chromium
PORT ?= 8000
DEMO_SETTINGS := fps_portal.settings.dev
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint typecheck check bench demo-data demo-large browser install clean

$(STAMP_PY): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check --upgrade pip
	$(PIP) install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(STAMP_JS): node_modules/.package-lock.json frontend/build.mjs $(wildcard frontend/scss/*.scss)
	npm run --silent build
	touch $@

install: $(STAMP_PY) $(STAMP_JS)

# Debian's Chromium drives the browser tests; Playwright may not download its own.
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is missing: run 'sudo apt-get install chromium' (browser tests will be skipped)"; fi; }

# The demo's SQLite database and embedded broker (var/broker.sqlite3) live here; the broker's
# tables are made before the demo data queues its first e-mail (nothing to do with REDIS_URL set).
demo-data: install
	mkdir -p "$${FPS_VAR_DIR:-var}"/private
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(PY) -m fps_portal.broker
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(PY) manage.py migrate --no-input
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(PY) manage.py load_demo_data --if-empty

run: demo-data
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(PY) manage.py collectstatic --no-input -v 0
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) PORT=$(PORT) $(PY) -m fps_portal.devserver

test: install browser
	$(VENV)/bin/pytest

lint: $(STAMP_PY)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP_PY)
	$(VENV)/bin/mypy .

check: $(STAMP_PY)
	DJANGO_SETTINGS_MODULE=fps_portal.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=fps_portal.settings.production DJANGO_SECRET_KEY=$$(printf 'x%.0s' {1..64})-check-only \
	  DJANGO_ALLOWED_HOSTS=placements.example.gov.uk $(PY) manage.py check --deploy --fail-level WARNING

# The regional-scale data set (600 providers, 2,000 settings) added to the demo's database, for
# trying the search at the size the region will have; `make run` afterwards shows it.
demo-large: demo-data
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(PY) manage.py build_large_demo

# The search benchmark runs on PostgreSQL with the large data set (built on first use).
BENCH_DATABASE_URL ?= postgres://postgres@localhost:5432/fps_bench
bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_SETTINGS_MODULE=fps_portal.settings.test $(PY) bench/search_bench.py

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles var
