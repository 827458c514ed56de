# Two commands: `make run` (the whole product on http://localhost:8000) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# uv installs the locks (seconds, not a minute); pip only installs uv itself, from its own lock.
INSTALL := $(VENV)/bin/uv pip install --python $(PY) --quiet --require-hashes --no-deps
# One stamp per lock file: a changed lock installs again, an unchanged one costs nothing.
RUNTIME := $(VENV)/.installed-run-$(shell cksum requirements.txt | cut -d' ' -f1)
DEVELOPMENT := $(VENV)/.installed-dev-$(shell cksum requirements-dev.txt | cut -d' ' -f1)

.PHONY: run test lint format bench faults load lock messages clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements-uv.txt

$(RUNTIME): requirements.txt | $(VENV)/bin/python
	$(INSTALL) -r requirements.txt
	rm -f $(VENV)/.installed-run-* && touch $@

$(DEVELOPMENT): requirements-dev.txt | $(VENV)/bin/python
	$(INSTALL) -r requirements-dev.txt
	rm -f $(VENV)/.installed-dev-* && touch $@

run: $(RUNTIME)
	$(PY) -m config.stack run

test: $(DEVELOPMENT) lint
	$(PY) -m config.stack test $(ARGS)

# ruff, the import contracts between apps (.importlinter), and the types (mypy, whose Django
# plugin reads the settings: placeholder URLs keep it from starting the embedded servers).
lint: $(DEVELOPMENT)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	DATABASE_URL=postgres://lint@127.0.0.1/lint REDIS_URL=redis://127.0.0.1/0 $(VENV)/bin/mypy

format: $(DEVELOPMENT)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(DEVELOPMENT)
	$(PY) -m config.stack bench $(ARGS)

# Scripted faults (worker killed, Redis restarted, PostgreSQL away, a cut-off batch): bench/faults.py
faults: $(DEVELOPMENT)
	$(PY) -m config.stack bench faults

# 100 users for 2 minutes against gunicorn with production settings: bench/load.py (locust)
load: $(DEVELOPMENT)
	$(PY) -m config.stack bench load

# Resolve requirements.in / requirements-dev.in into the locks (hashes; versions kept unless the
# .in files ask otherwise). `make lock ARGS=--upgrade` moves everything to the newest allowed.
lock: $(DEVELOPMENT)
	$(VENV)/bin/uv pip compile requirements.in -o requirements.txt --generate-hashes --python-version 3.11 --quiet $(ARGS)
	$(VENV)/bin/uv pip compile requirements-dev.in -o requirements-dev.txt --generate-hashes --python-version 3.11 --quiet $(ARGS)
	grep -A30 '^uv==' requirements-dev.txt | sed '/^[a-z]/{/^uv==/!Q}' > requirements-uv.txt

# Recompile translations after editing locale/*/LC_MESSAGES/django.po (needs GNU gettext).
messages: $(DEVELOPMENT)
	$(PY) manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=.data --ignore=test-artifacts
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf .data
