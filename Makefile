# Everyday entry points. Services are project-local (var/); see scripts/bootstrap.sh.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON := .venv/bin/python
# Base port for honcho: the first Procfile process (web) gets it.
PORT ?= 8000
SIZE ?= 2000
# whoosh (embedded) or opensearch (a local node from scripts/opensearch.sh)
SEARCH ?= whoosh
ENGINE ?= whoosh
PYTEST_ARGS ?=

.PHONY: help run test lint bench stop clean

help:
	@echo "make run     start PostgreSQL and Redis, migrate, load the demo, serve http://127.0.0.1:$(PORT)"
	@echo "             (SEARCH=opensearch: search on a local OpenSearch node instead of Whoosh)"
	@echo "make test    run the test suite (PYTEST_ARGS='-k search' to narrow it)"
	@echo "make lint    ruff check and ruff format --check"
	@echo "make bench   run the benchmarks (SIZE=$(SIZE) dispatches, ENGINE=whoosh or opensearch)"
	@echo "make stop    stop the project-local PostgreSQL, Redis and OpenSearch"
	@echo "make clean   stop, then delete var/ (database, index) and .venv"

run:
	bash scripts/bootstrap.sh $(if $(filter opensearch,$(SEARCH)),--opensearch)
	$(PYTHON) manage.py migrate --noinput
	$(PYTHON) manage.py collectstatic --noinput
	$(PYTHON) manage.py load_organisations
	$(PYTHON) manage.py load_demo
	PORT=$(PORT) exec .venv/bin/honcho start -f Procfile

test:
	bash scripts/bootstrap.sh --with-browser
	.venv/bin/pytest $(PYTEST_ARGS)

lint:
	bash scripts/bootstrap.sh --venv-only
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

bench:
	bash scripts/bootstrap.sh
	$(PYTHON) -m bench $(if $(SIZE),--size $(SIZE)) --engine $(ENGINE)

stop:
	bash scripts/stop.sh

clean: stop
	rm -rf var .venv
