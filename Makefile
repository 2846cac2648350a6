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

.PHONY: run test install install-dev lint format migrations-check compilemessages ci clean bench bench-faults

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

## bench: HTTP benchmark, app (gunicorn gthread) vs a raw WSGI + psycopg app, driven by wrk
## (200 seats, 10k reservations), then availability at 10^3 and 10^6 reservations for the
## scaling figure. Needs PostgreSQL (BENCH_DB; the _1k and _1m databases are made beside it).
BENCH_DB    ?= postgres://postgres@127.0.0.1:5432/bookit_bench_i15
# The Redis database the benchmarked app uses (its cache, throttles, sessions' cache).
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/5
export BENCH_REDIS_URL
BENCH_ARGS  ?= --rounds 5 --seconds 5
bench: install-dev
	scripts/ensure-system-deps
	$(BIN)/python bench/web/dataset.py --url $(BENCH_DB) --reservations 10000 --out bench/.data/10k.json
	$(BIN)/python bench/web/run.py --data bench/.data/10k.json $(BENCH_ARGS)
	$(BIN)/python bench/web/dataset.py --url $(BENCH_DB)_1k --reservations 1000 --out bench/.data/1k.json
	$(BIN)/python bench/web/dataset.py --url $(BENCH_DB)_1m --reservations 1000000 --out bench/.data/1m.json
	$(BIN)/python bench/web/run.py --data bench/.data/1k.json --only availability $(BENCH_ARGS)
	$(BIN)/python bench/web/run.py --data bench/.data/1m.json --only availability $(BENCH_ARGS)
	$(BIN)/python bench/web/scaling.py bench/.data/1k.json bench/.data/1m.json

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
