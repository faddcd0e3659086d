# citywatch: every set-up step lives here, so a fresh machine needs only `make <target>`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: crawl test lint format check demo demo-web serve bench daemon clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,build]'
	touch $(STAMP)

## The main job: one crawl of the shipped watch list into the SQLite default (citywatch.db).
crawl: $(STAMP)
	$(BIN)/citywatch crawl --sources sources.toml

## The whole test suite.
test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: lint test

## Try citywatch offline: serves the bundled copy of the sites on 127.0.0.1 and crawls it.
demo: $(STAMP)
	$(BIN)/citywatch demo

## The same, then the dashboard on the demo's history at http://127.0.0.1:8080/ until Ctrl-C.
demo-web: $(STAMP)
	$(BIN)/citywatch demo --serve 127.0.0.1:8080

## The dashboard on citywatch.db (or $$CITYWATCH_DB) at http://127.0.0.1:8080/.
serve: $(STAMP)
	$(BIN)/citywatch serve

daemon: $(STAMP)
	$(BIN)/citywatch daemon --sources sources.toml

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
