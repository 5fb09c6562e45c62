# vnarchive: the two commands a newcomer needs are `make start` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PIP_CONSTRAINT := $(CURDIR)/constraints.txt
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Debian packages the project needs (installed by `make install` when run as root).
APT_PACKAGES := python3 python3-venv python3-dev build-essential curl ca-certificates chromium fonts-noto-core fonts-dejavu-core nginx postgresql wrk \
  tesseract-ocr tesseract-ocr-vie tesseract-ocr-lao tesseract-ocr-eng tesseract-ocr-fra \
  poppler-utils qpdf ghostscript graphicsmagick fonts-lao redis-server \
  fonts-liberation2 softhsm2 opensc libnss3-tools libpango-1.0-0 libpangoft2-1.0-0 zbar-tools

.PHONY: help
help: ## Show the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

.PHONY: system
system: ## Install the Debian packages (as root), or name those missing
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "Thiếu gói Debian / missing Debian packages: $$missing"; \
	    echo "Chạy / run: sudo apt-get install $$missing"; exit 1; \
	  fi; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python constraints.txt requirements.txt requirements-dev.txt src/vnarchive.content/pyproject.toml src/vnarchive.policy/pyproject.toml src/vnarchive.digitization/pyproject.toml src/vnarchive.search/pyproject.toml
	$(BIN)/pip install -q -c constraints.txt -r requirements-dev.txt
	touch $@

.PHONY: install
install: system $(VENV)/.installed ## Install everything (Debian packages, Python environment from exact pins)

.PHONY: start
start: install ## Start ZEO and Zope, create the site with demo holdings, serve it on :8080
	$(BIN)/python scripts/ctl.py start

.PHONY: start-cluster
start-cluster: install ## ZEO, 2 Zope clients (:8080, :8081) and nginx in front of them on :8000
	VNARCHIVE_CLIENTS=$${VNARCHIVE_CLIENTS:-2} VNARCHIVE_LB=1 $(BIN)/python scripts/ctl.py start

.PHONY: start-relstorage
start-relstorage: install ## PostgreSQL (RelStorage, :5433), 2 Zope clients and nginx on :8000
	VNARCHIVE_STORAGE=relstorage VNARCHIVE_CLIENTS=$${VNARCHIVE_CLIENTS:-2} VNARCHIVE_LB=1 \
	  $(BIN)/python scripts/ctl.py start

.PHONY: stop
stop: ## Stop what any start target started (nginx, clients, ZEO, PostgreSQL)
	$(BIN)/python scripts/ctl.py stop

.PHONY: status
status: ## Show what runs (database, Zope clients, load balancer)
	$(BIN)/python scripts/ctl.py status

.PHONY: test
test: install ## Run the whole test suite
	$(BIN)/pytest

.PHONY: test-quick
test-quick: install ## Run the tests that start no processes (tests/processes is left out)
	$(BIN)/pytest -m "not slow"

.PHONY: lint
lint: install ## Check style and layout: ruff, zpretty, file sizes and one-way imports
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/ruff format --check src tests scripts bench
	$(BIN)/python scripts/check_layout.py
	# Page templates are left out: zpretty writes Vietnamese letters as HTML entities,
	# which changes the msgid defaults the translations are keyed on.
	find src -name '*.zcml' | xargs $(BIN)/zpretty -z --check
	find src -path '*/profiles/*' -name '*.xml' | xargs $(BIN)/zpretty -x --check

.PHONY: format
format: install ## Format code: ruff and zpretty
	$(BIN)/ruff check --fix src tests scripts bench
	$(BIN)/ruff format src tests scripts bench
	find src -name '*.zcml' | xargs $(BIN)/zpretty -z -i
	find src -path '*/profiles/*' -name '*.xml' | xargs $(BIN)/zpretty -x -i

.PHONY: changelog
changelog: install ## Write the news/ fragments into CHANGELOG.md (make changelog VERSION=1.0.0)
	@test -n "$(VERSION)" || { echo "VERSION=… is needed"; exit 1; }
	$(BIN)/towncrier build --yes --version $(VERSION)

.PHONY: i18n
i18n: install ## Re-extract the vnarchive msgids and sync the vi/en/lo catalogs
	scripts/i18n.sh
	$(BIN)/pytest -q tests/setup/test_i18n.py

.PHONY: constraints
constraints: ## Re-pin constraints.txt from the current environment
	{ echo "# Exact pins for vnarchive (pip freeze of a working install; never pre-releases)."; \
	  echo "# Regenerate with 'make constraints' after changing dependencies."; \
	  $(BIN)/pip freeze --all --exclude-editable | grep -v -i '^vnarchive' | sort -f; } > constraints.txt

.PHONY: clean
clean: ## Remove the Python environment (never the data in instance/var)
	rm -rf $(VENV)

# ---- The other ways to run the same thing: zc.buildout (buildout.cfg) and Docker (docker/) ----
BUILDOUT_VENV := .venv-buildout
# zc.buildout and the tools it runs with; the same versions as buildout.cfg and versions.cfg.
BUILDOUT_PINS := zc.buildout==6.0.1 pip==26.3 setuptools==84.2.1 wheel==0.48.0 packaging==26.3 platformdirs==4.14.5
# constraints.txt pins .venv's old pip, which zc.buildout 6 cannot run with: the buildout uses
# the same pins without that line (they also pin hatchling for building the develop eggs).
BUILDOUT_CONSTRAINTS := $(CURDIR)/$(BUILDOUT_VENV)/constraints.txt

