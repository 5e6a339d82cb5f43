# `make run` and `make test` set everything up on a fresh machine with Python 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Development settings (insecure key, no HTTPS redirect) unless the caller says otherwise.
export DJANGO_DEBUG ?= 1
# Where `make run` serves: `make run PORT=8080 HOST=0.0.0.0`.
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install migrate demo lint format messages audit bench load screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --no-input

demo: migrate
	$(BIN)/python manage.py load_demo_data

# The web server, one worker and the clock (Procfile), with the venv's python first.
run: demo
	PATH="$(CURDIR)/$(BIN):$$PATH" HOST=$(HOST) PYTHONUNBUFFERED=1 $(BIN)/honcho start -p $(PORT)

# On every core: each pytest-xdist worker takes whole test files, so the tests of a
# file never share their Redis database or server with each other meanwhile.
# `make test TEST_WORKERS=0` runs in one process.
TEST_WORKERS ?= auto
test: install
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Retake the README's screenshots (docs/screenshots/) from the demo data in Chromium.
screenshots: install
	README_SCREENSHOTS=1 $(BIN)/pytest tests/e2e/test_readme_screenshots.py

# The benchmark suite on PostgreSQL (DATABASE_URL, or crm_bench on 127.0.0.1): a scratch
# database it fills with generate_data. BENCH_ARGS="--entries 2000 --repeat 1" for a quick run.
bench: install
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	cd bench && ../$(BIN)/python run.py $(BENCH_ARGS)

# Load: simulated sales users (locust) reading and writing against gunicorn and
# PostgreSQL (DATABASE_URL, or crm_load on 127.0.0.1) for 5 minutes, then a count check
# of every row they wrote. LOAD_ARGS="--seconds 20" for a short run.
load: install
	cd bench && ../$(BIN)/python load.py $(LOAD_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	$(BIN)/python manage.py makemessages --locale nl --ignore ".venv/*" --ignore ".venv-newest/*" --ignore "static/*" \
		--ignore "staticfiles/*" --ignore "tests/*" --ignore "bench/*" --no-obsolete
	$(BIN)/python manage.py compilemessages --locale nl --ignore ".venv/*" --ignore ".venv-newest/*"

# Known vulnerabilities in every installed package, the app's and the dev tools'.
# --strict: a package the vulnerability service gives no answer for fails the audit too.
audit: install
	$(BIN)/pip-audit --strict --skip-editable --progress-spinner off

clean:
	rm -rf $(VENV) .venv-newest staticfiles test-artifacts
