# Cluster Platform — `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)

.DEFAULT_GOAL := help
.PHONY: help install requirements run test lint format migrations messages demo bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(STAMP):
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing Python packages into $(VENV) …"
	@$(PY) -m pip install --quiet --disable-pip-version-check -c requirements-dev.txt pip
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP) ## Create .venv and install the pinned requirements

# pip-tools: every transitive dependency pinned, with where it comes from (# via). Extras are
# stripped so that requirements.txt can constrain requirements-dev.txt; index and find-links
# options are left out (they belong to the machine, not the project). pip-compile keeps the
# existing pins: PIP_COMPILE_ARGS=--upgrade (or --upgrade-package NAME) takes newer releases.
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make requirements" $(VENV)/bin/pip-compile --quiet --strip-extras \
	--allow-unsafe --no-emit-index-url --no-emit-find-links --no-emit-trusted-host $(PIP_COMPILE_ARGS)

requirements: install ## Recompile requirements.txt and requirements-dev.txt from the .in files
	@$(PIP_COMPILE) -o requirements.txt requirements.in
	@$(PIP_COMPILE) -o requirements-dev.txt requirements-dev.in

run: install ## Migrate, load demo data and run web + worker + beat on embedded defaults (Ctrl-C stops all)
	@mkdir -p var
	@$(PY) manage.py migrate --noinput -v 0
	@$(PY) manage.py load_demo > var/demo-logins.txt
	@echo
	@echo "  Cluster Platform is starting at  http://$(HOST):$(PORT)/"
	@echo "  API docs:                        http://$(HOST):$(PORT)/api/docs/"
	@echo "  Health:                          http://$(HOST):$(PORT)/health/"
	@echo
	@sed 's/^/  /' var/demo-logins.txt
	@echo
	@echo "  Web, Celery worker and beat run below; Ctrl-C stops all three."
	@echo
	@HOST=$(HOST) WEB_PORT=$(PORT) $(VENV)/bin/honcho -f Procfile.dev start

# Coverage of apps/ (pytest-cov, settings in pyproject.toml): the total is the summary's last
# line but one, each file's lines are in var/coverage/index.html. COVERAGE= runs without it.
COVERAGE ?= --cov --cov-report=html:var/coverage

test: install ## Run the whole test suite with its coverage figure (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set, else SQLite)
	@$(PY) -m pytest $(COVERAGE) $(PYTEST_ARGS)

lint: install ## ruff check and format check; the apps' import contracts (pyproject.toml, import-linter)
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(VENV)/bin/lint-imports --no-logo --no-cache

format: install ## Apply ruff's fixes and formatting
	@$(VENV)/bin/ruff check --fix .
	@$(VENV)/bin/ruff format .

migrations: install ## Fail when models changed without a migration
	@$(PY) manage.py makemigrations --check --dry-run

messages: install ## Refresh the zh-hans catalogue and compile it (needs gettext)
	@$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=var --ignore=tests
	@$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

bench: install ## Benchmarks with printed figures (BENCH_ARGS=--skip-large skips 100k x 100k; DIST_BENCH_ARGS="--size 100000" a smaller distributed plan; BURST_BENCH_ARGS="--orders 3000" a longer burst)
	@$(PY) benchmarks/matching.py $(BENCH_ARGS)
	@$(PY) benchmarks/replan.py
	@$(PY) benchmarks/warm.py
	@$(PY) benchmarks/burst.py $(BURST_BENCH_ARGS)
	@$(PY) benchmarks/kpis.py
	@$(PY) benchmarks/dealroom.py
	@$(PY) benchmarks/documents.py
	@$(PY) benchmarks/parks.py
	@$(PY) benchmarks/search.py
	@$(PY) benchmarks/partnerships.py
	@$(PY) benchmarks/distributed.py $(DIST_BENCH_ARGS)

demo: install ## (Re)load the demo data
	@$(PY) manage.py migrate --noinput -v 0
	@$(PY) manage.py load_demo

clean: ## Remove local state (SQLite database, broker folder, caches) — not the virtualenv
	rm -rf var/db.sqlite3 var/celery-broker var/cache var/celerybeat-schedule* var/.coverage var/coverage .pytest_cache
