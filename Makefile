# Every target sets itself up from nothing but python3 and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
COVERAGE_FLOOR ?= 92

.PHONY: demo test lint type unit bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python scripts/demo.py

test: lint type unit

lint: $(STAMP)
	$(BIN)/ruff check drift tests scripts bench
	$(BIN)/ruff format --check drift bench

type: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest -W error --cov=drift --cov-report=term --cov-fail-under=$(COVERAGE_FLOOR)

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .coverage .pytest_cache .mypy_cache .ruff_cache dist build
