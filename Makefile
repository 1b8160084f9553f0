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

# The stamps re-run pip only when pyproject.toml changes. These installs build nothing:
# the compiled audit has a stamp of its own, below.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	KEEPWORD_COMPILE=0 $(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	KEEPWORD_COMPILE=0 $(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

# The benchmarks compare against other libraries (dateparser, ctparse, VADER): the bench extra.
$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	KEEPWORD_COMPILE=0 $(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@ $(VENV)/.installed-dev $(VENV)/.installed

# The audit compiled by mypyc (setup.py says which of its modules), built in place beside
# the sources and built again whenever a source of the audit changes; KEEPWORD_COMPILE=0
# runs the sources as they are. The stamp's name holds the choice, so that changing it
# builds again.
KEEPWORD_COMPILE ?= 1
COMPILED := $(VENV)/.compiled-$(KEEPWORD_COMPILE)

$(COMPILED): $(shell find src/keepword/audit -name '*.py') setup.py mypyc.ini | $(VENV)/.installed
	rm -f $(VENV)/.compiled-*
	find src -name '*.so' -delete
	@if [ "$(KEEPWORD_COMPILE)" != 0 ]; then echo "Compiling the audit with mypyc (about a minute)..."; fi
	KEEPWORD_COMPILE=$(KEEPWORD_COMPILE) $(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed $(COMPILED)
install-dev: $(VENV)/.installed-dev $(COMPILED)
install-bench: $(VENV)/.installed-bench $(COMPILED)

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
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
	find src -name '*.so' -delete
