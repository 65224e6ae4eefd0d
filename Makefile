# CoFund: `make run` serves the demo at http://127.0.0.1:8000; `make test` runs linters and tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck pytest bench bench-quick diagram catalogs clean

# Message catalogs: `make catalogs` extracts every message (Python `define(code, text)` and the
# templates' gettext calls) and updates each language's .po; the .mo files are compiled from
# them before the server or the tests run. `tests/unit/messages/test_catalogs.py` fails when a
# message lacks a translation or its placeholders differ from the English.
PO_FILES := $(wildcard messages/locale/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamps re-install only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

messages/locale/%/LC_MESSAGES/messages.mo: messages/locale/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -l $* -i $< -o $@

catalogs: $(VENV)/.installed
	$(BIN)/python -m messages.catalogs update

run: $(VENV)/.installed $(MO_FILES)
	$(BIN)/grants db upgrade
	$(BIN)/grants demo
	@echo "Serving CoFund at http://$(HOST):$(PORT) (Ctrl-C stops it)"
	$(BIN)/grants serve --background --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy grants workflows reviewers storage messages schedules transparency opendata

diagram: $(VENV)/.installed
	$(BIN)/grants workflows diagram

# Browser tests run in a pytest process of their own: Playwright's sync API drives its own
# event loop, which must not share a process with pytest-asyncio's session loop.
# The unit and integration tests run in one worker per core (pytest-xdist): each worker builds
# its own SQLite file, PostgreSQL database and SeaweedFS server, so they share nothing.
pytest: $(VENV)/.installed-dev $(MO_FILES)
	$(BIN)/pytest -n auto tests/unit tests/integration tests/races tests/crash
	$(BIN)/pytest tests/e2e

test: lint typecheck pytest

bench-quick: $(VENV)/.installed-dev
	$(BIN)/python bench/assignment.py --quick
	$(BIN)/python bench/merkle.py --quick
	$(BIN)/python bench/audit_tree.py --quick
	$(BIN)/python bench/export.py --quick
	$(BIN)/python bench/audit_pack.py --quick

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/assignment.py
	$(BIN)/python bench/merkle.py
	$(BIN)/python bench/audit_tree.py
	$(BIN)/python bench/export.py
	$(BIN)/python bench/audit_pack.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache .hypothesis
