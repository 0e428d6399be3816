# Giảm nghèo bền vững – the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup install migrate demo lint typecheck format worker beat services \
        services-stop browser-deps smoke lock messages clean bench \
        serve deploy-check upgrade backup restore prod-smoke

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

## Production (see README, "Running it for a province"). The environment file is read when present.
ENV_FILE ?= /etc/giamngheo/giamngheo.env
PROD_ENV = set -a; [ ! -f "$(ENV_FILE)" ] || . "$(ENV_FILE)"; set +a; \
  export DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-config.settings.production};

## make deploy-check: is this environment ready to serve? Plain words for each thing wrong
deploy-check: install
	@$(PROD_ENV) $(PY) manage.py deploy_check

## make upgrade: migrate, collect static files, reload the web server gracefully
upgrade: install
	@$(PROD_ENV) $(PY) manage.py migrate --noinput
	@$(PROD_ENV) $(PY) manage.py collectstatic --noinput -v 0
	@$(PROD_ENV) $(PY) manage.py load_reference_data
	@if systemctl is-active --quiet giamngheo-web 2>/dev/null; then \
	  systemctl reload giamngheo-web && systemctl restart giamngheo-worker giamngheo-beat; \
	  echo "Đã nạp lại giamngheo-web, khởi động lại worker và beat"; \
	elif [ -n "$$GUNICORN_PID_FILE" ] && [ -f "$$GUNICORN_PID_FILE" ]; then \
	  kill -HUP "$$(cat "$$GUNICORN_PID_FILE")" && echo "Đã nạp lại gunicorn"; \
	else echo "Không thấy máy chủ đang chạy: khởi động bằng systemctl start giamngheo-web"; fi

## make serve: the production server (gunicorn) in the foreground, with the environment file
serve: install
	@$(PROD_ENV) $(VENV)/bin/gunicorn -c deploy/gunicorn.conf.py

backup: install
	@$(PROD_ENV) $(PY) manage.py backup_create

## make restore [BACKUP=path]: replaces the database and the media directory (asks for --yes)
restore: install
	@$(PROD_ENV) $(PY) manage.py backup_restore $(BACKUP) $(if $(YES),--yes)

## The production smoke test: gunicorn, a worker and beat against PostgreSQL and Redis
prod-smoke: install
	@bash scripts/prod_smoke.sh

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
	@$(PY) manage.py compilemessages -l en -l vi

## Regenerate requirements.lock from pyproject.toml in a scratch environment
lock:
	@rm -rf /tmp/giamngheo-lock && $(PYTHON) -m venv /tmp/giamngheo-lock
	@/tmp/giamngheo-lock/bin/pip install -q ".[dev]"
	@(echo "# Exact versions installed by make (pip install -r requirements.lock). Regenerate with make lock."; \
	  /tmp/giamngheo-lock/bin/pip freeze --exclude giamngheo) > requirements.lock

clean:
	rm -rf $(VENV) staticfiles .pytest_cache var/test-media
