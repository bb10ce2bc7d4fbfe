# rdvm — the two commands: `make run` (install, then run on demo data) and `make test` (install, then the whole suite).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO := var/demo

.PHONY: run test install lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## Install, generate the demo files, and show the ranking of the demo vacancies.
run: install
	$(BIN)/rdvm synth $(DEMO) --trainees 30 --vacancies 8 --seed 2026
	$(BIN)/rdvm show $(DEMO)/trainees.json $(DEMO)/vacancies.json --top 5

## Install and run everything CI runs: lint, types, tests.
test: install lint typecheck pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/python -m pytest -n auto

bench: install
	$(BIN)/rdvm bench --size M --json

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
