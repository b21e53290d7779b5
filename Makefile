# enrich-once — `make help` lists the targets. `make run` and `make test` work on a fresh
# machine: they install what they need (venv; Debian pgTAP + pg_prove for the tests) and use
# a private PostgreSQL cluster under .pgdata/ unless DATABASE_URL is set.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

venv: $(STAMP) ## Create the virtualenv with the project and its dev tools

system-deps: ## Install Debian's pgTAP, pg_prove, PgBouncer (pooler tests), Chromium (dashboard tests) when missing
	@if [ ! -f /usr/share/postgresql/15/extension/pgtap.control ] || ! command -v pg_prove >/dev/null \
	    || [ ! -x /usr/sbin/pgbouncer ] || [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl pgbouncer \
	    chromium chromium-driver >/dev/null; \
	fi

db-up: venv ## Start the private PostgreSQL cluster (.pgdata/) and print its URL
	@$(BIN)/enrich db up

db-down: venv ## Stop the private PostgreSQL cluster
	@$(BIN)/enrich db down

migrate: venv ## Apply migrations and re-apply sql/ (idempotent)
	$(BIN)/enrich db migrate

run: venv ## The main job on built-in defaults: examples/people.csv through the Clay simulator
	$(BIN)/enrich db migrate
	$(BIN)/enrich run examples/people.csv --pipeline company

test: test-sql test-py ## Everything CI runs: pgTAP suite (pg_prove) and pytest

test-sql: venv system-deps ## pgTAP suite only
	$(BIN)/python tests/pgtap/run.py

# pytest in PYTEST_WORKERS processes (pytest-xdist; the tests mostly wait on servers), then
# the tests marked `alone` (they restart PostgreSQL or time latencies) by themselves
PYTEST_WORKERS ?= 3
test-py: venv system-deps ## pytest only
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) -m "not alone"
	$(BIN)/python -m pytest -q -m alone

lint: venv ## ruff lint + format check
	$(BIN)/ruff check pyworker tests scripts bench
	$(BIN)/ruff format --check pyworker tests scripts bench

soak: venv ## Minutes of faults (workers killed -9, PostgreSQL restarted); nothing lost (SOAK_ARGS=...)
	$(BIN)/python -m pyworker.testing.soak $(SOAK_ARGS)

soak-short: venv ## The reduced soak CI runs after make test: 2,000 rows, frequent kills and restarts (about a minute)
	$(BIN)/python -m pyworker.testing.soak --rows 2000 --workers 3 --minutes 4 --kills-per-minute 12 --restarts-per-minute 6

BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	touch $@

bench: $(BENCH_STAMP) ## Benchmarks side by side with the alternatives (BENCH=ingest,... QUICK=1); not part of test
	$(BIN)/python -m bench $(if $(BENCH),--only $(BENCH)) $(if $(QUICK),--quick)

schema-dump: venv ## Rewrite schema/enrich.sql from a fresh migrate (commit the result)
	$(BIN)/python -m pyworker.testing.schema_dump --write

.PHONY: help venv system-deps db-up db-down migrate run test test-sql test-py lint schema-dump bench soak soak-short
