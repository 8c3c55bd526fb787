# The two commands of the README, and a few more for developers.
#   make run   — install into .venv and run Maillage (SQLite, demo data on first start)
#   make test  — install into .venv with the development tools and run the whole test suite

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test install install-dev lint screenshots messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run
install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/maillage run --host $(HOST) --port $(PORT)

test: install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .

screenshots: install-dev
	$(BIN)/python scripts/screenshots.py

# Regenerate the French catalogue from the source, then compile it (needs GNU gettext).
messages: install-dev
	cd maillage && ../$(BIN)/django-admin makemessages -l fr --settings=config.settings --pythonpath=.. \
	  --ignore='static/vendor/*' --no-obsolete
	cd maillage && ../$(BIN)/django-admin compilemessages --settings=config.settings --pythonpath=..

clean:
	rm -rf $(VENV) data
