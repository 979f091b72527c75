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

.PHONY: run test lint typecheck check bench demo-data demo-large browser install lock clean

# Every Python package comes from the lock files, each checked against its hash; the project
# itself is then installed editable without dependencies, built by the locked setuptools.
LOCK := requirements/lock.txt
DEV_LOCK := requirements/dev-lock.txt
PIP_QUIET := --quiet --disable-pip-version-check

$(STAMP_PY): $(DEV_LOCK) pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install $(PIP_QUIET) --require-hashes -r $(DEV_LOCK)
	$(PIP) install $(PIP_QUIET) --no-deps --no-build-isolation -e .
	touch $@

# `make lock` after changing a pin in pyproject.toml: uv resolves for Python 3.11 on any platform
# (the image's Python), keeps every pin it need not change, and writes the dev lock (runtime + dev
# tools + build backend) and then the runtime lock (the Dockerfile's) held to the same versions.
# `make lock LOCK_FLAGS=--upgrade` moves every unpinned transitive dependency to its newest release.
LOCK_FLAGS ?=
UV_COMPILE = $(VENV)/bin/uv pip compile --quiet --universal --python-version 3.11 \
  --generate-hashes --custom-compile-command "make lock" $(LOCK_FLAGS)
lock: $(STAMP_PY)
	$(UV_COMPILE) pyproject.toml requirements/build.in --extra dev -o $(DEV_LOCK)
	$(UV_COMPILE) pyproject.toml --constraint $(DEV_LOCK) -o $(LOCK)

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

# The suite runs in pytest-xdist workers, one per core unless PYTEST_WORKERS says (0: no workers).
PYTEST_WORKERS ?= auto
test: install browser
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS)

lint: $(STAMP_PY)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest tests/portal/test_architecture.py -q -p no:cacheprovider

typecheck: $(STAMP_PY)
	$(VENV)/bin/mypy .

check: $(STAMP_PY)
	DJANGO_SETTINGS_MODULE=fps_portal.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=fps_portal.settings.production DJANGO_SECRET_KEY=$$(printf 'x%.0s' {1..64})-check-only \
	  DJANGO_ALLOWED_HOSTS=placements.example.gov.uk $(PY) manage.py check --deploy --fail-level WARNING

# The regional-scale data set (600 providers, 2,000 settings, and ten years of referrals: 50,000
# referrals, about 200,000 invitations and 60,000 responses, and the newest 20,000 awards'
# placement agreements) added to the demo's database, for trying the search and the lists at the
# size the region will have; `make run` then shows it.
demo-large: demo-data
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(PY) manage.py build_large_demo

# The benchmarks run on PostgreSQL with the large data set (built on first use): the search,
# then the referral and invitation lists (ten years of referrals), then the placements page and
# API (20,000 agreements), then the QA visit programme of the authority with the most active
# placements (issue 14), then the QA officer's monitoring list, page and API (four quarters of
# returns for those agreements), then the IPA's PDF (ms a page against a one-page reference), then the
# Ofsted import (22,000 rows against PostgreSQL's COPY of them); all run, and a missed target in
# any fails the command.
BENCH_DATABASE_URL ?= postgres://postgres@localhost:5432/fps_bench
BENCH_ENV = DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_SETTINGS_MODULE=fps_portal.settings.test
bench: install
	status=0; \
	$(BENCH_ENV) $(PY) bench/search_bench.py || status=1; \
	$(BENCH_ENV) $(PY) bench/referrals_bench.py || status=1; \
	$(BENCH_ENV) $(PY) bench/contracts_bench.py || status=1; \
	$(BENCH_ENV) $(PY) bench/quality_bench.py || status=1; \
	$(BENCH_ENV) $(PY) bench/monitoring_bench.py || status=1; \
	$(BENCH_ENV) $(PY) bench/pdf_bench.py || status=1; \
	$(BENCH_ENV) $(PY) bench/ofsted_bench.py || status=1; \
	exit $$status

# The restore drill (ops/restore_drill.py): pg_dump the database, pg_restore it into a fresh one,
# compare every table's rows, owners, privileges and triggers, and check the portal answers on
# the copy. An empty (or missing) database is first migrated and given the demo data.
RESTORE_DRILL_DATABASE_URL ?= postgres://postgres@localhost:5432/fps_drill
.PHONY: restore-drill
restore-drill: $(STAMP_PY)
	RESTORE_DRILL_DATABASE_URL=$(RESTORE_DRILL_DATABASE_URL) $(PY) ops/restore_drill.py

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles var
