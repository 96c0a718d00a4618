# Everyday commands. `make serve` and `make test` are the README's two commands.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# test processes (pytest-xdist); each test file runs whole in one of them, so its fixtures are made once
TEST_WORKERS ?= 2

.PHONY: setup serve seed test lint format clean

$(STAMP): pyproject.toml package-lock.json
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(STAMP)

setup: $(STAMP)

## Run the service on the embedded store (built from the seed content on first run).
serve: $(STAMP)
	$(BIN)/ressourcerie serve

seed: $(STAMP)
	$(BIN)/ressourcerie seed

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var node_modules .pytest_cache .ruff_cache
