# The two commands of the README: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 2
# Development only: fills in DATABASE_URL (an embedded PostgreSQL) and REDIS_URL (the local Redis, or
# off) when the environment has none, then runs the command. Settings themselves read the environment only.
LOCAL := $(BIN)/python -m core.local_services

.PHONY: run manage stop test test-latest lint format check-migrations openapi bench bench-tenants install worker fuzz

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $@

# A local .env for development: DEBUG on and a fresh random SECRET_KEY.
.env:
	$(PYTHON) -c "import re, secrets; t = open('.env.example').read(); \
	t = re.sub(r'(?m)^SECRET_KEY=.*$$', 'SECRET_KEY=' + secrets.token_urlsafe(50), t); \
	t = re.sub(r'(?m)^DEBUG=.*$$', 'DEBUG=true', t); open('.env', 'w').write(t)"

# migrate, the demo, then granian and (with Redis) a Celery worker with the beat schedule, all
# stopped by one Ctrl-C (core/devserver.py). PORT=8711 make run serves on another port.
run: install .env
	@$(LOCAL) $(BIN)/python -m core.devserver --port $(PORT) --workers $(WORKERS)

# Any manage.py command with the development services `make run` uses (the embedded PostgreSQL
# when DATABASE_URL is not set): make manage ARGS="migrate_tenants --status". manage.py itself
# does the same when run from a set-up checkout, so `python manage.py ...` works as well.
manage: install
	@$(LOCAL) $(BIN)/python manage.py $(ARGS)

# The embedded PostgreSQL (.data/postgres), if one is running; `make run` and `make test` stop the
# one they started when they end. To start from scratch: `make stop && rm -rf .data/postgres`.
stop:
	@test -x $(BIN)/python && $(BIN)/python -m core.local_services --stop || true

# More Celery workers, beside `make run` (whose worker runs the beat schedule: this one does not,
# so tasks are never scheduled twice).
worker: install
	$(LOCAL) $(BIN)/celery -A core worker -l info

# The suite in parallel, then the API fuzzing (schemathesis needs one process).
test: install
	DEV_REDIS_DB=0 $(LOCAL) $(BIN)/pytest -m "not fuzz"
	DEV_REDIS_DB=0 $(LOCAL) $(BIN)/pytest -m fuzz -n 0 core/tests/test_fuzz.py

# The whole suite on the newest releases of the direct dependencies (requirements-latest.txt),
# in .venv-latest; what it installed is printed first. See the README's "Upgrade drill".
test-latest:
	test -x .venv-latest/bin/python || $(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip install -q --upgrade pip
	.venv-latest/bin/python -m pip install -q --upgrade -r requirements-latest.txt
	grep -v -E '^(-r |#|$$)' requirements-dev.txt > .venv-latest/tools.txt
	.venv-latest/bin/python -m pip install -q -r .venv-latest/tools.txt
	.venv-latest/bin/python -m pip freeze | grep -i -E "$$(grep -v -E '^(#|$$)' requirements-latest.txt | sed -E 's/[<>=\[].*//' | paste -sd'|')" || true
	DEV_REDIS_DB=0 .venv-latest/bin/python -m core.local_services .venv-latest/bin/pytest -m "not fuzz"
	DEV_REDIS_DB=0 .venv-latest/bin/python -m core.local_services .venv-latest/bin/pytest -m fuzz -n 0 core/tests/test_fuzz.py

# ruff, the import layers (.importlinter) and the product's types (mypy.ini); mypy's Django
# plugin imports the settings, which only need to be importable here.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	SECRET_KEY=lint-only DATABASE_URL=postgres://lint@127.0.0.1/lint REDIS_URL=off ENV_FILE=/dev/null $(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-migrations: install
	$(LOCAL) $(BIN)/python manage.py makemigrations --check --dry-run

# The committed OpenAPI document SPA teams generate clients from; a test keeps it equal to the
# served one. Run after changing an endpoint. Generating it needs no database.
openapi: install
	SECRET_KEY=schema-only DATABASE_URL=postgres://schema@127.0.0.1/schema REDIS_URL=off ENV_FILE=/dev/null \
		$(BIN)/python manage.py spectacular --urlconf core.urls.api_schema --validate --file openapi.yaml

# A deeper schemathesis run than the one in `make test`.
fuzz: install
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-200} $(LOCAL) $(BIN)/pytest core/tests/test_fuzz.py -n 0

# wrk drives the load when it is there (Debian's package); else Python clients, which compete harder
# with the server for the CPU.
bench: install
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		(apt-get install -y -q wrk || (apt-get update -q && apt-get install -y -q wrk)) >/dev/null 2>&1; } || \
		echo "wrk not found: the load comes from Python clients"
	$(LOCAL) $(BIN)/python -m bench

# Tenants at scale: 10,000 tenants against 10 (BENCH_TENANTS to change it); about an hour, most
# of it building the tenants. Run it in the background: `make bench-tenants > bench-tenants.log &`.
bench-tenants: install
	BENCH_TENANTS=$${BENCH_TENANTS:-10000} $(LOCAL) $(BIN)/python -m bench.tenants
