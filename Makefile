# Ferghana Network Portal. The two commands: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: help run test services services-stop services-status install install-dev lint format clean

help: ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q --upgrade pip

# Stamp files: a second run installs nothing unless requirements changed.
$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	@echo "==> installing runtime dependencies"
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	@echo "==> installing runtime and test dependencies"
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	@touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run ## Create .venv and install runtime dependencies
install-dev: $(VENV)/.installed-dev ## Create .venv and install test dependencies too

run: install ## Migrate, load demo content and serve on http://127.0.0.1:$(PORT)
	scripts/run.sh

test: install-dev ## Start PostgreSQL and Elasticsearch, lint, check, run the whole suite
	scripts/test.sh

services: ## Start PostgreSQL and Elasticsearch (installed on first use) and print their URLs
	scripts/services.sh start

services-stop: ## Stop PostgreSQL and Elasticsearch
	scripts/services.sh stop

services-status: ## Tell whether the services run
	scripts/services.sh status

lint: install-dev ## ruff check, format check and the import layers (lint-imports)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo

format: install-dev ## Reformat the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean: ## Remove the virtualenv and local runtime data (not the services' data)
	rm -rf $(VENV) db.sqlite3 media private staticfiles
