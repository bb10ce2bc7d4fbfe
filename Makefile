# rdvm — the two commands: `make run` (install, seed the demo, serve the application) and `make test` (install, then the whole suite).
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

## Install, seed the demo database (migrations, companies, accounts, trainees, open vacancies; prints the demo
## sign-ins), then serve the application on http://127.0.0.1:8000 with the ranking worker beside it (Ctrl-C stops both).
run: install
	$(BIN)/rdvm demo --folder $(DEMO)
	$(BIN)/rdvm worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/rdvm serve --host 127.0.0.1 --port 8000

## Install and run everything CI runs: lint, types, tests.
test: install lint typecheck pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

## Worksteal: an idle worker takes tests queued on a busy one (the suite's test times are very uneven). Bytecode is
## written (some shells disable it), so the workers and the commands the tests start do not recompile every module.
pytest: install
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n auto --dist worksteal

bench: install
	$(BIN)/rdvm bench --size M --json

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
