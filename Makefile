# Keepword: `make run` serves the demo, `make test` checks everything. Both start from nothing.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
KEEPWORD_DATA_DIR ?= var
export KEEPWORD_DATA_DIR

.PHONY: run install install-dev install-bench test lint typecheck layers test-sqlite test-postgres bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The stamps re-run pip only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

# The benchmarks compare against other libraries (dateparser, ctparse, VADER): the bench extra.
$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@ $(VENV)/.installed-dev $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev
install-bench: $(VENV)/.installed-bench

run: install
	$(BIN)/keepword db upgrade
	$(BIN)/keepword demo --if-empty
	@echo
	@echo "  Keepword: http://$${KEEPWORD_HOST:-127.0.0.1}:$${KEEPWORD_PORT:-8000}/"
	@echo "  Demo login: user 'demo', password 'keepword-demo'"
	@echo
	$(BIN)/keepword serve

lint: install-dev
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/ruff format --check src tests scripts bench

typecheck: install-dev
	$(BIN)/mypy

layers: install-dev
	$(BIN)/lint-imports

# Both runs spread the tests over the machine's cores (pytest-xdist, one database each).
TEST_WORKERS ?= auto

test-sqlite: install-dev
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS)

test-postgres: install-dev
	$(BIN)/python scripts/test_on_postgres.py -- -q -n $(TEST_WORKERS) tests/integration tests/e2e

test: lint typecheck layers test-sqlite test-postgres

bench: install-bench
	$(BIN)/python bench/audit_throughput.py
	$(BIN)/python bench/promise_time.py
	$(BIN)/python bench/import_rate.py
	$(BIN)/python bench/trust_index.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
