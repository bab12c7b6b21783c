# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_PEOPLE ?= 2000
export DJANGO_SETTINGS_MODULE := fastkontakt.settings

.PHONY: install migrate demo run test lint pytest bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/fastkontakt manage migrate --noinput

demo: migrate
	$(BIN)/fastkontakt seed-demo --people $(DEMO_PEOPLE)

run: demo
	@$(BIN)/fastkontakt demo-login
	@echo "Fast kontakt: http://127.0.0.1:8000/"
	$(BIN)/fastkontakt manage runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/fastkontakt manage makemigrations --check --dry-run

pytest: install
	$(BIN)/pytest

test: lint pytest

bench: install
	$(BIN)/python bench/compliance.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .hypothesis