$(BUILDOUT_VENV)/bin/buildout:
	$(PYTHON) -m venv $(BUILDOUT_VENV)
	grep -v -i '^pip==' constraints.txt > $(BUILDOUT_CONSTRAINTS)
	PIP_CONSTRAINT=$(BUILDOUT_CONSTRAINTS) $(BUILDOUT_VENV)/bin/pip install -q $(BUILDOUT_PINS)

.PHONY: buildout
buildout: $(BUILDOUT_VENV)/bin/buildout ## Build ZEO + a Zope client with zc.buildout (bin/zeoserver, bin/instance)
	$(PYTHON) scripts/buildout_versions.py --check
	grep -v -i '^pip==' constraints.txt > $(BUILDOUT_CONSTRAINTS)
	PIP_CONSTRAINT=$(BUILDOUT_CONSTRAINTS) $(BUILDOUT_VENV)/bin/buildout

.PHONY: docker-check
docker-check: ## Parse docker/docker-compose.yml (docker compose, else docker-compose, else PyYAML)
	@if docker compose version >/dev/null 2>&1; then \
	  docker compose -f docker/docker-compose.yml config --quiet && echo "docker compose: docker/docker-compose.yml is valid"; \
	elif command -v docker-compose >/dev/null 2>&1; then \
	  docker-compose -f docker/docker-compose.yml config --quiet && echo "docker-compose: docker/docker-compose.yml is valid"; \
	else \
	  echo "No docker compose here: checking only that docker/docker-compose.yml is YAML"; \
	  $(BIN)/python -c "import sys, yaml; yaml.safe_load(open('docker/docker-compose.yml')); print('YAML ok')"; \
	fi

.PHONY: buildout-smoke
buildout-smoke: ## CI step: build with buildout, start it on free ports, fetch the site once
	scripts/buildout_smoke.sh

# ---- Backups and fixity (scripts/backup.py, scripts/fixity.py; see docs/operations.md) ----
.PHONY: backup
backup: ## Back up database and files into two independent sets (VNARCHIVE_BACKUP_1, _2; FULL=1)
	$(BIN)/python scripts/backup.py backup $(if $(FULL),--full)

.PHONY: restore
restore: ## Verify a backup set, then restore it with the servers stopped: FROM=1|2 [AT=point]
	@test -n "$(FROM)" || { echo "Usage: make restore FROM=1|2 [AT=YYYY-MM-DD-HH-MM-SS]"; exit 2; }
	$(BIN)/python scripts/backup.py restore --from $(FROM) $(if $(AT),--at $(AT))

.PHONY: fixity
fixity: ## Check every stored file against its SHA-256; resumes an unfinished run (RESTART=1)
	$(BIN)/zconsole run $(or $(VNARCHIVE_ETC),instance/etc)/zope-client1.conf scripts/fixity.py $(if $(RESTART),--restart)

.PHONY: bench-web
bench-web: install ## Benchmark pages, REST and search vs vanilla Plone, 1 and 2 clients (needs wrk)
	@command -v wrk >/dev/null || { echo "bench-web needs wrk: apt-get install wrk"; exit 1; }
	$(BIN)/python bench/web.py $(BENCH_ARGS)

.PHONY: bench-guard
bench-guard: install ## Benchmark the trust guard: requests published with it vs without it, in one Zope
	$(BIN)/python bench/guard.py $(BENCH_ARGS)

.PHONY: bench-search
bench-search: install ## Benchmark search: 100,000 documents in Solr, Plone REST vs straight to Solr, catalog fallback
	$(BIN)/python bench/search.py $(BENCH_ARGS)

.PHONY: bench-ocr
bench-ocr: install ## Benchmark OCR: pipeline (clean-up, hOCR, PDF/A) vs raw tesseract, pages/min and CER
	$(BIN)/python bench/ocr.py $(BENCH_ARGS)

# ---- Search: Apache Solr 9 with the vnarchive core (solr/, see solr/README.md) ----
.PHONY: solr
solr: ## Build Solr (solr/: Maven; the first build fetches from Maven Central, then offline)
	$(PYTHON) scripts/solrctl.py build

.PHONY: solr-start
solr-start: ## Start Solr alone on VNARCHIVE_SOLR_PORT [8983] (make start starts it too)
	$(BIN)/python scripts/ctl.py solr-start

.PHONY: solr-stop
solr-stop: ## Stop Solr
	$(BIN)/python scripts/ctl.py solr-stop

.PHONY: solr-sync
solr-sync: ## Make Solr match the catalog: index missing and stale records, delete removed ones (FULL=1)
	$(BIN)/zconsole run $(or $(VNARCHIVE_ETC),instance/etc)/zope-client1.conf scripts/solr_sync.py $(if $(FULL),--full)

# ---- Digitization: batch import and workers (docs/digitization.md) ----
.PHONY: import
import: ## Import a batch of scans with a progress bar: BATCH=/path [VALIDATE=1] (workers must run)
	@test -n "$(BATCH)" || { echo "Usage: make import BATCH=/path/to/batch [VALIDATE=1]"; exit 2; }
	$(BIN)/python scripts/import_batch.py "$(BATCH)" $(if $(VALIDATE),--validate) --conf $(or $(VNARCHIVE_ETC),instance/etc)/zope-client1.conf

.PHONY: worker
worker: ## Run one digitization worker in the foreground (make start runs VNARCHIVE_WORKERS of them)
	OMP_THREAD_LIMIT=1 $(BIN)/python scripts/worker.py --conf $(or $(VNARCHIVE_ETC),instance/etc)/zope-client1.conf
