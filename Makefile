# Two commands: `make run` (the whole product on http://localhost:8000) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)

.PHONY: run test lint format bench faults load e2e-browser messages clean

$(INSTALLED): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $@

run: $(INSTALLED)
	$(PY) -m config.stack run

test: $(INSTALLED) lint
	$(PY) -m config.stack test $(ARGS)

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .

format: $(INSTALLED)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(INSTALLED)
	$(PY) -m config.stack bench $(ARGS)

# Scripted faults (worker killed, Redis restarted, PostgreSQL away, a cut-off batch): bench/faults.py
faults: $(INSTALLED)
	$(PY) -m config.stack bench faults

# 100 users for 2 minutes against gunicorn with production settings: bench/load.py (locust)
load: $(INSTALLED)
	$(PY) -m config.stack bench load

# Recompile translations after editing locale/*/LC_MESSAGES/django.po (needs GNU gettext).
messages: $(INSTALLED)
	$(PY) manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=.data --ignore=test-artifacts
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf .data
