# Quick start: `make serve` (http://127.0.0.1:8000) and `make test`. Both install what is missing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
export FLASK_APP := backend
export SPATIALITE_LIBRARY_PATH ?= mod_spatialite

.PHONY: serve test lint format migrate clean pwa

$(BIN)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Wuhao needs Python 3.11 or newer")'
	@scripts/ensure-system-packages.sh --python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	@touch $@

# The phone web app (pwa/, Vite). Rebuilt only when a source is newer than the last build.
PWA_SOURCES := $(shell find pwa -path pwa/node_modules -prune -o -path pwa/dist -prune -o -type f -print 2>/dev/null)

pwa/dist/index.html: $(PWA_SOURCES)
	@scripts/ensure-system-packages.sh --node
	cd pwa && npm ci --no-audit --no-fund && npm run build
	@touch $@

pwa: pwa/dist/index.html

serve: $(BIN)/.installed pwa
	@scripts/ensure-system-packages.sh
	@mkdir -p instance
	$(BIN)/flask db upgrade
	$(BIN)/flask checklists import checklists/*.yaml
	$(BIN)/flask surveys import surveys/*.yaml
	$(BIN)/flask assessments import assessments/*.yaml
	$(BIN)/flask demo seed
	$(BIN)/flask notify once
	@echo "Wuhao on http://$(HOST):$(PORT)  (API docs: http://$(HOST):$(PORT)/api/docs)"
	$(BIN)/gunicorn --config gunicorn.conf.py --workers $(WORKERS) --bind $(HOST):$(PORT) wsgi:app

test: $(BIN)/.installed pwa
	@scripts/ensure-system-packages.sh --postgis --browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: $(BIN)/.installed
	$(BIN)/flask db migrate -m "$(m)"

clean:
	rm -rf $(VENV) instance/wuhao.sqlite* .pytest_cache .ruff_cache pwa/dist pwa/node_modules
