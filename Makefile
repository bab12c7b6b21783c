# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_PEOPLE ?= 2000
# The port of `make run`: `PORT=8080 make run` (or `make run PORT=8080`).
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := fastkontakt.settings

CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

LETTERS_PNG ?= var/letters-png

.PHONY: install browser migrate demo run test lint pytest screenshots bench bench-scale-out bench-nightly clean \
	letters-png bench-worklist bench-fhir bench-locust bench-appointment bench-shapes bench-sync

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The browser tests drive Debian's Chromium (not a browser Playwright downloads) and inject
# axe-core, pinned in package-lock.json, into every page; node and npm come from Debian, and
# poppler-utils (pdftoppm) for the test that renders every sample letter to PNG.
browser:
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm >/dev/null; }
	@command -v pdftoppm >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq poppler-utils >/dev/null; }
	npm ci --no-audit --no-fund --loglevel=error

migrate: install
	$(BIN)/fastkontakt manage migrate --noinput

demo: migrate
	$(BIN)/fastkontakt seed-demo --people $(DEMO_PEOPLE)

# One web process (gunicorn) and one worker, started together; Ctrl-C stops both.
run: demo
	@$(BIN)/fastkontakt demo-login
	@echo "Fast kontakt: http://127.0.0.1:$(PORT)/"
	$(BIN)/fastkontakt run --port $(PORT)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/fastkontakt manage makemigrations --check --dry-run

pytest: install browser
	$(BIN)/pytest

# Screenshots of the main pages for the README, taken by the browser tests.
screenshots: install browser
	FASTKONTAKT_SCREENSHOTS=docs/screenshots $(BIN)/pytest tests/browser -q

test: lint pytest

# One letter of each kind as PDF and PNG in $(LETTERS_PNG), to be looked at before a release.
letters-png: install
	@command -v pdftoppm >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq poppler-utils >/dev/null; }
	$(BIN)/python -c 'import sys, django; django.setup(); from fastkontakt.letters.samples import main; sys.exit(main(sys.argv))' $(LETTERS_PNG)

bench: install
	$(BIN)/python bench/compliance.py

# Issue 18: the planner on five municipality shapes (300 customers, 5 minutes a plan, beside
# PyVRP's relaxed plan), each staffed to its demand: about 50 minutes.
# SHAPES_ARGS="--size 70 --time-limit 60" is quicker.
bench-shapes: install
	$(BIN)/python bench/planning/shapes.py $(SHAPES_ARGS)

# The benchmarks of issue 14, each on its own PostgreSQL database (fk_bench_*) of the server
# BENCH_DATABASE_URL points to; each loads its demo region once and reuses it.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres

# The worklist of a unit with 20 000 connected people (a 220 000-person region).
bench-worklist: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/worklist.py

# FHIR CareTeam search, 8 concurrent clients on 2 gunicorn workers, beside /fhir/metadata.
bench-fhir: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/fhir_load.py

# 50 signed-in users browsing worklists and person pages for 3 minutes (locust, headless).
bench-locust: install
	@$(BIN)/python -c 'import locust' 2>/dev/null || $(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/locust_staff.py

# One appointment through the service, with its findings-store refresh and its log.
bench-appointment: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/appointment.py

# Two web processes and two workers behind nginx on PostgreSQL; kills one of each mid-run.
# Installs Debian's nginx when missing.
bench-scale-out: install
	@test -x /usr/sbin/nginx || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nginx >/dev/null; }
	$(BIN)/python bench/scale_out.py

clean:
	rm -rf $(VENV) var node_modules .mypy_cache .ruff_cache .hypothesis

# The nightly full file of 250 000 people through fastkontakt sync (bench/sync.py, issue 15),
# in its own database fk_bench_sync (emptied each run).
bench-sync: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(BIN)/python bench/sync.py

# The nightly refresh of a 2 500 000-person region on PostgreSQL beside a COPY of its rows
# (bench/nightly.py; the region is built once into its own database and kept).
bench-nightly: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(BIN)/python bench/nightly.py
