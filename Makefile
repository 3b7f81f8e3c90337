# selvvisitation — `make help` lists the targets.
# Python 3.12: CPython 3.11 corrupts its own memory under this app's load (issue 17,
# docs/deployment.md). pyenv takes the version from .python-version.
PYTHON ?= $(firstword $(shell command -v python3.12 2>/dev/null) python3)
# $(call py312,PYTHON): a command that succeeds when that Python runs and is 3.12 or newer.
py312 = $(1) -c 'import sys; sys.exit(sys.version_info < (3, 12))'
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
APP := $(BIN)/flask --app selvvisitation

.DEFAULT_GOAL := help
.PHONY: help setup run test test-only lint typecheck lock renovate strings browser pdf assets compile-translations demo-db migration release-migrations benchmark benchmark-requests clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-22s %s\n", $$1, $$2}'

# Exactly the versions CI tested: every package pinned with its hashes in requirements.lock
# (made by `make lock` from pyproject.toml); pip refuses a file whose hash is not listed.
$(BIN)/.installed: pyproject.toml requirements.lock
	@$(call py312,$(PYTHON)) || { echo "selvvisitation needs Python 3.12 or newer: CPython 3.11 crashes under its load (docs/deployment.md). Say which: make setup PYTHON=/path/to/python3.12" >&2; exit 1; }
	@$(call py312,$(BIN)/python) 2>/dev/null || rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

assets: node_modules/.installed ## Copy DKFDS and axe-core from node_modules into static/
	rm -rf static/dkfds static/vendor
	mkdir -p static/dkfds static/vendor
	cp -r node_modules/dkfds/dist/css node_modules/dkfds/dist/js node_modules/dkfds/dist/fonts node_modules/dkfds/dist/img static/dkfds/
	cp node_modules/axe-core/axe.min.js static/vendor/axe.min.js

compile-translations: $(BIN)/.installed ## Compile the Danish and English catalogues (.mo files are not committed)
	$(BIN)/pybabel compile --statistics -d translations 2>&1 | tail -n 2

setup: $(BIN)/.installed assets compile-translations pdf ## Install everything the app needs
	@git config merge.po.driver ".venv/bin/python scripts/merge_po.py %O %A %B" 2>/dev/null || true

browser: ## Install Debian's chromium for the browser tests where it is missing
	@if [ ! -x /usr/bin/chromium ]; then \
		($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null) \
		|| echo "Could not install chromium: browser tests will be skipped with a reason."; \
	fi

pdf: ## Install Debian's pango and fonts for the letter PDFs (WeasyPrint) where they are missing
	@if ! ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' || ! fc-list 2>/dev/null | grep -qi 'dejavu\|liberation'; then \
		($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fontconfig >/dev/null) \
		|| echo "Could not install pango: the letter PDFs (Hent som PDF, Digital Post) will fail."; \
	fi

demo-db: setup ## Create the demo database and print the demo logins
	SELVVISITATION_CONFIG=demo $(APP) db upgrade
	SELVVISITATION_CONFIG=demo $(APP) seed-demo

# The delivery worker runs beside the app, as in production, so what the demo does shows as
# sent on the Demo-udbakke page; it stops with the app.
run: demo-db ## Set up and run the app with demo data on http://127.0.0.1:8000
	SELVVISITATION_CONFIG=demo $(APP) deliver-notifications --interval 10 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	SELVVISITATION_CONFIG=demo $(BIN)/gunicorn --bind 127.0.0.1:8000 --workers 2 --access-logfile - 'selvvisitation:create_app("demo", serving=True)'

test: setup browser test-only ## Set up and run the whole test suite

# One worker per core (pytest-xdist); each has its own database (tests/conftest.py). The
# slowest tests are listed at the end, so a run that grew shows where (CI must stay under 45 min).
test-only: ## Run the test suite (after setup)
	$(BIN)/pytest -n auto --durations=15

lint: $(BIN)/.installed ## Ruff lint and format check (both are CI gates)
	$(BIN)/ruff check selvvisitation tests scripts
	$(BIN)/ruff format --check selvvisitation tests scripts

typecheck: $(BIN)/.installed ## mypy on the package: strict in domain/ and services/ (pyproject [tool.mypy])
	$(BIN)/mypy

strings: $(BIN)/.installed ## Extract marked strings and update the catalogues
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output --omit-header --no-wrap -o translations/messages.pot selvvisitation templates
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --no-wrap --ignore-obsolete

# 0001 is the released 1.0 schema: a released migration never changes (migrations/released.json
# holds its hash). After a model change, `make migration MESSAGE="..."` writes the next revision
# (0002, 0003 …) with Alembic autogenerate; read it, then commit it with the change.
migration: $(BIN)/.installed ## After a model change: the next migration revision, MESSAGE="what it does" (released ones never change)
	bash scripts/new_migration.sh "$(MESSAGE)"

release-migrations: $(BIN)/.installed ## At a release, VERSION=1.1.0: write its demo data for the upgrade test and freeze its migrations
	@test -n "$(VERSION)" || (echo 'Say which release: make release-migrations VERSION=1.1.0' >&2; exit 2)
	$(BIN)/python scripts/snapshot_release_data.py $(VERSION)
	$(BIN)/python scripts/release_migrations.py $(VERSION)

lock: $(BIN)/.installed ## Re-lock requirements.lock after changing pyproject.toml's dependencies (same versions where they still fit)
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --universal --python-version 3.12 --no-header --quiet -o requirements.lock

renovate: $(BIN)/.installed ## Upgrade every locked package to its newest release within pyproject.toml's ranges
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --universal --python-version 3.12 --no-header --quiet --upgrade -o requirements.lock
	@echo "requirements.lock renewed: run make test, then commit it"

benchmark-requests: setup ## Throughput (as a share of the trivial page, median and spread over alternating rounds), statements and memory of the pages people wait for (wrk; BENCHMARK_ARGS=--help)
	@command -v wrk >/dev/null || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk >/dev/null)
	$(BIN)/python scripts/benchmark_requests.py $(BENCHMARK_ARGS)

benchmark: $(BIN)/.installed ## Time the visitators' queue and case page on 100,000 citizens (PostgreSQL; own database, dropped after; BENCHMARK_ARGS=--help)
	$(BIN)/python scripts/benchmark_visitation.py $(BENCHMARK_ARGS)

clean: ## Remove installed and generated files
	rm -rf $(VENV) node_modules static/dkfds static/vendor
