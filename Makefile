# Giảm nghèo bền vững – the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup install migrate demo lint typecheck format worker beat services \
        services-stop browser-deps smoke lock messages clean bench

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --disable-pip-version-check -r requirements.lock 2>&1 \
	  | { grep -v '^WARNING: Location' || true; }; test $${PIPESTATUS[0]} -eq 0
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	@$(PY) manage.py migrate --noinput -v 0

setup: migrate
	@$(PY) manage.py load_reference_data
	@$(PY) manage.py load_demo_data

## make run: install, migrate, load reference and demo data, print logins, serve on :8000
run: setup
	@echo "Mở http://$(HOST):$(PORT)/ (Ctrl+C để dừng)"
	@$(PY) manage.py runserver $(HOST):$(PORT)

## make test: install, make the browser available when possible, run the whole suite.
## Locally the test database is kept between runs (--reuse-db: pending migrations are still
## applied; PYTEST_ARGS=--create-db rebuilds it); CI (CI=true) always builds a fresh one.
## Two worker processes (pytest-xdist), each with its own test database and cache keys;
## TEST_WORKERS=0 runs in one process.
TEST_DB := $(if $(CI),--create-db,--reuse-db)
TEST_WORKERS ?= 2
test: install browser-deps
	@$(PY) -m pytest -n $(TEST_WORKERS) $(TEST_DB) $(PYTEST_ARGS)

# Headless Chromium (Debian's) and axe-core for the browser tests. Installed when missing and
# possible (root on Debian, npm present); otherwise those tests are skipped with the reason.
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Cài Chromium (Debian) cho kiểm thử trình duyệt..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "Không cài được Chromium: bỏ qua kiểm thử trình duyệt"; fi
	@if [ -f package-lock.json ] && [ ! -d node_modules/axe-core ] && command -v npm >/dev/null; then \
	  npm ci --silent --no-audit --no-fund >/dev/null || echo "npm ci thất bại: bỏ qua kiểm tra axe"; fi

## make lint: ruff (style, format) and the import contracts (pyproject.toml [tool.importlinter])
lint: install
	@$(PY) -m ruff check .
	@$(PY) -m ruff format --check .
	@$(VENV)/bin/lint-imports --no-cache

## make typecheck: mypy over every app's rules, selectors and services (pyproject.toml [tool.mypy])
typecheck: install
	@$(VENV)/bin/mypy

format: install
	@$(PY) -m ruff format .
	@$(PY) -m ruff check --fix .

## A real Celery worker and beat against Redis (set CELERY_BROKER_URL, e.g. by `make services`)
worker: migrate
	@$(VENV)/bin/celery -A config worker -l info --concurrency 2

beat: migrate
	@$(VENV)/bin/celery -A config beat -l info

## Local PostgreSQL and Redis on loopback (Debian), for those who have none; prints the variables
services:
	@bash scripts/services.sh start

services-stop:
	@bash scripts/services.sh stop

## Embedded default smoke test: a fresh SQLite database, migrations, data, a served login page
smoke: install
	@bash scripts/smoke.sh

messages: install
	@$(PY) manage.py makemessages -l en --no-obsolete -i ".venv/*" -i "node_modules/*"
	@$(PY) manage.py makemessages -d djangojs -l en --no-obsolete -i ".venv/*" -i "node_modules/*" -i "staticfiles/*"
	@$(PY) manage.py compilemessages -l en

## Regenerate requirements.lock from pyproject.toml in a scratch environment
lock:
	@rm -rf /tmp/giamngheo-lock && $(PYTHON) -m venv /tmp/giamngheo-lock
	@/tmp/giamngheo-lock/bin/pip install -q ".[dev]"
	@(echo "# Exact versions installed by make (pip install -r requirements.lock). Regenerate with make lock."; \
	  /tmp/giamngheo-lock/bin/pip freeze --exclude giamngheo) > requirements.lock

clean:
	rm -rf $(VENV) staticfiles .pytest_cache var/test-media
