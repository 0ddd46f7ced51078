# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.run-installed-$(shell sha1sum pyproject.toml | cut -c1-12)
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
BENCH_STAMP := $(VENV)/.bench-installed-$(shell sha1sum pyproject.toml | cut -c1-12)
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test lint typecheck format bench install clean

# `make run` installs what running needs; `make test` adds the test and type-check tools.
$(RUN_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet .
	rm -f $(VENV)/.run-installed-* && touch $@

$(STAMP): $(RUN_STAMP)
	$(BIN)/python -m pip install --quiet ".[test]"
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

run: $(RUN_STAMP)
	scripts/run-demo.sh

# Lint, format and types gate the suite (mypy's cache in .mypy_cache makes a re-run ~2 s).
test: lint typecheck
	scripts/ensure-test-services.sh
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(REDIS_URL) $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The bench group (Locust, py-spy, pyinstrument) and Debian's wrk, on top of the test install.
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet ".[bench]"
	command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || \
		{ echo "wrk is missing: install Debian's wrk package (apt-get install wrk)." >&2; exit 1; }
	rm -f $(VENV)/.bench-installed-* && touch $@

# About 12.5 minutes on 2 cores, install included: bench/results.md and .json (bench/README.md).
bench: $(BENCH_STAMP)
	scripts/start-services.sh
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .test-media .pytest_cache .mypy_cache
