# The two commands of the README: `make run` and `make test`. Both work on a fresh machine with
# only Python 3.11+ and git: they create .venv, install the pinned requirements and go.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check
HOST   ?= 127.0.0.1:8000
# Line coverage of the project's own code (pyproject.toml [tool.coverage]), printed by `make test`;
# .ci/run adds --cov-fail-under=90.
COVERAGE ?= --cov --cov-report=term

.PHONY: run test install install-dev lint format migrations-check compilemessages ci clean bench-faults

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(PIP) -r requirements.txt 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/python -c "import django, rest_framework, telegram"  # fail loudly if install failed
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(PIP) -r requirements-dev.txt 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/python -c "import django, pytest, pytest_django, moto, playwright, mypy"
	touch $(VENV)/.runtime $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

## run: install, migrate, seed demo data and serve on http://127.0.0.1:8000
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver $(HOST)

## test: install dev deps and run the whole suite (SQLite unless DATABASE_URL is set)
test: install-dev
	scripts/ensure-system-deps
	$(BIN)/python -m pytest $(COVERAGE) $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: install-dev
	$(BIN)/python manage.py makemigrations --check --dry-run

## bench-faults: latency/throughput under Redis down/hung and a PostgreSQL restart (docs/faults.md)
bench-faults: install-dev
	$(BIN)/python bench/faults.py

ci:
	.ci/run

clean:
	rm -rf $(VENV) staticfiles
